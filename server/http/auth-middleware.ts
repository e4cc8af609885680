import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { AuthService } from '../auth/auth-service.ts';
import { roleAtLeast, type Principal, type Role } from '../auth/roles.ts';
import { originAllowed } from '../realtime/realtime-server.ts';
import { HttpError } from './http-errors.ts';
import { isHttpsRequest, type TlsMode } from './security-headers.ts';

export const SESSION_COOKIE = 'bw_session';
export const CSRF_HEADER = 'x-csrf-token';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** One cookie's value from a Cookie header (no dependency; values are our base64url secrets). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      const v = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{16,128}$/.test(v) ? v : null;
    }
  }
  return null;
}

const bearerOf = (header: string | undefined): string | null => {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m ? m[1]!.trim() : null;
};

export interface AuthGateDeps {
  auth: AuthService;
  /** BRINKWATCH_API_TOKEN: keeps working as an admin token (account id 0). */
  adminToken: string;
  /** Reads without a session or token (BRINKWATCH_PUBLIC_READ; default: only on loopback). */
  publicRead: boolean;
  tls: TlsMode;
  allowedOrigins?: readonly string[];
}

export const userOf = (res: Response): Principal | null => (res.locals.user as Principal | null | undefined) ?? null;

/**
 * Authentication for HTTP and the socket: `authenticate` sets `res.locals.user` ({id, name,
 * role, via}) from a bearer token (the admin token or a user's API token) or the session
 * cookie; `requireRole(role)` guards writes (401 without credentials, 403 `forbidden-role`
 * below the role, 403 `csrf-failed` for a cookie-authenticated write without the session's
 * CSRF token or from a foreign Origin); `readGate` refuses anonymous reads unless publicRead.
 */
export function createAuthGate(deps: AuthGateDeps) {
  const digest = (v: string) => createHash('sha256').update(v).digest();
  const adminDigest = digest(deps.adminToken);
  // Digests compared in constant time; the token is never logged.
  const isAdminToken = (bearer: string) => timingSafeEqual(digest(bearer), adminDigest);

  function identify(authorization: string | undefined, cookie: string | undefined): { user: Principal | null; error?: string; session?: { id: number; secret: string; csrfToken: string } } {
    const bearer = bearerOf(authorization);
    if (bearer !== null) {
      if (isAdminToken(bearer)) return { user: { id: 0, name: 'api-token', role: 'admin', via: 'admin-token' } };
      const user = deps.auth.tokenFor(bearer);
      return user ? { user } : { user: null, error: 'the bearer token is not valid (unknown, expired or revoked)' };
    }
    const secret = cookieValue(cookie, SESSION_COOKIE);
    if (secret === null) return { user: null };
    const s = deps.auth.sessionFor(secret);
    if (!s) return { user: null, error: 'your session has ended: sign in again' };
    return { user: { id: s.userId, name: s.userName, role: s.userRole, via: 'session' }, session: { id: s.id, secret, csrfToken: s.csrfToken } };
  }

  const authenticate: RequestHandler = (req, res, next) => {
    const found = identify(req.get('authorization'), req.get('cookie'));
    res.locals.user = found.user;
    res.locals.session = found.session ?? null;
    res.locals.authError = found.error ?? null;
    next();
  };

  /** Cross-site request checks for a cookie-authenticated write (the cookie is sent by the browser, not chosen by the caller). */
  function csrfProblem(req: Request, res: Response): string | null {
    if (req.get('origin') !== undefined && !originAllowed(req, deps.allowedOrigins)) return 'the request comes from another site (Origin)';
    const site = req.get('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'the request comes from another site (Sec-Fetch-Site)';
    const given = req.get(CSRF_HEADER) ?? '';
    const expected = (res.locals.session as { csrfToken: string } | null)?.csrfToken ?? '';
    const ok = given.length === expected.length && expected.length > 0 && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    return ok ? null : `the ${CSRF_HEADER} header is missing or does not match this session (GET /api/session gives it)`;
  }

  function requireRole(role: Role): RequestHandler {
    return (req, res, next) => {
      const user = userOf(res);
      if (!user) {
        const why = (res.locals.authError as string | null) ?? 'sign in, or send "Authorization: Bearer <token>"';
        return next(new HttpError(401, 'unauthorized', `this endpoint needs the ${role} role: ${why}`));
      }
      if (user.via === 'session' && UNSAFE.has(req.method)) {
        const problem = csrfProblem(req, res);
        if (problem) return next(new HttpError(403, 'csrf-failed', `refused as a possible cross-site request: ${problem}`));
      }
      if (!roleAtLeast(user.role, role)) {
        return next(new HttpError(403, 'forbidden-role', `this needs the ${role} role; ${user.name} has the ${user.role} role`, { required: role, role: user.role }));
      }
      next();
    };
  }

  const readGate: RequestHandler = (_req, res, next) => {
    if (deps.publicRead || userOf(res)) return next();
    const why = (res.locals.authError as string | null) ?? 'sign in, or send "Authorization: Bearer <token>" (reads are not public: BRINKWATCH_PUBLIC_READ)';
    next(new HttpError(401, 'sign-in-required', why));
  };

  return {
    authenticate,
    requireRole,
    readGate,
    /** Cross-site checks for a write that is not yet authenticated (the sign-in form). */
    sameSite: (req: Request) => (req.get('origin') === undefined || originAllowed(req, deps.allowedOrigins)) && ['same-origin', 'none', undefined].includes(req.get('sec-fetch-site')),
    /** Webhook URLs and feed error detail in full: admins only. */
    canSeeSecrets: (req: Request) => (req.res ? userOf(req.res)?.role === 'admin' : false),
    publicRead: deps.publicRead,
    /** Whether a socket.io handshake carries a session cookie or token, unless reads are public. */
    socketAllowed(req: IncomingMessage): boolean {
      if (deps.publicRead) return true;
      return identify(req.headers.authorization, req.headers.cookie).user !== null;
    },
    /** Sets the session cookie: httpOnly, SameSite=Strict, Secure over HTTPS, for the session's whole life. */
    setSessionCookie(req: Request, res: Response, secret: string, maxAgeMs: number): void {
      res.cookie(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: isHttpsRequest(req, deps.tls), path: '/', maxAge: maxAgeMs });
    },
    clearSessionCookie(req: Request, res: Response): void {
      res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'strict', secure: isHttpsRequest(req, deps.tls), path: '/' });
    },
  };
}

export type AuthGate = ReturnType<typeof createAuthGate>;
