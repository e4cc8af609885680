import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './http-errors.ts';

/**
 * Limits metric reads per client address (BRINKWATCH_READ_RATE_LIMIT per minute; 0 = off), so
 * one client repeating the heaviest chart call cannot take the server's time from everyone
 * else. The dashboard makes about three reads per redraw and redraws at most once a second, so
 * the default (1,200 a minute) leaves room for several tabs behind one address. Answers 429
 * with the standard error envelope and RateLimit / Retry-After headers.
 */
export function createReadRateLimit(perMinute: number, windowMs = 60_000): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      next(new HttpError(429, 'rate-limited', `too many metric reads: at most ${options.limit} per ${Math.round(windowMs / 1000)} s per address (BRINKWATCH_READ_RATE_LIMIT); retry later`));
    },
  });
}
