// Turns what a person types into a search box into an FTS5 MATCH expression that is always valid.

/** Longest search text accepted, in characters (longer is a 400, not a slow query). */
export const MAX_QUERY_CHARS = 200;
/** Most terms (words or quoted phrases) one search may hold. */
export const MAX_QUERY_TERMS = 16;
/** A prefix term ("escal*") needs at least this many letters: "e*" would read half the index. */
const MIN_PREFIX_CHARS = 2;

export type FtsQuery = { ok: true; match: string; terms: string[] } | { ok: false; code: 'query-too-long' | 'too-many-terms' | 'no-terms'; message: string };

const WORDLIKE = /[\p{L}\p{N}]/u;

/**
 * Security contract: user text never reaches FTS5's query syntax. Every term is emitted as an
 * FTS5 string ("..." with inner quotes doubled), so operators (AND OR NOT NEAR, -, ^, :, (, ),
 * {}, column filters) are searched for as words or dropped as punctuation by the tokenizer, and
 * any input gives a valid expression or a named refusal.
 *
 * What the box understands: words (all must match, in any field), "a quoted phrase" (its words
 * adjacent), and a trailing * on a word for a prefix (escalat* finds escalation, escalating).
 * Terms without a letter or digit are dropped; an unbalanced quote is read as a space.
 */
export function buildFtsQuery(input: string): FtsQuery {
  if (input.length > MAX_QUERY_CHARS) {
    return { ok: false, code: 'query-too-long', message: `q: must be at most ${MAX_QUERY_CHARS} characters (got ${input.length})` };
  }
  const terms: Array<{ text: string; prefix: boolean }> = [];
  // Phrases first: "..." pairs; whatever stays outside them is split on whitespace.
  const parts = input.normalize('NFC').split('"');
  const balanced = parts.length % 2 === 1;
  parts.forEach((part, i) => {
    const quoted = balanced && i % 2 === 1;
    if (quoted) {
      terms.push({ text: part, prefix: false });
      return;
    }
    for (const word of part.split(/\s+/u)) {
      const prefix = word.endsWith('*');
      const text = word.replace(/\*+$/u, '');
      const letters = [...text].filter((c) => WORDLIKE.test(c)).length;
      terms.push({ text, prefix: prefix && letters >= MIN_PREFIX_CHARS });
    }
  });
  const kept = terms.filter((t) => WORDLIKE.test(t.text));
  if (kept.length === 0) return { ok: false, code: 'no-terms', message: 'q: holds no word to search for (letters or digits)' };
  if (kept.length > MAX_QUERY_TERMS) {
    return { ok: false, code: 'too-many-terms', message: `q: may hold at most ${MAX_QUERY_TERMS} words or phrases (got ${kept.length})` };
  }
  // Control characters are not words; they would only make the expression harder to read in logs.
  const quote = (s: string) => `"${s.replace(/[\u0000-\u001f\u007f]/gu, ' ').replace(/"/g, '""')}"`;
  return {
    ok: true,
    match: kept.map((t) => `${quote(t.text)}${t.prefix ? ' *' : ''}`).join(' '),
    terms: kept.map((t) => t.text),
  };
}

/**
 * The terms of a MATCH expression built by buildFtsQuery() (`"a phrase" "escal" *`), as the
 * PostgreSQL store binds them to search_query(terms, prefixes) (pg migration 002): each term's
 * text with its inner quotes undoubled, and 1 where it is a prefix. Only buildFtsQuery's output
 * is ever passed here; anything else in the string is ignored, never interpreted.
 */
export function ftsTerms(match: string): { terms: string[]; prefixes: number[] } {
  const terms: string[] = [];
  const prefixes: number[] = [];
  for (const m of match.matchAll(/"((?:[^"]|"")*)"( \*)?/g)) {
    terms.push(m[1]!.replace(/""/g, '"'));
    prefixes.push(m[2] === undefined ? 0 : 1);
  }
  return { terms, prefixes };
}
