import net from 'node:net';
import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';
import { defaultNodeId, NODE_ID_MAX_LENGTH, NODE_ID_PATTERN } from '../cluster/node-id.ts';

/**
 * The one place that reads BRINKWATCH_* variables. Every variable is optional; parseConfig
 * returns every problem at once so an operator can fix them in one go.
 */

const cronExpression = (fallback: string) =>
  z
    .string()
    .trim()
    .default(fallback)
    .refine((v) => cron.validate(v), { message: 'is not a valid node-cron expression (e.g. "*/2 * * * * *")' });

const booleanFlag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
    .default(fallback)
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

const commaList = (v: string) => v.split(',').map((w) => w.trim()).filter((w) => w !== '');

/** An entry of BRINKWATCH_ALLOW_PRIVATE_URLS: a host name, an IP address or a CIDR block. */
function isHostOrCidr(entry: string): boolean {
  const cidr = /^(.+)\/(\d{1,3})$/.exec(entry);
  if (cidr) {
    const family = net.isIP(cidr[1]!);
    return family !== 0 && Number(cidr[2]) <= (family === 4 ? 32 : 128);
  }
  return net.isIP(entry.replace(/^\[|\]$/g, '')) !== 0 || /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i.test(entry);
}

/** An origin as browsers send it: scheme://host[:port], nothing after. */
function normaliseOrigin(entry: string): string | null {
  try {
    const u = new URL(entry);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.pathname !== '/' || u.search || u.hash || u.username) return null;
    return entry.replace(/\/$/, '') === u.origin ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * BRINKWATCH_TRUST_PROXY as express's `trust proxy` setting: off, on (every hop; only when
 * nothing but the proxy can reach the port), a hop count, or addresses/CIDRs/names express knows
 * (loopback, linklocal, uniquelocal).
 */
function parseTrustProxy(v: string): boolean | number | string[] | null {
  const t = v.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(t)) return false;
  if (['true', 'yes', 'on'].includes(t)) return true;
  if (/^[1-9]\d?$/.test(t)) return Number(t);
  const list = commaList(t);
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  const valid = (e: string) => named.includes(e) || (net.isIP(e.split('/')[0]!) !== 0 && isHostOrCidr(e));
  return list.length > 0 && list.every(valid) ? list : null;
}

/** A service URL of one of `schemes` with a host: a typo fails the start instead of the first push. */
const serviceUrl = (schemes: string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return schemes.includes(u.protocol.slice(0, -1).toLowerCase()) && u.hostname !== '';
        } catch {
          return false;
        }
      },
      { message: `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL with a host (e.g. ${example})` },
    )
    .optional();

/** Days to keep a kind of row; unset keeps it forever. */
const retentionDays = z.coerce
  .number({ message: 'must be a number of days' })
  .int('must be a whole number of days')
  .min(1, 'must be between 1 and 36600 days (or unset to keep forever)')
  .max(36_600, 'must be between 1 and 36600 days (or unset to keep forever)')
  .optional();

const envSchema = z.object({
  BRINKWATCH_PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(3000),
  BRINKWATCH_HOST: z.string().trim().min(1, 'must not be empty').default('127.0.0.1'),
  BRINKWATCH_DATA_DIR: z.string().trim().min(1, 'must not be empty').default('./data'),
  BRINKWATCH_SCORE_CRON: cronExpression('*/2 * * * * *'),
  BRINKWATCH_API_TOKEN: z
    .string()
    .trim()
    .min(16, 'must be at least 16 characters (or leave it unset to have one generated)')
    .optional(),
  BRINKWATCH_DEMO: z.enum(['auto', 'off'], { message: 'must be "auto" or "off"' }).default('auto'),
  BRINKWATCH_INBOX_DIR: z.string().trim().min(1, 'must not be empty').optional(),
  BRINKWATCH_INBOX_CRON: cronExpression('*/5 * * * * *'),
  BRINKWATCH_SMTP_URL: z
    .string()
    .trim()
    .refine((v) => /^smtps?:\/\//i.test(v), { message: 'must be an smtp:// or smtps:// URL' })
    .optional(),
  BRINKWATCH_SMTP_FROM: z.string().trim().min(3, 'must be an e-mail address').default('brinkwatch@localhost'),
  BRINKWATCH_BLOCK_PRIVATE_URLS: booleanFlag('true'),
  BRINKWATCH_ALLOW_PRIVATE_URLS: z
    .string()
    .default('')
    .transform((v) => commaList(v.toLowerCase()))
    .refine((list) => list.every(isHostOrCidr), {
      message: 'must be a comma-separated list of host names, IP addresses and CIDR blocks (e.g. feeds.intranet,10.1.0.0/16)',
    }),
  BRINKWATCH_TLS: z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }).default('auto'),
  BRINKWATCH_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v, ctx) => {
      const parsed = parseTrustProxy(v);
      if (parsed === null) {
        ctx.addIssue({ code: 'custom', message: 'must be false, true, a hop count (1-99) or a comma-separated list of proxy addresses/CIDRs (or loopback)' });
        return z.NEVER;
      }
      return parsed;
    }),
  BRINKWATCH_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v, ctx) => {
      const origins: string[] = [];
      for (const entry of commaList(v)) {
        const o = normaliseOrigin(entry);
        if (o === null) ctx.addIssue({ code: 'custom', message: `must be a comma-separated list of origins like https://brinkwatch.example.org (not ${JSON.stringify(entry.slice(0, 60))})` });
        else origins.push(o);
      }
      return origins;
    }),
  BRINKWATCH_METRIC_WINDOWS: z
    .string()
    .default('1h,24h,7d')
    .transform((v) => v.split(',').map((w) => w.trim()).filter((w) => w !== ''))
    .refine((ws) => ws.length > 0 && ws.every((w) => /^[1-9]\d{0,4}(m|h|d)$/.test(w)), {
      message: 'must be a comma-separated list of durations like 1h,24h,7d (units m, h, d)',
    }),
  BRINKWATCH_METRIC_MIN_STATEMENTS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 10000')
    .max(10_000, 'must be between 1 and 10000')
    .default(3),
  BRINKWATCH_ALERT_CRON: cronExpression('*/15 * * * * *'),
  BRINKWATCH_NOTIFY_CRON: cronExpression('*/5 * * * * *'),
  BRINKWATCH_EXPORT_MAX_DAYS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 36600')
    .max(36_600, 'must be between 1 and 36600')
    .default(366),
  BRINKWATCH_FEED_CRON: cronExpression('*/5 * * * * *'),
  BRINKWATCH_FEEDS_FILE: z.string().trim().min(1, 'must not be empty').optional(),
  BRINKWATCH_WRITE_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 (off) and 100000')
    .max(100_000, 'must be between 0 (off) and 100000')
    .default(600),
  BRINKWATCH_HEALTH_SCORE_LAG_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 604800')
    .max(604_800, 'must be between 1 and 604800')
    .default(120),
  BRINKWATCH_HEALTH_DELIVERY_LAG_SECONDS: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be between 1 and 604800')
    .max(604_800, 'must be between 1 and 604800')
    .default(600),
  BRINKWATCH_HEALTH_MIN_FREE_MB: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 (off) and 10000000')
    .max(10_000_000, 'must be between 0 (off) and 10000000')
    .default(1024),
  BRINKWATCH_READ_RATE_LIMIT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be an integer')
    .min(0, 'must be between 0 (off) and 100000')
    .max(100_000, 'must be between 0 (off) and 100000')
    .default(1200),
  BRINKWATCH_METRICS_PUBLIC: booleanFlag('false'),
  BRINKWATCH_RETAIN_STATEMENTS_DAYS: retentionDays,
  BRINKWATCH_RETAIN_EVENTS_DAYS: retentionDays,
  BRINKWATCH_RETAIN_DELIVERIES_DAYS: retentionDays,
  BRINKWATCH_RETENTION_CRON: cronExpression('0 17 * * * *'),
  BRINKWATCH_PUBLIC_READ: z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' }).optional(),
  BRINKWATCH_DATABASE_URL: serviceUrl(['postgres', 'postgresql'], 'postgres://brinkwatch@db.internal:5432/brinkwatch'),
  BRINKWATCH_REDIS_URL: serviceUrl(['redis', 'rediss'], 'redis://redis.internal:6379'),
  BRINKWATCH_NODE_ID: z
    .string()
    .trim()
    .max(NODE_ID_MAX_LENGTH, `must be at most ${NODE_ID_MAX_LENGTH} characters`)
    .regex(NODE_ID_PATTERN, 'must be letters, digits and . _ : - (starting with a letter or digit), e.g. web-2')
    .optional(),
  BRINKWATCH_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { message: 'must be a pino level' })
    .default('info'),
});

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
