import { Router, type Express } from 'express';
import { openApiDocument } from './openapi-document.ts';

/** GET /api/openapi.json: the OpenAPI 3.1 description of this API (openapi-document.ts). */
export function createOpenApiRoutes(deps: { version: string }): Router {
  const router = Router();
  const doc = openApiDocument(deps.version);
  router.get('/api/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(doc);
  });
  return router;
}

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
  slash?: boolean;
}

/** Express's `/a/:id` as OpenAPI's `/a/{id}`. */
const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Every method and path the app answers through a route (`app.get`, `router.post`, ...),
 * nested routers included, as `METHOD /path` in OpenAPI's path syntax. Reads Express 5's
 * router stack (layer.route, layer.handle.stack, layer.rawPath); middleware is not a route.
 */
export function listRoutes(app: Express): string[] {
  const out = new Set<string>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        // A route may answer several paths (router.get(['/', '/index.html'], ...)); a RegExp path is not listed.
        const routePaths = (Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path]).filter((p): p is string => typeof p === 'string');
        for (const routePath of routePaths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (on && method !== '_all') out.add(`${method.toUpperCase()} ${toOpenApiPath(prefix + routePath)}`);
          }
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        const mount = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath;
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk(((app as unknown as { router: { stack: Layer[] } }).router).stack, '');
  return [...out].sort();
}

/** Routes the app answers that the description does not list (should be none). */
export function undocumentedRoutes(app: Express, doc: Record<string, unknown> = openApiDocument('')): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  return listRoutes(app).filter((r) => {
    const [method, p] = r.split(' ') as [string, string];
    return paths[p]?.[method.toLowerCase()] === undefined;
  });
}
