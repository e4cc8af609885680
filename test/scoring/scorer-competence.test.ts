// Language competence beyond the taxonomy's own phrases, one class of problem per block:
// deaths without violence, British and alternative spellings, diplomatic threat formulas
// (fixtures in test/fixtures/scoring/competence.jsonl; contrast pairs of the same classes are
// in pairs.jsonl and checked by scorer-ranking.test.ts).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readJsonl, scorer } from './fixtures.ts';
import { stem } from '../../server/scoring/stem.ts';
import { createScorer } from '../../server/scoring/index.ts';
import { DEFAULT_LEXICON_DIR, LEXICON_FILES } from '../../server/config/load-scorer.ts';

interface CompetenceCase {
  class: string;
  text: string;
  min?: number;
  max?: number;
  category?: string;
}

const cases = readJsonl<CompetenceCase>('competence.jsonl');

test('the competence set covers each class with several statements', () => {
  const byClass = new Map<string, number>();
  for (const c of cases) byClass.set(c.class, (byClass.get(c.class) ?? 0) + 1);
  for (const cls of ['peaceful-death', 'disaster-death', 'violent-death', 'british-spelling', 'threat-formula', 'quantified-release', 'generic-threat']) {
    assert.ok((byClass.get(cls) ?? 0) >= 4, `${cls}: ${byClass.get(cls) ?? 0} cases`);
  }
  const pairs = readJsonl<{ kind: string }>('pairs.jsonl');
  for (const kind of ['cause-of-death', 'spelling', 'threat-formula']) {
    assert.ok(pairs.filter((p) => p.kind === kind).length >= 4, `fewer than 4 ${kind} pairs`);
  }
});

for (const c of cases) {
  const bounds = `${c.min !== undefined ? `>= ${c.min}` : ''}${c.min !== undefined && c.max !== undefined ? ' and ' : ''}${c.max !== undefined ? `< ${c.max}` : ''}`;
  test(`score() reads a ${c.class} statement (${bounds}${c.category ? `, ${c.category}` : ''}): ${c.text.slice(0, 60)}`, () => {
    const r = scorer().score(c.text);
    const evidence = JSON.stringify(r.signals.map((s) => [s.category, s.text, s.modality, s.weight]));
    if (c.min !== undefined) assert.ok(r.score >= c.min, `scored ${r.score} < ${c.min}: ${evidence}`);
    if (c.max !== undefined) assert.ok(r.score < c.max, `scored ${r.score} >= ${c.max}: ${evidence}`);
    if (c.category !== undefined) assert.ok(r.signals.some((s) => s.category === c.category), `no ${c.category}: ${evidence}`);
  });
}

test('score() keeps a death word at full weight only in a violent context', () => {
  const s = scorer();
  const weightOf = (text: string): number => s.score(text).signals.find((g) => g.category === 'casualties')?.weight ?? 0;
  const violent = weightOf('Ten people were killed in an attack on the market.');
  const bare = weightOf('Ten people were killed on the market.');
  const disaster = weightOf('Ten people were killed in a flood on the market.');
  assert.ok(violent > bare && bare > disaster && disaster > 0, `violent ${violent}, bare ${bare}, disaster ${disaster}`);
});

test('score() reads a violent context in the previous sentence too', () => {
  const r = scorer().score('Rockets hit the town overnight. Four people died.');
  const died = r.signals.find((g) => g.text === 'died');
  assert.ok(died !== undefined && died.weight >= 1, JSON.stringify(r.signals));
});

test('score() does not scale casualties by an age ("died at 92", "aged 92")', () => {
  const s = scorer();
  const plain = s.score('The man died on Sunday.').score;
  assert.equal(s.score('The man died on Sunday at 92.').score, plain);
  assert.equal(s.score('The man died on Sunday aged 92.').score <= plain, true);
});

test('stem() maps British -ise/-isation/-yse, -our, -ence, -tre, -mme, -logue spellings to the American form', () => {
  const same: Array<[string, string]> = [
    ['mobilisation', 'mobilization'], ['mobilise', 'mobilize'], ['mobilised', 'mobilized'], ['mobilising', 'mobilizing'],
    ['militarisation', 'militarization'], ['demilitarised', 'demilitarized'], ['normalisation', 'normalization'],
    ['normalise', 'normalize'], ['organise', 'organize'], ['organisations', 'organizations'], ['criticised', 'criticized'],
    ['recognises', 'recognizes'], ['analyse', 'analyze'], ['paralysed', 'paralyzed'], ['defence', 'defense'],
    ['offences', 'offenses'], ['armour', 'armor'], ['rumoured', 'rumored'], ['honour', 'honor'], ['centre', 'center'],
    ['programme', 'program'], ['dialogue', 'dialog'], ['favourable', 'favorable'],
  ];
  for (const [british, american] of same) assert.equal(stem(british), stem(american), `${british} / ${american}`);
  // every form of a short verb keeps one stem; unrelated short words are not rewritten
  for (const forms of [['raise', 'raised', 'raising'], ['rise', 'rises'], ['pour', 'poured'], ['tour', 'toured']]) {
    assert.equal(new Set(forms.map(stem)).size, 1, forms.join(', '));
  }
  assert.notEqual(stem('fence'), stem('defence'));
});

test('score() finds every mobilisation, militarisation and normalisation signal under both spellings', () => {
  const s = scorer();
  for (const [british, american] of [
    ['Russia announced a partial mobilisation.', 'Russia announced a partial mobilization.'],
    ['Russia will mobilise reservists.', 'Russia will mobilize reservists.'],
    ['China condemned the militarisation of the islands.', 'China condemned the militarization of the islands.'],
    ['The two states agreed to normalise relations.', 'The two states agreed to normalize relations.'],
    ['They signed a defence pact.', 'They signed a defense pact.'],
  ]) {
    assert.equal(s.score(british!).score, s.score(american!).score, british);
  }
});

function lexicon(): Record<string, any> {
  const out: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(LEXICON_FILES)) {
    out[key] = JSON.parse(readFileSync(path.join(DEFAULT_LEXICON_DIR, file), 'utf8'));
  }
  return out;
}

test('createScorer() rejects a needsViolentContext phrase that is not a signal, naming it', () => {
  const lex = lexicon();
  lex['cues']['needsViolentContext']['fell asleep'] = 0.5;
  assert.throws(() => createScorer(lex), /needsViolentContext: "fell asleep" \(stemmed\) is not a signal/);
});

test('createScorer() rejects a peacefulDeath factor above 1, naming it', () => {
  const lex = lexicon();
  lex['cues']['peacefulDeath']['cancer'] = 2;
  assert.throws(() => createScorer(lex), /peacefulDeath\["cancer"\]: must be a number between 0 and 1/);
});
