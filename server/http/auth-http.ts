import type { RequestHandler, Router } from 'express';
import { createAuthService } from '../auth/auth-service.ts';
import { AUTH_LIMITS } from '../auth/auth-service.ts';
import { createLoginThrottle } from '../auth/login-throttle.ts';
import type { Logger } from '../config/logger.ts';
import { createAuditRepo } from '../store/audit-repo.ts';
import type { Store } from '../store/store.ts';
import { createAccountRoutes } from './account-routes.ts';
import { createAuditRecorder, createAuditRoutes } from './audit-routes.ts';
import { createAuthGate } from './auth-middleware.ts';
import { createSessionRoutes } from './session-routes.ts';
import type { TlsMode } from './security-headers.ts';

/** What createHttpApp mounts for accounts: before everything, then public routes, the read gate, then guarded routers. */
export interface AuthHttp {
  /** authenticate (res.locals.user) and the audit recorder: first, on every request. */
  before: RequestHandler[];
  /** Sign-in page and session API: answer anonymous requests. */
  publicRouters: Router[];
  /** Refuses anonymous /api reads unless reads are public. */
  readGate: RequestHandler;
  /** Users, tokens and the audit log. */
  routers: Router[];
}

/**
 * Accounts wired for HTTP and the socket: the auth service over the store, the gate
 * (authenticate, requireRole, CSRF, read gate, socket check) and their routes.
 */
export function createAuthHttp(deps: {
  store: Store;
  adminToken: string;
  publicRead: boolean;
  tls: TlsMode;
  allowedOrigins?: readonly string[];
  clientDir: string;
  writeLimit?: RequestHandler;
  logger?: Logger;
  now?: () => number;
}) {
  const { store } = deps;
  const throttle = createLoginThrottle({ limit: AUTH_LIMITS.ipFailures, windowMs: AUTH_LIMITS.ipWindowMs, now: deps.now });
  const auth = createAuthService({ accounts: store.accounts, sessions: store.sessions, audit: store.audit, throttle, transaction: store.transaction, now: deps.now });
  const gate = createAuthGate({ auth, adminToken: deps.adminToken, publicRead: deps.publicRead, tls: deps.tls, allowedOrigins: deps.allowedOrigins });
  const http: AuthHttp = {
    before: [gate.authenticate, createAuditRecorder(store.audit, deps.logger)],
    publicRouters: [createSessionRoutes({ auth, gate, clientDir: deps.clientDir, writeLimit: deps.writeLimit, logger: deps.logger })],
    readGate: gate.readGate,
    routers: [
      createAccountRoutes({ auth, gate, writeLimit: deps.writeLimit }),
      createAuditRoutes({
        audit: store.audit,
        gate,
        openAudit: () => {
          const db = store.openReader();
          return { audit: createAuditRepo(db), close: () => db.close() };
        },
      }),
    ],
  };
  return { auth, gate, http, requireRole: gate.requireRole, canSeeSecrets: gate.canSeeSecrets };
}

export type AuthWiring = ReturnType<typeof createAuthHttp>;
