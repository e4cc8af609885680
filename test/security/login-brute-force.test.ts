import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { AUTH_LIMITS } from '../../server/auth/auth-service.ts';
import { createAuthTestApp, PASSWORD } from '../helpers/auth-app.ts';

/**
 * Password guessing: an account locks after 5 wrong passwords in a row (15 min), whatever
 * address they come from; an address gets 429 after 20 failed sign-ins in 15 min, whatever
 * accounts it tries. Addresses are told apart with X-Forwarded-For behind a trusted proxy.
 */
describe('login brute force: account lockout and per-address limit', async () => {
  let clock = Date.now();
  const t = createAuthTestApp({ now: () => clock });
  t.app.set('trust proxy', 'loopback');
  after(() => t.cleanup());
  await t.addUser('target', 'admin');
  await t.addUser('other', 'viewer');
  const from = (ip: string, name: string, password: string) => request(t.app).post('/api/session').set('X-Forwarded-For', ip).send({ name, password });

  it(`locks the account after ${AUTH_LIMITS.accountLockAfter} wrong passwords from different addresses; even the right password is refused until it ends`, async () => {
    for (let i = 0; i < AUTH_LIMITS.accountLockAfter; i++) {
      const r = await from(`198.51.100.${i + 1}`, 'target', `guess number ${i}`);
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const locked = await from('198.51.100.99', 'target', PASSWORD);
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'account-locked');
    assert.ok(Number(locked.headers['retry-after']) > 800, 'Retry-After about 15 min');
    assert.equal(t.store.sessions.sessionsOf(t.store.accounts.byName('target')!.id).length, 0, 'no session was created');
    // Another account is not affected.
    assert.equal((await from('198.51.100.99', 'other', PASSWORD)).status, 200);
    clock += AUTH_LIMITS.accountLockMs + 1000;
    assert.equal((await from('198.51.100.99', 'target', PASSWORD)).status, 200, 'unlocked after 15 min');
  });

  it(`refuses an address after ${AUTH_LIMITS.ipFailures} failed sign-ins, even with a right password; other addresses still sign in`, async () => {
    for (let i = 0; i < AUTH_LIMITS.ipFailures; i++) {
      const r = await from('203.0.113.7', `nobody${i}`, 'wrong password!');
      assert.equal(r.status, 401, `attempt ${i + 1}`);
    }
    const blocked = await from('203.0.113.7', 'other', PASSWORD);
    assert.equal(blocked.status, 429);
    assert.equal(blocked.body.error.code, 'too-many-attempts');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    assert.equal((await from('203.0.113.8', 'other', PASSWORD)).status, 200);
    clock += AUTH_LIMITS.ipWindowMs + 1000;
    assert.equal((await from('203.0.113.7', 'other', PASSWORD)).status, 200, 'the window slid past');
  });

  it('every failed and refused sign-in is in the audit log with its address', () => {
    const failed = t.store.audit.list({ action: 'sign-in-failed', limit: 1000 });
    assert.ok(failed.length >= AUTH_LIMITS.accountLockAfter + AUTH_LIMITS.ipFailures + 2);
    assert.ok(failed.some((e) => e.ip === '203.0.113.7' && e.outcome === 'denied'));
    assert.ok(failed.some((e) => e.target === 'target' && e.detail === 'account locked'));
  });
});
