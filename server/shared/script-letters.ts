// The letters of a text counted by writing system: what tells a mixed-language statement (a
// large share of its letters in another script than its language's). Used by the scorer
// (server/scoring/languages/multilingual-scorer.ts) and by the statement view, which derives
// `langMixed` from the stored text and language, so the two always agree.

/** Writing system of each language the scorer may read (English included). */
export const SCRIPT_OF_LANGUAGE: Record<string, 'Latin' | 'Cyrillic' | 'Arabic' | 'Han'> = {
  en: 'Latin', es: 'Latin', fr: 'Latin', ru: 'Cyrillic', uk: 'Cyrillic', ar: 'Arabic', zh: 'Han',
};

export type Script = 'Latin' | 'Cyrillic' | 'Arabic' | 'Han';
const SCRIPTS: readonly Script[] = ['Latin', 'Cyrillic', 'Arabic', 'Han'];

/** Letters of another script than the main language's that make a text "mixed": share and count. */
const MIXED_SHARE = 0.2;
const MIXED_MIN_LETTERS = 8;
/** Only this many code units are counted (a statement's language shows in its first lines). */
export const SCAN_CHARS = 2000;
export interface Letters {
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

/** Scripts other than `lang`'s that hold a large share of the letters, or undefined. */
export function mixedScripts(c: Letters, lang: string): string[] | undefined {
  const own = SCRIPT_OF_LANGUAGE[lang] ?? 'Latin';
  const total = c.Latin + c.Cyrillic + c.Arabic + c.Han;
  let others: Script[] | undefined; // most texts have none: no array made for them
  for (const s of SCRIPTS) if (s !== own && c[s] >= MIXED_MIN_LETTERS && c[s] >= total * MIXED_SHARE) (others ??= []).push(s);
  return others;
}


/**
 * What the statement view says of a scored statement's language: the other scripts that hold a
 * large share of its letters (it was scored by its main language, `lang`, only), or null.
 */
export function langMixedOf(text: string, lang: string | null, status: string): string[] | null {
  if (status !== 'scored' || lang === null || !(lang in SCRIPT_OF_LANGUAGE)) return null;
  return mixedScripts(countLetters(text), lang) ?? null;
}
