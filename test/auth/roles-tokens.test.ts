import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { ADMIN_TOKEN, createAuthTestApp } from '../helpers/auth-app.ts';
import { addScored, MIN } from '../alerts/fixtures.ts';

const RULE = { name: 'Global high', scope: 'global', window: '1h', threshold: 50, recoverBelow: 40, minStatements: 1, channels: [{ type: 'dashboard' }, { type: 'webhook', url: 'https://hooks.slack.com/services/T0/B0/s3cretKey', format: 'slack' }] };

describe('roles: viewer reads, analyst acks, admin manages; refused with 403 forbidden-role', async () => {
  const t = createAuthTestApp();
  after(() => t.cleanup());
  await t.addUser('vera', 'viewer');
  await t.addUser('anna', 'analyst');
  await t.addUser('adam', 'admin');
  const viewer = request.agent(t.app);
  const analyst = request.agent(t.app);
  const admin = request.agent(t.app);
  const csrf = { viewer: await t.signIn(viewer, 'vera'), analyst: await t.signIn(analyst, 'anna'), admin: await t.signIn(admin, 'adam') };

  it('a viewer reads but cannot write rules, ack, post statements or list users', async () => {
    assert.equal((await viewer.get('/api/alert-rules')).status, 200);
    const rule = await viewer.post('/api/alert-rules').set('X-CSRF-Token', csrf.viewer).send(RULE);
    assert.equal(rule.status, 403);
    assert.equal(rule.body.error.code, 'forbidden-role');
    assert.match(rule.body.error.message, /needs the admin role; vera has the viewer role/);
    assert.equal((await viewer.post('/api/statements').set('X-CSRF-Token', csrf.viewer).send({ text: 'x' })).body.error.code, 'forbidden-role');
    assert.equal((await viewer.post('/api/alerts/1/ack').set('X-CSRF-Token', csrf.viewer).send({ reason: 'seen' })).body.error.code, 'forbidden-role');
    assert.equal((await viewer.get('/api/users')).status, 403);
    assert.equal((await viewer.get('/api/audit')).status, 403);
  });

  let ruleId = 0;
  it('an admin creates a rule and sees the webhook URL; a viewer and an analyst see it masked', async () => {
    const r = await admin.post('/api/alert-rules').set('X-CSRF-Token', csrf.admin).send(RULE);
    assert.equal(r.status, 201);
    ruleId = r.body.rule.id;
    const secret = 's3cretKey';
    assert.ok(JSON.stringify((await admin.get('/api/alert-rules')).body).includes(secret));
    assert.equal(JSON.stringify((await viewer.get('/api/alert-rules')).body).includes(secret), false);
    assert.equal(JSON.stringify((await analyst.get('/api/alert-rules')).body).includes(secret), false);
  });

  it('an analyst cannot change rules but acknowledges an alert, recorded under their account name', async () => {
    assert.equal((await analyst.delete(`/api/alert-rules/${ruleId}`).set('X-CSRF-Token', csrf.analyst)).status, 403);
    addScored(t.store, { occurredAt: t.clock.now - MIN, score: 90 });
    t.alerts.evaluate();
    const firing = t.alerts.listAlerts({ state: 'firing', limit: 5 });
    assert.equal(firing.length, 1);
    const ack = await analyst.post(`/api/alerts/${firing[0]!.id}/ack`).set('X-CSRF-Token', csrf.analyst).send({ reason: 'on it', by: 'someone else' });
    assert.equal(ack.status, 200);
    assert.equal(ack.body.alert.ack.by, 'anna');
  });

  it('admins manage users: add, set role, refuse removing the last admin, remove', async () => {
    const add = await admin.post('/api/users').set('X-CSRF-Token', csrf.admin).send({ name: 'newbie', role: 'viewer', password: 'a long enough password' });
    assert.equal(add.status, 201);
    assert.equal(JSON.stringify(add.body).includes('password'), false, 'no hash in the answer');
    const short = await admin.post('/api/users').set('X-CSRF-Token', csrf.admin).send({ name: 'shorty', role: 'viewer', password: 'short' });
    assert.equal(short.status, 400);
    assert.match(short.body.error.message, /at least 10 characters/);
    const dup = await admin.post('/api/users').set('X-CSRF-Token', csrf.admin).send({ name: 'NEWBIE', role: 'viewer', password: 'a long enough password' });
    assert.equal(dup.status, 409);
    const id = add.body.user.id as number;
    assert.equal((await admin.put(`/api/users/${id}`).set('X-CSRF-Token', csrf.admin).send({ role: 'analyst' })).body.user.role, 'analyst');
    const adamId = t.store.accounts.byName('adam')!.id;
    const last = await admin.put(`/api/users/${adamId}`).set('X-CSRF-Token', csrf.admin).send({ role: 'viewer' });
    assert.equal(last.status, 409);
    assert.equal(last.body.error.code, 'last-admin');
    assert.equal((await admin.delete(`/api/users/${id}`).set('X-CSRF-Token', csrf.admin)).status, 204);
    assert.equal(t.store.accounts.byName('newbie'), null);
  });

  it('a role change applies to the next request of a signed-in user', async () => {
    const veraId = t.store.accounts.byName('vera')!.id;
    await admin.put(`/api/users/${veraId}`).set('X-CSRF-Token', csrf.admin).send({ role: 'analyst' });
    assert.equal((await viewer.get('/api/session')).body.user.role, 'analyst');
    await admin.put(`/api/users/${veraId}`).set('X-CSRF-Token', csrf.admin).send({ role: 'viewer' });
  });

  it('API tokens: shown once, stored hashed, role at most the owner\'s, revocable, expiring', async () => {
    const tooHigh = await analyst.post('/api/tokens').set('X-CSRF-Token', csrf.analyst).send({ name: 'script', role: 'admin' });
    assert.equal(tooHigh.status, 403);
    assert.equal(tooHigh.body.error.code, 'role-too-high');
    const made = await analyst.post('/api/tokens').set('X-CSRF-Token', csrf.analyst).send({ name: 'ack bot', role: 'analyst', expiresInDays: 7 });
    assert.equal(made.status, 201);
    const token = made.body.token as string;
    assert.match(token, /^bw_[A-Za-z0-9_-]{40,}$/);
    assert.equal(JSON.stringify(t.store.db.prepare('SELECT * FROM api_tokens').all()).includes(token.slice(3)), false, 'stored hashed');
    const listed = await analyst.get('/api/tokens');
    assert.equal(JSON.stringify(listed.body).includes(token), false, 'never shown again');
    assert.equal(listed.body.tokens[0].prefix, token.slice(0, 10));
    // The token works as its owner (no CSRF: a bearer token is not sent by browsers on their own).
    const write = await request(t.app).post('/api/statements').set('Authorization', `Bearer ${token}`).send({ text: 'From a script' });
    assert.equal(write.status, 202);
    assert.equal((await request(t.app).get('/api/users').set('Authorization', `Bearer ${token}`)).status, 403);
    // A viewer token of an analyst stays a viewer.
    const ro = (await analyst.post('/api/tokens').set('X-CSRF-Token', csrf.analyst).send({ name: 'read only', role: 'viewer' })).body.token as string;
    assert.equal((await request(t.app).post('/api/statements').set('Authorization', `Bearer ${ro}`).send({ text: 'x' })).status, 403);
    assert.equal((await request(t.app).get('/api/statements').set('Authorization', `Bearer ${ro}`)).status, 200);
    // Revoked: refused at once.
    assert.equal((await analyst.delete(`/api/tokens/${made.body.id}`).set('X-CSRF-Token', csrf.analyst)).status, 204);
    const after = await request(t.app).post('/api/statements').set('Authorization', `Bearer ${token}`).send({ text: 'x' });
    assert.equal(after.status, 401);
    assert.match(after.body.error.message, /not valid/);
    // Others cannot revoke it; admins can.
    const roId = (await analyst.get('/api/tokens')).body.tokens.find((x: { name: string }) => x.name === 'read only').id;
    assert.equal((await viewer.delete(`/api/tokens/${roId}`).set('X-CSRF-Token', csrf.viewer)).status, 404);
    assert.equal((await admin.delete(`/api/tokens/${roId}`).set('X-CSRF-Token', csrf.admin)).status, 204);
    assert.equal((await request(t.app).post('/api/tokens').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ name: 'x' })).body.error.code, 'needs-account');
  });

  it('an expired token is refused', async () => {
    let clock = Date.now();
    const u = createAuthTestApp({ now: () => clock });
    after(() => u.cleanup());
    await u.addUser('eve', 'analyst');
    const a = request.agent(u.app);
    const c = await u.signIn(a, 'eve');
    const token = (await a.post('/api/tokens').set('X-CSRF-Token', c).send({ name: 'short', expiresInDays: 1 })).body.token as string;
    assert.equal((await request(u.app).get('/api/statements').set('Authorization', `Bearer ${token}`)).status, 200);
    clock += 86_400_000 + 1000;
    assert.equal((await request(u.app).get('/api/statements').set('Authorization', `Bearer ${token}`)).status, 401);
  });

  it('the audit log names who did what from where; admins read it and export it as formula-safe CSV', async () => {
    await viewer.post('/api/session').send({ name: 'no-such-user', password: 'wrong password!' });
    // Hostile text in any field (none can hold it today: names are checked) is exported formula-safe.
    t.store.audit.record({ at: Date.now(), actorId: null, actorName: null, action: 'test', target: null, outcome: 'ok', ip: null, detail: '=HYPERLINK("http://evil")' });
    assert.equal((await request(t.app).post('/api/statements').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ text: 'By script' })).status, 202);
    const log = await admin.get('/api/audit?limit=500');
    assert.equal(log.status, 200);
    const entries = log.body.entries as Array<{ action: string; actorName: string | null; target: string | null; outcome: string; ip: string | null; detail: string | null }>;
    const has = (f: (e: (typeof entries)[number]) => boolean, what: string) => assert.ok(entries.some(f), `${what}: ${JSON.stringify(entries.slice(0, 40))}`);
    has((e) => e.action === 'sign-in' && e.actorName === 'adam' && e.ip !== null, 'sign-in');
    has((e) => e.action === 'sign-in-failed' && e.outcome === 'failed' && e.target === null && e.detail === 'unknown user', 'failed sign-in, the typed name not kept');
    has((e) => e.action === 'POST /api/alert-rules' && e.actorName === 'adam' && e.outcome === 'ok', 'rule created');
    has((e) => e.action === 'POST /api/alert-rules' && e.actorName === 'vera' && e.outcome === 'denied', 'denied rule write');
    has((e) => e.action === 'POST /api/alerts/:id/ack' && e.actorName === 'anna' && /^\/api\/alerts\/\d+\/ack$/.test(e.target ?? ''), 'ack');
    has((e) => e.action === 'user.add' && e.target === 'newbie', 'user added');
    has((e) => e.action === 'user.set-role' && e.target === 'vera', 'role set');
    has((e) => e.action === 'token.create' && e.actorName === 'anna', 'token created');
    has((e) => e.action === 'token.revoke', 'token revoked');
    has((e) => e.action === 'POST /api/statements' && e.actorName === 'api-token', 'legacy token write');
    const csv = await admin.get('/api/export/audit.csv');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type']!, /text\/csv/);
    assert.ok(csv.text.startsWith('id,at,actor_id,actor,action,target,outcome,ip,detail\r\n'));
    assert.ok(csv.text.includes(`'=HYPERLINK(""http://evil"")`), 'formula neutralised');
    assert.equal((await viewer.get('/api/export/audit.csv')).status, 403);
    assert.equal((await admin.get('/api/audit?bogus=1')).status, 400);
  });
});
