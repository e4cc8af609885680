// Prefix terms ("minis*") read as the few indexed words they cover (SQLite FTS5 only).
import type { Db } from './database.ts';

/** A prefix covering more indexed words than this stays a prefix query. */
export const PREFIX_WORDS_MAX = 64;
const VOCAB = 'temp.statements_fts_vocab';

/**
 * Rewrites each prefix term of a MATCH expression built by buildFtsQuery() (`"minis" *`) into
 * the indexed words it covers, `("minister" OR "ministers" OR "ministry")`, when they are at
 * most PREFIX_WORDS_MAX: the same rows match. Why: FTS5 answers a prefix term by first merging
 * the whole doclist of every word it covers (~20 ms of CPU for "minis*" over 1,000,000
 * statements, before the first row, on every count and every page), where an OR of words is
 * read lazily, a row at a time, like any word. The words come from an fts5vocab table over the
 * index (~4 ms for those three words: it counts their documents as it lists them).
 *
 * Only a single word of ASCII letters and digits is rewritten: the index holds its words as the
 * unicode61 tokenizer folds them (lower case, accents removed), and for those characters the
 * folding is plain lower-casing, so the words listed are exactly those the prefix covers. A
 * phrase prefix, any other character, or a failure to read the vocabulary leaves the term as
 * it was (always correct, only slower).
 */
export function expandPrefixes(db: Db, match: string): string {
  if (!match.includes(' *')) return match;
  // Term by term, as buildFtsQuery writes them: "text" with inner quotes doubled, then ` *` for a prefix.
  let changed = false;
  const terms = [...match.matchAll(/"((?:[^"]|"")*)"( \*)?/g)].map(([term, text, star]) => {
    if (star === undefined || !/^[A-Za-z0-9]+$/.test(text!)) return term;
    const words = coveredWords(db, text!.toLowerCase());
    if (words === null || words.length === 0) return term;
    changed = true;
    return `(${words.map((w) => `"${w}"`).join(' OR ')})`;
  });
  // (FTS5 reads an implicit AND only between phrases, not beside a parenthesised group.)
  return changed ? terms.join(' AND ') : match;
}

/**
 * expandPrefixes for one connection, remembering the last expression until the data changes
 * (total_changes() of this connection, data_version for the others' commits): a search asks
 * twice, whether it is too broad to rank and then for its page.
 */
export function createPrefixExpander(db: Db): (match: string) => string {
  const version = db.prepare("SELECT total_changes() || ' ' || data_version FROM pragma_data_version").pluck();
  let last: { key: string; match: string } | null = null;
  return (match) => {
    if (!match.includes(' *')) return match;
    const key = `${version.get() as string} ${match}`;
    if (last?.key !== key) last = { key, match: expandPrefixes(db, match) };
    return last.match;
  };
}

const created = new WeakSet<Db>();

function coveredWords(db: Db, prefix: string): string[] | null {
  try {
    if (!created.has(db)) {
      db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS ${VOCAB} USING fts5vocab(main, statements_fts, row)`);
      created.add(db);
    }
    const words: string[] = [];
    const it = db.prepare(`SELECT term FROM ${VOCAB} WHERE term >= ?`).pluck().iterate(prefix) as IterableIterator<string>;
    try {
      for (const term of it) {
        if (!term.startsWith(prefix)) break;
        // Only words the quoting below keeps as one token (the index holds no quotes, but be sure).
        if (words.length === PREFIX_WORDS_MAX || !/^[\p{L}\p{N}\p{M}\p{Co}]+$/u.test(term)) return null;
        words.push(term);
      }
    } finally {
      it.return?.();
    }
    return words;
  } catch {
    return null;
  }
}
