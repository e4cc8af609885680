import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { HttpError } from './http-errors.ts';

/** A small JSON body: 415 for another content type, then parsed with a size limit. */
export function jsonBody(limit = '16kb'): RequestHandler[] {
  return [
    (req, _res, next) => {
      if (!req.is('application/json')) return next(new HttpError(415, 'unsupported-media-type', 'send the body as Content-Type: application/json'));
      next();
    },
    express.json({ limit, strict: false }),
  ];
}

/** Parses a body with zod; a bad one is a 400 `invalid-body` naming each field. */
export function parseJson<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const fields: Record<string, string[]> = {};
  for (const i of r.error.issues) (fields[i.path.join('.') || 'body'] ??= []).push(i.message);
  throw new HttpError(400, 'invalid-body', Object.entries(fields).map(([k, ms]) => `${k}: ${ms.join(', ')}`).join('; '), { fields });
}

export function idParam(raw: unknown): number {
  const text = typeof raw === 'string' ? raw : '';
  const id = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(id) || id < 1) throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
  return id;
}
