// The engine that reads other languages (server/scoring/languages/): loading and validating a
// language folder, tokenizers whose offsets index the original string, dispatch on the
// statement's language, mixed-language texts and actors that resolve across languages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_LEXICON_DIR, loadScorer, scorerLanguages } from '../../server/config/load-scorer.ts';
import { createSegmentTokenizer } from '../../server/scoring/languages/segment-tokenize.ts';
import { tokenizeArabic, stripClitics, normalizeArabic } from '../../server/scoring/languages/arabic.ts';
import { PUNCT } from '../../server/scoring/tokenize.ts';
import { scorer } from './fixtures.ts';

const NATO_RU = 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и станут целью';
const NATO_EN = 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.'; // the README's
/** A closer translation of the README's "targeted accordingly". */
const NATO_RU_LITERAL = 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и поражаться соответствующим образом.';

/** A copy of data/lexicon with `edit` applied to one language file; the scorer loaded from it. */
function withLanguageFile(lang: string, file: string, edit: (json: any) => unknown): () => unknown {
  const dir = mkdtempSync(path.join(tmpdir(), 'bw-lang-'));
  cpSync(DEFAULT_LEXICON_DIR, dir, { recursive: true });
  const target = path.join(dir, lang, file);
  let json: any;
  try {
    json = JSON.parse(readFileSync(target, 'utf8'));
  } catch {
    json = undefined;
  }
  writeFileSync(target, JSON.stringify(edit(json) ?? json));
  return () => {
    try {
      return loadScorer(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('loadScorer() reads English and every language folder with signals.json', () => {
  assert.deepEqual([...(scorer().languages ?? [])].sort(), [...scorerLanguages()].sort()); // same set; the scorer lists them sorted
  for (const l of ['en', 'ru', 'uk']) assert.ok(scorer().languages?.includes(l), l);
});

test('a language folder with an unknown category is rejected, naming file and entry', () => {
  const load = withLanguageFile('ru', 'signals.json', (j) => ({ ...j, 'threat-of-forc': ['угроза'] }));
  assert.throws(load, /data\/lexicon\/ru\/signals\.json: "threat-of-forc": unknown category/);
});

test('an empty phrase, an unknown cue list and an unknown canonical actor are rejected by file', () => {
  assert.throws(
    withLanguageFile('ru', 'signals.json', (j) => ({ ...j, ultimatum: [...j.ultimatum, '  '] })),
    /data\/lexicon\/ru\/signals\.json: "ultimatum"\[\d+\]: phrase must be a non-empty string/,
  );
  assert.throws(withLanguageFile('uk', 'cues.json', (j) => ({ ...j, negations: ['не'] })), /data\/lexicon\/uk\/cues\.json: "negations": unknown cue list/);
  assert.throws(
    withLanguageFile('uk', 'actors.json', (j) => ({ aliases: { ...j.aliases, Rusia: ['Росія'] } })),
    /data\/lexicon\/uk\/actors\.json: aliases\["Rusia"\]: unknown canonical actor/,
  );
});

test('the compiler errors of a language name its file (same stems in two categories)', () => {
  const load = withLanguageFile('ru', 'signals.json', (j) => ({ ...j, ceasefire: [...j.ceasefire, 'атакуют'] }));
  assert.throws(load, /data\/lexicon\/ru\/signals\.json\["(ceasefire|attack-reported)"\]\[\d+\]: phrase "[^"]+" duplicates/);
});

test('two aliases of different actors that stem alike are rejected', () => {
  const load = withLanguageFile('ru', 'actors.json', (j) => ({ aliases: { ...j.aliases, Belarus: [...j.aliases.Belarus, 'России'] } }));
  assert.throws(load, /data\/lexicon\/ru\/actors\.json.*alias "Росси[яи]" already belongs to "(Russia|Belarus)"/);
});

test('the Russian NATO threat scores in the band of the English one, with threat, condition and target in Cyrillic', () => {
  const ru = scorer().score(NATO_RU, { lang: 'ru' });
  const en = scorer().score(NATO_EN, { lang: 'en' });
  assert.equal(ru.level, en.level, `${ru.score} vs ${en.score}`);
  assert.equal(scorer().score(NATO_RU_LITERAL, { lang: 'ru' }).level, en.level);
  assert.equal(ru.language?.lang, 'ru');
  assert.ok(ru.signals.some((s) => s.category === 'targeting' && s.modality === 'conditional'));
  for (const s of ru.signals) {
    assert.equal(NATO_RU.slice(s.start, s.end), s.text);
    assert.match(s.text, /^[\u0400-\u04ff ]+$/);
  }
  assert.deepEqual(ru.actors.targets, ['NATO']);
});

test('inflected names resolve to the canonical actor in every language (per-actor metrics combine)', () => {
  const s = scorer();
  assert.deepEqual(s.score('Кремль пригрозил Польше ответными мерами.', { lang: 'ru' }).actors.mentioned.sort(), ['Poland', 'Russia']);
  assert.ok(s.score('Войска России атаковали позиции.', { lang: 'ru' }).actors.mentioned.includes('Russia'));
  assert.ok(s.score('Удари Росії по Києву тривають.', { lang: 'uk' }).actors.mentioned.includes('Russia'));
  assert.equal(s.resolveActor('Кремль'), 'Russia');
  assert.equal(s.resolveActor('Росії'), 'Russia');
  assert.equal(s.resolveActor('Kremlin'), 'Russia');
});

test('without a decided language the script decides: і ї є ґ read as Ukrainian, otherwise Russian', () => {
  assert.equal(scorer().score('Росія загрожує Україні.').language?.lang, 'uk');
  assert.equal(scorer().score('Россия угрожает Украине.').language?.lang, 'ru');
  assert.equal(scorer().score('Russia threatens Ukraine.').language?.lang, 'en');
  assert.equal(scorer().score('Russia threatens Ukraine.', { lang: 'und' }).language?.lang, 'en');
});

test('a mixed-language text is read in its main language and says so', () => {
  const text = 'Кремль пригрозил ответом. The Kremlin threatened a response against the alliance.';
  const r = scorer().score(text, { lang: 'ru' });
  assert.equal(r.language?.lang, 'ru');
  assert.deepEqual(r.language?.mixed, ['Latin']);
  assert.equal(scorer().score(NATO_RU, { lang: 'ru' }).language?.mixed, undefined, 'one Latin acronym is not mixed');
});

test('evidence offsets index the original string, surrogate pairs included', () => {
  const text = '😀😀 Россия 𝒳 нанесла удар по Киеву 😀, погибли люди.';
  const r = scorer().score(text, { lang: 'ru' });
  assert.ok(r.signals.length > 0);
  for (const s of r.signals) {
    assert.equal(text.slice(s.start, s.end), s.text);
    const before = text.charCodeAt(s.start - 1);
    assert.ok(!(before >= 0xd800 && before <= 0xdbff), 'a span never starts inside a surrogate pair');
  }
});

test('the Chinese tokenizer splits words with Intl.Segmenter and maps full-width marks', () => {
  const text = '如果北约部队出现在乌克兰领土上，他们将成为目标。😀俄罗斯？';
  const { tokens, sentenceEnds } = createSegmentTokenizer('zh')(text);
  for (const t of tokens) assert.ok(t.end > t.start && text.slice(t.start, t.end).length === t.end - t.start);
  const words = tokens.filter((t) => t.kind !== PUNCT).map((t) => text.slice(t.start, t.end));
  assert.ok(words.includes('北约') && words.includes('目标') && words.includes('俄罗斯'), words.join('|'));
  assert.deepEqual(tokens.filter((t) => t.kind === PUNCT).map((t) => t.lower), [',', '.', '?']);
  assert.deepEqual(sentenceEnds.slice(0, 2), ['.', '?']);
});

test('Arabic: punctuation and digits read as ASCII with the same offsets; article and clitics stripped', () => {
  const text = 'هاجمت القوات المدينة، وقتل ٢٠ شخصا؟';
  const { tokens } = tokenizeArabic(text);
  assert.deepEqual(tokens.filter((t) => t.kind === PUNCT).map((t) => [t.lower, text[t.start]]), [[',', '،'], ['?', '؟']]);
  const n = tokens.find((t) => t.lower === '20')!;
  assert.equal(text.slice(n.start, n.end), '٢٠');
  assert.equal(stripClitics(normalizeArabic('والعقوبات')), 'عقوبات');
  assert.equal(stripClitics(normalizeArabic('بالأسلحة')), 'اسلحه');
  assert.equal(stripClitics(normalizeArabic('وقواتها')), 'قوات');
});
