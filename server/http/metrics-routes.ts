import { Router } from 'express';
import { z } from 'zod';
import { parseWindow } from '../metrics/risk-index.ts';
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

const rollingSchema = z.object({
  from: dateParam.optional(),
  to: dateParam.optional(),
  scope: scopeParam.optional(),
  window: textParam(10).optional(),
  step: textParam(10).optional(),
});
const MAX_ROLLING_POINTS = 2_000;

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

  // A rolling window sampled at a step: what the dashboard chart draws.
  router.get('/api/metrics/rolling', (req, res) => {
    const q = parseQuery(rollingSchema, req.query);
    const to = q.to ?? now();
    const from = q.from ?? to - 86_400_000;
    checkRange(from, to);
    const windowMs = parseWindow(q.window ?? '1h');
    const stepMs = parseWindow(q.step ?? '5m');
    if (windowMs === null) throw new HttpError(400, 'invalid-query', 'window: must be a duration like 30m, 1h or 24h');
    if (stepMs === null) throw new HttpError(400, 'invalid-query', 'step: must be a duration like 5m or 1h');
    if ((to - from) / stepMs > MAX_ROLLING_POINTS) {
      throw new HttpError(400, 'invalid-query', `step: at most ${MAX_ROLLING_POINTS} points per request; use a longer step or a shorter range`);
    }
    if (windowMs > 31 * 86_400_000) throw new HttpError(400, 'invalid-query', 'window: at most 31d');
    const scope = q.scope ?? 'global';
    res.json({
      scope,
      window: q.window ?? '1h',
      step: q.step ?? '5m',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      points: deps.metrics.rolling({ scope, from, to, windowMs, stepMs }),
    });
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
