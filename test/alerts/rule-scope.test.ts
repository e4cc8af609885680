import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { createScopeChecker, editDistance, nearest } from '../../server/alerts/rule-scope.ts';
import { loadScopeNames } from '../../server/config/load-scorer.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createAlertRoutes } from '../../server/http/alert-routes.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { requireToken } from '../../server/http/require-token.ts';
import { createKnownScopes } from '../../server/store/known-scopes.ts';
import { testScorer } from '../helpers/test-app.ts';
import { createTempStore } from '../helpers/temp-store.ts';
import { addScored, createTestAlerts, MIN } from './fixtures.ts';

const TOKEN = 'scope-test-token-0123456789';
const auth = { Authorization: `Bearer ${TOKEN}` };
const rule = (scope: string, extra: Record<string, unknown> = {}) => ({
  name: `watch ${scope}`,
  scope,
  window: '1h',
  threshold: 50,
  recoverBelow: 40,
  forSeconds: 0,
  minStatements: 1,
  ...extra,
});

describe('editDistance and nearest', () => {
  it('counts insertions, deletions, substitutions and adjacent transpositions, ignoring case', () => {
    assert.equal(editDistance('Rusia', 'Russia'), 1);
    assert.equal(editDistance('russia', 'RUSSIA'), 0);
    assert.equal(editDistance('Ukriane', 'Ukraine'), 1, 'a transposition is one edit');
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests the closest names first, each target once, and nothing far away', () => {
    const c = [
      { name: 'Russia', target: 'Russia' },
      { name: 'Russian', target: 'Russia' },
      { name: 'Prussia', target: 'Prussia' },
      { name: 'Belarus', target: 'Belarus' },
    ];
    assert.deepEqual(nearest('Rusia', c), ['Russia', 'Prussia']);
    assert.deepEqual(nearest('Zzyzx', c), []);
  });
});

describe('alert rule scopes are canonical and must be able to fire', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const scorer = testScorer();
  const known = createKnownScopes(t.store.db);
  const scopes = createScopeChecker({ resolveActor: (n) => scorer.resolveActor(n), ...loadScopeNames(), seenScopes: (p) => known.withPrefix(p) });
  const { alerts, clock } = createTestAlerts(t.store, { scopes });
  const app = createHttpApp({
    logger: createSilentLogger(),
    clientDir: '/nonexistent',
    routers: [createAlertRoutes({ alerts, requireToken: requireToken(TOKEN) })],
    health: () => ({}),
  });
  const stored = () => t.store.db.prepare('SELECT scope FROM alert_rules WHERE deleted_at IS NULL ORDER BY id').pluck().all() as string[];
  const post = (body: unknown) => request(app).post('/api/alert-rules').set(auth).send(body as object);

  // A speaker outside the gazetteer, seen in stored data, and a target only ever seen in a dyad.
  addScored(t.store, { occurredAt: clock.now - 30 * MIN, score: 70, speaker: 'Atlantis Council', targets: ['Lemuria'], categories: ['threat-of-force'] });

  it('stores a name in any case, or an alias, under the canonical actor', async () => {
    for (const [given, canonical] of [['actor:russia', 'actor:Russia'], ['actor:RUSSIA', 'actor:Russia'], ['actor:Kremlin', 'actor:Russia'], ['actor: kyiv ', 'actor:Ukraine']]) {
      const res = await post(rule(given!));
      assert.equal(res.status, 201, `${given}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.rule.scope, canonical);
    }
    assert.deepEqual(stored(), ['actor:Russia', 'actor:Russia', 'actor:Russia', 'actor:Ukraine']);
  });

  it('refuses a misspelt actor with 400 and "did you mean" suggestions, storing nothing', async () => {
    const before = stored().length;
    // a misspelling: 'Rusia' is the Spanish name of Russia since data/lexicon/es exists
    const res = await post(rule('actor:Russsia'));
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'invalid-rule');
    assert.match(res.body.error.message, /scope: unknown actor "Russsia": did you mean actor:Russia/);
    assert.match(res.body.error.message, /allowUnknownScope: true/);
    assert.equal(res.body.error.details.suggestions.scope[0], 'actor:Russia');
    assert.equal(stored().length, before);
  });

  it('knows actors from stored data, in any case, and suggests them', async () => {
    const ok = await post(rule('actor:atlantis council'));
    assert.equal(ok.status, 201);
    assert.equal(ok.body.rule.scope, 'actor:Atlantis Council');
    const typo = await post(rule('actor:Atlantis Counsil'));
    assert.equal(typo.status, 400);
    assert.deepEqual(typo.body.error.details.suggestions.scope, ['actor:Atlantis Council']);
    const target = await post(rule('actor:lemuria'));
    assert.equal(target.body.rule.scope, 'actor:Lemuria', 'a target seen only in a dyad is known too');
  });

  it('accepts an actor not seen yet only when the request says so, kept as given', async () => {
    const refused = await post(rule('actor:Freedonia'));
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /did you mean actor:North Macedonia\?/, 'the nearest alias names its actor');
    const far = await post(rule('actor:Qwxzv Jklm'));
    assert.match(far.body.error.message, /no known name is close to it/);
    const badFlag = await post({ ...rule('actor:Freedonia'), allowUnknownScope: 'yes' });
    assert.equal(badFlag.status, 400);
    assert.deepEqual(badFlag.body.error.details.fields.allowUnknownScope, ['must be true or false']);
    const allowed = await post({ ...rule('actor:Freedonia'), allowUnknownScope: true });
    assert.equal(allowed.status, 201);
    assert.equal(allowed.body.rule.scope, 'actor:Freedonia');
    assert.equal('allowUnknownScope' in allowed.body.rule, false, 'a request option, not stored');
    // Editing its thresholds later does not need the flag again: the scope is unchanged.
    const edited = await request(app).put(`/api/alert-rules/${allowed.body.rule.id}`).set(auth).send(rule('actor:Freedonia', { threshold: 60 }));
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    // A known actor is still canonicalised when the flag is set.
    const known = await post({ ...rule('actor:russia'), allowUnknownScope: true });
    assert.equal(known.body.rule.scope, 'actor:Russia');
  });

  it('canonicalises both sides of a dyad and suggests whole dyads', async () => {
    const ok = await post(rule('dyad:russia>kyiv'));
    assert.equal(ok.status, 201);
    assert.equal(ok.body.rule.scope, 'dyad:Russia>Ukraine');
    const typo = await post(rule('dyad:Russsia>Ukriane'));
    assert.equal(typo.status, 400);
    assert.equal(typo.body.error.details.suggestions.scope[0], 'dyad:Russia>Ukraine');
    assert.match(typo.body.error.message, /unknown actor "Russsia" and "Ukriane" in the dyad/);
    const same = await post(rule('dyad:Russia>Kremlin'));
    assert.equal(same.status, 400);
    assert.match(same.body.error.message, /two different actors/);
    const allowed = await post({ ...rule('dyad:russia>Freedonia'), allowUnknownScope: true });
    assert.equal(allowed.body.rule.scope, 'dyad:Russia>Freedonia');
  });

  it('matches taxonomy categories in any case and refuses others, even when unknown scopes are allowed', async () => {
    const ok = await post(rule('category:Threat-Of-Force'));
    assert.equal(ok.status, 201);
    assert.equal(ok.body.rule.scope, 'category:threat-of-force');
    const typo = await post(rule('category:threat of forse'));
    assert.equal(typo.status, 400);
    assert.equal(typo.body.error.details.suggestions.scope[0], 'category:threat-of-force');
    const unknown = await post({ ...rule('category:weather'), allowUnknownScope: true });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /unknown category "weather"/);
  });

  it('a rule saved as actor:russia fires on statements by Russia', async () => {
    const res = await post(rule('actor:russia', { name: 'fires' }));
    const id = res.body.rule.id as number;
    for (let i = 0; i < 2; i++) addScored(t.store, { occurredAt: clock.now - i * MIN, score: 80, speaker: 'Russia' });
    alerts.evaluate();
    assert.equal(alerts.listAlerts({ ruleId: id, state: 'firing' }).length, 1);
  });
});
