import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_TOKEN, createAuthTestApp, PASSWORD, sessionCookieOf } from '../helpers/auth-app.ts';

describe('sign-in, sessions and sign-out', async () => {
  const t = createAuthTestApp();
  after(() => t.cleanup());
  await t.addUser('alice', 'analyst');

  it('anonymous reads are refused when reads are not public; health stays open', async () => {
    const r = await request(t.app).get('/api/statements');
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'sign-in-required');
    assert.equal((await request(t.app).get('/api/health')).status, 200);
    const s = await request(t.app).get('/api/session');
    assert.equal(s.status, 200);
    assert.equal(s.body.user, null);
    assert.equal(s.body.publicRead, false);
  });

  it('the dashboard redirects to the sign-in page', async () => {
    const r = await request(t.app).get('/');
    assert.equal(r.status, 302);
    assert.equal(r.headers.location, '/signin');
  });

  it('a wrong password is 401 wrong-credentials and sets no cookie', async () => {
    const r = await request(t.app).post('/api/session').send({ name: 'alice', password: 'not the password' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'wrong-credentials');
    assert.equal(sessionCookieOf(r), null);
  });

  it('an unknown name gets the same answer as a wrong password', async () => {
    const r = await request(t.app).post('/api/session').send({ name: 'nobody', password: 'not the password' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.message, 'wrong user name or password');
  });

  it('a good sign-in sets an httpOnly, SameSite=Strict cookie (not Secure over plain HTTP) and reads work', async () => {
    const r = await request(t.app).post('/api/session').send({ name: 'alice', password: PASSWORD });
    assert.equal(r.status, 200);
    assert.deepEqual({ name: r.body.user.name, role: r.body.user.role }, { name: 'alice', role: 'analyst' });
    assert.match(r.body.csrfToken, /^[A-Za-z0-9_-]{40,}$/);
    const cookie = sessionCookieOf(r)!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.doesNotMatch(cookie, /Secure/);
    const secret = /^bw_session=([^;]+)/.exec(cookie)![1]!;
    // Stored hashed: the cookie value is nowhere in the database.
    const rows = t.store.db.prepare('SELECT * FROM sessions').all();
    assert.equal(JSON.stringify(rows).includes(secret), false);
    const read = await request(t.app).get('/api/statements').set('Cookie', `bw_session=${secret}`);
    assert.equal(read.status, 200);
  });

  it('the cookie is Secure behind a trusted proxy that says https', async () => {
    const u = createAuthTestApp();
    after(() => u.cleanup());
    await u.addUser('bob', 'viewer');
    u.app.set('trust proxy', 'loopback');
    const r = await request(u.app).post('/api/session').set('X-Forwarded-Proto', 'https').send({ name: 'bob', password: PASSWORD });
    assert.equal(r.status, 200);
    assert.match(sessionCookieOf(r)!, /; Secure/);
  });

  it('GET /api/session says who is signed in; the session list marks the current one; sign-out ends it', async () => {
    const agent = request.agent(t.app);
    const csrf = await t.signIn(agent, 'alice');
    const me = await agent.get('/api/session');
    assert.equal(me.body.user.name, 'alice');
    assert.equal(me.body.csrfToken, csrf);
    const list = await agent.get('/api/sessions');
    assert.equal(list.status, 200);
    assert.ok(list.body.sessions.length >= 1);
    assert.equal(list.body.sessions.filter((s: { current: boolean }) => s.current).length, 1);
    // Sign-out needs the CSRF header like every cookie write.
    assert.equal((await agent.delete('/api/session')).status, 403);
    assert.equal((await agent.delete('/api/session').set('X-CSRF-Token', csrf)).status, 204);
    assert.equal((await agent.get('/api/statements')).status, 401);
  });

  it('a user revokes another of their sessions; it stops working at once', async () => {
    const a = request.agent(t.app);
    const b = request.agent(t.app);
    const csrfA = await t.signIn(a, 'alice');
    await t.signIn(b, 'alice');
    const list = (await a.get('/api/sessions')).body.sessions as Array<{ id: number; current: boolean }>;
    const other = list.filter((s) => !s.current);
    assert.ok(other.length >= 1);
    for (const s of other) assert.equal((await a.delete(`/api/sessions/${s.id}`).set('X-CSRF-Token', csrfA)).status, 204);
    assert.equal((await b.get('/api/statements')).status, 401);
    assert.equal((await a.get('/api/statements')).status, 200);
  });

  it('a session past its idle time ends', async () => {
    let clock = Date.now();
    const u = createAuthTestApp({ now: () => clock });
    after(() => u.cleanup());
    await u.addUser('carol', 'viewer');
    const agent = request.agent(u.app);
    await u.signIn(agent, 'carol');
    assert.equal((await agent.get('/api/statements')).status, 200);
    clock += 13 * 3_600_000; // idle limit 12 h
    const r = await agent.get('/api/statements');
    assert.equal(r.status, 401);
    assert.match(r.body.error.message, /session has ended/);
  });

  it('the admin API token still works as an admin for writes and reads', async () => {
    const r = await request(t.app).post('/api/statements').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ text: 'A statement' });
    assert.equal(r.status, 202);
    assert.equal((await request(t.app).get('/api/users').set('Authorization', `Bearer ${ADMIN_TOKEN}`)).status, 200);
  });
});
