import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { streamCsv } from '../export/csv-stream.ts';
import { csvRecord } from '../shared/csv-format.ts';
import type { AuditRepo, AuditView } from '../store/audit-repo.ts';
import { userOf, type AuthGate } from './auth-middleware.ts';
import { checkRange, dateParam, intParam, parseQuery, textParam } from './query-params.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

const filterShape = { from: dateParam.optional(), to: dateParam.optional(), actor: textParam(64).optional(), action: textParam(100).optional() };
const listSchema = z.strictObject({ ...filterShape, before: intParam(1, Number.MAX_SAFE_INTEGER).optional(), limit: intParam(1, 1000).optional() });
const csvSchema = z.strictObject({ ...filterShape, bom: z.enum(['1', '0', 'true', 'false'], { message: 'must be 1 or 0' }).optional() });

const HEADER = ['id', 'at', 'actor_id', 'actor', 'action', 'target', 'outcome', 'ip', 'detail'] as const;
const record = (e: AuditView) => csvRecord([e.id, e.at, e.actorId, e.actorName, e.action, e.target, e.outcome, e.ip, e.detail]);

/**
 * Records every API write when its answer has gone out: who (res.locals.user), what (method and
 * route pattern; the concrete path as target), when, from where (req.ip), and the outcome: `ok`
 * for 2xx, `denied` for 401/403. Other refusals (400, 404, 409, 429, ...) changed nothing and are
 * not recorded. Routes that write their own, more precise entries (sign-in, users, tokens) set
 * `res.locals.audited`.
 */
export function createAuditRecorder(audit: AuditRepo, logger?: { error: (o: object, m: string) => void }): RequestHandler {
  return (req, res, next) => {
    if (!UNSAFE.has(req.method) || !req.path.startsWith('/api/')) return next();
    res.on('finish', () => {
      const status = res.statusCode;
      const outcome = status < 400 ? 'ok' : status === 401 || status === 403 ? 'denied' : null;
      if (outcome === null || res.locals.audited === true) return;
      const route = (req.route as { path?: string } | undefined)?.path;
      const user = userOf(res);
      try {
        audit.record({
          at: Date.now(),
          actorId: user?.id ?? null,
          actorName: user?.name ?? null,
          action: `${req.method} ${typeof route === 'string' ? route : req.path.slice(0, 200)}`,
          // The concrete path (ids included): after a refusal express has already reset req.params.
          target: req.path.slice(0, 200),
          outcome,
          ip: req.ip ?? null,
          detail: outcome === 'denied' ? `HTTP ${status}` : null,
        });
      } catch (err) {
        logger?.error({ err }, 'audit entry could not be written');
      }
    });
    next();
  };
}

/** GET /api/audit (admins; newest first, paged with before) and GET /api/export/audit.csv (admins; formula-safe CSV). */
export function createAuditRoutes(deps: { audit: AuditRepo; gate: AuthGate; openAudit: () => { audit: AuditRepo; close: () => void } }): Router {
  const router = Router();
  const admin = deps.gate.requireRole('admin');
  router.get('/api/audit', admin, (req, res) => {
    const q = parseQuery(listSchema, req.query);
    checkRange(q.from, q.to);
    const limit = q.limit ?? 100;
    const entries = deps.audit.list({ from: q.from, to: q.to, actor: q.actor, action: q.action, beforeId: q.before, limit: limit + 1 });
    const page = entries.slice(0, limit);
    res.json({ entries: page, nextBefore: entries.length > limit ? page[page.length - 1]!.id : null });
  });
  router.get('/api/export/audit.csv', admin, async (req, res) => {
    const q = parseQuery(csvSchema, req.query);
    checkRange(q.from, q.to);
    // A read-only connection: the writer keeps recording while the export streams.
    const reader = deps.openAudit();
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    try {
      res.set({ 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': 'attachment; filename="brinkwatch-audit.csv"', 'Cache-Control': 'no-store' });
      const rows = reader.audit.iterate({ from: q.from, to: q.to, actor: q.actor, action: q.action });
      await streamCsv(res, { header: HEADER, records: (function* () { for (const e of rows) yield record(e); })() }, { bom: q.bom === '1' || q.bom === 'true', signal: gone.signal });
    } finally {
      reader.close();
    }
  });
  return router;
}
