import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { createOpenApiCaller } from './openapi-call.ts';
import { sessionCookie } from './openapi-call.ts';
import { ROOT } from './spawn-server.ts';

/**
 * The account operations of the OpenAPI description, called on a real server that has no
 * account yet (test/ops/openapi.test.ts): the first admin by the setup link the server printed,
 * sign-in, sessions (cookie + X-CSRF-Token), users, API tokens, the audit log, sign-out.
 */
export async function exerciseAccounts(call: ReturnType<typeof createOpenApiCaller>, serverOutput: string): Promise<void> {
  assert.equal((await call('GET', '/signin', { token: false })).status, fs.existsSync(path.join(ROOT, 'client/dist/signin.html')) ? 200 : 503);
  assert.ok([200, 503].includes((await call('GET', '/setup', { token: false })).status));
  assert.equal((await call('GET', '/api/session', { token: false })).body.needsSetup, true);
  const secret = /\/setup#([A-Za-z0-9_-]+)/.exec(serverOutput)?.[1];
  assert.ok(secret, 'the server printed a setup link');
  const ada = { name: 'ada', password: 'correct horse battery' };
  assert.equal((await call('POST', '/api/setup', { token: false, body: { ...ada, token: 'x'.repeat(20) } })).status, 410);
  assert.equal((await call('POST', '/api/setup', { token: false, body: { ...ada, password: 'short', token: secret } })).status, 400);
  const setup = await call('POST', '/api/setup', { token: false, body: { ...ada, token: secret } });
  assert.equal(setup.status, 200);
  assert.equal((await call('POST', '/api/setup', { token: false, body: { ...ada, token: secret } })).status, 409);
  const first = { cookie: sessionCookie(setup.headers), csrf: setup.body.csrfToken as string };
  assert.equal((await call('GET', '/api/session', first)).body.user.name, 'ada');

  assert.equal((await call('POST', '/api/users', { cookie: first.cookie, body: { name: 'bob', role: 'analyst', password: 'another long pass' } })).status, 403, 'no CSRF header');
  const bob = await call('POST', '/api/users', { ...first, body: { name: 'bob', role: 'analyst', password: 'another long pass' } });
  assert.equal(bob.status, 201);
  assert.equal((await call('POST', '/api/users', { ...first, body: { name: 'bob', role: 'viewer', password: 'another long pass' } })).status, 409);
  assert.equal((await call('POST', '/api/users', { ...first, body: { name: 'eve', role: 'boss', password: 'another long pass' } })).status, 400);
  const bobPath = `/api/users/${bob.body.user.id}`;
  assert.equal((await call('PUT', '/api/users/{id}', { ...first, path: bobPath, body: { role: 'viewer' } })).status, 200);
  assert.equal((await call('PUT', '/api/users/{id}', { ...first, path: `/api/users/${setup.body.user.id}`, body: { role: 'viewer' } })).status, 409, 'the last admin');
  assert.equal((await call('POST', '/api/users/{id}/password', { ...first, path: `${bobPath}/password`, body: { password: 'a new long password' } })).status, 204);
  assert.equal((await call('POST', '/api/users/{id}/password', { ...first, path: '/api/users/999999/password', body: { password: 'a new long password' } })).status, 404);
  assert.equal((await call('GET', '/api/users', first)).body.users.length, 2);
  assert.equal((await call('GET', '/api/users', { token: false })).status, 401);

  assert.equal((await call('POST', '/api/session', { token: false, body: { name: 'bob', password: 'another long pass' } })).status, 401);
  const bobSignIn = await call('POST', '/api/session', { token: false, body: { name: 'bob', password: 'a new long password' } });
  assert.equal(bobSignIn.status, 200);
  const bobSession = { cookie: sessionCookie(bobSignIn.headers), csrf: bobSignIn.body.csrfToken as string };
  assert.equal((await call('GET', '/api/users', bobSession)).status, 403);
  assert.equal((await call('GET', '/api/tokens', { ...bobSession, query: 'all=true' })).status, 403);
  assert.equal((await call('POST', '/api/annotations', { ...bobSession, body: { at: Date.now(), note: 'viewer' } })).status, 403);

  assert.equal((await call('POST', '/api/tokens', { body: { name: 'by the admin token' } })).status, 403, 'the admin token has no account');
  assert.equal((await call('POST', '/api/tokens', { ...first, body: { name: 'ci', expiresInDays: 0 } })).status, 400);
  const token = await call('POST', '/api/tokens', { ...first, body: { name: 'ci', role: 'analyst', expiresInDays: 30 } });
  assert.equal(token.status, 201);
  assert.equal((await call('GET', '/api/tokens', { bearer: token.body.token })).body.tokens[0].state, 'active');
  assert.equal((await call('GET', '/api/tokens', { ...first, query: 'all=true' })).status, 200);
  const tokenPath = `/api/tokens/${token.body.id}`;
  assert.equal((await call('DELETE', '/api/tokens/{id}', { ...first, path: tokenPath })).status, 204);
  assert.equal((await call('DELETE', '/api/tokens/{id}', { ...first, path: tokenPath })).status, 409);
  assert.equal((await call('GET', '/api/tokens', { bearer: token.body.token })).status, 401, 'revoked');

  const again = await call('POST', '/api/session', { token: false, body: ada });
  const second = { cookie: sessionCookie(again.headers), csrf: again.body.csrfToken as string };
  const sessions = (await call('GET', '/api/sessions', second)).body.sessions as Array<{ id: number; current: boolean }>;
  const other = sessions.find((x) => !x.current)!;
  assert.equal((await call('DELETE', '/api/sessions/{id}', { ...second, path: `/api/sessions/${other.id}` })).status, 204);
  assert.equal((await call('DELETE', '/api/sessions/{id}', { ...second, path: `/api/sessions/${other.id}` })).status, 404);
  assert.equal((await call('GET', '/api/sessions', first)).status, 401, 'that session has ended');
  assert.equal((await call('DELETE', '/api/users/{id}', { ...second, path: bobPath })).status, 204);
  assert.equal((await call('DELETE', '/api/users/{id}', { ...second, path: bobPath })).status, 404);

  const audit = await call('GET', '/api/audit', { ...second, query: 'limit=500' });
  assert.ok(audit.body.entries.some((e: { action: string }) => e.action === 'user.add'));
  assert.equal((await call('GET', '/api/audit', { query: 'limit=0' })).status, 400);
  assert.match(String((await call('GET', '/api/export/audit.csv', { query: 'bom=1' })).body), /id,at,actor_id/);
  assert.equal((await call('GET', '/api/export/audit.csv', { query: 'bom=2' })).status, 400);
  assert.equal((await call('DELETE', '/api/session', {})).status, 400, 'a token cannot sign out');
  assert.equal((await call('DELETE', '/api/session', second)).status, 204);
  assert.equal((await call('GET', '/api/session', second)).body.user, null);
}
