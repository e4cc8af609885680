// One Scorer over several languages: the English scorer plus one scorer per language that has
// data (data/lexicon/<lang>/). A statement is read in the language the ingest gate decided
// (`options.lang`); without one ('und' or absent: the score CLI, a short text) the script of its
// letters decides. A text whose letters are largely in another script than its language's is
// still read in its main language only, and the result says so (`language.mixed`).

import type { ScoreOptions, ScoreResult, Scorer } from '../types.ts';
import { SCRIPT_OF_LANGUAGE } from './language-profiles.ts';
import type { ContextFinder } from './context-spans.ts';
import { MAX_NAME_CHARS } from '../resolve-name.ts';

type Script = 'Latin' | 'Cyrillic' | 'Arabic' | 'Han';

/** Letters of another script than the main language's that make a text "mixed": share and count. */
const MIXED_SHARE = 0.2;
const MIXED_MIN_LETTERS = 8;
/** Only this many code units are counted (a statement's language shows in its first lines). */
const SCAN_CHARS = 2000;
/** A letter of a script other than Latin that the scorer knows (Cyrillic, Arabic, Han). */
const OTHER_SCRIPT = /[\u0400-\u052f\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\u3400-\u4dbf\u4e00-\u9fff]/;
/**
 * Every letter countLetters counts in a script other than Latin. A text without one in its
 * first SCAN_CHARS reads as English and is not mixed, whatever its Latin letters: a text without
 * a decided language (the score CLI) skips the count then.
 */
const COUNTED_OTHER = /[\u0400-\u052f\u0620-\u064a\u0671-\u06d3\u3400-\u4dbf\u4e00-\u9fff\ufb50-\ufdff\ufe70-\ufefc]/;

interface Letters {
  Latin: number;
  Cyrillic: number;
  Arabic: number;
  Han: number;
  /** Ukrainian-only letters (і ї є ґ) and Russian-only ones (ы э ъ ё). */
  uk: number;
  ru: number;
}

/** Counts letters by script in one pass over the code units. */
export function countLetters(text: string): Letters {
  const c: Letters = { Latin: 0, Cyrillic: 0, Arabic: 0, Han: 0, uk: 0, ru: 0 };
  const end = Math.min(text.length, SCAN_CHARS);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i) | 0;
    if (ch < 0x80) {
      if ((ch | 32) >= 0x61 && (ch | 32) <= 0x7a) c.Latin++;
    } else if ((ch >= 0xc0 && ch < 0x250 && ch !== 0xd7 && ch !== 0xf7) || (ch >= 0x1e00 && ch <= 0x1eff)) c.Latin++;
    else if (ch >= 0x400 && ch <= 0x52f) {
      c.Cyrillic++;
      const l = ch | 0x20; // lower-cases the basic Cyrillic capitals А-Я
      if (ch === 0x456 || ch === 0x406 || ch === 0x457 || ch === 0x407 || ch === 0x454 || ch === 0x404 || ch === 0x491 || ch === 0x490) c.uk++;
      else if (l === 0x44b || l === 0x44d || l === 0x44a || ch === 0x451 || ch === 0x401) c.ru++;
    } else if ((ch >= 0x620 && ch <= 0x64a) || (ch >= 0x671 && ch <= 0x6d3) || (ch >= 0xfb50 && ch <= 0xfdff) || (ch >= 0xfe70 && ch <= 0xfefc)) c.Arabic++;
    else if ((ch >= 0x4e00 && ch <= 0x9fff) || (ch >= 0x3400 && ch <= 0x4dbf)) c.Han += 2; // a Han character is a word's worth of letters
  }
  return c;
}

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

/** Scripts other than `lang`'s that hold a large share of the letters, or undefined. */
export function mixedScripts(c: Letters, lang: string): string[] | undefined {
  const own = SCRIPT_OF_LANGUAGE[lang] ?? 'Latin';
  const total = c.Latin + c.Cyrillic + c.Arabic + c.Han;
  const others = (['Latin', 'Cyrillic', 'Arabic', 'Han'] as const).filter((s) => s !== own && c[s] >= MIXED_MIN_LETTERS && c[s] >= total * MIXED_SHARE);
  return others.length > 0 ? others : undefined;
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
      if (lang !== 'en') result.version = `${result.version}+${lang}`;
      context.get(lang)?.annotate(result, t);
      const mixed = letters === null ? undefined : mixedScripts(letters, lang);
      result.language = mixed === undefined ? { lang } : { lang, mixed };
      return result;
    },
    resolveActor: resolveAnywhere,
  };
}
