import { createLanguageGate, SCORER_LANGUAGES, type LanguageDetector, type LanguageGate } from './statement-language.ts';

/**
 * The detector library behind the language gate: eld (Efficient Language Detector, 60
 * languages), its smallest database ("extrasmall", ~29 MB of heap once loaded). Measured on
 * short statements against franc-min it was both more accurate (no English statement called
 * another language, against 0.02-1% for franc-min) and faster (figures in README.md).
 * Imported on demand: a process that never scores (a plain backfill, the export CLI) does not
 * pay for its database, and a backfill loads it on its worker thread only.
 */
export async function loadLanguageDetector(): Promise<LanguageDetector> {
  const { eld } = await import('eld/extrasmall');
  return (text) => {
    const r = eld.detect(text);
    return { language: r.language, reliable: r.isReliable(), scores: r.getScores() };
  };
}

/** The language gate for a scorer that reads `languages` (SCORER_LANGUAGES by default). */
export async function loadLanguageGate(languages: Iterable<string> = SCORER_LANGUAGES): Promise<LanguageGate> {
  return createLanguageGate({ languages, detect: await loadLanguageDetector() });
}
