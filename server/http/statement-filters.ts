import { z } from 'zod';
import { buildFtsQuery } from '../store/fts-query.ts';
import { STATEMENT_STATUSES, type StatementFilter } from '../store/statements-repo.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, intParam, numberParam, parseQuery, textParam } from './query-params.ts';

const LEVELS = ['calm', 'low', 'elevated', 'high', 'severe'] as const;
const ORIGINS = ['api', 'inbox', 'feed', 'cli', 'demo'] as const;

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
  // Full-text search (server/store/fts-query.ts): any text is a valid query or a named 400.
  q: z.string({ message: 'must be given once' }).transform((v, ctx) => {
    const built = buildFtsQuery(v);
    if (!built.ok) {
      ctx.addIssue({ code: 'custom', message: built.message.replace(/^q: /, '') });
      return z.NEVER;
    }
    return built.match;
  }).optional(),
  dyad: textParam(300).regex(/^[^>]+>[^>]+$/, { message: 'must be SPEAKER>TARGET, e.g. Russia>Ukraine' }).optional(),
  level: z.enum(LEVELS, { message: `must be one of ${LEVELS.join(', ')}` }).optional(),
  maxScore: numberParam(0, 100).optional(),
  origin: z.enum(ORIGINS, { message: `must be one of ${ORIGINS.join(', ')}` }).optional(),
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

/** The cursor of a relevance search: `r<bm25 rank>:<id>` (a JS number prints and parses back exactly). */
export function encodeRankCursor(c: { rank: number; id: number }): string {
  return Buffer.from(`r${c.rank}:${c.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { occurredAt: number; id: number } {
  const m = /^(-?\d{1,15}):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m) throw new HttpError(400, 'invalid-query', 'cursor: is not a cursor returned by this API');
  return { occurredAt: Number(m[1]), id: Number(m[2]) };
}

const isRankCursor = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8').startsWith('r');

function decodeRankCursor(cursor: string): { rank: number; id: number } {
  const m = /^r(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || !Number.isFinite(Number(m[1]))) throw new HttpError(400, 'invalid-query', 'cursor: is not a cursor of this relevance search');
  return { rank: Number(m[1]), id: Number(m[2]) };
}

// Strict: a parameter this API does not know is a 400 naming it, never silently ignored.
const listSchema = z.strictObject({
  ...statementFilterShape,
  limit: intParam(1, 500).optional(),
  cursor: z.string({ message: 'must be given once' }).max(100).optional(),
  sort: z.enum(['newest', 'relevance'], { message: 'must be newest or relevance' }).optional(),
});

export function parseStatementListQuery(query: unknown): StatementFilter & { limit: number } {
  const q = parseQuery(listSchema, query);
  checkRange(q.from, q.to);
  checkScopeStatus(q.scope, q.status);
  checkScoreRange(q.minScore, q.maxScore);
  if (q.sort === 'relevance' && q.q === undefined) {
    throw new HttpError(400, 'invalid-query', 'sort: relevance ranks the matches of a search; give q as well');
  }
  // A search is ranked by relevance unless newest first is asked for.
  const sort = q.q === undefined ? 'newest' : (q.sort ?? 'relevance');
  if (q.cursor && sort === 'newest' && isRankCursor(q.cursor)) {
    throw new HttpError(400, 'invalid-query', 'cursor: continues a search ranked by relevance; ask again with the same sort');
  }
  return {
    ...filterFields(q),
    sort,
    limit: q.limit ?? 50,
    // The cursor says which order it continues: a relevance search too big to rank answers
    // newest first (statements-routes.ts) and its pages carry time cursors.
    before: q.cursor && !isRankCursor(q.cursor) ? decodeCursor(q.cursor) : undefined,
    after: q.cursor && isRankCursor(q.cursor) ? decodeRankCursor(q.cursor) : undefined,
  };
}

/** The StatementFilter fields of a parsed statementFilterShape query. */
export function filterFields(q: {
  from?: number; to?: number; actor?: string; minScore?: number; maxScore?: number; category?: string; status?: StatementFilter['status'];
  lang?: string; scope?: string; q?: string; dyad?: string; level?: string; origin?: string;
}): StatementFilter {
  return {
    from: q.from,
    to: q.to,
    actor: q.actor,
    minScore: q.minScore,
    maxScore: q.maxScore,
    category: q.category,
    status: q.status,
    lang: q.lang,
    scope: q.scope,
    match: q.q,
    dyad: q.dyad,
    level: q.level,
    origin: q.origin,
  };
}

export function checkScoreRange(min: number | undefined, max: number | undefined): void {
  if (min !== undefined && max !== undefined && min > max) {
    throw new HttpError(400, 'invalid-query', 'minScore: must not be above maxScore');
  }
}

export function parseStatementFilterQuery(query: unknown, extra: z.ZodRawShape = {}) {
  const q = parseQuery(z.object({ ...statementFilterShape, ...extra }), query) as Record<string, unknown> & StatementFilter;
  checkRange(q.from, q.to);
  checkScopeStatus(q.scope, q.status);
  return q;
}
