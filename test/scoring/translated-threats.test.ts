// The README's NATO threat, and a variant of it, against natural translations into each language
// the scorer reads (test/fixtures/scoring/translated-threats.jsonl: {"en", "speaker",
// "translations": [{"lang", "text"}]}, several word orders, with and without "legitimate"):
// each translation scores in the band of its English sentence, read in its own language, its
// targeting evidence carrying the span of its condition ("Если", "如果").

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer } from './fixtures.ts';
import type { SignalWithContext } from '../../server/scoring/languages/context-spans.ts';

interface Group {
  en: string;
  speaker: string;
  translations: Array<{ lang: string; text: string }>;
}

const groups = readJsonl<Group>('translated-threats.jsonl');

test('the fixture covers every language the scorer reads, the Russian one in several forms', () => {
  const langs = new Set(groups.flatMap((g) => g.translations.map((t) => t.lang)));
  for (const lang of scorer().languages!.filter((l) => l !== 'en')) assert.ok(langs.has(lang), `no translation into ${lang}`);
  assert.ok(groups[0]!.translations.filter((t) => t.lang === 'ru').length >= 3);
});

for (const g of groups) {
  test(`translations of "${g.en}" score in its band`, () => {
    const en = scorer().score(g.en, { lang: 'en', speaker: g.speaker });
    const off: string[] = [];
    for (const t of g.translations) {
      const r = scorer().score(t.text, { lang: t.lang, speaker: g.speaker });
      assert.equal(r.language?.lang, t.lang, t.text);
      if (r.level !== en.level) off.push(`${t.lang} ${r.score} ${r.level} (English ${en.score} ${en.level}): ${t.text}`);
      const threat = r.signals.find((s) => s.category === 'targeting') as SignalWithContext | undefined;
      assert.ok(threat, `no targeting evidence: ${t.text}`);
      assert.ok(threat.condition, `no condition span: ${t.text}`);
      assert.equal(r.actors.speaker, 'Russia', t.text);
    }
    assert.deepEqual(off, []);
  });
}
