import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { csvRecord } from '../shared/csv-format.ts';
import type { AnnotationsRepo } from '../store/annotations-repo.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, intParam, parseQuery, textParam } from './query-params.ts';

const scopeValue = z
  .string({ message: 'must be a string' })
  .trim()
  .max(300, 'must be at most 300 characters')
  .regex(/^(global|actor:.+|dyad:.+>.+|category:.+)$/, { message: 'must be global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME' });

// 0001-01-01 .. 9999-12-31: a time a chart and a spreadsheet can show.
const MIN_MS = -62_135_596_800_000;
const MAX_MS = 253_402_300_799_999;

const bodySchema = z.strictObject({
  at: z.union([z.number().int(), z.string()], { message: 'is required: an ISO 8601 date or epoch milliseconds' }).transform((v, ctx) => {
    const ms = typeof v === 'number' ? v : Date.parse(v);
    if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) {
      ctx.addIssue({ code: 'custom', message: 'is not a valid date (use ISO 8601 or epoch milliseconds)' });
      return z.NEVER;
    }
    return ms;
  }),
  note: z.string({ message: 'is required: what happened' }).trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  scope: scopeValue.nullable().optional(),
});

const listSchema = z.strictObject({
  from: dateParam.optional(),
  to: dateParam.optional(),
  scope: textParam(300).optional(),
  limit: intParam(1, 1000).optional(),
});

/**
 * Chart annotations: GET /api/annotations (anyone), POST and DELETE /api/annotations/:id (the
 * token, or a signed-in user when accounts exist: res.locals.user.name is recorded as the author,
 * else 'token'), and GET /api/export/annotations.csv, every text cell formula-safe (csv-format.ts).
 */
export function createAnnotationRoutes(deps: {
  annotations: AnnotationsRepo;
  requireToken: RequestHandler;
  writeLimit?: RequestHandler;
  now?: () => number;
  /** Called after an annotation is stored or deleted (the socket push to every page). */
  onChanged?: (a: { id: number; change: 'added' | 'deleted' }) => void;
}): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  const limit: RequestHandler = deps.writeLimit ?? ((_req, _res, next) => next());
  const json: RequestHandler = (req, _res, next) => {
    if (!req.is('application/json')) return next(new HttpError(415, 'unsupported-media-type', 'send the body as Content-Type: application/json'));
    next();
  };

  const listOf = (query: unknown, defaultLimit: number) => {
    const q = parseQuery(listSchema, query);
    checkRange(q.from, q.to);
    return deps.annotations.list({ from: q.from, to: q.to, scope: q.scope, limit: q.limit ?? defaultLimit });
  };

  router.get('/api/annotations', (req, res) => {
    res.json({ annotations: listOf(req.query, 1000) });
  });

  router.post('/api/annotations', limit, deps.requireToken, json, express.json({ limit: '16kb', strict: false }), (req, res) => {
    const r = bodySchema.safeParse(req.body ?? {});
    if (!r.success) {
      const fields: Record<string, string[]> = {};
      for (const i of r.error.issues) (fields[i.path.join('.') || 'body'] ??= []).push(i.message);
      throw new HttpError(400, 'invalid-body', Object.entries(fields).map(([k, m]) => `${k}: ${m.join(', ')}`).join('; '), { fields });
    }
    const user = (res.locals as { user?: { name?: unknown } }).user;
    const createdBy = typeof user?.name === 'string' && user.name !== '' ? user.name : 'token';
    const scope = r.data.scope === 'global' || r.data.scope === undefined ? null : r.data.scope;
    const annotation = deps.annotations.add({ at: r.data.at, note: r.data.note, scope, createdBy, createdAt: now() });
    deps.onChanged?.({ id: annotation.id, change: 'added' });
    res.status(201).json({ annotation });
  });

  router.delete('/api/annotations/:id', limit, deps.requireToken, (req, res) => {
    const text = typeof req.params.id === 'string' ? req.params.id : '';
    const id = Number(text);
    if (!/^\d{1,15}$/.test(text) || id < 1) throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
    if (!deps.annotations.delete(id)) throw new HttpError(404, 'not-found', `no annotation ${id}`);
    deps.onChanged?.({ id, change: 'deleted' });
    res.status(204).end();
  });

  router.get('/api/export/annotations.csv', (req, res) => {
    const rows = listOf(req.query, 1_000_000);
    const iso = (ms: number) => new Date(ms).toISOString();
    let body = csvRecord(['id', 'at', 'note', 'scope', 'created_by', 'created_at']);
    for (const a of rows) body += csvRecord([a.id, iso(a.at), a.note, a.scope ?? 'global', a.createdBy, iso(a.createdAt)]);
    res.type('text/csv; charset=utf-8').attachment('brinkwatch-annotations.csv').send(body);
  });

  return router;
}
