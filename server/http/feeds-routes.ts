import express, { Router, type Request, type RequestHandler } from 'express';
import type { FeedService } from '../ingest/feed-service.ts';
import { parseFeedInput } from '../ingest/feed-input.ts';
import { HttpError } from './http-errors.ts';

/**
 * GET /api/feeds (health included), POST /api/feeds and DELETE /api/feeds/:id (token). Error
 * texts are in general terms unless `canSeeSecrets` says the request is the admin's.
 */
export function createFeedsRoutes(deps: { feeds: FeedService; requireToken: RequestHandler; writeLimit?: RequestHandler; canSeeSecrets?: (req: Request) => boolean }): Router {
  const router = Router();
  const limit: RequestHandler = deps.writeLimit ?? ((_req, _res, next) => next());
  const detail = (req: Request) => ({ detail: deps.canSeeSecrets?.(req) ?? false });

  router.get('/api/feeds', (req, res) => {
    res.json({ feeds: deps.feeds.list(detail(req)) });
  });

  router.get('/api/feeds/:id', (req, res) => {
    const feed = deps.feeds.get(parseId(String(req.params.id)), detail(req));
    if (!feed) throw new HttpError(404, 'not-found', `no feed ${req.params.id}`);
    res.json({ feed });
  });

  router.post(
    '/api/feeds',
    limit,
    deps.requireToken,
    (req, _res, next) => {
      if (!req.is('application/json')) return next(new HttpError(415, 'unsupported-media-type', 'send the feed as Content-Type: application/json'));
      next();
    },
    express.json({ limit: '16kb' }),
    (req, res) => {
      const input = parseFeedInput(req.body);
      if (!input.ok) throw new HttpError(400, 'invalid-feed', input.message);
      const added = deps.feeds.add(input.value);
      if (!added.ok) throw new HttpError(added.code === 'duplicate-url' ? 409 : 400, added.code, added.message);
      res.status(201).location(`/api/feeds/${added.feed.id}`).json({ feed: added.feed });
    },
  );

  router.delete('/api/feeds/:id', limit, deps.requireToken, (req, res) => {
    const id = parseId(String(req.params.id));
    const outcome = deps.feeds.remove(id);
    if (outcome === 'not-found') throw new HttpError(404, 'not-found', `no feed ${id}`);
    if (outcome === 'declared-in-config') {
      throw new HttpError(409, 'declared-in-config', `feed ${id} is declared in feeds.json in the data directory; remove it there (it is synced at start)`);
    }
    res.status(204).end();
  });

  return router;
}

function parseId(raw: string | undefined): number {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw ?? '') || !Number.isSafeInteger(id) || id < 1) throw new HttpError(400, 'invalid-id', 'id must be a positive integer');
  return id;
}
