// Where a search matched, as character ranges, so the page can mark them without any HTML.
import type { Db } from './database.ts';
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

// Private-use code points as FTS5 highlight() markers: they are valid inside JSON strings (the
// targets column) and mean nothing in real text. A field that holds one itself gets no ranges
// (its text without markers would not equal the field), never wrong ones.
const OPEN = '\uE000';
const CLOSE = '\uE001';

/** Splits highlight() output into ranges; null when it does not reproduce `original` exactly. */
export function parseHighlighted(marked: string | null, original: string | null): MatchRange[] | null {
  if (marked === null || original === null) return null;
  const ranges: MatchRange[] = [];
  let plain = '';
  let start = -1;
  for (let i = 0; i < marked.length; i++) {
    const c = marked[i]!;
    if (c === OPEN) start = plain.length;
    else if (c === CLOSE) {
      if (start >= 0 && plain.length > start) ranges.push([start, plain.length]);
      start = -1;
    } else plain += c;
  }
  return plain === original ? ranges : null;
}

function targetRanges(marked: string | null, targets: string[]): MatchRange[][] {
  const none = targets.map((): MatchRange[] => []);
  if (marked === null) return none;
  let parsed: unknown;
  try {
    parsed = JSON.parse(marked);
  } catch {
    return none; // not the JSON array statements.targets holds: nothing to mark
  }
  if (!Array.isArray(parsed) || parsed.length !== targets.length) return none;
  return targets.map((t, i) => (typeof parsed[i] === 'string' ? parseHighlighted(parsed[i], t) : null) ?? []);
}

/**
 * The match ranges of each statement of a page (ids) for an FTS5 expression: one query that
 * the index answers by rowid. Statements the expression does not match get empty lists.
 */
export function findHighlights(db: Db, match: string, statements: StatementView[]): Map<number, SearchHighlights> {
  const out = new Map<number, SearchHighlights>();
  if (statements.length === 0) return out;
  const ids = statements.map((s) => s.id);
  const h = (col: number) => `highlight(statements_fts, ${col}, '${OPEN}', '${CLOSE}')`;
  const rows = db
    .prepare(
      `SELECT rowid AS id, ${h(0)} AS text, ${h(1)} AS speaker, ${h(2)} AS actor, ${h(3)} AS targets, ${h(4)} AS source
       FROM statements_fts WHERE statements_fts MATCH ? AND rowid IN (${ids.map(() => '?').join(',')})`,
    )
    .all(match, ...ids) as Array<{ id: number; text: string | null; speaker: string | null; actor: string | null; targets: string | null; source: string | null }>;
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const s of statements) {
    const r = byId.get(s.id);
    out.set(s.id, {
      text: parseHighlighted(r?.text ?? null, s.text) ?? [],
      speaker: parseHighlighted(r?.actor ?? null, s.speaker) ?? parseHighlighted(r?.speaker ?? null, s.speaker) ?? [],
      targets: targetRanges(r?.targets ?? null, s.targets),
      source: parseHighlighted(r?.source ?? null, s.source) ?? [],
    });
  }
  return out;
}
