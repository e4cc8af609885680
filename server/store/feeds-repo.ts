import type { Db } from './database.ts';

export interface Feed {
  id: number;
  name: string;
  url: string;
  intervalSeconds: number;
  origin: 'config' | 'api';
  createdAt: number;
  etag: string | null;
  lastModified: string | null;
  lastAttemptAt: number | null;
  lastSuccessAt: number | null;
  lastErrorAt: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastHttpStatus: number | null;
  consecutiveFailures: number;
  nextAttemptAt: number;
  itemsStored: number;
  lastItemCount: number | null;
}

interface FeedRow {
  id: number;
  name: string;
  url: string;
  interval_seconds: number;
  origin: 'config' | 'api';
  created_at: number;
  etag: string | null;
  last_modified: string | null;
  last_attempt_at: number | null;
  last_success_at: number | null;
  last_error_at: number | null;
  last_error: string | null;
  last_error_code: string | null;
  last_http_status: number | null;
  consecutive_failures: number;
  next_attempt_at: number;
  items_stored: number;
  last_item_count: number | null;
}

const toFeed = (r: FeedRow): Feed => ({
  id: r.id,
  name: r.name,
  url: r.url,
  intervalSeconds: r.interval_seconds,
  origin: r.origin,
  createdAt: r.created_at,
  etag: r.etag,
  lastModified: r.last_modified,
  lastAttemptAt: r.last_attempt_at,
  lastSuccessAt: r.last_success_at,
  lastErrorAt: r.last_error_at,
  lastError: r.last_error,
  lastErrorCode: r.last_error_code,
  lastHttpStatus: r.last_http_status,
  consecutiveFailures: r.consecutive_failures,
  nextAttemptAt: r.next_attempt_at,
  itemsStored: r.items_stored,
  lastItemCount: r.last_item_count,
});

export function createFeedsRepo(db: Db) {
  const all = db.prepare('SELECT * FROM feeds ORDER BY id');
  const byId = db.prepare('SELECT * FROM feeds WHERE id = ?');
  const byUrl = db.prepare('SELECT * FROM feeds WHERE url = ?');
  const due = db.prepare('SELECT * FROM feeds WHERE next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?');
  const insert = db.prepare(`
    INSERT INTO feeds (name, url, interval_seconds, origin, created_at, next_attempt_at)
    VALUES (@name, @url, @intervalSeconds, @origin, @createdAt, @nextAttemptAt)
    RETURNING *`);
  const updateConfig = db.prepare(`UPDATE feeds SET name = @name, interval_seconds = @intervalSeconds, origin = @origin WHERE id = @id`);
  const remove = db.prepare('DELETE FROM feeds WHERE id = ?');
  const success = db.prepare(`
    UPDATE feeds SET last_attempt_at = @at, last_success_at = @at, last_http_status = @httpStatus,
      etag = COALESCE(@etag, etag), last_modified = COALESCE(@lastModified, last_modified),
      consecutive_failures = 0, next_attempt_at = @nextAttemptAt,
      items_stored = items_stored + @stored, last_item_count = COALESCE(@itemCount, last_item_count)
    WHERE id = @id`);
  const failure = db.prepare(`
    UPDATE feeds SET last_attempt_at = @at, last_error_at = @at, last_error = @error, last_error_code = @code,
      last_http_status = @httpStatus, consecutive_failures = consecutive_failures + 1, next_attempt_at = @nextAttemptAt
    WHERE id = @id`);

  return {
    list(): Feed[] {
      return (all.all() as FeedRow[]).map(toFeed);
    },
    get(id: number): Feed | null {
      const r = byId.get(id) as FeedRow | undefined;
      return r ? toFeed(r) : null;
    },
    findByUrl(url: string): Feed | null {
      const r = byUrl.get(url) as FeedRow | undefined;
      return r ? toFeed(r) : null;
    },
    /** Feeds whose next attempt is due, oldest first. */
    listDue(now: number, limit: number): Feed[] {
      return (due.all(now, limit) as FeedRow[]).map(toFeed);
    },
    insert(f: { name: string; url: string; intervalSeconds: number; origin: 'config' | 'api'; createdAt: number; nextAttemptAt: number }): Feed {
      return toFeed(insert.get(f) as FeedRow);
    },
    updateConfig(id: number, f: { name: string; intervalSeconds: number; origin: 'config' | 'api' }): void {
      updateConfig.run({ id, ...f });
    },
    remove(id: number): boolean {
      return remove.run(id).changes > 0;
    },
    /** A successful poll (200 or 304). Call in the transaction that stored its items. */
    recordSuccess(id: number, s: { at: number; httpStatus: number; etag: string | null; lastModified: string | null; nextAttemptAt: number; stored: number; itemCount: number | null }): void {
      success.run({ id, ...s });
    },
    recordFailure(id: number, f: { at: number; error: string; code: string; httpStatus: number | null; nextAttemptAt: number }): void {
      // A parser's message may quote the feed's bytes, NUL included; PostgreSQL text cannot hold NUL.
      failure.run({ id, ...f, error: f.error.replace(/\u0000/g, '\uFFFD').slice(0, 500) });
    },
  };
}

export type FeedsRepo = ReturnType<typeof createFeedsRepo>;
