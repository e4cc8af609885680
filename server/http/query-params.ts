import { z } from 'zod';
import { HttpError } from './http-errors.ts';

/**
 * Shared query-string parsing: every bad parameter is a 400 that names it. Express 5 gives
 * arrays for repeated keys; we take a single value or refuse.
 */
export function parseQuery<S extends z.ZodType>(schema: S, query: unknown): z.infer<S> {
  const result = schema.safeParse(query);
  if (!result.success) {
    const messages = result.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
    throw new HttpError(400, 'invalid-query', messages.join('; '), { issues: messages });
  }
  return result.data;
}

const single = z.string({ message: 'must be given once' });

/** An ISO 8601 date or epoch milliseconds, as unix ms. */
export const dateParam = single.transform((v, ctx) => {
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${v.slice(0, 40)}" is not a valid date (use ISO 8601, e.g. 2026-01-31T12:00:00Z)` });
    return z.NEVER;
  }
  return ms;
});

export const intParam = (min: number, max: number) =>
  single.transform((v, ctx) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

export const numberParam = (min: number, max: number) =>
  single.transform((v, ctx) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

export const textParam = (max = 200) => single.trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Checks from < to once both are parsed. */
export function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from >= to) {
    throw new HttpError(400, 'invalid-query', 'from: must be before to');
  }
}
