import net from 'node:net';
import cron from 'node-cron';
import { z } from 'zod';
import { NODE_ID_MAX_LENGTH, NODE_ID_PATTERN } from '../cluster/node-id.ts';

/**
 * The BRINKWATCH_* variables as a zod schema: each one's type, default and the message that
 * names what is wrong with a bad value. server/config/config.ts maps the parsed values to Config.
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

export const envSchema = z.object({
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
