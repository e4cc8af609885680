import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer, type CategoryCase, type NeutralCase, type Pair } from './fixtures.ts';

const pairs = readJsonl<Pair>('pairs.jsonl');
const categories = readJsonl<CategoryCase>('categories.jsonl');
const neutral = readJsonl<NeutralCase>('neutral.jsonl');

test('the development set has at least 60 contrast pairs and 300 statements', () => {
  assert.ok(pairs.length >= 60, `${pairs.length} pairs`);
  const modality = readJsonl('modality.jsonl').length;
  const actors = readJsonl('actors.jsonl').length;
  const statements = pairs.length * 2 + categories.length + neutral.length + modality + actors;
  assert.ok(statements >= 300, `${statements} statements`);
});

for (const [i, p] of pairs.entries()) {
  test(`score() ranks the escalatory side of a ${p.kind} pair higher (#${i + 1}: ${p.low.slice(0, 50)})`, () => {
    const high = scorer().score(p.high);
    const low = scorer().score(p.low);
    assert.ok(high.score > low.score, `high ${high.score} <= low ${low.score}\n  high: ${p.high}\n  low:  ${p.low}`);
  });
}

for (const c of categories) {
  test(`score() finds ${c.category} and moves the score towards ${c.direction}: ${c.text.slice(0, 60)}`, () => {
    const r = scorer().score(c.text);
    assert.ok(
      r.signals.some((s) => s.category === c.category),
      `no ${c.category} signal in ${JSON.stringify(r.signals.map((s) => [s.category, s.text]))}`,
    );
    if (c.direction === 'escalation') assert.ok(r.score >= 20, `escalatory statement scored ${r.score}`);
    else assert.ok(r.score < 10, `de-escalatory statement scored ${r.score} (baseline is 10)`);
  });
}

for (const n of neutral) {
  test(`score() keeps a neutral statement calm (< 20): ${n.text.slice(0, 60)}`, () => {
    const r = scorer().score(n.text);
    assert.ok(r.score < 20, `scored ${r.score}: ${JSON.stringify(r.signals.map((s) => [s.category, s.text]))}`);
    assert.equal(r.level, 'calm');
  });
}

test('score() gives a nuclear threat a higher score than a conventional one', () => {
  const nuclear = scorer().score('Moscow threatened a nuclear strike on Warsaw.');
  const conventional = scorer().score('Moscow threatened a missile strike on Warsaw.');
  assert.ok(nuclear.score > conventional.score, `${nuclear.score} <= ${conventional.score}`);
  assert.equal(nuclear.level, 'severe');
});

test('score() raises a report with more casualties', () => {
  const many = scorer().score('The shelling killed 300 civilians in the city.');
  const few = scorer().score('The shelling killed 2 civilians in the city.');
  assert.ok(many.score > few.score, `${many.score} <= ${few.score}`);
});

test('score() raises a threat against "any" target or "immediately"', () => {
  const plain = scorer().score('The army will retaliate against the convoy.');
  assert.ok(scorer().score('The army will retaliate against any convoy.').score > plain.score);
  assert.ok(scorer().score('The army will immediately retaliate against the convoy.').score > plain.score);
});

test('score() keeps the NATO conditional threat close to the plain threat (a conditional threat is still a threat)', () => {
  const cond = scorer().score('If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.');
  const plain = scorer().score('NATO troops on Ukrainian soil will be considered combatants and targeted.');
  assert.ok(cond.score >= 0.85 * plain.score, `conditional ${cond.score} vs plain ${plain.score}`);
  assert.ok(cond.score >= 40, `scored ${cond.score}`);
  assert.ok(cond.signals.some((s) => s.category === 'targeting' && s.modality === 'conditional'));
  assert.deepEqual(cond.actors.targets, ['NATO']);
});

test('score() scores a withdrawal report after fighting below neutral text', () => {
  const r = scorer().score('Troops withdrew after the fighting.');
  assert.ok(r.score < 10, `scored ${r.score}`);
});

test('score() of text without signals is the baseline 10 and calm', () => {
  const r = scorer().score('The room is on the second floor.');
  assert.equal(r.score, 10);
  assert.equal(r.level, 'calm');
  assert.deepEqual(r.signals, []);
});

test('score() discounts a repeated taxonomy category ("threatened to retaliate" is one threat said twice)', () => {
  const r = scorer().score('Iran threatened to retaliate.');
  const threats = r.signals.filter((s) => s.category === 'threat-of-force');
  assert.equal(threats.length, 2);
  const single = scorer().score('Iran threatened Israel.');
  const independent = scorer().score('Iran threatened Israel and declared its embassies legitimate targets.');
  // two threat phrases raise the score, but by less than a second independent threat does
  assert.ok(r.score > single.score && r.score < independent.score, `${r.score} vs ${single.score} and ${independent.score}`);
});

test('score() weighs a signal in the lead of a sentence more than the same word late in a long one', () => {
  const lead = scorer().score('Violence spread across the region as officials met in the capital to discuss trade and tourism plans.');
  const late = scorer().score('Officials met in the capital to discuss trade and tourism plans as the region saw violence.');
  const w = (r: typeof lead): number => r.signals.find((s) => s.text.toLowerCase() === 'violence')!.weight;
  assert.ok(w(lead) > w(late), `${w(lead)} <= ${w(late)}`);
});

test('score() restarts the lead after a speech verb (reported speech has its own lead)', () => {
  const reported = scorer().score('The foreign ministry spokesman in the capital said the army would shell the border towns.');
  const preamble = scorer().score('The foreign ministry building in the capital is where the army would shell the border towns.');
  const w = (r: typeof reported): number => r.signals.find((x) => x.text === 'shell')!.weight;
  assert.ok(w(reported) > w(preamble), `${w(reported)} <= ${w(preamble)}`);
});

test('score() separates conflict from cooperation news sentences (ROC-AUC >= 0.95 on the news sample)', async () => {
  const { rocAuc } = await import('../../server/scoring/rank-stats.ts');
  const rows = readJsonl<{ text: string; quadclass: number }>('news-quadclass.jsonl');
  assert.ok(rows.length >= 40);
  const auc = rocAuc(
    rows.map((r) => scorer().score(r.text).score),
    rows.map((r) => r.quadclass >= 3),
  );
  assert.ok(auc >= 0.95, `AUC ${auc}`);
});
