import type { RequestHandler } from 'express';
import { createRateLimit } from './rate-limit.ts';

/**
 * Limits metric reads per client address (BRINKWATCH_READ_RATE_LIMIT per minute; 0 = off), so
 * one client repeating the heaviest chart call cannot take the server's time from everyone
 * else. The dashboard makes about three reads per redraw and redraws at most once a second, so
 * the default (1,200 a minute) leaves room for several tabs behind one address.
 */
export function createReadRateLimit(perMinute: number, windowMs = 60_000): RequestHandler {
  return createRateLimit(
    perMinute,
    windowMs,
    (limit, s) => `too many metric reads: at most ${limit} per ${s} s per address (BRINKWATCH_READ_RATE_LIMIT); retry later`,
  );
}
