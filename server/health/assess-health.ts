import type { DeliveryFacts, FailingFeed, WriteProbe } from '../store/health-queries.ts';

/**
 * Health, pure: the facts read by the health service and the thresholds in, the status and its
 * reasons out. `failing` means the server cannot do its job (the database takes no writes);
 * `degraded` means it works but something needs an operator (scoring behind, feeds failing,
 * notifications dead or backing up, disk nearly full); `ok` means no check found anything.
 */

export type HealthStatus = 'ok' | 'degraded' | 'failing';

export interface HealthReason {
  /** Kebab-case, stable: what monitors match on. */
  code: 'database-not-writable' | 'scoring-behind' | 'feeds-failing' | 'deliveries-dead' | 'deliveries-backlog' | 'disk-nearly-full' | 'disk-unknown';
  severity: Exclude<HealthStatus, 'ok'>;
  /** One sentence for a person: what is wrong, with the figures. */
  message: string;
}

export interface HealthThresholds {
  /** The oldest pending statement may wait this long before scoring counts as behind. */
  scoreLagSeconds: number;
  /** The oldest waiting notification may wait this long before the outbox counts as backing up. */
  deliveryLagSeconds: number;
  /** Free space in the data folder below this is "nearly full". */
  minFreeBytes: number;
  /** Dead deliveries count for this long (they stay dead; health should not stay degraded forever). */
  deadWindowMs: number;
}

export interface HealthFacts {
  now: number;
  /**
   * `file`: the SQLite file, or on PostgreSQL the server's URL without its password. `engine`
   * (default 'sqlite') picks the advice; `sizeBytes`: PostgreSQL's pg_database_size.
   */
  database: { file: string; probe: WriteProbe; engine?: 'sqlite' | 'postgres'; sizeBytes?: number | null };
  oldestPending: { id: number; receivedAt: number } | null;
  feeds: { total: number; failing: FailingFeed[] };
  deliveries: DeliveryFacts;
  /** `skipped`: not checked (PostgreSQL keeps its files on its own server, which watches its own disk). */
  disk: { path: string; freeBytes: number; totalBytes: number } | { path: string; error: string } | { path: string; skipped: string };
}

export interface HealthAssessment {
  status: HealthStatus;
  reasons: HealthReason[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "45 s", "12 min", "3.5 h": a wait as people read it. */
export function describeDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} days`;
}

const megabytes = (bytes: number) => `${Math.floor(bytes / 1_048_576).toLocaleString('en-US')} MB`;

export function assessHealth(f: HealthFacts, t: HealthThresholds): HealthAssessment {
  const reasons: HealthReason[] = [];

  if (f.database.probe.ok === false) {
    const advice =
      f.database.engine === 'postgres'
        ? 'Check the PostgreSQL server: running, its disk, and that this is not a read-only standby or a read-only session.'
        : "Check the data folder's permissions, mount and free space.";
    reasons.push({
      code: 'database-not-writable',
      severity: 'failing',
      message: `The database ${f.database.file} does not take writes (${f.database.probe.code}: ${f.database.probe.message}); nothing new is stored. ${advice}`,
    });
  }

  if (f.oldestPending !== null) {
    const lag = f.now - f.oldestPending.receivedAt;
    if (lag > t.scoreLagSeconds * 1000) {
      reasons.push({
        code: 'scoring-behind',
        severity: 'degraded',
        message: `Scoring is behind: the oldest pending statement (#${f.oldestPending.id}) has waited ${describeDuration(lag)} (more than ${describeDuration(t.scoreLagSeconds * 1000)}); the numbers on screen leave it out until it is scored.`,
      });
    }
  }

  if (f.feeds.failing.length > 0) {
    const names = f.feeds.failing
      .slice(0, 3)
      .map((x) => `${x.name} (${x.lastErrorCode ?? 'error'}, ${plural(x.consecutiveFailures, 'failure')} in a row)`)
      .join(', ');
    const more = f.feeds.failing.length > 3 ? ` and ${f.feeds.failing.length - 3} more` : '';
    reasons.push({
      code: 'feeds-failing',
      severity: 'degraded',
      message: `${f.feeds.failing.length} of ${plural(f.feeds.total, 'feed')} failing: ${names}${more}.`,
    });
  }

  const d = f.deliveries;
  const lastError = d.lastError ? ` Last error: ${d.lastError.slice(0, 160)}.` : '';
  if (d.deadSince > 0) {
    reasons.push({
      code: 'deliveries-dead',
      severity: 'degraded',
      message: `${plural(d.deadSince, 'alert notification')} (webhook or e-mail) gave up after every retry in the last ${describeDuration(t.deadWindowMs)}.${lastError}`,
    });
  }
  const waited = d.oldestPendingAt === null ? 0 : f.now - d.oldestPendingAt;
  if (d.retrying > 0 || waited > t.deliveryLagSeconds * 1000) {
    reasons.push({
      code: 'deliveries-backlog',
      severity: 'degraded',
      message: `${plural(d.pending, 'alert notification')} waiting${d.retrying > 0 ? `, ${d.retrying} failed and retrying` : ''}; the oldest for ${describeDuration(waited)}.${d.deadSince > 0 ? '' : lastError}`,
    });
  }

  if ('skipped' in f.disk) {
    // Nothing to assess here: see HealthFacts.disk.
  } else if ('error' in f.disk) {
    reasons.push({ code: 'disk-unknown', severity: 'degraded', message: `Free space in ${f.disk.path} cannot be read: ${f.disk.error}.` });
  } else if (f.disk.freeBytes < t.minFreeBytes) {
    reasons.push({
      code: 'disk-nearly-full',
      severity: 'degraded',
      message: `The data folder ${f.disk.path} is nearly full: ${megabytes(f.disk.freeBytes)} free of ${megabytes(f.disk.totalBytes)} (below ${megabytes(t.minFreeBytes)}).`,
    });
  }

  const status: HealthStatus = reasons.some((r) => r.severity === 'failing') ? 'failing' : reasons.length > 0 ? 'degraded' : 'ok';
  return { status, reasons };
}
