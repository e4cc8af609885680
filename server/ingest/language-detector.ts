import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLanguageGate, type LanguageDetector, type LanguageGate } from './statement-language.ts';
import { scorerLanguages } from '../config/load-scorer.ts';

/**
 * The detector library behind the language gate: eld (Efficient Language Detector, 60
 * languages), its smallest database ("extrasmall"). Measured on short statements against
 * franc-min it was both more accurate (no English statement called another language, against
 * 0.02-1% for franc-min) and faster (figures in README.md). Imported on demand: a process that
 * never scores (a plain backfill, the export CLI) does not pay for its database, and a backfill
 * loads it on its worker thread only.
 *
 * Memory: eld ships its database as a JavaScript object literal (950 KB of source). Importing it
 * costs a worker thread ~81 MB of RSS (~33 MB of heap: the literal's parse, bytecode and
 * boilerplate come on top of the data); the same data read with JSON.parse costs ~25 MB (~21 MB
 * of heap), which keeps a backfill within its memory budget. So the build (scripts/build-server.ts)
 * writes the database as JSON beside the bundles (ELD_JSON), and a bundle loads that into eld's
 * own detector; from source (tests) or when the JSON is missing or from another eld version, the
 * package's public entry is used, with the same results.
 */
export const ELD_JSON = 'eld-extrasmall.json';

interface EldInstance {
  detect(text: string): { language: string; isReliable(): boolean; getScores(): Record<string, number> };
}

/** eld's version and package folder, found through its public entry. */
function eldPackage(): { version: string; src: URL } {
  const entry = new URL(import.meta.resolve('eld')); // <package>/src/entries/dynamic.js
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', entry), 'utf8')) as { version: string };
  return { version: pkg.version, src: new URL('../', entry) };
}

/** The extrasmall database as JSON, for scripts/build-server.ts: `{eld: version, data}`. */
export async function eldDatabaseJson(): Promise<string> {
  const { version, src } = eldPackage();
  const mod = (await import(new URL('ngrams/extrasmall.js', src).href)) as { ngramsData: unknown };
  return JSON.stringify({ eld: version, data: mod.ngramsData });
}

/** eld with the database from ELD_JSON beside this module (a bundle), or null to use the public entry. */
async function eldFromJson(): Promise<EldInstance | null> {
  const file = fileURLToPath(new URL(`./${ELD_JSON}`, import.meta.url));
  if (!fs.existsSync(file)) return null;
  try {
    const { version, src } = eldPackage();
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { eld?: string; data?: unknown };
    if (saved.eld !== version || !saved.data) return null;
    const { createEld } = (await import(new URL('languageDetector.js', src).href)) as {
      createEld?: () => { instance: EldInstance; loadData: (d: unknown) => unknown };
    };
    if (typeof createEld !== 'function') return null;
    const { instance, loadData } = createEld();
    return loadData(saved.data) ? instance : null;
  } catch {
    return null; // an eld whose insides moved: its public entry still works
  }
}

export async function loadLanguageDetector(): Promise<LanguageDetector> {
  const eld = (await eldFromJson()) ?? ((await import('eld/extrasmall')).eld as EldInstance);
  return (text) => {
    const r = eld.detect(text);
    return { language: r.language, reliable: r.isReliable(), scores: r.getScores() };
  };
}

/**
 * The language gate for a scorer that reads `languages`: by default those of the scorer
 * loadScorer() builds (English and every language with data in data/lexicon/<lang>/).
 */
export async function loadLanguageGate(languages: Iterable<string> = scorerLanguages()): Promise<LanguageGate> {
  return createLanguageGate({ languages, detect: await loadLanguageDetector() });
}
