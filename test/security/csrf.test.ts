import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createAuthTestApp, PASSWORD } from '../helpers/auth-app.ts';

const RULE = { name: 'Planted', scope: 'global', window: '1h', threshold: 10, recoverBelow: 5, channels: [{ type: 'dashboard' }] };

/**
 * CSRF: a page on another site makes the admin's browser send a write with the admin's cookie.
 * SameSite=Strict keeps the cookie off cross-site requests in today's browsers; behind it the
 * server refuses every cookie-authenticated write without the session's CSRF token, or with a
 * foreign Origin / Sec-Fetch-Site, before the body is even parsed. Bearer tokens are not ambient
 * credentials and need no CSRF token.
 */
describe('CSRF on cookie-authenticated writes', async () => {
  const t = createAuthTestApp();
  after(() => t.cleanup());
  await t.addUser('admin1', 'admin');
  const agent = request.agent(t.app);
  const csrf = await t.signIn(agent, 'admin1');
  const rules = () => t.store.db.prepare("SELECT count(*) AS n FROM alert_rules WHERE name = 'Planted'").get() as { n: number };

  it('a cross-origin HTML form post (urlencoded, foreign Origin) is refused with 403 csrf-failed', async () => {
    const r = await agent
      .post('/api/alert-rules')
      .set('Origin', 'https://evil.example')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send('name=Planted&scope=global');
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf-failed');
    assert.equal(rules().n, 0);
  });

  it('a cross-origin fetch that guessed the content type, with the cookie but no CSRF token, is refused', async () => {
    const r = await agent.post('/api/alert-rules').set('Origin', 'https://evil.example').send(RULE);
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf-failed');
    const noOrigin = await agent.post('/api/alert-rules').send(RULE);
    assert.equal(noOrigin.status, 403, 'no Origin either: the token is still needed');
    const wrong = await agent.post('/api/alert-rules').set('X-CSRF-Token', `${csrf.slice(0, -2)}xx`).send(RULE);
    assert.equal(wrong.status, 403);
    assert.equal(rules().n, 0);
  });

  it('the right token from a foreign Origin is still refused', async () => {
    const r = await agent.post('/api/alert-rules').set('Origin', 'https://evil.example').set('X-CSRF-Token', csrf).send(RULE);
    assert.equal(r.status, 403);
    assert.equal(rules().n, 0);
  });

  it("the dashboard's own write (same Origin, the session's token) goes through", async () => {
    const host = '127.0.0.1:3999';
    const r = await agent.post('/api/alert-rules').set('Host', host).set('Origin', `http://${host}`).set('Sec-Fetch-Site', 'same-origin').set('X-CSRF-Token', csrf).send(RULE);
    assert.equal(r.status, 201);
    assert.equal(rules().n, 1);
  });

  it("a CSRF token of another session does not fit this one", async () => {
    const other = request.agent(t.app);
    const otherCsrf = await t.signIn(other, 'admin1');
    assert.notEqual(otherCsrf, csrf);
    assert.equal((await agent.delete('/api/alert-rules/1').set('X-CSRF-Token', otherCsrf)).status, 403);
  });

  it('sign-in from a foreign page (login CSRF) is refused', async () => {
    const r = await request(t.app).post('/api/session').set('Origin', 'https://evil.example').send({ name: 'admin1', password: PASSWORD });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'csrf-failed');
  });
});
