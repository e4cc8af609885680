// A newest-first page of a search with many matches: read the matches newest id first, and stop
// as soon as the time index proves that no match left unread can be newer than the page.
import type { Db } from './database.ts';
import { buildStatementQuery } from './statement-query.ts';
import type { StatementFilter } from './statement-types.ts';

/**
 * Most matches (that pass the other filters or not) the walk reads before it gives up and the
 * caller uses the other plans: reached only when ids do not follow time (statements stored long
 * after they were said) or the filters keep few of the matches.
 */
export const WALK_MAX = 20_000;

type Position = { occurredAt: number; id: number };
const newer = (a: Position, b: Position) => a.occurredAt > b.occurredAt || (a.occurredAt === b.occurredAt && a.id > b.id);

/**
 * The 'rowid' plan. FTS5 hands out the matches of an expression in rowid order, newest id first,
 * one at a time and cheaply (it reads a term's doclist backwards), where a page in time order
 * needs every match first (a temporary index of all of them: ~30 ms of CPU for 128,000
 * matches). Ids follow arrival, not occurred_at, so the walk does not trust their order: it
 * keeps the `limit` newest (occurred_at, id) of the matches read, all of which pass the filters
 * and the cursor, and stops once the newest statement with an id below the last one read (found
 * by walking the time index forward, skipping higher ids: one pass over the index entries in
 * all, ~0.05 µs each) is older than the page's oldest: no match unread can then enter the page.
 * The page is exactly the time plans' page. Null when the walk gives up (more than `maxRead` matches read).
 */
export function newestByRowid<R extends { id: number; occurred_at: number }>(db: Db, filter: StatementFilter, columns: string, maxRead = WALK_MAX): R[] | null {
  const limit = filter.limit!;
  const { sql, params } = buildStatementQuery({ ...filter, limit: undefined }, `${columns}`, 'rowid');
  // The newest statement (within the filter's time range and cursor) older than `at` with id < @below.
  const time: string[] = [];
  if (filter.from !== undefined) time.push('occurred_at >= @from');
  if (filter.to !== undefined) time.push('occurred_at < @to');
  const nextStmt = db
    .prepare(
      `SELECT occurred_at, id FROM statements INDEXED BY statements_occurred
       WHERE ${[...time, '(occurred_at < @atTime OR (occurred_at = @atTime AND id < @atId))', '+id < @below'].join(' AND ')}
       ORDER BY occurred_at DESC, id DESC LIMIT 1`,
    )
    .raw();
  const timeParams = { from: filter.from, to: filter.to };
  let at: Position = filter.before ?? { occurredAt: Number.MAX_SAFE_INTEGER, id: Number.MAX_SAFE_INTEGER };
  let bound: Position | null | undefined; // undefined: not looked for yet; null: no statement left
  const page: R[] = [];
  let read = 0;
  const it = db.prepare(sql).iterate(params) as IterableIterator<R>;
  try {
    for (const row of it) {
      if (++read > maxRead) return null;
      const pos = { occurredAt: row.occurred_at, id: row.id };
      if (page.length < limit) page.push(row);
      else {
        const oldest = page[page.length - 1]!;
        if (!newer(pos, { occurredAt: oldest.occurred_at, id: oldest.id })) continue;
        page[page.length - 1] = row;
      }
      page.sort((a, b) => b.occurred_at - a.occurred_at || b.id - a.id);
      if (page.length < limit) continue;
      // Every match unread has an id below row.id.
      while (bound === undefined || (bound !== null && bound.id >= row.id)) {
        const found = nextStmt.get({ ...timeParams, atTime: at.occurredAt, atId: at.id, below: row.id }) as [number, number] | undefined;
        bound = found === undefined ? null : { occurredAt: found[0], id: found[1] };
        if (bound !== null) at = bound;
      }
      const oldest = page[page.length - 1]!;
      if (bound === null || newer({ occurredAt: oldest.occurred_at, id: oldest.id }, bound)) break;
    }
  } finally {
    it.return?.();
  }
  return page;
}
