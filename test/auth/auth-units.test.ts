import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createLoginThrottle } from '../../server/auth/login-throttle.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../server/auth/password.ts';
import { parseConfig } from '../../server/config/config.ts';
import { createAuthTestApp, PASSWORD } from '../helpers/auth-app.ts';

describe('passwords: scrypt with a per-user salt', () => {
  it('verifies the right password only; two hashes of one password differ (salt)', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', a), true);
    assert.equal(await verifyPassword('correct horse batterY', a), false);
    assert.equal(await verifyPassword('', a), false);
  });
  it('a malformed or absurd stored hash never matches (and never allocates gigabytes)', async () => {
    for (const bad of ['', 'plain', 'scrypt$1$1$1$x$y', 'scrypt$1073741824$8$1$AAAA$AAAA', `scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$short`]) {
      assert.equal(await verifyPassword('x', bad), false, bad);
    }
  });
  it('refuses short passwords and ones that contain the name', () => {
    assert.match(passwordProblem('short')!, /at least 10/);
    assert.match(passwordProblem('alice-is-my-password', 'Alice')!, /user name/);
    assert.equal(passwordProblem('a perfectly fine one', 'alice'), null);
  });
});

describe('login throttle: failures per address in a sliding window', () => {
  it('allows `limit` failures, then gives the seconds until the oldest leaves the window', () => {
    let now = 0;
    const t = createLoginThrottle({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      assert.equal(t.retryAfter('a'), 0);
      t.fail('a');
      now += 1000;
    }
    assert.equal(t.retryAfter('a'), 57);
    assert.equal(t.retryAfter('b'), 0, 'other addresses unaffected');
    now = 60_001;
    assert.equal(t.retryAfter('a'), 0);
  });
  it('tracks at most maxKeys addresses', () => {
    const t = createLoginThrottle({ limit: 1, windowMs: 60_000, maxKeys: 2 });
    t.fail('a');
    t.fail('b');
    t.fail('c');
    assert.equal(t.retryAfter('a'), 0, 'the oldest was dropped');
    assert.ok(t.retryAfter('c') > 0);
  });
});

describe('BRINKWATCH_PUBLIC_READ', () => {
  const publicRead = (env: Record<string, string>) => {
    const r = parseConfig(env);
    assert.ok(r.ok);
    return r.config.publicRead;
  };
  it('defaults to true on loopback and false on any other address', () => {
    assert.equal(publicRead({}), true);
    assert.equal(publicRead({ BRINKWATCH_HOST: '127.0.0.1' }), true);
    assert.equal(publicRead({ BRINKWATCH_HOST: '::1' }), true);
    assert.equal(publicRead({ BRINKWATCH_HOST: 'localhost' }), true);
    assert.equal(publicRead({ BRINKWATCH_HOST: '0.0.0.0' }), false);
    assert.equal(publicRead({ BRINKWATCH_HOST: '192.168.1.10' }), false);
  });
  it('is false by default behind a trusted proxy, which brings the network in through loopback', () => {
    assert.equal(publicRead({ BRINKWATCH_HOST: '127.0.0.1', BRINKWATCH_TRUST_PROXY: 'loopback' }), false);
  });
  it('an explicit value wins; a bad one is a configuration error', () => {
    assert.equal(publicRead({ BRINKWATCH_HOST: '0.0.0.0', BRINKWATCH_PUBLIC_READ: 'true' }), true);
    assert.equal(publicRead({ BRINKWATCH_PUBLIC_READ: 'false' }), false);
    const bad = parseConfig({ BRINKWATCH_PUBLIC_READ: 'maybe' });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.errors.join() : '', /BRINKWATCH_PUBLIC_READ must be true or false/);
  });
});

describe('the one-time setup link', async () => {
  let clock = Date.now();
  const t = createAuthTestApp({ now: () => clock });
  after(() => t.cleanup());

  it('a wrong or expired link is refused; a good one creates an admin once', async () => {
    const expired = t.wiring.auth.createSetupLink()!;
    clock += 25 * 3_600_000;
    const body = (token: string, name = 'root') => ({ token, name, password: PASSWORD });
    const r1 = await request(t.app).post('/api/setup').send(body(expired));
    assert.equal(r1.status, 410);
    assert.equal(r1.body.error.code, 'invalid-setup-link');
    assert.equal((await request(t.app).post('/api/setup').send(body('x'.repeat(43)))).status, 410);
    const link = t.wiring.auth.createSetupLink()!;
    assert.equal((await request(t.app).get('/api/session')).body.needsSetup, true);
    const ok = await request(t.app).post('/api/setup').send(body(link));
    assert.equal(ok.status, 200);
    assert.equal(ok.body.user.role, 'admin');
    assert.match(String(ok.headers['set-cookie']), /bw_session=/);
    const again = await request(t.app).post('/api/setup').send(body(link, 'second'));
    assert.equal(again.status, 409);
    assert.equal(t.wiring.auth.createSetupLink(), null, 'no new link once an account exists');
    assert.equal(t.store.accounts.count(), 1);
  });
});
