import net from 'node:net';
import { Router, type Request } from 'express';
import type { Prometheus } from '../ops/prometheus.ts';
import { HttpError } from './http-errors.ts';

export interface PrometheusRouteDeps {
  prometheus: Pick<Prometheus, 'render'>;
  /** BRINKWATCH_METRICS_PUBLIC: anyone who reaches the port may scrape. */
  public: boolean;
  /** Whether the request carries a credential allowed to scrape (the admin bearer token). */
  authorized: (req: Request) => boolean;
}

const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/**
 * A request made on this machine: the TCP peer is a loopback address and no proxy says it
 * forwarded it. A reverse proxy on the same host connects over loopback too, so a request
 * carrying X-Forwarded-For, Forwarded or X-Real-IP does not count as local, whatever
 * `trust proxy` says: a scraper behind the proxy needs the token.
 */
export function isLocalRequest(req: Request): boolean {
  const peer = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  if (!net.isIP(peer)) return false;
  const loopback = peer === '::1' || /^127\./.test(peer);
  return loopback && FORWARDING_HEADERS.every((h) => req.get(h) === undefined);
}

/** GET /metrics: Prometheus text format, for a scraper on this machine, with the token, or public when configured. */
export function createPrometheusRoutes(deps: PrometheusRouteDeps): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (!deps.public && !isLocalRequest(req) && !deps.authorized(req)) {
      const given = /^Bearer\s+\S/i.test(req.get('authorization') ?? '');
      throw new HttpError(
        401,
        'unauthorized',
        given
          ? 'the bearer token is not valid'
          : '/metrics needs "Authorization: Bearer <token>" unless scraped over loopback or BRINKWATCH_METRICS_PUBLIC=true',
      );
    }
    const { contentType, body } = await deps.prometheus.render();
    res.set('Cache-Control', 'no-store').type(contentType).send(body);
  });
  return router;
}
