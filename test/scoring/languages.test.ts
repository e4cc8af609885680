// Every language folder of fixtures (test/fixtures/scoring/<lang>/) against the scorer that
// reads that language (data/lexicon/<lang>/; contract in data/lexicon/LANGUAGES.md).
//
// Bands (bands.jsonl): every calm statement scores below 20 and every severe one 60 or more;
// low, elevated and high statements score within their band or the band next to it (the English
// calibration set holds calm and severe only; the middle bands are a judgement, so one band off
// is allowed, two are a failure; how many were exact is logged). Pairs (pairs.jsonl): `high` scores
// above `low`. Each statement must be read in the folder's language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURE_DIR, scorer } from './fixtures.ts';
import { levelForScore, type Level } from '../../server/scoring/index.ts';

const BANDS: Level[] = ['calm', 'low', 'elevated', 'high', 'severe'];

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as T;
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
    });
}

const folders = readdirSync(FIXTURE_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

test('fixtures exist for Russian and Ukrainian, with enough statements', () => {
  assert.ok(folders.includes('ru') && folders.includes('uk'), folders.join(','));
  assert.ok(readJsonl(path.join(FIXTURE_DIR, 'uk', 'bands.jsonl')).length >= 60);
  assert.ok(readJsonl(path.join(FIXTURE_DIR, 'uk', 'pairs.jsonl')).length >= 30);
});

for (const lang of folders) {
  const dir = path.join(FIXTURE_DIR, lang);
  const bandsFile = path.join(dir, 'bands.jsonl');
  const pairsFile = path.join(dir, 'pairs.jsonl');

  test(`${lang}: the scorer reads ${lang}`, () => {
    assert.ok(scorer().languages?.includes(lang), `no data/lexicon/${lang}/ (reads ${scorer().languages?.join(', ')})`);
  });

  if (existsSync(bandsFile)) {
    test(`${lang}: statements score in their band (calm < 20, severe >= 60, others within one band)`, (t) => {
      const rows = readJsonl<{ band: Level; text: string }>(bandsFile);
      const off: string[] = [];
      const wrong: string[] = [];
      for (const { band, text } of rows) {
        assert.ok(BANDS.includes(band), `${bandsFile}: unknown band ${band}`);
        const r = scorer().score(text, { lang });
        assert.equal(r.language?.lang, lang, text);
        const got = BANDS.indexOf(levelForScore(r.score));
        const want = BANDS.indexOf(band);
        const line = `${band} -> ${r.score}: ${text}`;
        if (band === 'calm' && r.score >= 20) wrong.push(line);
        else if (band === 'severe' && r.score < 60) wrong.push(line);
        else if (Math.abs(got - want) > 1) wrong.push(line);
        else if (got !== want) off.push(line);
      }
      assert.deepEqual(wrong, [], `out of band:\n${wrong.join('\n')}`);
      t.diagnostic(`${lang}: ${rows.length - off.length} of ${rows.length} statements in their band, ${off.length} one band off`);
    });
  }

  if (existsSync(pairsFile)) {
    test(`${lang}: in every contrast pair the escalatory statement scores higher`, () => {
      const failed: string[] = [];
      for (const p of readJsonl<{ class?: string; kind?: string; high: string; low: string }>(pairsFile)) {
        const high = scorer().score(p.high, { lang }).score;
        const low = scorer().score(p.low, { lang }).score;
        if (!(high > low)) failed.push(`${p.class ?? p.kind}: ${high} <= ${low}\n  high: ${p.high}\n  low:  ${p.low}`);
      }
      assert.deepEqual(failed, [], failed.join('\n'));
    });
  }
}
