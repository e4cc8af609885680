import type { RequestHandler } from 'express';
import { createRateLimit } from './rate-limit.ts';

/**
 * Limits API writes per client address (BRINKWATCH_WRITE_RATE_LIMIT per minute; 0 = off).
 * Placed before the token check so it also slows down token guessing.
 */
export function createWriteRateLimit(perMinute: number, windowMs = 60_000): RequestHandler {
  return createRateLimit(perMinute, windowMs, (limit, s) => `too many write requests: at most ${limit} per ${s} s; retry later`);
}
