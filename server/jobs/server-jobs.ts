import path from 'node:path';
import type { Config } from '../config/config.ts';
import type { Logger } from '../config/logger.ts';
import { projectRoot } from '../config/project-root.ts';
import type { AlertService } from '../alerts/alert-service.ts';
import type { HealthService } from '../health/health-service.ts';
import type { FeedService } from '../ingest/feed-service.ts';
import type { InboxService } from '../ingest/inbox-service.ts';
import type { IngestService } from '../ingest/ingest-service.ts';
import type { LanguageGate } from '../ingest/statement-language.ts';
import type { MetricsService } from '../metrics/metrics-service.ts';
import { createRetention } from '../ops/retention.ts';
import type { RealtimeServer } from '../realtime/realtime-server.ts';
import type { Scorer } from '../scoring/index.ts';
import { createRetentionRepo } from '../store/retention-repo.ts';
import type { Store } from '../store/store.ts';
import type { createAlertJobs } from './alert-job.ts';
import { createAnnounceSweep } from './announce-sweep.ts';
import { createDemoFeed, loadDemoStatements } from './demo-feed.ts';
import type { DemoWatch } from './demo-watch.ts';
import { createFeedJob } from './feed-job.ts';
import { createInboxJob } from './inbox-job.ts';
import { createScheduledJob, type ScheduledJob } from './scheduled-job.ts';
import { createScoreWorker } from './score-job.ts';

/**
 * The server's scheduled work, wired as main.ts needs it: the score worker (its push to every
 * page of every node after each committed batch, then alert evaluation), and the jobs: alert
 * evaluation and the outbox, health, sessions, the announce sweep, the inbox, feeds, retention
 * and the demo trickle. Jobs that must run on one node at a time ask `isLeader`. Nothing starts
 * here: main.ts starts `jobs` once the server listens.
 */
export function createServerJobs(deps: {
  config: Config;
  store: Store;
  scorer: Scorer;
  language: LanguageGate;
  logger: Logger;
  realtime: RealtimeServer;
  metrics: MetricsService;
  alerts: AlertService;
  alertJobs: ReturnType<typeof createAlertJobs>;
  demoWatch: DemoWatch;
  health: HealthService;
  ingest: IngestService;
  inbox: InboxService;
  feeds: FeedService;
  auth: { removeExpiredSessions: () => number };
  isLeader: () => boolean;
}): { scoreJob: ScheduledJob; jobs: ScheduledJob[]; retention: ReturnType<typeof createRetention> } {
  const { config, store, scorer, language, logger, realtime, metrics, alerts, alertJobs, demoWatch, health, ingest, inbox, feeds, auth, isLeader } = deps;
  // Only a shared store has other nodes whose pages could miss a batch; one SQLite process that
  // dies takes its pages' connections with it, and they reload a snapshot on reconnecting. So
  // the two extra writes per batch and the sweep run on PostgreSQL only.
  const shared = store.kind === 'postgres';
  const worker = createScoreWorker({
    store,
    scorer,
    language,
    logger,
    announceAs: shared ? config.nodeId : undefined,
    onScored: async (batch) => {
      // One push per batch to every page of every node: its statements (or, when many, their
      // ids) and the metrics it moved (server/realtime/statement-push.ts).
      realtime.publishScored({ ids: batch.ids, statements: batch.statements, metrics: { current: metrics.current(), scopes: batch.scopes } });
      // Let the push leave before alert evaluation's queries hold the event loop: the socket
      // writes, and the publish to the other nodes (node-redis writes on setImmediate).
      await new Promise((resolve) => setImmediate(resolve));
      // The push has left: the leader's sweep need not announce this batch (announce-sweep.ts).
      if (batch.announcement !== null) store.announcements.done(batch.announcement);
      // Every node evaluates after its own batch (at once, not at the leader's next tick); on
      // PostgreSQL evaluations take turns on an advisory lock (alerts-repo serializeEvaluation).
      alerts.evaluate();
    },
  });
  const scoreJob = createScheduledJob({
    name: 'score',
    cron: config.scoreCron,
    logger,
    run: () => {
      demoWatch.check();
      return worker.runOnce();
    },
    isIdle: (c) => c.batches === 0,
  });
  const jobs: ScheduledJob[] = [scoreJob, alertJobs.evaluate, alertJobs.notify];
  jobs.push(createScheduledJob({ name: 'health', cron: '*/5 * * * * *', logger, run: () => ({ status: health.refresh().status }), isIdle: () => true }));
  jobs.push(createScheduledJob({ name: 'sessions', cron: '0 */10 * * * *', logger, run: () => ({ removed: auth.removeExpiredSessions() }), isIdle: (c) => c.removed === 0 }));
  // The batches of a node that died between its commit and its push, announced by the leader.
  if (shared) {
    const sweep = createAnnounceSweep({ store, publish: (push) => realtime.publishScored(push), metrics: () => metrics.current(), logger });
    jobs.push(createScheduledJob({ name: 'announce-sweep', cron: '*/2 * * * * *', logger, run: () => sweep.runOnce(), isIdle: (c) => c.announced === 0, onlyWhen: isLeader }));
  }
  jobs.push(createInboxJob({ inbox, cron: config.inboxCron, logger }));
  jobs.push(createFeedJob({ feeds, cron: config.feedCron, logger, onStored: () => void scoreJob.runNow(), onlyWhen: isLeader }));
  // BRINKWATCH_RETAIN_*_DAYS: old rows deleted in short batches; metrics and counts stay exact (server/store/retention-repo.ts).
  const retention = createRetention({ repo: createRetentionRepo(store.db), policy: config.retention });
  if (retention.enabled()) {
    jobs.push(createScheduledJob({ name: 'retention', cron: config.retention.cron, logger, run: () => retention.runOnce(), isIdle: (c) => c.batches === 0, onlyWhen: isLeader }));
  }

  if (config.demo === 'auto') {
    const { statements, errors } = loadDemoStatements(path.join(projectRoot(), 'data', 'demo', 'statements.jsonl'));
    for (const e of errors) logger.warn({ error: e }, 'demo statement skipped');
    const demo = createDemoFeed({ store, ingest, statements });
    const seeded = demo.seedIfEmpty();
    if (seeded > 0) logger.info({ seeded }, 'empty database seeded with demo statements');
    jobs.push(createScheduledJob({ name: 'demo', cron: '*/3 * * * * *', logger, run: () => demo.trickle(), isIdle: () => true, onlyWhen: isLeader }));
  }
  return { scoreJob, jobs, retention };
}
