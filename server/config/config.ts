import path from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

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

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { message: 'must be true or false' })
  .default('false')
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));

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
  BRINKWATCH_BLOCK_PRIVATE_URLS: booleanFlag,
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
  blockPrivateUrls: boolean;
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
      demo: v.BRINKWATCH_DEMO,
      inboxDir: path.resolve(cwd, v.BRINKWATCH_INBOX_DIR ?? path.join(dataDir, 'inbox')),
      inboxCron: v.BRINKWATCH_INBOX_CRON,
      smtpUrl: v.BRINKWATCH_SMTP_URL,
      smtpFrom: v.BRINKWATCH_SMTP_FROM,
      blockPrivateUrls: v.BRINKWATCH_BLOCK_PRIVATE_URLS,
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
  };
}
