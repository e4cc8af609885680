import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../config/logger.ts';

export interface ScheduledJob {
  readonly name: string;
  start(): void;
  /** Runs once now (tests, start-up), with the same wrapping as a scheduled run. */
  runNow(): Promise<Record<string, unknown> | undefined>;
  stop(): Promise<void>;
  /** Runs done (failed ones included) and ticks skipped because `onlyWhen` said no. */
  stats?(): { runs: number; skipped: number };
}

/**
 * Every periodic job goes through here: no overlapping runs, each run logged with its duration
 * and the counts it returns, and a failed run logged without breaking the schedule.
 */
export function createScheduledJob(opts: {
  name: string;
  cron: string;
  logger: Logger;
  run: () => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;
  /** Log runs that did nothing at debug level instead of info. */
  isIdle?: (counts: Record<string, unknown>) => boolean;
  /**
   * Asked before every run (scheduled or runNow): false skips it. Jobs that must run on one node
   * at a time pass `leadership.isLeader` (server/cluster/leadership.ts).
   */
  onlyWhen?: () => boolean;
}): ScheduledJob {
  const log = opts.logger.child({ job: opts.name });
  let task: ScheduledTask | null = null;
  let running: Promise<Record<string, unknown> | undefined> | null = null;
  let runs = 0;
  let skipped = 0;
  let skipping = false;

  /** False (and counted) when onlyWhen says no; the change either way is logged once, not per tick. */
  function allowed(): boolean {
    let ok = true;
    try {
      ok = opts.onlyWhen ? opts.onlyWhen() : true;
    } catch (err) {
      log.error({ err }, 'job gate threw; skipping the run');
      ok = false;
    }
    if (ok === skipping) {
      skipping = !ok;
      if (skipping) log.info({ skipped: skipped + 1 }, 'job paused: its gate is closed (another node leads)');
      else log.info({ skipped }, 'job resumed');
    }
    if (!ok) skipped++;
    return ok;
  }

  async function wrapped(): Promise<Record<string, unknown> | undefined> {
    if (running) return undefined; // no overlap, also for runNow()
    if (!allowed()) return undefined;
    runs++;
    const started = performance.now();
    running = (async () => {
      try {
        const counts = (await opts.run()) ?? {};
        const durationMs = Math.round(performance.now() - started);
        if (opts.isIdle?.(counts)) log.debug({ durationMs, ...counts }, 'job run');
        else log.info({ durationMs, ...counts }, 'job run');
        return counts;
      } catch (err) {
        log.error({ err, durationMs: Math.round(performance.now() - started) }, 'job run failed');
        return undefined;
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return {
    name: opts.name,
    start() {
      if (task) return;
      task = cron.createTask(opts.cron, () => wrapped(), {
        name: opts.name,
        noOverlap: true,
        logger: { info: () => {}, warn: (m) => log.debug(m), error: (m) => log.error(String(m)), debug: () => {} },
      });
      void task.start();
    },
    runNow: wrapped,
    stats: () => ({ runs, skipped }),
    async stop() {
      if (task) {
        await task.destroy();
        task = null;
      }
      if (running) await running;
    },
  };
}
