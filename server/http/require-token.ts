import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { HttpError } from './http-errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The bearer token of a request, if it carries one. */
function bearerOf(req: Request): string | null {
  const match = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1]!.trim() : null;
}

/**
 * Whether a request carries the admin bearer token (BRINKWATCH_API_TOKEN), without refusing it:
 * reads use it to decide whether secrets (webhook URLs, feed error detail) are shown in full.
 * Compares digests in constant time; never logs the token.
 */
export function bearerMatches(token: string): (req: Request) => boolean {
  const expected = digest(token);
  return (req) => {
    const given = bearerOf(req);
    return given !== null && timingSafeEqual(digest(given), expected);
  };
}

/** Bearer-token check for writes. Compares digests in constant time; never logs the token. */
export function requireToken(token: string): RequestHandler {
  const matches = bearerMatches(token);
  return (req, _res, next) => {
    if (bearerOf(req) === null) return next(new HttpError(401, 'unauthorized', 'this endpoint needs "Authorization: Bearer <token>"'));
    if (!matches(req)) return next(new HttpError(401, 'unauthorized', 'the bearer token is not valid'));
    next();
  };
}
