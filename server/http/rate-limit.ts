import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import { HttpError } from './http-errors.ts';

/**
 * Requests per client address per window (0 = off), answered 429 with the standard error
 * envelope and RateLimit / Retry-After headers. `tooMany` words the message from the limit and
 * the window in seconds. Shared by the write and read limits.
 */
export function createRateLimit(perMinute: number, windowMs: number, tooMany: (limit: number, seconds: number) => string): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs,
    limit: perMinute,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) => {
      next(new HttpError(429, 'rate-limited', tooMany(Number(options.limit), Math.round(windowMs / 1000))));
    },
  });
}
