import fs from 'node:fs';
import type { Logger } from '../config/logger.ts';
import { createFeedsRepo, type Feed } from '../store/feeds-repo.ts';
import { createIngestFilesRepo } from '../store/ingest-files-repo.ts';
import type { Store } from '../store/store.ts';
import { decodeFeed } from './feed-decode.ts';
import { fetchFeed, type FetchResult } from './feed-fetcher.ts';
import { parseFeedInput, type FeedInput } from './feed-input.ts';
import { parseFeed } from './feed-parser.ts';
import type { IngestService } from './ingest-service.ts';
import { MAX_FIELD_CHARS } from './statement-input.ts';
import type { UrlGuard } from './url-guard.ts';
import { backoffMs, toFeedView, type FeedView } from './feed-view.ts';
import { itemExternalId, itemText } from './feed-item-fields.ts';

// The feed view and backoff (feed-view.ts) and the item fields (feed-item-fields.ts) are
// re-exported so importers keep one module.
export { backoffMs, toFeedView, type FeedView } from './feed-view.ts';
export { itemExternalId, itemText } from './feed-item-fields.ts';

const FUTURE_TOLERANCE_MS = 24 * 3600_000;

export interface PollOutcome {
  feedId: number;
  ok: boolean;
  httpStatus: number | null;
  items: number;
  stored: number;
  duplicates: number;
  rejected: number;
  code?: string;
  error?: string;
}

/**
 * Feeds: configuration (API and data/feeds.json), polling with conditional GET, and health.
 * A poll's statements and the feed's new health (and validators) commit in one transaction,
 * so an item is only "seen" once it is stored; a failed poll never touches other feeds.
 */
export function createFeedService(deps: {
  store: Store;
  ingest: IngestService;
  guard: UrlGuard;
  logger: Logger;
  now?: () => number;
  fetchOptions?: { timeoutMs?: number; maxBytes?: number; maxRedirects?: number };
  concurrency?: number;
  onChanged?: (feed: FeedView) => void;
}) {
  const now = deps.now ?? Date.now;
  const feeds = createFeedsRepo(deps.store.db);
  const rejections = createIngestFilesRepo(deps.store.db);
  const log = deps.logger.child({ component: 'feeds' });
  const inFlight = new Set<number>();

  function changed(id: number): void {
    const f = feeds.get(id);
    if (f && deps.onChanged) {
      try {
        // Pushed to every socket, token or not: the public error text only.
        deps.onChanged(toFeedView(f, { detail: false }));
      } catch (err) {
        log.error({ err, feedId: id }, 'feedChanged handler failed');
      }
    }
  }

  function recordFailure(feed: Feed, code: string, error: string, httpStatus: number | null): PollOutcome {
    const at = now();
    const failures = feed.consecutiveFailures + 1;
    feeds.recordFailure(feed.id, { at, error, code, httpStatus, nextAttemptAt: at + backoffMs(feed.intervalSeconds, failures) });
    log.warn({ feedId: feed.id, code, httpStatus, failures }, 'feed poll failed');
    return { feedId: feed.id, ok: false, httpStatus, items: 0, stored: 0, duplicates: 0, rejected: 0, code, error };
  }

  async function poll(feed: Feed): Promise<PollOutcome> {
    const fetched: FetchResult = await fetchFeed(feed.url, { etag: feed.etag, lastModified: feed.lastModified, guard: deps.guard, ...deps.fetchOptions });
    if (!fetched.ok) return recordFailure(feed, fetched.code, fetched.message, fetched.httpStatus);
    const at = now();
    const next = at + feed.intervalSeconds * 1000;
    if (fetched.status === 304) {
      feeds.recordSuccess(feed.id, { at, httpStatus: 304, etag: fetched.etag, lastModified: fetched.lastModified, nextAttemptAt: next, stored: 0, itemCount: null });
      return { feedId: feed.id, ok: true, httpStatus: 304, items: 0, stored: 0, duplicates: 0, rejected: 0 };
    }
    const decoded = decodeFeed(fetched.body, fetched.contentType);
    const parsed = parseFeed(decoded.text, { baseUrl: fetched.finalUrl });
    if (!parsed.ok) return recordFailure(feed, parsed.code, parsed.message, 200);
    const items = parsed.feed.items.map((item) => ({
      text: itemText(item),
      source: feed.name.slice(0, MAX_FIELD_CHARS),
      url: item.link,
      publishedAt: item.publishedAt !== null && item.publishedAt <= at + FUTURE_TOLERANCE_MS ? item.publishedAt : null,
      externalId: itemExternalId(item, feed.url),
    }));
    const outcome: PollOutcome = { feedId: feed.id, ok: true, httpStatus: 200, items: items.length, stored: 0, duplicates: 0, rejected: 0 };
    deps.store.transaction(() => {
      const result = deps.ingest.ingest(items, { origin: 'feed' });
      for (const a of result.accepted) {
        if (a.duplicate) outcome.duplicates++;
        else outcome.stored++;
      }
      for (const r of result.rejected) {
        outcome.rejected++;
        const item = parsed.feed.items[r.index]!;
        const which = item.id ?? item.link ?? `#${r.index + 1}`;
        // No line: an item's position changes from poll to poll; its id names it.
        rejections.addRejection({ fileId: null, source: `feed:${feed.id}`, line: null, code: r.code, message: `item ${which.slice(0, 200)}: ${r.message}`, createdAt: at });
      }
      feeds.recordSuccess(feed.id, {
        at,
        httpStatus: 200,
        etag: fetched.etag,
        lastModified: fetched.lastModified,
        nextAttemptAt: next,
        stored: outcome.stored,
        itemCount: items.length,
      });
    });
    if (parsed.feed.warning) log.warn({ feedId: feed.id, warning: parsed.feed.warning }, 'feed read despite XML errors');
    return outcome;
  }

  async function pollSafely(feed: Feed): Promise<PollOutcome> {
    inFlight.add(feed.id);
    try {
      return await poll(feed);
    } catch (err) {
      // A bug or a broken database: this feed fails, the others go on.
      log.error({ err, feedId: feed.id }, 'feed poll crashed');
      try {
        return recordFailure(feed, 'internal-error', err instanceof Error ? err.message : String(err), null);
      } catch (inner) {
        log.error({ err: inner, feedId: feed.id }, 'could not record the feed failure');
        return { feedId: feed.id, ok: false, httpStatus: null, items: 0, stored: 0, duplicates: 0, rejected: 0, code: 'internal-error' };
      }
    } finally {
      inFlight.delete(feed.id);
      changed(feed.id);
    }
  }

  return {
    /** `detail: false` for readers without the admin token: errors in general terms (feed-errors.ts). */
    list(opts: { detail: boolean } = { detail: true }): FeedView[] {
      return feeds.list().map((f) => toFeedView(f, opts));
    },

    get(id: number, opts: { detail: boolean } = { detail: true }): FeedView | null {
      const f = feeds.get(id);
      return f ? toFeedView(f, opts) : null;
    },

    /** Adds a feed from the API; it is polled on the next tick. */
    add(input: FeedInput): { ok: true; feed: FeedView } | { ok: false; code: 'duplicate-url' | 'private-address'; message: string } {
      const blocked = deps.guard.checkUrl(new URL(input.url));
      if (blocked) return { ok: false, code: 'private-address', message: blocked.message };
      const existing = feeds.findByUrl(input.url);
      if (existing) return { ok: false, code: 'duplicate-url', message: `feed ${existing.id} (${existing.name}) already has this URL` };
      const at = now();
      const feed = feeds.insert({ ...input, origin: 'api', createdAt: at, nextAttemptAt: at });
      return { ok: true, feed: toFeedView(feed) };
    },

    remove(id: number): 'removed' | 'not-found' | 'declared-in-config' {
      const f = feeds.get(id);
      if (!f) return 'not-found';
      if (f.origin === 'config') return 'declared-in-config';
      feeds.remove(id);
      return 'removed';
    },

    /**
     * Syncs the declarative list in feeds.json: the file wins for the feeds it declares (added,
     * or name and interval updated; an API feed with the same URL becomes config-owned), and
     * config feeds no longer in the file are removed. API feeds are left alone. A file that
     * cannot be read or parsed changes nothing; a bad entry is skipped and reported.
     */
    syncFromFile(file: string): { added: number; updated: number; removed: number; errors: string[] } {
      const result = { added: 0, updated: 0, removed: 0, errors: [] as string[] };
      let raw: string;
      try {
        raw = fs.readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
        result.errors.push(`${file}: ${(err as Error).message}`);
        return result;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(raw);
      } catch (err) {
        result.errors.push(`${file}: not valid JSON (${(err as Error).message}); feeds left unchanged`);
        return result;
      }
      const list = Array.isArray(doc) ? doc : (doc as { feeds?: unknown })?.feeds;
      if (!Array.isArray(list)) {
        result.errors.push(`${file}: expected {"feeds": [{name, url, intervalSeconds}, ...]} or an array; feeds left unchanged`);
        return result;
      }
      const declared = new Map<string, FeedInput>();
      list.forEach((entry, i) => {
        const parsed = parseFeedInput(entry);
        if (!parsed.ok) result.errors.push(`${file}: feeds[${i}]: ${parsed.message}`);
        else if (declared.has(parsed.value.url)) result.errors.push(`${file}: feeds[${i}]: duplicate url ${parsed.value.url}`);
        else declared.set(parsed.value.url, parsed.value);
      });
      deps.store.transaction(() => {
        const at = now();
        for (const input of declared.values()) {
          const existing = feeds.findByUrl(input.url);
          if (!existing) {
            feeds.insert({ ...input, origin: 'config', createdAt: at, nextAttemptAt: at });
            result.added++;
          } else if (existing.name !== input.name || existing.intervalSeconds !== input.intervalSeconds || existing.origin !== 'config') {
            feeds.updateConfig(existing.id, { name: input.name, intervalSeconds: input.intervalSeconds, origin: 'config' });
            result.updated++;
          }
        }
        for (const f of feeds.list()) {
          if (f.origin === 'config' && !declared.has(f.url)) {
            feeds.remove(f.id);
            result.removed++;
          }
        }
      });
      return result;
    },

    /** Polls every due feed (a few at a time); one broken feed never stops the others. */
    async pollDue(): Promise<{ polled: number; ok: number; failed: number; stored: number }> {
      const due = feeds.listDue(now(), 100).filter((f) => !inFlight.has(f.id));
      const counts = { polled: due.length, ok: 0, failed: 0, stored: 0 };
      const queue = [...due];
      const workers = Array.from({ length: Math.min(deps.concurrency ?? 4, queue.length) }, async () => {
        for (let f = queue.shift(); f; f = queue.shift()) {
          const r = await pollSafely(f);
          if (r.ok) counts.ok++;
          else counts.failed++;
          counts.stored += r.stored;
        }
      });
      await Promise.all(workers);
      return counts;
    },

    /** Polls one feed now, whatever its schedule (tests, a future "refresh" button). */
    async pollNow(id: number): Promise<PollOutcome | null> {
      const f = feeds.get(id);
      return f ? pollSafely(f) : null;
    },
  };
}

export type FeedService = ReturnType<typeof createFeedService>;
