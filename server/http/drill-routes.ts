import fs from 'node:fs';
import path from 'node:path';
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { DrillService, ScopeKind } from '../metrics/drill-service.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, intParam, parseQuery, textParam } from './query-params.ts';

/** Longest range one drill-down summary may span (its lists read the statements of the range). */
const MAX_RANGE_MS = 92 * 86_400_000;

const summarySchema = z.strictObject({
  scope: textParam(300).regex(/^(actor:.+|dyad:.+>.+|category:.+)$/, { message: 'must be actor:NAME, dyad:SPEAKER>TARGET or category:NAME' }),
  from: dateParam.optional(),
  to: dateParam.optional(),
});

const searchSchema = z.strictObject({
  q: z.string({ message: 'must be given once' }).trim().max(100, 'must be at most 100 characters').optional(),
  kind: z.enum(['actor', 'dyad', 'category'], { message: 'must be actor, dyad or category' }).optional(),
  limit: intParam(1, 200).optional(),
});

/**
 * Drill-down: GET /api/drill (one scope's summary), GET /api/scopes (every known scope by name),
 * and the pages /actor/NAME, /dyad/SPEAKER/TARGET, /category/NAME and /alert/ID, which serve the
 * drill page (client/drill.html); an unknown scope gets the same page with status 404, and the
 * page says "no such actor".
 */
export function createDrillRoutes(deps: { drill: DrillService; clientDir: string; now?: () => number; readLimit?: RequestHandler }): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  if (deps.readLimit) {
    router.use('/api/drill', deps.readLimit);
    router.use('/api/scopes', deps.readLimit);
  }

  router.get('/api/drill', (req, res) => {
    const q = parseQuery(summarySchema, req.query);
    const to = q.to ?? now();
    const from = q.from ?? to - 86_400_000;
    checkRange(from, to);
    if (to - from > MAX_RANGE_MS) throw new HttpError(400, 'invalid-query', 'from: a drill-down may span at most 92 days');
    const colon = q.scope.indexOf(':');
    const kind = q.scope.slice(0, colon) as ScopeKind;
    const r = deps.drill.summary(kind, q.scope.slice(colon + 1), from, to);
    if (!r.ok) throw new HttpError(404, r.code, r.message, { suggestions: r.suggestions });
    res.json(r.value);
  });

  router.get('/api/scopes', (req, res) => {
    const q = parseQuery(searchSchema, req.query);
    const scopes = deps.drill.search(q.q ?? '', q.kind ?? '', q.limit ?? 20);
    res.json({ scopes });
  });

  const sendPage = (res: Response, status: number) => {
    const file = path.join(deps.clientDir, 'drill.html');
    if (!fs.existsSync(file)) throw new HttpError(503, 'not-built', 'The dashboard has not been built: run `npm run build` (npm start does it).');
    res.status(status).sendFile(file);
  };
  const page = (kind: ScopeKind, name: string, res: Response) => {
    const known = name.length > 0 && name.length <= 300 && !('suggestions' in deps.drill.resolve(kind, name));
    sendPage(res, known ? 200 : 404);
  };
  router.get('/actor/:name', (req, res) => page('actor', req.params.name, res));
  router.get('/category/:name', (req, res) => page('category', req.params.name, res));
  router.get('/dyad/:speaker/:target', (req, res) => page('dyad', `${req.params.speaker}>${req.params.target}`, res));
  router.get('/alert/:id', (_req, res) => sendPage(res, 200));
  return router;
}
