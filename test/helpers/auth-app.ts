import request from 'supertest';
import type { Role } from '../../server/auth/roles.ts';
import { createSilentLogger, type Logger } from '../../server/config/logger.ts';
import { createAlertRoutes } from '../../server/http/alert-routes.ts';
import { createAuthHttp } from '../../server/http/auth-http.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createStatementsRoutes } from '../../server/http/statements-routes.ts';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createTestAlerts } from '../alerts/fixtures.ts';
import { createTempStore } from './temp-store.ts';

export const ADMIN_TOKEN = 'auth-admin-token-0123456789abcdef';
export const PASSWORD = 'correct horse battery staple';

/**
 * The HTTP app with accounts wired as main.ts wires them (statements and alert routes behind
 * requireRole), on a real SQLite file. `publicRead` false is a server exposed on a network.
 */
export function createAuthTestApp(opts: { publicRead?: boolean; logger?: Logger; clientDir?: string; now?: () => number } = {}) {
  const t = createTempStore('brinkwatch-auth-');
  const logger = opts.logger ?? createSilentLogger();
  const wiring = createAuthHttp({ store: t.store, adminToken: ADMIN_TOKEN, publicRead: opts.publicRead ?? false, tls: 'auto', clientDir: opts.clientDir ?? '/nonexistent', logger, now: opts.now });
  const { alerts, clock } = createTestAlerts(t.store);
  const app = createHttpApp({
    logger,
    clientDir: opts.clientDir ?? '/nonexistent',
    auth: wiring.http,
    routers: [
      createStatementsRoutes({ ingest: createIngestService({ store: t.store }), statements: t.store.statements, requireToken: wiring.requireRole('analyst') }),
      createAlertRoutes({ alerts, requireToken: wiring.requireRole('admin'), requireAck: wiring.requireRole('analyst'), canSeeSecrets: wiring.canSeeSecrets }),
    ],
    health: () => ({ status: 'ok' }),
  });
  const addUser = async (name: string, role: Role, password = PASSWORD) => {
    const r = await wiring.auth.addUser({ name, role, password }, { actor: null, ip: null });
    if (!r.ok) throw new Error(r.message);
    return r.value;
  };
  /** Signs in with a supertest agent (keeps the cookie); returns the CSRF token. */
  const signIn = async (agent: ReturnType<typeof request.agent>, name: string, password = PASSWORD) => {
    const res = await agent.post('/api/session').send({ name, password });
    if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.csrfToken as string;
  };
  return { ...t, app, wiring, alerts, clock, addUser, signIn };
}

/** The Set-Cookie value of the session cookie in a response, or null. */
export function sessionCookieOf(res: { headers: Record<string, unknown> }): string | null {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const c = list.find((v) => v.startsWith('bw_session='));
  return c ?? null;
}
