import { Router } from 'express';

/**
 * GET /api/health: `status` (ok, degraded or failing) with its reasons, and whatever the
 * report adds (version, counts, checks). 503 when failing, so a load balancer or uptime
 * monitor that only reads the status code notices too; never cached. The report must be
 * cheap: it is read on every request (the health service runs its checks off this path).
 */
export function createHealthRoutes(deps: { report: () => Record<string, unknown> }) {
  const router = Router();
  router.get('/api/health', (_req, res) => {
    const body = { status: 'ok', ...deps.report() };
    res.status(body.status === 'failing' ? 503 : 200).set('cache-control', 'no-store').json(body);
  });
  return router;
}
