import { timingSafeEqual, createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-errors.ts';

/** Bearer-token check for writes. Compares digests in constant time; never logs the token. */
export function requireToken(token: string): RequestHandler {
  const expected = createHash('sha256').update(token).digest();
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) return next(new HttpError(401, 'unauthorized', 'this endpoint needs "Authorization: Bearer <token>"'));
    const given = createHash('sha256').update(match[1]!.trim()).digest();
    if (!timingSafeEqual(given, expected)) return next(new HttpError(401, 'unauthorized', 'the bearer token is not valid'));
    next();
  };
}
