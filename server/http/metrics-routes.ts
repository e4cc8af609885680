import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { DAY_MS, parseWindow } from '../metrics/risk-index.ts';
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
  span: textParam(10).optional(),
  window: textParam(10).optional(),
  step: textParam(10).optional(),
});

/**
 * Bounds on one rolling request, so that its cost is bounded: the work is one sum per point
 * over its window's minutes, and the minutes read span the range plus one window.
 */
export const ROLLING_LIMITS = {
  /** Points per request. */
  maxPoints: 2_000,
  /** Points × window, in days: 400 allows the 30-day chart (121 points of 24 h) with room, not 2,000 points of 31 days. */
  maxPointDays: 400,
  maxWindowMs: 31 * DAY_MS,
  maxRangeMs: 92 * DAY_MS,
};

/** Checks a rolling request against ROLLING_LIMITS; the message names the limit and the way out. */
export function checkRollingCost(from: number, to: number, windowMs: number, stepMs: number): void {
  const L = ROLLING_LIMITS;
  if (windowMs > L.maxWindowMs) throw new HttpError(400, 'invalid-query', 'window: at most 31d');
  const points = Math.ceil((to - from) / stepMs) + 1;
  if (points > L.maxPoints) {
    throw new HttpError(400, 'invalid-query', `step: at most ${L.maxPoints} points per request (this asks for ${points}); use a longer step or a shorter range`);
  }
  const pointDays = (points * windowMs) / DAY_MS;
  if (pointDays > L.maxPointDays) {
    throw new HttpError(
      400,
      'invalid-query',
      `step: points × window may be at most ${L.maxPointDays} days (this asks for ${points} points × ${windowMs / DAY_MS} d = ${Math.round(pointDays)} days); use a longer step, a shorter range or a shorter window`,
    );
  }
  if (to - from > L.maxRangeMs) throw new HttpError(400, 'invalid-query', `from: the range may span at most ${L.maxRangeMs / DAY_MS} days; use GET /api/metrics/history for longer ones`);
}

export function createMetricsRoutes(deps: { metrics: MetricsService; now?: () => number; readLimit?: RequestHandler }): Router {
  const now = deps.now ?? Date.now;
  const router = Router();
  if (deps.readLimit) router.use('/api/metrics', deps.readLimit);

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

  // A rolling window sampled at a step: what the dashboard chart draws. `to` defaults to the
  // server's clock, `from` to `to` minus `span` (default 24h), so a page whose clock is off still
  // ends its line at the number on the card.
  router.get('/api/metrics/rolling', (req, res) => {
    const q = parseQuery(rollingSchema, req.query);
    const to = q.to ?? now();
    const spanMs = q.span === undefined ? DAY_MS : parseWindow(q.span);
    if (spanMs === null) throw new HttpError(400, 'invalid-query', 'span: must be a duration like 24h, 7d or 30d');
    if (q.from !== undefined && q.span !== undefined) throw new HttpError(400, 'invalid-query', 'span: give from or span, not both');
    const from = q.from ?? to - spanMs;
    checkRange(from, to);
    const windowMs = parseWindow(q.window ?? '1h');
    const stepMs = parseWindow(q.step ?? '5m');
    if (windowMs === null) throw new HttpError(400, 'invalid-query', 'window: must be a duration like 30m, 1h or 24h');
    if (stepMs === null) throw new HttpError(400, 'invalid-query', 'step: must be a duration like 5m or 1h');
    checkRollingCost(from, to, windowMs, stepMs);
    const scope = q.scope ?? 'global';
    const started = performance.now();
    const points = deps.metrics.rolling({ scope, from, to, windowMs, stepMs });
    // The server's own cost of the series, for the browser's devtools and the reads benchmark.
    res.setHeader('Server-Timing', `series;dur=${(performance.now() - started).toFixed(2)}`);
    res.json({
      scope,
      window: q.window ?? '1h',
      step: q.step ?? '5m',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      points,
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
