/**
 * Composition root: load config, open the store, build services, start http, realtime and
 * jobs, and own shutdown. Nothing imports this file.
 */
import http from 'node:http';
import path from 'node:path';
import { createAlertService } from './alerts/alert-service.ts';
import { createNotifier } from './alerts/notifier.ts';
import { createScopeChecker } from './alerts/rule-scope.ts';
import { resolveApiToken } from './config/api-token.ts';
import { checkDataDir } from './config/startup-checks.ts';
import { describeConfig, loadConfigFromEnv } from './config/config.ts';
import { loadScopeNames, loadScorer } from './config/load-scorer.ts';
import { createLogger } from './config/logger.ts';
import { projectRoot } from './config/project-root.ts';
import { createExportService } from './export/export-service.ts';
import { createAlertRoutes } from './http/alert-routes.ts';
import { createAuthHttp } from './http/auth-http.ts';
import { createAnnotationRoutes } from './http/annotation-routes.ts';
import { createDrillRoutes } from './http/drill-routes.ts';
import { createDrillService } from './metrics/drill-service.ts';
import { createDrillQueries } from './store/drill-queries.ts';
import { createHttpApp } from './http/create-http-app.ts';
import { createExportRoutes } from './http/export-routes.ts';
import { createMetricsRoutes } from './http/metrics-routes.ts';
import { createStatementsRoutes } from './http/statements-routes.ts';
import { createFeedbackRoutes } from './http/feedback-routes.ts';
import { createFeedsRoutes } from './http/feeds-routes.ts';
import { createHealthService } from './health/health-service.ts';
import { createHealthQueries } from './store/health-queries.ts';
import { createWriteRateLimit } from './http/write-rate-limit.ts';
import { createReadRateLimit } from './http/read-rate-limit.ts';
import { createFeedService } from './ingest/feed-service.ts';
import { createFileIngest } from './ingest/file-ingest.ts';
import { createInboxService } from './ingest/inbox-service.ts';
import { createIngestService } from './ingest/ingest-service.ts';
import { loadLanguageGate } from './ingest/language-detector.ts';
import { createUrlGuard } from './ingest/url-guard.ts';
import { createClusterNode } from './cluster/cluster-node.ts';
import { createAlertJobs } from './jobs/alert-job.ts';
import { createDemoWatch } from './jobs/demo-watch.ts';
import { createExportHeadBackfill } from './jobs/export-head-backfill.ts';
import { createServerJobs } from './jobs/server-jobs.ts';
import { createMetricsService } from './metrics/metrics-service.ts';
import { createRealtimeServer } from './realtime/realtime-server.ts';
import { createKnownScopes } from './store/known-scopes.ts';
import { secureDataDir } from './store/file-modes.ts';
import { createStore } from './store/store.ts';
import { redactUrl } from './store/pg/pg-database.ts';
import { createOpsQueries } from './store/ops-queries.ts';
import { createPrometheus } from './ops/prometheus.ts';
import { createPrometheusRoutes } from './http/prometheus-routes.ts';
import { createOpenApiRoutes, undocumentedRoutes } from './http/openapi-routes.ts';

const VERSION = '0.1.0';

async function main(): Promise<void> {
  const parsed = loadConfigFromEnv();
  if (!parsed.ok) {
    process.stderr.write(`Brinkwatch cannot start: the configuration has ${parsed.errors.length} problem(s):\n`);
    for (const e of parsed.errors) process.stderr.write(`  - ${e}\n`);
    process.stderr.write('See the configuration table in README.md.\n');
    process.exit(2);
  }
  const config = parsed.config;
  const logger = createLogger(config.logLevel);
  logger.info({ config: describeConfig(config) }, 'configuration');

  // A data folder or token file the server cannot use stops the start with one line (exit 2).
  const refuse = (message: string): never => {
    process.stderr.write(`Brinkwatch cannot start: ${message}.\n`);
    process.exit(2);
  };
  const dataDir = checkDataDir(config.dataDir, config.databaseFile);
  if (!dataDir.ok) refuse(dataDir.message);
  const dataDirMode = secureDataDir(config.dataDir);
  if (dataDirMode.state === 'left-open') {
    logger.warn({ dir: config.dataDir, mode: dataDirMode.mode, reason: dataDirMode.reason }, 'data folder readable by other accounts, left unchanged (chmod 700 it); the database and token inside are 0600');
  }
  const tokenResult = resolveApiToken(config.apiToken, config.dataDir);
  if (!tokenResult.ok) return refuse(tokenResult.message);
  const token = tokenResult.value;
  let store: ReturnType<typeof createStore>;
  // BRINKWATCH_DATABASE_URL: PostgreSQL, shared by every node; unset: the SQLite file in the data folder.
  const databaseLocation = config.databaseUrl ?? config.databaseFile;
  try {
    store = createStore(databaseLocation);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    if (config.databaseUrl) return refuse(`PostgreSQL at ${redactUrl(config.databaseUrl)} cannot be used (${e.code ?? 'error'}: ${e.message ?? String(err)}): check BRINKWATCH_DATABASE_URL and that the server is running`);
    return refuse(`the database ${config.databaseFile} cannot be opened (${e.code ?? 'error'}: ${e.message ?? String(err)}): check the file, or move it away to start with an empty one`);
  }
  const scorer = loadScorer();
  const language = await loadLanguageGate(scorer.languages);
  // Demo rows never count beside real ones: purged at start when demo data is turned off or
  // real statements are already stored (a database from before this rule); otherwise by the
  // first real statement, in its transaction (server/store/demo-data.ts).
  if (store.demo.present() && (config.demo === 'off' || store.statements.hasRealStatements())) {
    const purged = store.transaction(() => store.demo.purge());
    logger.info({ ...purged, demo: config.demo }, 'demo data purged at start');
  }
  const ingest = createIngestService({ store });
  const writeLimit = createWriteRateLimit(config.writeRateLimit);
  const inbox = createInboxService({ fileIngest: createFileIngest({ store, ingest }), inboxDir: config.inboxDir, logger, onStored: () => void scoreJob.runNow() });
  // Pushes a fresh snapshot (feed, cards, demo flag) when demo data goes (or comes): checked on every score tick.
  const demoWatch = createDemoWatch({ store, logger, onChange: () => realtime.emitLocal('snapshot', snapshot()) });
  // One private-address guard for feeds and webhooks (BRINKWATCH_BLOCK_PRIVATE_URLS, ..._ALLOW_PRIVATE_URLS).
  const guard = createUrlGuard({ enabled: config.blockPrivateUrls, allow: config.allowPrivateUrls });
  const feeds = createFeedService({
    store,
    ingest,
    guard,
    logger,
    onChanged: (feed) => {
      realtime.emit('feedChanged', { ...feed });
      health.refreshSoon();
    },
  });
  const feedSync = feeds.syncFromFile(config.feedsFile);
  for (const e of feedSync.errors) logger.warn({ error: e }, 'feeds file entry skipped');
  logger.info({ file: config.feedsFile, added: feedSync.added, updated: feedSync.updated, removed: feedSync.removed }, 'feeds file synced');
  const metrics = createMetricsService({ store, windows: config.metricWindows, minStatements: config.metricMinStatements });
  const knownScopes = createKnownScopes(store.db);
  const alerts = createAlertService({
    store,
    metrics,
    logger,
    scopes: createScopeChecker({ resolveActor: (name) => scorer.resolveActor(name), ...loadScopeNames(), seenScopes: (p) => knownScopes.withPrefix(p) }),
    blockPrivateUrls: config.blockPrivateUrls,
    guard,
    emailConfigured: config.smtpUrl !== undefined,
    onAlertChanged: (alert, change) => realtime.emit('alertChanged', { ...alert, change }),
    onOutbox: () => void alertJobs.notify.runNow(),
  });
  const seededRules = alerts.seedDefaults();
  if (seededRules > 0) logger.info({ rules: seededRules }, 'default alert rules seeded');
  const notifier = createNotifier({
    store,
    logger,
    smtp: config.smtpUrl ? { url: config.smtpUrl, from: config.smtpFrom } : null,
    blockPrivateUrls: config.blockPrivateUrls,
    guard,
  });
  // One node at a time runs alert evaluation, the outbox, feed polling, retention and the demo
  // trickle (leadership, started just before the jobs; without a database URL this node always
  // leads); the `node` view of /api/health; the live stream's join (server/cluster/cluster-node.ts).
  const cluster = createClusterNode({ config, logger, store: store.kind, realtime: () => realtime });
  const { leadership } = cluster;
  const alertJobs = createAlertJobs({ alerts, notifier, logger, evaluateCron: config.alertCron, notifyCron: config.notifyCron, onlyWhen: leadership.isLeader });
  const startedAt = Date.now();
  const health = createHealthService({
    queries: createHealthQueries(store.db),
    databaseFile: config.databaseFile,
    dataDir: config.dataDir,
    thresholds: { ...config.health, deadWindowMs: 86_400_000 },
    logger,
    onChanged: (view) => realtime.emitLocal('healthChanged', { ...view }),
  });

  // Accounts: who a request is (session cookie, user token, or the API token as an admin), the
  // role guards, the read gate and the audit log. Only admins see webhook URLs and feed error detail.
  const clientDir = path.join(projectRoot(), 'client', 'dist');
  const authWiring = createAuthHttp({ store, adminToken: token.token, publicRead: config.publicRead, tls: config.tls, allowedOrigins: config.allowedOrigins, clientDir, writeLimit, logger });
  const { requireRole, canSeeSecrets } = authWiring;
  // GET /metrics: loopback, BRINKWATCH_METRICS_PUBLIC, or an admin (server/http/prometheus-routes.ts).
  const prometheus = createPrometheus({ queries: createOpsQueries(store.db), clientCount: () => realtime.clientCount(), isLeader: leadership.isLeader });
  // A POST answers once its statements are stored; scoring (and its pushes and alert evaluation)
  // starts right after, not inside the request.
  const scoreSoon = () => void setImmediate(() => void scoreJob.runNow());
  const routers = [
    createStatementsRoutes({ ingest, statements: store.statements, requireToken: requireRole('analyst'), writeLimit, onAccepted: scoreSoon, feedback: store.feedback }),
    createFeedbackRoutes({ feedback: store.feedback, requireToken: requireRole('analyst'), writeLimit, openReader: () => store.openReader(), logger }),
    createFeedsRoutes({ feeds, requireToken: requireRole('admin'), writeLimit, canSeeSecrets }),
    createMetricsRoutes({ metrics, readLimit: createReadRateLimit(config.readRateLimit) }),
    createAlertRoutes({ alerts, requireToken: requireRole('admin'), requireAck: requireRole('analyst'), writeLimit, canSeeSecrets }),
    createPrometheusRoutes({ prometheus, public: config.metricsPublic, authorized: canSeeSecrets }),
    createOpenApiRoutes({ version: VERSION }),
    createExportRoutes({ exports: createExportService({ openReader: () => store.openReader() }), limits: { maxRangeMs: config.exportMaxDays * 86_400_000 }, logger, requester: (req) => ({ ip: req.ip, credential: canSeeSecrets(req) ? 'admin-token' : 'none' }) }),
    createAnnotationRoutes({ annotations: store.annotations, requireToken: requireRole('analyst'), writeLimit, onChanged: (a) => realtime.emit('annotationsChanged', a) }),
    createDrillRoutes({
      drill: createDrillService({ queries: createDrillQueries(store.db), metrics, alerts }),
      clientDir,
      readLimit: createReadRateLimit(config.readRateLimit),
    }),
  ];
  const app = createHttpApp({
    logger,
    routers,
    clientDir,
    auth: authWiring.http,
    tls: config.tls,
    trustProxy: config.trustProxy,
    observe: prometheus.observeHttp,
    health: () => {
      const { status, reasons, checkedAt, checks } = health.current();
      return {
        status,
        reasons,
        version: VERSION,
        scorerVersion: scorer.version,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        statements: health.statementCounts(),
        realtimeClients: realtime.clientCount(),
        checkedAt,
        checks,
        node: cluster.view(),
      };
    },
  });
  // Every route must be described in GET /api/openapi.json (server/http/openapi-document.ts).
  const undocumented = undocumentedRoutes(app);
  if (undocumented.length > 0) logger.warn({ routes: undocumented }, 'routes missing from /api/openapi.json');
  const server = http.createServer(app);
  const snapshot = () => ({
    statements: store.statements.list({ limit: 50 }),
    metrics: metrics.current(),
    demo: config.demo,
    /** True while stored demo rows are in the numbers shown: the header's "demo" badge. */
    demoData: demoWatch.check(),
    health: health.current(),
  });
  const realtime = createRealtimeServer({ httpServer: server, logger, allowedOrigins: config.allowedOrigins, authorize: authWiring.gate.socketAllowed, getSnapshot: snapshot });
  // BRINKWATCH_REDIS_URL / BRINKWATCH_DATABASE_URL: the live stream reaches the browsers of every node.
  const joinError = await cluster.joinRealtime();
  if (joinError) return refuse(joinError);

  // Scoring, its pushes and the scheduled jobs (server/jobs/server-jobs.ts).
  const { scoreJob, jobs, retention } = createServerJobs({
    config, store, scorer, language, logger, realtime, metrics, alerts, alertJobs, demoWatch, health, ingest, inbox, feeds,
    auth: authWiring.auth, isLeader: leadership.isLeader,
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  await leadership.start();
  for (const job of jobs) job.start();
  void scoreJob.runNow();
  const headBackfill = createExportHeadBackfill({ store, logger });
  const headsFilled = headBackfill.run().catch((err: unknown) => logger.error({ err }, 'filling export heads failed'));
  logger.info({ url, port, database: store.file, store: store.kind, nodeId: config.nodeId, leader: leadership.isLeader() }, 'listening');
  if (token.origin === 'generated') {
    process.stdout.write(
      `\nBrinkwatch API token (shown once, kept in ${token.file} with mode 0600):\n  ${token.token}\n` +
        `Use it as: Authorization: Bearer <token>\n\n`,
    );
  }
  const setupSecret = authWiring.auth.createSetupLink();
  if (setupSecret) {
    // The secret sits in the fragment: browsers never send it to the server or in a Referer.
    process.stdout.write(`\nNo account yet. Create the first admin within 24 h (single use):\n  ${url}/setup#${setupSecret}\n(or: npm run user -- add NAME --role admin)\n\n`);
  }
  process.stdout.write(`Brinkwatch dashboard: ${url}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    headBackfill.stop();
    retention.stop();
    health.stop();
    await headsFilled;
    for (const job of jobs) await job.stop();
    // After the jobs: a leader's last run finishes before another node may start one.
    await leadership.stop();
    notifier.close();
    await realtime.close();
    store.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EADDRINUSE') {
    process.stderr.write(`Brinkwatch cannot start: the port is already in use (${e.message}). Set BRINKWATCH_PORT to another port.\n`);
  } else {
    process.stderr.write(`Brinkwatch failed to start: ${e?.stack ?? String(err)}\n`);
  }
  process.exit(1);
});
