import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createAnnotationRoutes } from '../../server/http/annotation-routes.ts';
import { createDrillRoutes } from '../../server/http/drill-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { requireToken } from '../../server/http/require-token.ts';
import { createDrillService } from '../../server/metrics/drill-service.ts';
import { createDrillQueries } from '../../server/store/drill-queries.ts';
import { addScored, createTestAlerts, MIN } from '../alerts/fixtures.ts';
import { createTempStore } from '../helpers/temp-store.ts';

const TOKEN = 'drill-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };

function setup() {
  const t = createTempStore();
  const { alerts, metrics, clock } = createTestAlerts(t.store);
  const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-drill-client-'));
  fs.writeFileSync(path.join(clientDir, 'drill.html'), '<!doctype html><title>drill page</title>');
  let user: string | undefined;
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir,
    routers: [
      // Stands in for the accounts middleware: sets res.locals.user when a test asks for it.
      ((_req, res, next) => {
        if (user) res.locals.user = { name: user };
        next();
      }) as import('express').RequestHandler as never,
      createAnnotationRoutes({ annotations: t.store.annotations, requireToken: requireToken(TOKEN), now: () => clock.now }),
      createDrillRoutes({ drill: createDrillService({ queries: createDrillQueries(t.store.db), metrics, alerts }), clientDir, now: () => clock.now }),
    ],
  });
  const now = clock.now;
  // Russia speaks about Ukraine (3, high) and NATO (1); Ukraine about Russia (2); a nuclear category.
  addScored(t.store, { occurredAt: now - 50 * MIN, score: 80, speaker: 'Russia', targets: ['Ukraine'], categories: ['threat-of-force'] });
  addScored(t.store, { occurredAt: now - 40 * MIN, score: 90, speaker: 'Russia', targets: ['Ukraine'], categories: ['nuclear-wmd', 'threat-of-force'] });
  addScored(t.store, { occurredAt: now - 30 * MIN, score: 70, speaker: 'Russia', targets: ['Ukraine', 'NATO'], categories: ['nuclear-wmd'] });
  addScored(t.store, { occurredAt: now - 20 * MIN, score: 40, speaker: 'Ukraine', targets: ['Russia'], categories: ['accusation'] });
  addScored(t.store, { occurredAt: now - 10 * MIN, score: 30, speaker: 'Ukraine', targets: ['Russia'], categories: ['accusation'] });
  addScored(t.store, { occurredAt: now - 5 * MIN, score: 20, speaker: 'United_States', targets: [], categories: [] });
  return {
    ...t,
    app,
    alerts,
    clock,
    asUser: (name: string | undefined) => (user = name),
    cleanup: () => {
      t.cleanup();
      fs.rmSync(clientDir, { recursive: true, force: true });
    },
  };
}

describe('drill-down API', () => {
  const t = setup();
  after(() => t.cleanup());

  it('GET /api/drill summarises an actor: index now, its targets, who targets it, its categories', async () => {
    const res = await request(t.app).get('/api/drill').query({ scope: 'actor:Russia' });
    assert.equal(res.status, 200);
    assert.equal(res.body.scope, 'actor:Russia');
    assert.equal(res.body.total, 3);
    assert.equal(res.body.current.windows['1h'].count, 3);
    assert.deepEqual(res.body.targets.map((x: { name: string; count: number }) => [x.name, x.count]), [['Ukraine', 3], ['NATO', 1]]);
    assert.deepEqual(res.body.targetedBy.map((x: { name: string; count: number }) => [x.name, x.count]), [['Ukraine', 2]]);
    assert.deepEqual(res.body.categories.map((x: { name: string; count: number; maxScore: number }) => [x.name, x.count, x.maxScore]), [['nuclear-wmd', 2, 90], ['threat-of-force', 2, 90]]);
    assert.deepEqual(res.body.speakers, [], 'the actor itself is not its own counterpart');
  });

  it('summarises a category (its speakers and targets) and a dyad', async () => {
    const cat = await request(t.app).get('/api/drill').query({ scope: 'category:nuclear-wmd' });
    assert.equal(cat.status, 200);
    assert.deepEqual(cat.body.speakers.map((x: { name: string }) => x.name), ['Russia']);
    assert.deepEqual(cat.body.targets.map((x: { name: string; count: number }) => [x.name, x.count]), [['Ukraine', 2], ['NATO', 1]]);
    const dyad = await request(t.app).get('/api/drill').query({ scope: 'dyad:Russia>Ukraine' });
    assert.equal(dyad.status, 200);
    assert.equal(dyad.body.total, 3);
    assert.deepEqual(dyad.body.targets.map((x: { name: string }) => x.name), ['NATO'], 'the dyad\'s own sides are left out');
  });

  it('counts only the range asked for', async () => {
    const res = await request(t.app)
      .get('/api/drill')
      .query({ scope: 'actor:Russia', from: t.clock.now - 35 * MIN, to: t.clock.now });
    assert.deepEqual(res.body.targets.map((x: { name: string; count: number }) => [x.name, x.count]), [['NATO', 1], ['Ukraine', 1]]);
  });

  it('answers an unknown scope with 404 no-such-scope naming it, with near names', async () => {
    const res = await request(t.app).get('/api/drill').query({ scope: 'actor:Rus' });
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'no-such-scope');
    assert.match(res.body.error.message, /no such actor: "Rus"/);
    assert.deepEqual(res.body.error.details.suggestions.map((s: { scope: string }) => s.scope), ['actor:Russia']);
  });

  it('resolves names written with spaces or in another case to the stored scope', async () => {
    const spaced = await request(t.app).get('/api/drill').query({ scope: 'actor:United States' });
    assert.equal(spaced.status, 200);
    assert.equal(spaced.body.scope, 'actor:United_States');
    const lower = await request(t.app).get('/api/drill').query({ scope: 'actor:russia' });
    assert.equal(lower.body.scope, 'actor:Russia');
  });

  it('refuses bad queries with a 400 naming the parameter', async () => {
    const bad = await request(t.app).get('/api/drill').query({ scope: 'global' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /^scope:/);
    const unknown = await request(t.app).get('/api/drill').query({ scope: 'actor:Russia', colour: 'red' });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /colour/);
    const long = await request(t.app).get('/api/drill').query({ scope: 'actor:Russia', from: 0, to: 100 * 86_400_000 });
    assert.equal(long.status, 400);
  });

  it('lists the alerts of rules that watch the scope', async () => {
    const rule = await t.alerts.createRule({ name: 'Russia hot', scope: 'actor:Russia', window: '1h', metric: 'index', threshold: 50, recoverBelow: 40, forSeconds: 0, minStatements: 3, channels: [{ type: 'dashboard' }] });
    assert.ok(rule.ok);
    t.alerts.evaluate();
    const res = await request(t.app).get('/api/drill').query({ scope: 'actor:Russia' });
    assert.deepEqual(res.body.rules.map((r: { name: string }) => r.name), ['Russia hot']);
    assert.equal(res.body.alerts.length, 1);
    assert.equal(res.body.alerts[0].state, 'firing');
    const other = await request(t.app).get('/api/drill').query({ scope: 'actor:Ukraine' });
    assert.deepEqual(other.body.alerts, []);
  });

  it('GET /api/scopes finds every known scope by part of its name, prefix matches first', async () => {
    const res = await request(t.app).get('/api/scopes').query({ q: 'ukr' });
    assert.equal(res.status, 200);
    const scopes = res.body.scopes.map((s: { scope: string }) => s.scope);
    assert.equal(scopes[0], 'actor:Ukraine');
    assert.ok(scopes.includes('dyad:Russia>Ukraine'));
    assert.ok(scopes.includes('dyad:Ukraine>Russia'));
    const cats = await request(t.app).get('/api/scopes').query({ q: 'NUCLEAR', kind: 'category' });
    assert.deepEqual(cats.body.scopes, [{ scope: 'category:nuclear-wmd', count: 2 }]);
    const none = await request(t.app).get('/api/scopes').query({ q: 'zzz' });
    assert.deepEqual(none.body.scopes, []);
    // LIKE wildcards are plain text here.
    const pct = await request(t.app).get('/api/scopes').query({ q: '%' });
    assert.deepEqual(pct.body.scopes, []);
    assert.equal((await request(t.app).get('/api/scopes').query({ kind: 'planet' })).status, 400);
  });

  it('serves the drill page for known scopes and a 404 page for unknown ones', async () => {
    for (const p of ['/actor/Russia', '/actor/United%20States', '/dyad/Russia/Ukraine', '/category/nuclear-wmd', '/alert/1']) {
      const res = await request(t.app).get(p);
      assert.equal(res.status, 200, p);
      assert.match(res.text, /drill page/);
    }
    const unknown = await request(t.app).get('/actor/Atlantis');
    assert.equal(unknown.status, 404);
    assert.match(unknown.text, /drill page/, 'the page itself explains the 404');
    assert.equal((await request(t.app).get('/dyad/Ukraine/Atlantis')).status, 404);
  });
});

describe('annotations API', () => {
  const t = setup();
  after(() => t.cleanup());

  it('needs the token to add or delete, and lists for anyone', async () => {
    const none = await request(t.app).post('/api/annotations').send({ at: t.clock.now, note: 'x' });
    assert.equal(none.status, 401);
    assert.deepEqual((await request(t.app).get('/api/annotations')).body.annotations, []);
  });

  it('adds one with who and when, lists it by range and scope, deletes it', async () => {
    const at = t.clock.now - 15 * MIN;
    const add = await request(t.app).post('/api/annotations').set(auth).send({ at: new Date(at).toISOString(), note: '  Ceasefire signed  ' });
    assert.equal(add.status, 201);
    assert.deepEqual({ ...add.body.annotation, id: 0 }, { id: 0, at, note: 'Ceasefire signed', scope: null, createdBy: 'token', createdAt: t.clock.now });
    t.asUser('alice');
    const scoped = await request(t.app).post('/api/annotations').set(auth).send({ at, note: 'Russian drills', scope: 'actor:Russia' });
    t.asUser(undefined);
    assert.equal(scoped.body.annotation.createdBy, 'alice', 'the signed-in user is recorded when there is one');
    const global = await request(t.app).get('/api/annotations').query({ scope: 'global' });
    assert.deepEqual(global.body.annotations.map((a: { note: string }) => a.note), ['Ceasefire signed']);
    const russia = await request(t.app).get('/api/annotations').query({ scope: 'actor:Russia' });
    assert.deepEqual(russia.body.annotations.map((a: { note: string }) => a.note), ['Ceasefire signed', 'Russian drills']);
    const outside = await request(t.app).get('/api/annotations').query({ from: at + 1, to: t.clock.now });
    assert.deepEqual(outside.body.annotations, []);
    const del = await request(t.app).delete(`/api/annotations/${scoped.body.annotation.id}`).set(auth);
    assert.equal(del.status, 204);
    assert.equal((await request(t.app).delete(`/api/annotations/${scoped.body.annotation.id}`).set(auth)).status, 404);
    assert.equal(t.store.annotations.list().length, 1);
  });

  it('rejects a bad body with 400 naming each field, and stores nothing', async () => {
    const before = t.store.annotations.list().length;
    const res = await request(t.app).post('/api/annotations').set(auth).send({ at: 'yesterday-ish', note: '', scope: 'planet:Mars', extra: 1 });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid-body');
    for (const f of ['at', 'note', 'scope']) assert.ok(res.body.error.details.fields[f], `names ${f}`);
    assert.ok(Object.keys(res.body.error.details.fields).some((k) => k === 'body' || k === 'extra'), 'names the unknown key');
    assert.equal((await request(t.app).post('/api/annotations').set(auth).send({ at: 1, note: 'x'.repeat(501) })).status, 400);
    assert.equal((await request(t.app).post('/api/annotations').set(auth).set('content-type', 'text/plain').send('hi')).status, 415);
    assert.equal((await request(t.app).delete('/api/annotations/abc').set(auth)).status, 400);
    assert.equal(t.store.annotations.list().length, before);
  });

  it('exports annotations as CSV with formula-looking notes neutralised', async () => {
    await request(t.app).post('/api/annotations').set(auth).send({ at: t.clock.now - MIN, note: '=HYPERLINK("http://evil","x"), then "quoted"' });
    const res = await request(t.app).get('/api/export/annotations.csv');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'] ?? '', /^text\/csv/);
    assert.match(res.headers['content-disposition'] ?? '', /brinkwatch-annotations\.csv/);
    const rows = parse(res.text, { columns: true }) as Array<Record<string, string>>;
    assert.deepEqual(Object.keys(rows[0]!), ['id', 'at', 'note', 'scope', 'created_by', 'created_at']);
    const evil = rows.find((r) => r.note!.includes('HYPERLINK'))!;
    assert.equal(evil.note, `'=HYPERLINK("http://evil","x"), then "quoted"`);
    assert.equal(evil.scope, 'global');
    assert.equal(evil.created_by, 'token');
  });
});
