import fs from 'node:fs';
import path from 'node:path';
import compression from 'compression';
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from '../config/logger.ts';
import type { AuthHttp } from './auth-http.ts';
import { createHealthRoutes } from './health-routes.ts';
import { errorHandler, notFound } from './http-errors.ts';
import { securityHeaders, type TlsMode } from './security-headers.ts';

export interface HttpAppDeps {
  logger: Logger;
  /** Feature routers (statements, metrics, feeds, alerts, export...), built by main.ts. */
  routers: Router[];
  /** The built dashboard (client/dist); when missing, GET / explains how to build it. */
  clientDir: string;
  /** The body of GET /api/health (health-routes.ts); without it the route is not mounted. */
  health?: () => Record<string, unknown>;
  /** BRINKWATCH_TLS: when HSTS and upgrade-insecure-requests are sent (default: HTTPS requests only). */
  tls?: TlsMode;
  /** BRINKWATCH_TRUST_PROXY, express's `trust proxy` (X-Forwarded-Proto/-For from those hops). */
  trustProxy?: boolean | number | string[];
  /** Runs first on every request: the Prometheus latency histogram (server/ops/prometheus.ts). */
  observe?: RequestHandler;
  /** Accounts (auth-http.ts): who the request is, the audit log, sign-in, the read gate. Without it every read is open. */
  auth?: AuthHttp;
}

/** The Express app without a listening socket: tests drive it with supertest. */
export function createHttpApp(deps: HttpAppDeps) {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.set('trust proxy', deps.trustProxy ?? false);
  if (deps.observe) app.use(deps.observe);
  app.use(securityHeaders(deps.tls ?? 'auto'));

  for (const h of deps.auth?.before ?? []) app.use(h);
  if (deps.health) app.use(createHealthRoutes({ report: deps.health }));
  for (const router of deps.auth?.publicRouters ?? []) app.use(router);
  if (deps.auth) app.use('/api', deps.auth.readGate);
  for (const router of [...deps.routers, ...(deps.auth?.routers ?? [])]) app.use(router);
  app.use('/api', notFound);

  // The dashboard's assets go out gzip- or brotli-compressed (app.js ~294 KB -> ~97 KB); API
  // routes above are left alone so streamed CSV exports keep flowing row by row.
  app.use(compression());
  app.use(express.static(deps.clientDir, { index: 'index.html', maxAge: '1m' }));
  app.get('/', (_req, res) => {
    if (!fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
      res.status(503).type('text/plain').send('The dashboard has not been built: run `npm run build` (npm start does it).');
    }
  });
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
