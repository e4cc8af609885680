// A feed as the API shows it (its configuration and health), and the delay before a failing
// feed's next attempt.

import type { Feed } from '../store/feeds-repo.ts';
import { publicFeedError } from './feed-errors.ts';

/** Longest wait between attempts of a failing feed (unless its own interval is longer). */
const MAX_BACKOFF_MS = 6 * 3600_000;

export interface FeedView {
  id: number;
  name: string;
  url: string;
  intervalSeconds: number;
  origin: 'config' | 'api';
  health: {
    status: 'pending' | 'ok' | 'failing';
    lastAttemptAt: string | null;
    lastSuccessAt: string | null;
    lastErrorAt: string | null;
    lastError: string | null;
    lastErrorCode: string | null;
    lastHttpStatus: number | null;
    consecutiveFailures: number;
    nextAttemptAt: string;
    itemsStored: number;
    lastItemCount: number | null;
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * A feed as the API shows it. `detail: false` (everyone but the admin, and every socket push)
 * replaces the stored error text with its general kind (feed-errors.ts).
 */
export function toFeedView(f: Feed, opts: { detail: boolean } = { detail: true }): FeedView {
  return {
    id: f.id,
    name: f.name,
    url: f.url,
    intervalSeconds: f.intervalSeconds,
    origin: f.origin,
    health: {
      status: f.lastAttemptAt === null ? 'pending' : f.consecutiveFailures > 0 ? 'failing' : 'ok',
      lastAttemptAt: iso(f.lastAttemptAt),
      lastSuccessAt: iso(f.lastSuccessAt),
      lastErrorAt: iso(f.lastErrorAt),
      lastError: opts.detail ? f.lastError : publicFeedError(f.lastErrorCode, f.lastHttpStatus, f.lastError),
      lastErrorCode: f.lastErrorCode,
      lastHttpStatus: f.lastHttpStatus,
      consecutiveFailures: f.consecutiveFailures,
      nextAttemptAt: new Date(f.nextAttemptAt).toISOString(),
      itemsStored: f.itemsStored,
      lastItemCount: f.lastItemCount,
    },
  };
}

/** Delay before the next attempt after the n-th consecutive failure: interval, 2x, 4x ... capped. */
export function backoffMs(intervalSeconds: number, failures: number): number {
  const interval = intervalSeconds * 1000;
  const cap = Math.max(MAX_BACKOFF_MS, interval);
  return Math.min(interval * 2 ** Math.min(Math.max(failures - 1, 0), 20), cap);
}
