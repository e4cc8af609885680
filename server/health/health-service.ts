import fs from 'node:fs';
import type { Logger } from '../config/logger.ts';
import type { HealthQueries } from '../store/health-queries.ts';
import { assessHealth, type HealthAssessment, type HealthFacts, type HealthThresholds } from './assess-health.ts';

/** What GET /api/health answers and the `healthChanged` push carries (without the counts). */
export interface HealthView extends HealthAssessment {
  /** When the checks last ran (ISO 8601). */
  checkedAt: string;
  checks: {
    /** engine 'postgres': `file` is the server's URL without its password, `sizeBytes` pg_database_size; SQLite: sizeBytes null. */
    database: { engine: 'sqlite' | 'postgres'; file: string; writable: boolean | null; busy: boolean; sizeBytes: number | null };
    scoring: { oldestPendingId: number | null; oldestPendingAt: string | null; lagSeconds: number; thresholdSeconds: number };
    feeds: { total: number; failing: number };
    deliveries: { pending: number; retrying: number; deadRecently: number; oldestPendingAt: string | null; thresholdSeconds: number };
    /** checked false on PostgreSQL (path 'postgres'): no file of ours to watch; the database server watches its disk. */
    disk: { path: string; checked: boolean; freeBytes: number | null; totalBytes: number | null; thresholdBytes: number };
  };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Free and total bytes of the file system holding `dir` (statfs), for an unprivileged user. */
export function diskSpace(dir: string): { freeBytes: number; totalBytes: number } {
  const s = fs.statfsSync(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/**
 * Runs the health checks off the request path (a job every few seconds, and soon after a feed
 * changes) and keeps the last assessment: GET /api/health only reads it and the maintained
 * statement counts, so it stays cheap whatever the size of the database. `onChanged` sees every
 * change of status or reasons (the socket push), after the checks that found it.
 */
export function createHealthService(deps: {
  queries: HealthQueries;
  databaseFile: string;
  dataDir: string;
  thresholds: HealthThresholds;
  logger: Logger;
  now?: () => number;
  disk?: (dir: string) => { freeBytes: number; totalBytes: number };
  onChanged?: (view: HealthView) => void;
}) {
  const now = deps.now ?? Date.now;
  const disk = deps.disk ?? diskSpace;
  const log = deps.logger.child({ component: 'health' });
  let last: HealthView | null = null;
  let soon: ReturnType<typeof setTimeout> | null = null;

  const engine = deps.queries.engine;
  // On PostgreSQL the database is the server's, not a file in the data folder (issue 16).
  const databaseFile = deps.queries.location ?? deps.databaseFile;
  const skippedDisk = { path: 'postgres', skipped: 'the database is on a PostgreSQL server, which watches its own disk' };

  function gather(at: number): HealthFacts {
    let space: HealthFacts['disk'];
    if (engine === 'postgres') space = skippedDisk;
    else {
      try {
        space = { path: deps.dataDir, ...disk(deps.dataDir) };
      } catch (err) {
        space = { path: deps.dataDir, error: (err as Error).message };
      }
    }
    const probe = deps.queries.probeWrite(at);
    return {
      now: at,
      database: { file: databaseFile, probe, engine, sizeBytes: deps.queries.databaseSizeBytes() },
      oldestPending: deps.queries.oldestPending(),
      feeds: deps.queries.feeds(),
      deliveries: deps.queries.deliveries(at - deps.thresholds.deadWindowMs),
      disk: space,
    };
  }

  function toView(f: HealthFacts, a: HealthAssessment): HealthView {
    const t = deps.thresholds;
    return {
      ...a,
      checkedAt: new Date(f.now).toISOString(),
      checks: {
        database: {
          engine,
          file: f.database.file,
          writable: f.database.probe.ok === 'busy' ? null : f.database.probe.ok,
          busy: f.database.probe.ok === 'busy',
          sizeBytes: f.database.sizeBytes ?? null,
        },
        scoring: {
          oldestPendingId: f.oldestPending?.id ?? null,
          oldestPendingAt: iso(f.oldestPending?.receivedAt ?? null),
          lagSeconds: f.oldestPending ? Math.max(0, Math.round((f.now - f.oldestPending.receivedAt) / 1000)) : 0,
          thresholdSeconds: t.scoreLagSeconds,
        },
        feeds: { total: f.feeds.total, failing: f.feeds.failing.length },
        deliveries: {
          pending: f.deliveries.pending,
          retrying: f.deliveries.retrying,
          deadRecently: f.deliveries.deadSince,
          oldestPendingAt: iso(f.deliveries.oldestPendingAt),
          thresholdSeconds: t.deliveryLagSeconds,
        },
        disk: {
          path: f.disk.path,
          checked: !('skipped' in f.disk),
          freeBytes: 'freeBytes' in f.disk ? f.disk.freeBytes : null,
          totalBytes: 'totalBytes' in f.disk ? f.disk.totalBytes : null,
          thresholdBytes: t.minFreeBytes,
        },
      },
    };
  }

  function schedule(delayMs: number): void {
    if (soon) return;
    soon = setTimeout(() => {
      soon = null;
      refresh();
    }, delayMs);
    soon.unref();
  }

  const signature = (v: HealthView) => JSON.stringify([v.status, v.reasons]);

  /** Runs every check now; returns the new assessment. */
  function refresh(): HealthView {
    const at = now();
    let view: HealthView;
    try {
      const facts = gather(at);
      view = toView(facts, assessHealth(facts, deps.thresholds));
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // The connection is iterating a query: nothing is wrong, try again shortly.
      if (e.code === undefined && /connection is busy/i.test(e.message ?? '') && last !== null) {
        schedule(1000);
        return last;
      }
      // A check that throws (the database gone, say) is itself the finding.
      const probe = { ok: false as const, code: e.code ?? 'error', message: e.message ?? String(err) };
      const facts: HealthFacts = {
        now: at,
        database: { file: databaseFile, probe, engine },
        oldestPending: null,
        feeds: { total: 0, failing: [] },
        deliveries: { pending: 0, oldestPendingAt: null, retrying: 0, deadSince: 0, lastError: null },
        disk: engine === 'postgres' ? skippedDisk : { path: deps.dataDir, freeBytes: Number.MAX_SAFE_INTEGER, totalBytes: Number.MAX_SAFE_INTEGER },
      };
      view = toView(facts, assessHealth(facts, deps.thresholds));
    }
    const changed = last === null || signature(last) !== signature(view);
    if (changed && (last !== null || view.status !== 'ok')) {
      const level = view.status === 'failing' ? 'error' : view.status === 'degraded' ? 'warn' : 'info';
      log[level]({ status: view.status, reasons: view.reasons.map((r) => r.code) }, 'health changed');
    }
    last = view;
    if (changed) {
      try {
        deps.onChanged?.(view);
      } catch (err) {
        log.error({ err }, 'healthChanged handler failed');
      }
    }
    return view;
  }

  return {
    refresh,
    /** The last assessment (running the checks first if they never ran). */
    current(): HealthView {
      return last ?? refresh();
    },
    /** Runs the checks shortly (coalescing bursts): after a feed poll, a delivery run... */
    refreshSoon(delayMs = 250): void {
      schedule(delayMs);
    },
    /** Statements per status, exact (maintained counts: no table scan). */
    statementCounts: () => deps.queries.statementsByStatus(),
    stop(): void {
      if (soon) clearTimeout(soon);
      soon = null;
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
