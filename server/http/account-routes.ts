import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { AUTH_LIMITS, type AuthService, type Outcome } from '../auth/auth-service.ts';
import { ROLES } from '../auth/roles.ts';
import { toUserView } from '../store/accounts-repo.ts';
import type { TokenRecord } from '../store/sessions-repo.ts';
import { userOf, type AuthGate } from './auth-middleware.ts';
import { HttpError } from './http-errors.ts';
import { idParam, jsonBody, parseJson } from './json-body.ts';
import { actionContext } from './session-routes.ts';

const role = z.enum(ROLES as ['viewer', 'analyst', 'admin'], { message: 'must be viewer, analyst or admin' });
const newUserSchema = z.strictObject({
  name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(64, 'must be at most 64 characters'),
  role,
  password: z.string({ message: 'is required' }).max(1024, 'must be at most 1024 characters'),
});
const roleSchema = z.strictObject({ role });
const passwordSchema = z.strictObject({ password: z.string({ message: 'is required' }).max(1024, 'must be at most 1024 characters') });
const tokenSchema = z.strictObject({
  name: z.string({ message: 'is required: say what the token is for' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  role: role.optional(),
  expiresInDays: z.number({ message: 'must be a number of days' }).int('must be whole days').min(1, 'must be at least 1').max(AUTH_LIMITS.tokenMaxDays, `must be at most ${AUTH_LIMITS.tokenMaxDays}`).optional(),
});

const STATUS: Record<string, number> = { 'not-found': 404, 'name-taken': 409, 'last-admin': 409, 'already-revoked': 409, 'role-too-high': 403, 'needs-account': 403 };
function unwrap<T>(r: Outcome<T>): T {
  if (r.ok) return r.value;
  throw new HttpError(STATUS[r.code] ?? 400, r.code, r.message);
}

const tokenView = (t: TokenRecord, now: number) => ({
  id: t.id,
  name: t.name,
  owner: t.userName,
  role: t.role,
  prefix: t.prefix,
  createdAt: new Date(t.createdAt).toISOString(),
  expiresAt: new Date(t.expiresAt).toISOString(),
  lastUsedAt: t.lastUsedAt === null ? null : new Date(t.lastUsedAt).toISOString(),
  state: t.revokedAt !== null ? 'revoked' : t.expiresAt <= now ? 'expired' : 'active',
});

/**
 * Users (admins: list, add, set role, reset password, remove) and API tokens (everyone: their
 * own, with a role at most theirs; admins see and revoke all with ?all=true). A new token is
 * shown once in the answer to its creation and stored only as a digest.
 */
export function createAccountRoutes(deps: { auth: AuthService; gate: AuthGate; writeLimit?: RequestHandler }): Router {
  const router = Router();
  const { auth, gate } = deps;
  const limit: RequestHandler = deps.writeLimit ?? ((_req, _res, next) => next());
  const admin = gate.requireRole('admin');
  const own: RequestHandler = (_req, res, next) => ((res.locals.audited = true), next());
  const ctx = actionContext;

  router.get('/api/users', admin, (_req, res) => {
    res.json({ users: auth.listUsers().map(toUserView) });
  });
  router.post('/api/users', limit, admin, own, ...jsonBody('8kb'), async (req, res) => {
    const b = parseJson(newUserSchema, req.body);
    res.status(201).json({ user: toUserView(unwrap(await auth.addUser(b, ctx(req, res)))) });
  });
  router.put('/api/users/:id', limit, admin, own, ...jsonBody('8kb'), (req, res) => {
    const b = parseJson(roleSchema, req.body);
    res.json({ user: toUserView(unwrap(auth.setRole(idParam(req.params.id), b.role, ctx(req, res)))) });
  });
  router.post('/api/users/:id/password', limit, admin, own, ...jsonBody('8kb'), async (req, res) => {
    const b = parseJson(passwordSchema, req.body);
    unwrap(await auth.resetPassword(idParam(req.params.id), b.password, ctx(req, res)));
    res.status(204).end();
  });
  router.delete('/api/users/:id', limit, admin, own, (req, res) => {
    unwrap(auth.removeUser(idParam(req.params.id), ctx(req, res)));
    res.status(204).end();
  });

  router.get('/api/tokens', gate.requireRole('viewer'), (req, res) => {
    const user = userOf(res)!;
    const all = req.query.all === 'true';
    if (all && user.role !== 'admin') throw new HttpError(403, 'forbidden-role', 'listing every user\'s tokens needs the admin role');
    res.set('Cache-Control', 'no-store').json({ tokens: auth.tokens(all ? undefined : user.id).map((t) => tokenView(t, Date.now())) });
  });
  router.post('/api/tokens', limit, gate.requireRole('viewer'), own, ...jsonBody('8kb'), (req, res) => {
    const b = parseJson(tokenSchema, req.body);
    const created = unwrap(auth.createToken(userOf(res)!, b, ctx(req, res)));
    res.status(201).set('Cache-Control', 'no-store').json({ ...created, note: 'shown once: store it now; only its digest is kept' });
  });
  router.delete('/api/tokens/:id', limit, gate.requireRole('viewer'), own, (req, res) => {
    unwrap(auth.revokeToken(userOf(res)!, idParam(req.params.id), ctx(req, res)));
    res.status(204).end();
  });
  return router;
}
