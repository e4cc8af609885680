// One Scorer over several languages: the English scorer plus one scorer per language that has
// data (data/lexicon/<lang>/). A statement is read in the language the ingest gate decided
// (`options.lang`); without one ('und' or absent: the score CLI, a short text) the script of its
// letters decides. A text whose letters are largely in another script than its language's is
// still read in its main language only, and the result says so (`language.mixed`).

import type { ScoreOptions, ScoreResult, Scorer } from '../types.ts';
import { countLetters, mixedScripts, SCAN_CHARS, SCRIPT_OF_LANGUAGE, type Letters, type Script } from '../../shared/script-letters.ts';
import type { ContextFinder } from './context-spans.ts';
import { MAX_NAME_CHARS } from '../resolve-name.ts';

/** A letter of a script other than Latin that the scorer knows (Cyrillic, Arabic, Han). */
const OTHER_SCRIPT = /[\u0400-\u052f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u3400-\u4dbf\u4e00-\u9fff]/;
/**
 * Every letter countLetters counts in a script other than Latin. A text without one in its
 * first SCAN_CHARS reads as English and is not mixed, whatever its Latin letters: a text without
 * a decided language (the score CLI) skips the count then.
 */
const COUNTED_OTHER = /[\u0400-\u052f\u0620-\u064a\u0671-\u06d3\u3400-\u4dbf\u4e00-\u9fff\ufb50-\ufdff\ufe70-\ufefc]/;

/** The language a text without a decided language is read in, from its script, among `langs`. */
export function guessLanguage(c: Letters, langs: ReadonlySet<string>): string {
  const best = (['Latin', 'Cyrillic', 'Arabic', 'Han'] as const).reduce((a, b) => (c[b] > c[a] ? b : a), 'Latin' as Script);
  if (c[best] === 0) return 'en';
  if (best === 'Cyrillic') {
    // і ї є ґ are Ukrainian only, ы э ъ ё Russian only; a tie (or neither) reads as Russian
    const [first, second] = c.uk > c.ru ? ['uk', 'ru'] : ['ru', 'uk'];
    return langs.has(first) ? first : langs.has(second) ? second : 'en';
  }
  const candidate = best === 'Arabic' ? 'ar' : best === 'Han' ? 'zh' : 'en';
  return langs.has(candidate) ? candidate : 'en';
}

/**
 * The scorer over `english` and `byLanguage` (ISO 639-1 -> scorer). Its `languages` lists
 * English and every language given; `resolveActor` tries English, then each language.
 */
export function createMultilingualScorer(
  english: Scorer,
  byLanguage: ReadonlyMap<string, Scorer>,
  /** Per language (not English): finds the spans of each signal's condition and target. */
  context: ReadonlyMap<string, ContextFinder> = new Map(),
): Scorer {
  const langs = new Set(byLanguage.keys());
  const languages = ['en', ...[...langs].sort()];
  /** English first, then each language. */
  const resolveAnywhere = (name: string): string | null => {
    const en = english.resolveActor(name);
    if (en !== null) return en;
    for (const s of byLanguage.values()) {
      const found = s.resolveActor(name);
      if (found !== null) return found;
    }
    return null;
  };
  /** "<version>+<lang>" per language, made once (a scorer's version does not change). */
  const versions = new Map<string, { of: string; is: string }>();
  const suffixed = (version: string, lang: string): string => {
    let v = versions.get(lang);
    if (v === undefined || v.of !== version) versions.set(lang, (v = { of: version, is: `${version}+${lang}` }));
    return v.is;
  };
  return {
    version: english.version,
    languages,
    score(text: string, options?: ScoreOptions): ScoreResult {
      const t = typeof text === 'string' ? text : '';
      const given = options?.lang;
      const decided = given !== undefined && given !== null && given !== 'und' && (given === 'en' || langs.has(given));
      // A Latin-script language's text without a Cyrillic, Arabic or Han letter is not mixed:
      // most English statements skip the count (it cost English ~20% of its rate).
      const plain = decided ? SCRIPT_OF_LANGUAGE[given] === 'Latin' && !OTHER_SCRIPT.test(t) : !COUNTED_OTHER.test(t.length > SCAN_CHARS ? t.slice(0, SCAN_CHARS) : t);
      const letters = plain ? null : countLetters(t);
      const lang = decided ? given : plain ? 'en' : guessLanguage(letters!, langs);
      const scorer = lang === 'en' ? english : byLanguage.get(lang)!;
      const result = scorer.score(t, options);
      // a speaker named in another language than the text's ("Ministerio de Exteriores de
      // Rusia" with an English statement): the statement's reading keeps the name as given
      const hint = typeof options?.speaker === 'string' ? options.speaker.trim() : '';
      if (hint !== '' && result.actors.speaker === hint.slice(0, MAX_NAME_CHARS)) {
        const actor = resolveAnywhere(hint);
        if (actor !== null) {
          result.actors.speaker = actor;
          result.actors.targets = result.actors.targets.filter((x) => x !== actor);
        }
      }
      // a language's lexicon has its own fingerprint; the code suffix says which was used
      if (lang !== 'en') result.version = suffixed(result.version, lang);
      context.get(lang)?.annotate(result, t);
      const mixed = letters === null ? undefined : mixedScripts(letters, lang);
      result.language = mixed === undefined ? { lang } : { lang, mixed };
      return result;
    },
    resolveActor: resolveAnywhere,
  };
}
