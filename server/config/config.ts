import path from 'node:path';
import { defaultNodeId } from '../cluster/node-id.ts';
import { envSchema } from './env-schema.ts';

/**
 * The one place that reads BRINKWATCH_* variables. Every variable is optional; parseConfig
 * returns every problem at once so an operator can fix them in one go. The variables' schema
 * (types, defaults, messages) is server/config/env-schema.ts; here they become Config.
 */

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  scoreCron: string;
  apiToken: string | undefined;
  demo: 'auto' | 'off';
  inboxDir: string;
  inboxCron: string;
  smtpUrl: string | undefined;
  smtpFrom: string;
  /** Refuse feed and webhook URLs that reach loopback, private or link-local addresses (default on). */
  blockPrivateUrls: boolean;
  /** Host names, addresses and CIDR blocks exempt from blockPrivateUrls (intranet feeds), lower case. */
  allowPrivateUrls: string[];
  /**
   * Whether clients reach the server over HTTPS (a TLS-terminating proxy in front): 'auto' sends
   * HSTS and upgrade-insecure-requests only on requests that arrived over HTTPS (as express's
   * req.secure tells, X-Forwarded-Proto with trustProxy), 'on' always, 'off' never.
   */
  tls: 'auto' | 'on' | 'off';
  /** express `trust proxy`: which hops' X-Forwarded-For/-Proto/-Host to believe. */
  trustProxy: boolean | number | string[];
  /** Browser origins besides the server's own host allowed to open the socket.io stream. */
  allowedOrigins: string[];
  /** Rolling windows shown by the metrics API and dashboard, e.g. ['1h', '24h', '7d']. */
  metricWindows: string[];
  /** A window with fewer statements reports "not enough data" instead of an index. */
  metricMinStatements: number;
  /** Timer that evaluates alert rules (time alone can fire or resolve an alert). */
  alertCron: string;
  /** Timer of the notifier that delivers and retries the alert outbox. */
  notifyCron: string;
  /** Longest from..to range one CSV export may span, in days. */
  exportMaxDays: number;
  /** Tick of the feed job; each feed has its own interval (default 5 minutes) and backoff. */
  feedCron: string;
  /** Declarative feed list synced at start (<data dir>/feeds.json by default). */
  feedsFile: string;
  /** API write requests per minute per client address; 0 turns the limit off. */
  writeRateLimit: number;
  /** Health thresholds (GET /api/health): see server/health/assess-health.ts. */
  health: { scoreLagSeconds: number; deliveryLagSeconds: number; minFreeBytes: number };
  /** Metric reads (GET /api/metrics/*) per minute per client address; 0 = off. */
  readRateLimit: number;
  logLevel: string;
  /** This process's name in logs and in PostgreSQL (who leads the singleton jobs): BRINKWATCH_NODE_ID or hostname:pid. */
  nodeId: string;
  /** BRINKWATCH_METRICS_PUBLIC: GET /metrics without a token from any address (default: loopback or token). */
  metricsPublic: boolean;
  /** Days kept per kind of row (null: forever) and the retention job's timer (server/ops/retention-job.ts). */
  retention: { statementsDays: number | null; eventsDays: number | null; deliveriesDays: number | null; cron: string };
  /**
   * Reads (API, page, live socket) without a session or token: BRINKWATCH_PUBLIC_READ, by
   * default true only when listening on a loopback address (only this machine can connect)
   * with no trusted proxy in front (BRINKWATCH_TRUST_PROXY unset).
   */
  publicRead: boolean;
  /** BRINKWATCH_DATABASE_URL: selects PostgreSQL as the store (unset: SQLite in the data folder). */
  databaseUrl: string | undefined;
  /**
   * BRINKWATCH_REDIS_URL: joins the live stream of every node through Redis (server/realtime/
   * cluster-adapter.ts); without it but with databaseUrl, through PostgreSQL LISTEN/NOTIFY.
   */
  redisUrl: string | undefined;
}

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/** Parses the environment (or any record of strings). Empty strings count as unset. */
export function parseConfig(env: Record<string, string | undefined>, cwd = process.cwd()): ConfigResult {
  const relevant: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith('BRINKWATCH_') && value !== undefined && value.trim() !== '') relevant[key] = value;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    const errors = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? 'environment');
      const shown = relevant[key] === undefined ? '' : ` (got ${JSON.stringify(relevant[key]).slice(0, 60)})`;
      return `${key} ${issue.message}${shown}`;
    });
    return { ok: false, errors };
  }
  const v = parsed.data;
  const dataDir = path.resolve(cwd, v.BRINKWATCH_DATA_DIR);
  return {
    ok: true,
    config: {
      port: v.BRINKWATCH_PORT,
      host: v.BRINKWATCH_HOST,
      dataDir,
      databaseFile: path.join(dataDir, 'brinkwatch.db'),
      scoreCron: v.BRINKWATCH_SCORE_CRON,
      apiToken: v.BRINKWATCH_API_TOKEN,
      // Demo rows are for a first look on one machine: a team's shared PostgreSQL gets them only when asked (BRINKWATCH_DEMO=auto).
      demo: env.BRINKWATCH_DEMO === undefined && v.BRINKWATCH_DATABASE_URL ? 'off' : v.BRINKWATCH_DEMO,
      inboxDir: path.resolve(cwd, v.BRINKWATCH_INBOX_DIR ?? path.join(dataDir, 'inbox')),
      inboxCron: v.BRINKWATCH_INBOX_CRON,
      smtpUrl: v.BRINKWATCH_SMTP_URL,
      smtpFrom: v.BRINKWATCH_SMTP_FROM,
      blockPrivateUrls: v.BRINKWATCH_BLOCK_PRIVATE_URLS,
      allowPrivateUrls: v.BRINKWATCH_ALLOW_PRIVATE_URLS,
      tls: v.BRINKWATCH_TLS,
      trustProxy: v.BRINKWATCH_TRUST_PROXY,
      allowedOrigins: v.BRINKWATCH_ALLOWED_ORIGINS,
      metricWindows: v.BRINKWATCH_METRIC_WINDOWS,
      metricMinStatements: v.BRINKWATCH_METRIC_MIN_STATEMENTS,
      alertCron: v.BRINKWATCH_ALERT_CRON,
      notifyCron: v.BRINKWATCH_NOTIFY_CRON,
      exportMaxDays: v.BRINKWATCH_EXPORT_MAX_DAYS,
      feedCron: v.BRINKWATCH_FEED_CRON,
      feedsFile: path.resolve(cwd, v.BRINKWATCH_FEEDS_FILE ?? path.join(dataDir, 'feeds.json')),
      writeRateLimit: v.BRINKWATCH_WRITE_RATE_LIMIT,
      health: {
        scoreLagSeconds: v.BRINKWATCH_HEALTH_SCORE_LAG_SECONDS,
        deliveryLagSeconds: v.BRINKWATCH_HEALTH_DELIVERY_LAG_SECONDS,
        minFreeBytes: v.BRINKWATCH_HEALTH_MIN_FREE_MB * 1_048_576,
      },
      readRateLimit: v.BRINKWATCH_READ_RATE_LIMIT,
      logLevel: v.BRINKWATCH_LOG_LEVEL,
      nodeId: v.BRINKWATCH_NODE_ID ?? defaultNodeId(),
      metricsPublic: v.BRINKWATCH_METRICS_PUBLIC,
      retention: {
        statementsDays: v.BRINKWATCH_RETAIN_STATEMENTS_DAYS ?? null,
        eventsDays: v.BRINKWATCH_RETAIN_EVENTS_DAYS ?? null,
        deliveriesDays: v.BRINKWATCH_RETAIN_DELIVERIES_DAYS ?? null,
        cron: v.BRINKWATCH_RETENTION_CRON,
      },
      // A trusted proxy in front means other machines reach us through loopback: not public then.
      publicRead:
        v.BRINKWATCH_PUBLIC_READ === undefined
          ? isLoopbackHost(v.BRINKWATCH_HOST) && v.BRINKWATCH_TRUST_PROXY === false
          : ['true', '1', 'yes', 'on'].includes(v.BRINKWATCH_PUBLIC_READ),
      databaseUrl: v.BRINKWATCH_DATABASE_URL,
      redisUrl: v.BRINKWATCH_REDIS_URL,
    },
  };
}

/** The process environment, read here and nowhere else. */
export function loadConfigFromEnv(): ConfigResult {
  return parseConfig(process.env);
}

/** A copy that is safe to log: secrets masked. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    ...config,
    apiToken: config.apiToken ? '***' : '(generated or read from data dir)',
    smtpUrl: config.smtpUrl ? config.smtpUrl.replace(/\/\/([^@/]*)@/, '//***@') : undefined,
    databaseUrl: config.databaseUrl ? config.databaseUrl.replace(/\/\/([^@/]*)@/, '//***@') : undefined,
    redisUrl: config.redisUrl ? config.redisUrl.replace(/\/\/([^@/]*)@/, '//***@') : undefined,
  };
}
