import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './http-errors.ts';

/**
 * Limits API writes per client address (BRINKWATCH_WRITE_RATE_LIMIT per minute; 0 = off).
 * Placed before the token check so it also slows down token guessing. Answers 429 with the
 * standard error envelope and RateLimit / Retry-After headers.
 */
export function createWriteRateLimit(perMinute: number, windowMs = 60_000): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      next(new HttpError(429, 'rate-limited', `too many write requests: at most ${options.limit} per ${Math.round(windowMs / 1000)} s; retry later`));
    },
  });
}
