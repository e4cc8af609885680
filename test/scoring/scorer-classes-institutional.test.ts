// Classes of institutional and wire language found by reading the scorer's errors on UN prose
// (lexicon 2026.12-3), each with contrast pairs of its own in test/fixtures/scoring/classes.jsonl:
// expressing concern, alarm or regret is disapproval; failing, refusing or being unwilling to
// comply reverses cooperation; violence in the passive after a cooperative subject names that
// subject as its victim; a field of policy ("terrorism", "small arms", "armed conflict") named
// as the subject of a programme is a topic, not violence; a value violated ("violations of human
// rights") is counted once, with the violation; "noted" and "non-" are not negations. The ranking of each pair is checked
// with the other classes in scorer-classes.test.ts; here are the properties of each class.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer } from './fixtures.ts';

interface ClassPair {
  class: string;
  high: string;
  low: string;
}

const pairs = readJsonl<ClassPair>('classes.jsonl');
const of = (cls: string): ClassPair[] => pairs.filter((p) => p.class === cls);

test('each institutional class has at least 15 contrast pairs of its own', () => {
  for (const cls of ['concern', 'noncompliance', 'passive-victim', 'field', 'violated-value', 'stem-sense']) {
    assert.ok(of(cls).length >= 15, `${cls}: ${of(cls).length} pairs`);
  }
});

test('expressing concern, alarm or regret is read as disapproval and is at least low', () => {
  for (const p of of('concern')) {
    const r = scorer().score(p.high);
    assert.ok(r.signals.some((s) => s.category === 'accusation' && s.polarity === 'escalation'), `no disapproval read in: ${p.high}`);
    assert.ok(r.score >= 20, `${r.score}: ${p.high}`);
  }
  // "the parties concerned" and a shared concern are not disapproval
  assert.ok(!scorer().score('The council met the parties concerned in Geneva.').signals.some((s) => s.category === 'accusation'));
});

test('failing, refusing or being unwilling to comply is conflict: the cooperation it withholds does not calm', () => {
  for (const p of of('noncompliance')) {
    const r = scorer().score(p.high);
    assert.ok(r.score >= 20, `${r.score}: ${p.high}`);
    const calming = r.signals.filter((s) => s.polarity === 'deescalation' && (s.modality === 'asserted' || s.modality === 'hedged') && s.weight >= 1);
    assert.deepEqual(calming, [], p.high);
  }
});

test('"a lack of" is one negation, not two that cancel into a hedge', () => {
  const r = scorer().score('The mission noted a lack of cooperation from the authorities.');
  const coop = r.signals.find((s) => /cooperation/.test(s.text));
  assert.equal(coop?.modality, 'negated');
  assert.equal(coop?.polarity, 'escalation');
});

test('violence in the passive after a cooperative subject is the event; the subject is its victim', () => {
  for (const p of of('passive-victim')) {
    const r = scorer().score(p.high);
    const act = r.signals.filter((s) => s.polarity === 'escalation' && s.modality === 'asserted');
    assert.ok(act.length > 0, `no asserted act in: ${p.high}`);
    const calming = r.signals.filter((s) => s.polarity === 'deescalation' && s.modality === 'asserted' && s.weight >= 0.6);
    assert.deepEqual(calming, [], p.high);
  }
  // in the active voice the aid is still what the attack hit ("an attack on an aid convoy")
  const active = scorer().score('Gunmen attacked an aid convoy near Kidal.');
  assert.equal(active.signals.find((s) => s.category === 'aid')?.modality, 'addressed');
});

test('a field of policy named as the subject of a programme, treaty or meeting stays calm (below 20)', () => {
  for (const p of of('field')) {
    const r = scorer().score(p.low);
    assert.ok(r.score < 20, `${r.score}: ${p.low}`);
  }
});

test('a violated value is counted once, with its violation: it is reversed, without the floor of a second act', () => {
  for (const p of of('violated-value')) {
    const r = scorer().score(p.high);
    const violation = r.signals.find((s) => s.category === 'accusation' && /violation|breach/i.test(s.text));
    assert.ok(violation !== undefined && violation.polarity === 'escalation', `no violation read in: ${p.high}`);
    for (const s of r.signals.filter((x) => x.category === 'cooperation-vocabulary' && x.start > violation.start)) {
      assert.ok(s.polarity === 'escalation' && s.weight < 1, `${s.text} ${s.polarity} ${s.weight}: ${p.high}`);
    }
  }
});

test('"noted", "notes" and the prefix "non-" are not negations', () => {
  for (const p of of('stem-sense')) {
    for (const text of [p.high, p.low]) {
      const negated = scorer().score(text).signals.filter((s) => s.modality === 'negated');
      assert.deepEqual(negated, [], text);
    }
    assert.ok(scorer().score(p.high).signals.some((s) => s.polarity === 'escalation' && s.modality === 'asserted'), p.high);
  }
});
