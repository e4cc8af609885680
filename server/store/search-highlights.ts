// Where a search matched, as character ranges, so the page can mark them without any HTML.
import type { StatementView } from './statement-types.ts';

/** [start, end) in UTF-16 code units of the field as the API returns it. */
export type MatchRange = [start: number, end: number];

export interface SearchHighlights {
  text: MatchRange[];
  /** Of `speaker` as shown (the canonical actor when known, else the speaker as given). */
  speaker: MatchRange[];
  /** One list per entry of `targets`. */
  targets: MatchRange[][];
  source: MatchRange[];
}

interface Token {
  norm: string;
  start: number;
  end: number;
}

/**
 * Tokens as FTS5's unicode61 tokenizer with remove_diacritics 2 cuts and folds them: runs of
 * letters, digits, marks and private-use characters; lower-cased, accents removed.
 *
 * Why not FTS5's highlight(): it re-runs the whole MATCH per row (measured ~150 µs a row on
 * this machine under load, 40 ms for a page of a prefix search), where this is a few µs. The
 * index still decides which rows match; this only says where to draw the marks, so a rare
 * difference from the tokenizer costs a missing mark, never a wrong row.
 */
const TOKEN = /[\p{L}\p{N}\p{M}\p{Co}]+/gu;
const ASCII = /^[\x00-\x7f]*$/;
// (ASCII has no accents to remove: lower-casing is the whole fold, several times faster.)
const fold = (s: string) => (ASCII.test(s) ? s.toLowerCase() : s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase());

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN)) out.push({ norm: fold(m[0]), start: m.index, end: m.index + m[0].length });
  return out;
}

/** The terms of a MATCH expression built by buildFtsQuery(): `"phrase words" *`, space separated. */
export function termsOfMatch(match: string): Array<{ words: string[]; prefix: boolean }> {
  const terms: Array<{ words: string[]; prefix: boolean }> = [];
  for (const m of match.matchAll(/"((?:[^"]|"")*)"( \*)?/g)) {
    const words = tokenize(m[1]!.replace(/""/g, '"')).map((t) => t.norm);
    if (words.length > 0) terms.push({ words, prefix: m[2] !== undefined });
  }
  return terms;
}

/** The ranges of `text` where any term matches (a phrase: its words in a row; prefix: the last word's start). */
export function matchRanges(text: string | null, terms: Array<{ words: string[]; prefix: boolean }>): MatchRange[] {
  if (text === null || text === '') return [];
  const tokens = tokenize(text);
  const ranges: MatchRange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    for (const t of terms) {
      if (i + t.words.length > tokens.length) continue;
      const ok = t.words.every((w, j) => {
        const tok = tokens[i + j]!.norm;
        return t.prefix && j === t.words.length - 1 ? tok.startsWith(w) : tok === w;
      });
      if (ok) ranges.push([tokens[i]!.start, tokens[i + t.words.length - 1]!.end]);
    }
  }
  // Sorted, overlaps merged: the page draws one mark per range.
  ranges.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const merged: MatchRange[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
    else merged.push([r[0], r[1]]);
  }
  return merged;
}

/** The match ranges of each statement of a page for an FTS5 expression built by buildFtsQuery(). */
export function findHighlights(match: string, statements: StatementView[]): Map<number, SearchHighlights> {
  const terms = termsOfMatch(match);
  const out = new Map<number, SearchHighlights>();
  for (const s of statements) {
    out.set(s.id, {
      text: matchRanges(s.text, terms),
      speaker: matchRanges(s.speaker, terms),
      targets: s.targets.map((t) => matchRanges(t, terms)),
      source: matchRanges(s.source, terms),
    });
  }
  return out;
}
