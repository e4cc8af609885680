import { z } from 'zod';
import { STATEMENT_STATUSES, type StatementFilter } from '../store/statements-repo.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, intParam, numberParam, parseQuery, textParam } from './query-params.ts';

/** The statement filters shared by GET /api/statements and GET /api/export/statements.csv. */
export const statementFilterShape = {
  from: dateParam.optional(),
  to: dateParam.optional(),
  actor: textParam().optional(),
  minScore: numberParam(0, 100).optional(),
  category: textParam(100).optional(),
  status: z.enum(STATEMENT_STATUSES, { message: 'must be pending, scored, failed or unsupported' }).optional(),
  lang: z
    .string({ message: 'must be given once' })
    .regex(/^(?:[a-z]{2}|und)$/, { message: 'must be a two-letter ISO 639-1 code (e.g. en, ru) or und' })
    .optional(),
  // The chart's scope: the statements counted in that scope's metrics (scored ones only).
  scope: textParam(300)
    .regex(/^(global|actor:.+|dyad:.+>.+|category:.+)$/, { message: 'must be global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME' })
    .optional(),
};

/**
 * A scope selects the statements its metrics count, and only scored statements count: asking
 * for another status as well is a contradiction, answered as a 400 rather than an empty list.
 */
export function checkScopeStatus(scope: string | undefined, status: string | undefined): void {
  if (scope !== undefined && status !== undefined && status !== 'scored') {
    throw new HttpError(400, 'invalid-query', `status: a scope selects the statements its metrics count, which are scored; status=${status} cannot be combined with scope`);
  }
}

export function encodeCursor(c: { occurredAt: number; id: number }): string {
  return Buffer.from(`${c.occurredAt}:${c.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { occurredAt: number; id: number } {
  const m = /^(-?\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new HttpError(400, 'invalid-query', 'cursor: is not a cursor returned by this API');
  return { occurredAt: Number(m[1]), id: Number(m[2]) };
}

const listSchema = z.object({
  ...statementFilterShape,
  limit: intParam(1, 500).optional(),
  cursor: z.string({ message: 'must be given once' }).max(100).optional(),
});

export function parseStatementListQuery(query: unknown): StatementFilter & { limit: number } {
  const q = parseQuery(listSchema, query);
  checkRange(q.from, q.to);
  checkScopeStatus(q.scope, q.status);
  return {
    from: q.from,
    to: q.to,
    actor: q.actor,
    minScore: q.minScore,
    category: q.category,
    status: q.status,
    lang: q.lang,
    scope: q.scope,
    limit: q.limit ?? 50,
    before: q.cursor ? decodeCursor(q.cursor) : undefined,
  };
}

export function parseStatementFilterQuery(query: unknown, extra: z.ZodRawShape = {}) {
  const q = parseQuery(z.object({ ...statementFilterShape, ...extra }), query) as Record<string, unknown> & StatementFilter;
  checkRange(q.from, q.to);
  checkScopeStatus(q.scope, q.status);
  return q;
}
