import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createAuthTestApp, PASSWORD, sessionCookieOf } from '../helpers/auth-app.ts';

const secretOf = (setCookie: string) => /^bw_session=([^;]+)/.exec(setCookie)![1]!;

/**
 * Session fixation: an attacker who plants a session id in the victim's browser must not get a
 * session when the victim signs in. The id is always new at sign-in, never one the browser
 * brought; a planted id that is a real session (the attacker's own) is ended, not upgraded.
 */
describe('session fixation', async () => {
  const t = createAuthTestApp();
  after(() => t.cleanup());
  await t.addUser('victim', 'admin');
  await t.addUser('attacker', 'viewer');

  it('a made-up planted id is ignored: sign-in issues a different one, and the planted one grants nothing', async () => {
    const planted = 'A'.repeat(43);
    const r = await request(t.app).post('/api/session').set('Cookie', `bw_session=${planted}`).send({ name: 'victim', password: PASSWORD });
    assert.equal(r.status, 200);
    const issued = secretOf(sessionCookieOf(r)!);
    assert.notEqual(issued, planted);
    assert.equal((await request(t.app).get('/api/users').set('Cookie', `bw_session=${planted}`)).status, 401);
    assert.equal((await request(t.app).get('/api/users').set('Cookie', `bw_session=${issued}`)).status, 200);
  });

  it("the attacker's own real session planted in the victim's browser is ended at the victim's sign-in, not upgraded", async () => {
    const mine = await request(t.app).post('/api/session').send({ name: 'attacker', password: PASSWORD });
    const planted = secretOf(sessionCookieOf(mine)!);
    const r = await request(t.app).post('/api/session').set('Cookie', `bw_session=${planted}`).send({ name: 'victim', password: PASSWORD });
    const issued = secretOf(sessionCookieOf(r)!);
    assert.notEqual(issued, planted);
    const withPlanted = await request(t.app).get('/api/session').set('Cookie', `bw_session=${planted}`);
    assert.equal(withPlanted.body.user, null, 'the planted id is dead');
    assert.equal((await request(t.app).get('/api/users').set('Cookie', `bw_session=${planted}`)).status, 401);
  });

  it('signing in twice gives two different ids; sign-out ends the id for good', async () => {
    const a = secretOf(sessionCookieOf(await request(t.app).post('/api/session').send({ name: 'victim', password: PASSWORD }))!);
    const b = secretOf(sessionCookieOf(await request(t.app).post('/api/session').send({ name: 'victim', password: PASSWORD }))!);
    assert.notEqual(a, b);
    const csrf = (await request(t.app).get('/api/session').set('Cookie', `bw_session=${a}`)).body.csrfToken as string;
    assert.equal((await request(t.app).delete('/api/session').set('Cookie', `bw_session=${a}`).set('X-CSRF-Token', csrf)).status, 204);
    assert.equal((await request(t.app).get('/api/session').set('Cookie', `bw_session=${a}`)).body.user, null);
  });
});
