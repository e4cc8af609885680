import { Router } from 'express';
import { z } from 'zod';
import { RESOLUTIONS, type MetricsService } from '../metrics/metrics-service.ts';
import { HttpError } from './http-errors.ts';
import { checkRange, dateParam, intParam, parseQuery, textParam } from './query-params.ts';

/** Longest history range one request may ask for, per resolution (keeps answers bounded). */
const MAX_POINTS = 20_000;

const scopeParam = textParam(300).regex(/^(global|actor:.+|dyad:.+>.+|category:.+)$/, {
  message: 'must be global, actor:NAME, dyad:SPEAKER>TARGET or category:NAME',
});

const historySchema = z.object({
  from: dateParam.optional(),
  to: dateParam.optional(),
  bucket: z.enum(['minute', 'hour', 'day'], { message: 'must be minute, hour or day' }).optional(),
  scope: scopeParam.optional(),
});

export function createMetricsRoutes(deps: { metrics: MetricsService; now?: () => number }): Router {
  const now = deps.now ?? Date.now;
  const router = Router();

  router.get('/api/metrics/current', (req, res) => {
    const q = parseQuery(z.object({ scope: scopeParam.optional() }), req.query);
    res.json(deps.metrics.current(q.scope ?? 'global'));
  });

  // The busiest-and-worst actor, dyad and category scopes of one window, for the dashboard.
  router.get('/api/metrics/top', (req, res) => {
    const q = parseQuery(
      z.object({
        window: z.enum(deps.metrics.windows as [string, ...string[]], { message: `must be one of ${deps.metrics.windows.join(', ')}` }).optional(),
        limit: intParam(1, 50).optional(),
      }),
      req.query,
    );
    res.json(deps.metrics.top({ window: q.window, limit: q.limit ?? 5 }));
  });

  router.get('/api/metrics/history', (req, res) => {
    const q = parseQuery(historySchema, req.query);
    const to = q.to ?? now();
    const from = q.from ?? to - 86_400_000;
    checkRange(from, to);
    const bucket = q.bucket ?? 'minute';
    if ((to - from) / RESOLUTIONS[bucket]! > MAX_POINTS) {
      throw new HttpError(400, 'invalid-query', `bucket: a ${bucket} history may span at most ${MAX_POINTS} buckets; use a coarser bucket or a shorter range`);
    }
    const scope = q.scope ?? 'global';
    res.json({
      scope,
      bucket,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      points: deps.metrics.history({ scope, from, to, resolution: bucket }),
    });
  });

  return router;
}
