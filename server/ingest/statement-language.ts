// Which language a statement is in, and whether the scorer reads it. The scorer reads English
// only (its lexicon is English); a statement in another language would otherwise get the
// score of a text without signals ("10 calm") with nothing to show it was never read.
//
// The decision leans hard one way: an English statement must essentially never be marked
// unsupported (short texts, names, numbers, a quoted foreign phrase must not flip it), so a
// statement is unsupported only when its main language is, with confidence, one the scorer
// does not read. Anything in doubt is `und` (undetermined) and is scored as before.
//
// The language itself comes from a maintained detector (eld, an n-gram detector of 60
// languages; figures in README.md). Two checks in front of it keep it off the hot path of a
// backfill, where it would cost about three times the scorer: the script of the letters
// (a text written mostly in Cyrillic, Arabic or Han is not English, whatever the detector
// says of its details), and English function words ("the", "which", "would", ...), which
// settle most English statements without the detector.

/** BCP 47 code for a statement whose language could not be determined with confidence. */
export const UNDETERMINED = 'und';

/** What the detector library says of a text: its best language and how sure it is. */
export interface DetectorResult {
  /** ISO 639-1 code, or '' when nothing was detected. */
  language: string;
  /** The detector's own reliability test (enough n-grams, clear lead over the next language). */
  reliable: boolean;
  /** Scores by language, higher is more likely (only the top few matter). */
  scores: Record<string, number>;
}

export type LanguageDetector = (text: string) => DetectorResult;

/** The writing system of most of a statement's letters. */
export type MainScript = 'Latin' | 'Cyrillic' | 'Arabic' | 'Han' | 'Other' | 'None';

export interface StatementLanguage {
  /** ISO 639-1 code of the main language, or 'und'. Stored as statements.lang. */
  lang: string;
  /** True when the scorer reads the statement (a language it reads, or undetermined in a script it reads). */
  supported: boolean;
  /** How the decision was reached, for tests and the evaluation script. */
  via: 'function-words' | 'detector' | 'script' | 'too-short';
}

/**
 * Scripts of the languages a scorer may read, so that an undetermined text in a script none
 * of them is written in (a short Cyrillic text for an English-only scorer) is not read either.
 */
const SCRIPT_OF: Record<string, MainScript> = { en: 'Latin', es: 'Latin', fr: 'Latin', de: 'Latin', ru: 'Cyrillic', uk: 'Cyrillic', ar: 'Arabic', zh: 'Han' };

/**
 * Words that are frequent in English and are not common words of other Latin-script
 * languages, and (SHARED_WORDS) frequent English words that are also words elsewhere ("to" in
 * Polish, "in" in German, "is" in Dutch, "on" in French, "for" in Danish, "was" in German, "a"
 * in most Romance languages), which count for half.
 */
const ENGLISH_WORDS = new Set([
  'the', 'and', 'that', 'with', 'which', 'this', 'these', 'those', 'from', 'their', 'they', 'them', 'have', 'has', 'had',
  'been', 'were', 'would', 'should', 'could', 'not', 'but', 'said', 'says', 'its', 'it', 'be', 'are', 'who', 'what',
  'after', 'against', 'any', 'than', 'there', 'about', 'our', 'we', 'you', 'your', 'his', 'she', 'if', 'into', 'of',
  'new', 'while', 'since', 'during', 'without', 'between', 'under', 'other', 'more', 'such', 'only', 'must', 'can',
  'may', 'did', 'does', 'being', 'because', 'where', 'when', 'how', 'why', 'all', 'up', 'out', 'off', 'over', 'will',
]);
const SHARED_WORDS = new Set(['to', 'in', 'is', 'on', 'for', 'was', 'a', 'an', 'by', 'as', 'at', 'or', 'he', 'her', 'no', 'also']);

/**
 * A Latin-script text passes as English with a function-word weight of at least this (a word
 * of ENGLISH_WORDS counts 1, of SHARED_WORDS 0.5), one of them at least from ENGLISH_WORDS ...
 */
const FUNCTION_WORDS_MIN = 2;
/** ... and making up at least this share of its words. */
const FUNCTION_WORDS_SHARE = 0.15;
/**
 * Letters, and words that start in lower case, that a Latin-script text needs before the
 * detector may call it another language: Latin-script languages share many short words, and
 * names ("Mexican President Andrés Manuel López Obrador" reads as Spanish to any detector) are
 * capitalised, so only lower-case words are evidence of the language a text is written in.
 */
const LATIN_MIN_LETTERS = 40;
const LATIN_MIN_LOWER_WORDS = 5;
/** Letters (a Han character counts as HAN_WEIGHT) a text in another script needs to be called not English. */
const OTHER_SCRIPT_MIN_LETTERS = 6;
const HAN_WEIGHT = 2;
/** The detector's top language must beat English by this factor for a Latin-script text to be unsupported. */
const MIN_LEAD_OVER_ENGLISH = 1.15;

interface ScriptCounts {
  latin: number;
  cyrillic: number;
  arabic: number;
  han: number;
  other: number;
}

/** Counts letters by script in one pass over the UTF-16 code units (no regular expression per character). */
export function countScripts(text: string, limit = 2000): ScriptCounts {
  const c: ScriptCounts = { latin: 0, cyrillic: 0, arabic: 0, han: 0, other: 0 };
  const end = Math.min(text.length, limit);
  for (let i = 0; i < end; i++) {
    const ch = text.charCodeAt(i);
    if (ch < 0x80) {
      if ((ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a)) c.latin++;
    } else if (ch < 0x250) {
      if (ch >= 0xc0 && ch !== 0xd7 && ch !== 0xf7) c.latin++;
    } else if (ch >= 0x1e00 && ch <= 0x1eff) c.latin++;
    else if (ch >= 0x400 && ch <= 0x52f) c.cyrillic++;
    else if ((ch >= 0x600 && ch <= 0x6ff) || (ch >= 0x750 && ch <= 0x77f) || (ch >= 0x8a0 && ch <= 0x8ff) || (ch >= 0xfb50 && ch <= 0xfdff) || (ch >= 0xfe70 && ch <= 0xfefc)) {
      if (!(ch >= 0x660 && ch <= 0x669) && !(ch >= 0x6f0 && ch <= 0x6f9) && ch !== 0x60c && ch !== 0x61b && ch !== 0x61f && ch !== 0x640) c.arabic++;
    } else if ((ch >= 0x4e00 && ch <= 0x9fff) || (ch >= 0x3400 && ch <= 0x4dbf) || (ch >= 0xf900 && ch <= 0xfaff)) c.han++;
    else if (ch >= 0xd800 && ch <= 0xdfff) {
      // A surrogate pair: emoji and rare Han; counted once, as other unless it is a letter.
      if (ch <= 0xdbff && i + 1 < end && /\p{L}/u.test(text.slice(i, i + 2))) c.other++;
      i++;
    } else if (ch >= 0x370 && /\p{L}/u.test(text[i]!)) c.other++;
  }
  return c;
}

/** The script of most letters (Han weighted), or None for a text without letters. */
export function mainScript(c: ScriptCounts): MainScript {
  const han = c.han * HAN_WEIGHT;
  const total = c.latin + c.cyrillic + c.arabic + han + c.other;
  if (total === 0) return 'None';
  if (c.latin * 2 >= total) return 'Latin';
  const best = Math.max(c.cyrillic, c.arabic, han, c.other);
  if (best === c.cyrillic) return 'Cyrillic';
  if (best === c.arabic) return 'Arabic';
  if (best === han) return 'Han';
  // No script holds half the letters and Latin leads the rest: call it Latin (mixed text).
  return best < c.latin ? 'Latin' : 'Other';
}

/**
 * Counts the Latin-script words of a text, those that start in lower case, and the English
 * function words among them.
 */
export function latinWords(text: string, limit = 2000): { words: number; lower: number; hits: number; strong: number } {
  let strong = 0;
  let words = 0;
  let lower = 0;
  let hits = 0;
  let start = -1;
  let ascii = true;
  const end = Math.min(text.length, limit);
  for (let i = 0; i <= end; i++) {
    const ch = i < end ? text.charCodeAt(i) : 32;
    const letter = (ch >= 0x61 && ch <= 0x7a) || (ch >= 0x41 && ch <= 0x5a) || (ch >= 0xc0 && ch < 0x250 && ch !== 0xd7 && ch !== 0xf7) || ch === 0x27;
    if (letter) {
      if (start < 0) {
        start = i;
        ascii = true;
      }
      if (ch >= 0x80) ascii = false;
      continue;
    }
    if (start >= 0) {
      words++;
      const first = text.charCodeAt(start);
      if ((first >= 0x61 && first <= 0x7a) || (first >= 0xdf && first <= 0xff && first !== 0xf7)) lower++;
      const len = i - start;
      if (ascii && len <= 7) {
        const word = text.slice(start, i).toLowerCase();
        if (ENGLISH_WORDS.has(word)) {
          hits++;
          strong++;
        } else if (SHARED_WORDS.has(word)) hits += 0.5;
      }
      start = -1;
    }
  }
  return { words, lower, hits, strong };
}

/**
 * Decides a statement's language for a scorer that reads `languages` (ISO 639-1 codes).
 * `detect` is called only when the script and the function words leave the question open.
 */
export function createLanguageGate(deps: { languages: Iterable<string>; detect: LanguageDetector }) {
  const languages = new Set(deps.languages);
  const scripts = new Set([...languages].map((l) => SCRIPT_OF[l] ?? 'Other'));
  const undetermined = (script: MainScript, via: StatementLanguage['via']): StatementLanguage => ({
    lang: UNDETERMINED,
    // Undetermined is scored unless its script rules out every language the scorer reads.
    supported: script === 'None' || scripts.has(script),
    via,
  });
  const decided = (lang: string, via: StatementLanguage['via']): StatementLanguage => ({ lang, supported: languages.has(lang), via });

  return {
    languages: [...languages].sort(),
    /** The language of `text` and whether the scorer reads it. */
    decide(text: string): StatementLanguage {
      const counts = countScripts(text);
      const script = mainScript(counts);
      if (script === 'None') return undetermined(script, 'too-short');
      if (script === 'Latin') {
        const w = latinWords(text);
        if (w.strong > 0 && w.hits >= FUNCTION_WORDS_MIN && w.hits >= w.words * FUNCTION_WORDS_SHARE) return decided('en', 'function-words');
        if (counts.latin < LATIN_MIN_LETTERS || w.lower < LATIN_MIN_LOWER_WORDS) return undetermined(script, 'too-short');
        const d = deps.detect(text);
        if (d.language === '') return undetermined(script, 'detector');
        if (languages.has(d.language)) return decided(d.language, 'detector');
        const en = d.scores.en ?? 0;
        const top = d.scores[d.language] ?? 0;
        // Not a language the scorer reads: only with the detector sure and English well behind.
        if (d.reliable && top >= en * MIN_LEAD_OVER_ENGLISH) return decided(d.language, 'detector');
        return undetermined(script, 'detector');
      }
      // Mostly Cyrillic, Arabic, Han or another non-Latin script: not English, whatever the
      // detector makes of the details. It names the language when it is sure.
      const letters = counts.cyrillic + counts.arabic + counts.han * HAN_WEIGHT + counts.other;
      if (letters < OTHER_SCRIPT_MIN_LETTERS) return undetermined(script, 'too-short');
      const d = deps.detect(text);
      if (d.language !== '' && d.reliable && (SCRIPT_OF[d.language] ?? script) === script) return decided(d.language, 'detector');
      return { ...undetermined(script, 'script'), via: 'script' };
    },
  };
}

export type LanguageGate = ReturnType<typeof createLanguageGate>;

/**
 * The languages of the English-only scorer. The scorer loadScorer() builds reads more: English
 * and every language with data in data/lexicon/<lang>/ (server/config/load-scorer.ts
 * scorerLanguages(), the default of loadLanguageGate()).
 */
export const SCORER_LANGUAGES: readonly string[] = ['en'];
