import { z } from 'zod';
import { parseWindow } from '../metrics/risk-index.ts';
import type { RuleFields } from '../store/alerts-repo.ts';

/** The alert-rule body of POST and PUT /api/alert-rules. Every problem is reported per field. */

const MAX_WINDOW_MS = 30 * 86_400_000;

const channelSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('dashboard') }),
    z.strictObject({
      type: z.literal('webhook'),
      url: z
        .string({ message: 'must be a string' })
        .trim()
        .max(2048, 'must be at most 2048 characters')
        .refine((v) => /^https?:\/\/[^\s/]+/i.test(v) && URL.canParse(v), { message: 'must be an http(s) URL' }),
      format: z.enum(['json', 'slack'], { message: 'must be "json" or "slack"' }).optional(),
    }),
    z.strictObject({
      type: z.literal('email'),
      to: z.email({ message: 'must be an e-mail address' }).max(254, 'must be at most 254 characters'),
    }),
  ],
  { message: 'type must be "dashboard", "webhook" or "email"' },
);

export const ruleSchema = z
  .strictObject({
    name: z.string({ message: 'is required and must be a string' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    scope: z
      .string({ message: 'is required and must be a string' })
      .trim()
      .max(300, 'must be at most 300 characters')
      .regex(/^(global|actor:[^>]+|dyad:[^>]+>[^>]+|category:.+)$/, {
        message: 'must be global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME',
      }),
    window: z
      .string({ message: 'is required and must be a string like "1h", "24h" or "7d"' })
      .trim()
      .refine((v) => {
        const ms = parseWindow(v);
        return ms !== null && ms <= MAX_WINDOW_MS;
      }, { message: 'must be a duration from 1m to 30d, like "1h", "24h" or "7d"' }),
    metric: z.enum(['index', 'max', 'count'], { message: 'must be "index", "max" or "count"' }).default('index'),
    threshold: z.number({ message: 'is required and must be a number' }).min(0, 'must be at least 0').max(1_000_000, 'must be at most 1000000'),
    recoverBelow: z.number({ message: 'is required and must be a number' }).min(0, 'must be at least 0'),
    forSeconds: z.number({ message: 'must be a number of seconds' }).int('must be a whole number of seconds').min(0, 'must be at least 0').max(7 * 86_400, 'must be at most 604800 (7 days)').default(0),
    repeatSeconds: z.number({ message: 'must be a number of seconds' }).int('must be a whole number of seconds').min(0, 'must be 0 (never) or more').max(30 * 86_400, 'must be at most 2592000 (30 days)').default(0),
    minStatements: z.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000').default(3),
    severity: z.enum(['info', 'warning', 'critical'], { message: 'must be "info", "warning" or "critical"' }).default('warning'),
    channels: z.array(channelSchema, { message: 'must be an array of channels' }).max(10, 'at most 10 channels').default([{ type: 'dashboard' }]),
    enabled: z.boolean({ message: 'must be true or false' }).default(true),
  })
  // Cross-field checks run even when other fields are wrong, so every problem is listed at once.
  .superRefine(
    (r, ctx) => {
    if (typeof r.threshold !== 'number') return;
    if (typeof r.recoverBelow === 'number' && r.recoverBelow > r.threshold) {
      ctx.addIssue({ code: 'custom', path: ['recoverBelow'], message: 'must not be above threshold (it is the lower, recovery threshold)' });
    }
    const metric = r.metric ?? 'index';
    if (metric === 'count' && r.threshold < 1) {
      // A count of 0 is an empty window, which never fires (nothing would support the alert).
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: 'must be at least 1 for metric "count" (an empty window never fires)' });
    }
    if (metric !== 'count' && r.threshold > 100) {
      ctx.addIssue({ code: 'custom', path: ['threshold'], message: `must be at most 100 for metric "${metric}" (scores are 0-100)` });
    }
    if (typeof r.repeatSeconds === 'number' && r.repeatSeconds > 0 && r.repeatSeconds < 60) {
      ctx.addIssue({ code: 'custom', path: ['repeatSeconds'], message: 'must be 0 (never) or at least 60' });
    }
    },
    {
      when: (payload) => {
        const v = payload.value as Record<string, unknown> | null;
        return typeof v === 'object' && v !== null && typeof v.threshold === 'number' && Number.isFinite(v.threshold);
      },
    },
  );

export type FieldErrors = Record<string, string[]>;

export type RuleParse = { ok: true; value: RuleFields } | { ok: false; fields: FieldErrors };

export function parseRule(input: unknown): RuleParse {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, fields: { body: ['must be a JSON object describing the rule'] } };
  }
  const r = ruleSchema.safeParse(input);
  if (r.success) return { ok: true, value: r.data as RuleFields };
  const fields: FieldErrors = {};
  for (const issue of r.error.issues) {
    let key = issue.path.join('.') || 'body';
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    if (key === '') key = 'body';
    (fields[key] ??= []).push(message);
  }
  return { ok: false, fields };
}

export function describeFieldErrors(fields: FieldErrors): string {
  return Object.entries(fields)
    .map(([k, ms]) => `${k}: ${ms.join(', ')}`)
    .join('; ');
}

/** Shipped rules, seeded once into a rules table that never held any. Dashboard only. */
export const DEFAULT_RULES: unknown[] = [
  {
    name: 'Global risk high (1 h)',
    scope: 'global',
    window: '1h',
    metric: 'index',
    threshold: 60,
    recoverBelow: 50,
    forSeconds: 300,
    repeatSeconds: 3600,
    minStatements: 5,
    severity: 'warning',
    channels: [{ type: 'dashboard' }],
    enabled: true,
  },
  {
    name: 'Global risk critical (24 h)',
    scope: 'global',
    window: '24h',
    metric: 'index',
    threshold: 70,
    recoverBelow: 60,
    forSeconds: 600,
    repeatSeconds: 4 * 3600,
    minStatements: 10,
    severity: 'critical',
    channels: [{ type: 'dashboard' }],
    enabled: true,
  },
  {
    name: 'Severe statement (1 h)',
    scope: 'global',
    window: '1h',
    metric: 'max',
    threshold: 90,
    recoverBelow: 80,
    forSeconds: 0,
    repeatSeconds: 0,
    minStatements: 1,
    severity: 'warning',
    channels: [{ type: 'dashboard' }],
    enabled: true,
  },
];
