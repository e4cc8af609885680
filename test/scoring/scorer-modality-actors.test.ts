import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readJsonl, scorer, type ActorCase, type ModalityCase } from './fixtures.ts';

for (const c of readJsonl<ModalityCase>('modality.jsonl')) {
  test(`score() reads "${c.signal}" as ${c.modality}: ${c.text.slice(0, 60)}`, () => {
    const r = scorer().score(c.text);
    const s = r.signals.find((x) => x.text === c.signal);
    assert.ok(s, `no signal "${c.signal}" in ${JSON.stringify(r.signals.map((x) => x.text))}`);
    assert.equal(s.modality, c.modality);
  });
}

test('score() lowers a negated threat and turns it into reassurance', () => {
  const r = scorer().score('Russia will not strike Ukraine.');
  const s = r.signals.find((x) => x.text === 'strike');
  assert.ok(s);
  assert.equal(s.modality, 'negated');
  assert.equal(s.polarity, 'deescalation');
  assert.ok(r.score < 10);
});

test('score() turns a negated de-escalation into escalation ("will not withdraw")', () => {
  const r = scorer().score('The army will not withdraw from the city.');
  const s = r.signals.find((x) => x.category === 'withdrawal');
  assert.ok(s);
  assert.equal(s.polarity, 'escalation');
  assert.ok(r.score > 10);
});

test('score() keeps most of a conditional threat but less than the plain one', () => {
  const plain = scorer().score('Beijing will respond with force when Washington sends troops.');
  const cond = scorer().score('Beijing will respond with force if Washington sends troops.');
  const p = plain.signals.find((x) => x.category === 'threat-of-force')!;
  const c = cond.signals.find((x) => x.category === 'threat-of-force')!;
  assert.equal(c.modality, 'conditional');
  assert.ok(c.weight < p.weight && c.weight >= 0.75 * p.weight, `${c.weight} vs ${p.weight}`);
});

for (const c of readJsonl<ActorCase>('actors.jsonl')) {
  test(`score() finds speaker ${c.speaker} and targets [${c.targets.join(', ')}]: ${c.text.slice(0, 50)}`, () => {
    const r = scorer().score(c.text, c.speakerHint === undefined ? undefined : { speaker: c.speakerHint });
    assert.equal(r.actors.speaker, c.speaker);
    for (const t of c.targets) assert.ok(r.actors.targets.includes(t), `target ${t} missing from ${JSON.stringify(r.actors)}`);
    if (c.speaker !== null) assert.ok(!r.actors.targets.includes(c.speaker), 'speaker listed as target');
  });
}

test('resolveActor() maps aliases, capitals, demonyms, leaders, ministries and state media to canonical actors', () => {
  const cases: Array<[string, string]> = [
    ['Kremlin', 'Russia'], ['Moscow', 'Russia'], ['Russian', 'Russia'], ['Russians', 'Russia'], ['Putin', 'Russia'],
    ['Vladimir Putin', 'Russia'], ['TASS', 'Russia'], ['Lavrov', 'Russia'], ['Beijing', 'China'], ['Xinhua', 'China'],
    ['Xi Jinping', 'China'], ['US', 'United States'], ['U.S.', 'United States'], ['White House', 'United States'],
    ['Pentagon', 'United States'], ['KCNA', 'North Korea'], ['Pyongyang', 'North Korea'], ['IRGC', 'Iran'],
    ['Zelenskyy', 'Ukraine'], ['Kyiv', 'Ukraine'], ['Ivory Coast', "Cote d'Ivoire"], ['Türkiye', 'Turkey'],
    ['North Atlantic Treaty Organization', 'NATO'], ['Rutte', 'NATO'], ['Brussels', 'European Union'], ['UN', 'United Nations'],
    ['Guterres', 'United Nations'], ['Houthi', 'Houthis'], ['  kremlin  ', 'Russia'],
  ];
  for (const [alias, actor] of cases) assert.equal(scorer().resolveActor(alias), actor, alias);
  assert.equal(scorer().resolveActor('Atlantis'), null);
  assert.equal(scorer().resolveActor(''), null);
});

test('score() matches all-caps acronyms case-sensitively ("US" is a country, "us" is not)', () => {
  assert.deepEqual(scorer().score('The US warned Iran.').actors.mentioned, ['United States', 'Iran']);
  assert.deepEqual(scorer().score('They warned us about Iran.').actors.mentioned, ['Iran']);
});

test('score() reports each actor once in mentioned, in order of first mention', () => {
  const r = scorer().score('Kyiv said Moscow attacked. Russia denied it; the Kremlin blamed Ukraine.');
  assert.deepEqual(r.actors.mentioned, ['Ukraine', 'Russia']);
});

test('the gazetteer covers every UN member state', () => {
  const sample = ['Afghanistan', 'Bhutan', 'Cabo Verde', 'Eswatini', 'Kiribati', 'Nauru', 'Palau', 'Tuvalu', 'Zimbabwe',
    'Saint Vincent and the Grenadines', 'Sao Tome and Principe', 'Timor-Leste', 'Guinea-Bissau', 'South Sudan'];
  for (const name of sample) assert.equal(scorer().resolveActor(name), name);
});
