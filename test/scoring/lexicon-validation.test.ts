import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScorer } from '../../server/scoring/index.ts';
import { DEFAULT_LEXICON_DIR, LEXICON_FILES, loadScorer } from '../../server/config/load-scorer.ts';

function lexicon(): Record<string, any> {
  const out: Record<string, unknown> = {};
  for (const [key, file] of Object.entries(LEXICON_FILES)) {
    out[key] = JSON.parse(readFileSync(path.join(DEFAULT_LEXICON_DIR, file), 'utf8'));
  }
  return out;
}

test('createScorer() accepts the shipped lexicon', () => {
  const s = createScorer(lexicon());
  assert.equal(typeof s.version, 'string');
});

test('createScorer() rejects a signal listed under an unknown category, naming it', () => {
  const lex = lexicon();
  lex['signals']['threats-galore'] = ['boom'];
  assert.throws(() => createScorer(lex), /lexicon\.signals\["threats-galore"\]: unknown category "threats-galore"/);
});

test('createScorer() rejects an empty phrase, naming its index', () => {
  const lex = lexicon();
  lex['signals']['ultimatum'].push('');
  const i = lex['signals']['ultimatum'].length - 1;
  assert.throws(() => createScorer(lex), new RegExp(`lexicon\\.signals\\["ultimatum"\\]\\[${i}\\]: must be a non-empty string`));
});

test('createScorer() rejects a phrase that duplicates another after stemming', () => {
  const lex = lexicon();
  lex['signals']['ultimatum'].push('Ultimatums');
  assert.throws(() => createScorer(lex), /phrase "Ultimatums" duplicates lexicon\.signals\["ultimatum"\]/);
});

test('createScorer() rejects an out-of-range weight', () => {
  const lex = lexicon();
  lex['background']['conflict-vocabulary']['violence'] = 99;
  assert.throws(() => createScorer(lex), /lexicon\.background\["conflict-vocabulary"\]\["violence"\]: must be a number between 0 and 5/);
});

test('createScorer() rejects an affiliate linked to an unknown actor', () => {
  const lex = lexicon();
  lex['actors']['affiliates'].push({ name: 'Emperor Zorg', actor: 'Zorgonia', role: 'ruler' });
  assert.throws(() => createScorer(lex), /lexicon\.actors\.affiliates\[\d+\]\.actor: unknown actor "Zorgonia"/);
});

test('createScorer() rejects an alias claimed by two actors', () => {
  const lex = lexicon();
  lex['actors']['actors'][0].aliases.push('Moscow');
  assert.throws(() => createScorer(lex), /lexicon\.actors\.actors\[\d+\]\.aliases\[\d+\]: alias "Moscow" already belongs to "Afghanistan"/);
});

test('createScorer() rejects a missing modality rule and a bad polarity', () => {
  const lex = lexicon();
  delete lex['taxonomy']['modality']['hedged'];
  assert.throws(() => createScorer(lex), /taxonomy\.modality\.hedged: must be an object/);
  const lex2 = lexicon();
  lex2['taxonomy']['categories'][0].polarity = 'sideways';
  assert.throws(() => createScorer(lex2), /taxonomy\.categories\[0\]\.polarity: must be "escalation" or "deescalation"/);
});

test('createScorer() rejects input that is not a lexicon object', () => {
  assert.throws(() => createScorer(null), /Invalid lexicon: lexicon: must be an object/);
  assert.throws(() => createScorer([]), /Invalid lexicon: lexicon: must be an object/);
});

test('loadScorer() names the file that is not valid JSON', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lexicon-'));
  try {
    cpSync(DEFAULT_LEXICON_DIR, dir, { recursive: true });
    writeFileSync(path.join(dir, 'cues.json'), '{ "negation": [ ');
    assert.throws(() => loadScorer(dir), /Lexicon file .*cues\.json is not valid JSON/);
    rmSync(path.join(dir, 'cues.json'));
    assert.throws(() => loadScorer(dir), /Cannot read lexicon file .*cues\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('server/scoring stays pure: it imports only its own modules', () => {
  const dir = fileURLToPath(new URL('../../server/scoring/', import.meta.url));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const source = readFileSync(path.join(dir, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
      assert.match(m[1]!, /^\.\/[\w-]+\.ts$/, `${file} imports ${m[1]}`);
    }
    assert.doesNotMatch(source, /\b(Date\.now|new Date\(|Math\.random|process\.|require\()/, `${file} uses the clock, randomness or process`);
  }
});
