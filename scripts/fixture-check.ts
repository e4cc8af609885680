// The scorer fixtures as a constraint for weight fitting (scripts/fit-weights-cv.ts): builds the
// whole multilingual scorer from an in-memory lexicon and runs, in process, the item checks of
// test/scoring that read test/fixtures/scoring: English contrast pairs (pairs.jsonl) and class
// pairs (classes.jsonl; rejections above 20, concern and noncompliance 20 or more, a field of
// policy below 20), the calibration set (calm < 20, severe >= 60), category statements
// (escalation >= 20, de-escalation < 10), neutral statements (< 20), the cross-lingual classes
// (each translation within one band or 30 points of the English), and every language's
// bands.jsonl (calm < 20, severe >= 60, others within one band) and pairs.jsonl. Returns the keys
// of the items that fail; a fit rejects a candidate that fails an item the shipped lexicon passes.

import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { DEFAULT_LEXICON_DIR, languagesWithData, loadLanguageScorer } from '../server/config/load-scorer.ts';
import { createScorer, levelForScore, type Scorer } from '../server/scoring/index.ts';
import { createMultilingualScorer } from '../server/scoring/languages/multilingual-scorer.ts';
import type { ContextFinder } from '../server/scoring/languages/context-spans.ts';
import type { EnglishLexicon } from '../server/scoring/languages/language-lexicon.ts';

const DIR = fileURLToPath(new URL('../test/fixtures/scoring/', import.meta.url));
const BANDS = ['calm', 'low', 'elevated', 'high', 'severe'];
const read = <T>(file: string): T[] =>
  readFileSync(path.join(DIR, file), 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as T);

/** English and every language of data/lexicon, with `lexicon` in place of the English files. */
export function fullScorer(lexicon: Record<string, unknown>): Scorer {
  const english = createScorer(lexicon);
  const byLanguage = new Map<string, Scorer>();
  const context = new Map<string, ContextFinder>();
  for (const code of languagesWithData(DEFAULT_LEXICON_DIR)) {
    const { scorer, finder } = loadLanguageScorer(DEFAULT_LEXICON_DIR, code, lexicon as unknown as EnglishLexicon);
    byLanguage.set(code, scorer);
    context.set(code, finder);
  }
  return createMultilingualScorer(english, byLanguage, context);
}

interface PairRow { class?: string; kind?: string; high: string; low: string }
const pairs = read<PairRow>('pairs.jsonl');
const classes = read<PairRow>('classes.jsonl');
const calibration = read<{ band: string; text: string }>('calibration.jsonl');
const categories = read<{ direction: string; text: string }>('categories.jsonl');
const neutral = read<{ text: string }>('neutral.jsonl');
const crossLingual = read<{ en: string; translations: Array<{ lang: string; text: string }> }>('cross-lingual-classes.jsonl');
const langs = readdirSync(DIR, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const bands = langs.flatMap((lang) =>
  existsSync(path.join(DIR, lang, 'bands.jsonl')) ? read<{ band: string; text: string }>(`${lang}/bands.jsonl`).map((r, n) => ({ lang, n: n + 1, ...r })) : []);
const langPairs = langs.flatMap((lang) =>
  existsSync(path.join(DIR, lang, 'pairs.jsonl')) ? read<PairRow>(`${lang}/pairs.jsonl`).map((r, n) => ({ lang, n: n + 1, ...r })) : []);

/** Keys of the fixture items `s` fails (empty when every item passes). */
export function fixtureFailures(s: Scorer): string[] {
  const fail: string[] = [];
  const band = (v: number): number => BANDS.indexOf(levelForScore(v));
  const sc = (text: string, lang?: string): number => s.score(text, lang === undefined ? undefined : { lang }).score;
  pairs.forEach((p, i) => void (sc(p.high) > sc(p.low) || fail.push(`pairs#${i + 1}`)));
  classes.forEach((p, i) => {
    const high = sc(p.high);
    if (!(high > sc(p.low))) fail.push(`classes#${i + 1}`);
    if (p.class === 'rejection' && !(high > 20)) fail.push(`classes#${i + 1}:rejection>20`);
    if ((p.class === 'concern' || p.class === 'noncompliance') && !(high >= 20)) fail.push(`classes#${i + 1}:${p.class}>=20`);
    if (p.class === 'field' && !(sc(p.low) < 20)) fail.push(`classes#${i + 1}:field<20`);
  });
  calibration.forEach((c, i) => {
    const v = sc(c.text);
    if ((c.band === 'calm' && v >= 20) || (c.band === 'severe' && v < 60)) fail.push(`calibration#${i + 1}`);
  });
  categories.forEach((c, i) => {
    const v = sc(c.text);
    if (c.direction === 'escalation' ? v < 20 : v >= 10) fail.push(`categories#${i + 1}`);
  });
  neutral.forEach((c, i) => void (sc(c.text) < 20 || fail.push(`neutral#${i + 1}`)));
  crossLingual.forEach((g, i) => {
    const en = sc(g.en, 'en');
    for (const t of g.translations) {
      const v = sc(t.text, t.lang);
      if (Math.abs(band(v) - band(en)) > 1 && Math.abs(v - en) > 30) fail.push(`cross-lingual#${i + 1}:${t.lang}`);
    }
  });
  bands.forEach((b) => {
    const v = sc(b.text, b.lang);
    const off = Math.abs(band(v) - BANDS.indexOf(b.band));
    if ((b.band === 'calm' && v >= 20) || (b.band === 'severe' && v < 60) || off > 1) fail.push(`${b.lang}/bands#${b.n}`);
  });
  langPairs.forEach((p) => void (sc(p.high, p.lang) > sc(p.low, p.lang) || fail.push(`${p.lang}/pairs#${p.n}`)));
  return fail;
}
