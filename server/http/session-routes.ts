import fs from 'node:fs';
import path from 'node:path';
import { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { AUTH_LIMITS, type ActionContext, type AuthService, type Outcome } from '../auth/auth-service.ts';
import { cookieValue, SESSION_COOKIE, userOf, type AuthGate } from './auth-middleware.ts';
import type { Logger } from '../config/logger.ts';
import { HttpError } from './http-errors.ts';
import { idParam, jsonBody, parseJson } from './json-body.ts';

const signInSchema = z.strictObject({
  name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
  password: z.string({ message: 'is required' }).min(1, 'is required').max(1024, 'must be at most 1024 characters'),
});
const setupSchema = signInSchema.extend({ token: z.string({ message: 'is required' }).min(16, 'is not a setup link token').max(128, 'is not a setup link token') });

export const actionContext = (req: Request, res: Response): ActionContext => {
  const u = userOf(res);
  return { actor: u ? { id: u.id, name: u.name } : null, ip: req.ip ?? null, userAgent: req.get('user-agent') ?? null };
};

const STATUS: Record<string, number> = { 'wrong-credentials': 401, 'too-many-attempts': 429, 'account-locked': 429, 'invalid-account': 400, 'already-set-up': 409, 'invalid-setup-link': 410 };
function unwrap<T>(r: Outcome<T>, res: Response, logger?: Logger): T {
  if (r.ok) return r.value;
  // One structured line per refused sign-in: the reason and the address, never the name typed or the password.
  logger?.warn({ event: 'sign-in-failed', reason: r.code, ip: res.req.ip }, 'sign-in refused');
  if (r.retryAfter) res.set('Retry-After', String(r.retryAfter));
  throw new HttpError(STATUS[r.code] ?? 400, r.code, r.message);
}

/**
 * The sign-in page (/signin, /setup), the dashboard's gate (/ redirects to /signin when reads
 * are not public and nobody is signed in), and the session API: GET /api/session (who am I,
 * CSRF token), POST /api/session (sign in), DELETE /api/session (sign out), GET /api/sessions
 * and DELETE /api/sessions/:id (own sessions), POST /api/setup (first admin by setup link).
 * Mounted before the read gate: these answer anonymous requests themselves.
 */
export function createSessionRoutes(deps: { auth: AuthService; gate: AuthGate; clientDir: string; writeLimit?: RequestHandler; logger?: Logger }): Router {
  const router = Router();
  const { auth, gate } = deps;
  const limit: RequestHandler = deps.writeLimit ?? ((_req, _res, next) => next());
  const page: RequestHandler = (_req, res) => {
    const file = path.join(deps.clientDir, 'signin.html');
    if (!fs.existsSync(file)) return void res.status(503).type('text/plain').send('The dashboard has not been built: run `npm run build` (npm start does it).');
    res.set('Cache-Control', 'no-store').sendFile(file);
  };
  router.get('/signin', page);
  router.get('/setup', page);
  router.get(['/', '/index.html'], (_req, res, next) => {
    if (gate.publicRead || userOf(res)) return next();
    res.redirect(302, auth.needsSetup() ? '/signin?setup=needed' : '/signin');
  });

  router.get('/api/session', (_req, res) => {
    const user = userOf(res);
    res.set('Cache-Control', 'no-store').json({
      user: user ? { id: user.id, name: user.name, role: user.role, via: user.via } : null,
      csrfToken: (res.locals.session as { csrfToken: string } | null)?.csrfToken ?? null,
      publicRead: gate.publicRead,
      needsSetup: auth.needsSetup(),
    });
  });

  const signedIn = async (req: Request, res: Response, name: string, password: string) => {
    const started = unwrap(await auth.signIn(name, password, actionContext(req, res)), res, deps.logger);
    // No fixation: a new id is always issued, and a session the browser brought is dropped.
    const brought = cookieValue(req.get('cookie'), SESSION_COOKIE);
    if (brought) auth.dropSession(brought);
    gate.setSessionCookie(req, res, started.secret, AUTH_LIMITS.sessionMaxMs);
    res.set('Cache-Control', 'no-store').json({ user: started.user, csrfToken: started.csrfToken });
  };
  const sameSite: RequestHandler = (req, res, next) => {
    res.locals.audited = true; // the auth service writes these entries itself
    if (!gate.sameSite(req)) return next(new HttpError(403, 'csrf-failed', 'refused as a possible cross-site request: sign in from the Brinkwatch page itself'));
    next();
  };

  router.post('/api/session', limit, sameSite, ...jsonBody('8kb'), async (req, res) => {
    const b = parseJson(signInSchema, req.body);
    await signedIn(req, res, b.name, b.password);
  });
  router.post('/api/setup', limit, sameSite, ...jsonBody('8kb'), async (req, res) => {
    const b = parseJson(setupSchema, req.body);
    unwrap(await auth.completeSetup(b.token, b.name, b.password, actionContext(req, res)), res, deps.logger);
    await signedIn(req, res, b.name, b.password);
  });
  router.delete('/api/session', limit, gate.requireRole('viewer'), (req, res) => {
    const session = res.locals.session as { secret: string } | null;
    if (!session) throw new HttpError(400, 'no-session', 'this request is not signed in with a session cookie (a token cannot sign out)');
    res.locals.audited = true;
    auth.signOut(session.secret, actionContext(req, res));
    gate.clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.get('/api/sessions', gate.requireRole('viewer'), (_req, res) => {
    const user = userOf(res)!;
    const currentId = (res.locals.session as { id: number } | null)?.id;
    const iso = (ms: number) => new Date(ms).toISOString();
    res.set('Cache-Control', 'no-store').json({
      sessions: auth.sessionsOf(user.id).map((s) => ({
        id: s.id,
        current: s.id === currentId,
        createdAt: iso(s.createdAt),
        lastSeenAt: iso(s.lastSeenAt),
        expiresAt: iso(Math.min(s.expiresAt, s.lastSeenAt + AUTH_LIMITS.sessionIdleMs)),
        ip: s.ip,
        userAgent: s.userAgent,
      })),
    });
  });
  router.delete('/api/sessions/:id', limit, gate.requireRole('viewer'), (req, res) => {
    if (!auth.revokeSession(idParam(req.params.id), userOf(res)!.id)) throw new HttpError(404, 'not-found', `you have no session ${req.params.id}`);
    res.status(204).end();
  });
  return router;
}
