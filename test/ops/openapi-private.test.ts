import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openApiDocument } from '../../server/http/openapi-document.ts';
import { createOpenApiCaller, type Doc } from '../helpers/openapi-call.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

/**
 * The read gate as described: with BRINKWATCH_PUBLIC_READ=false every /api read the description
 * marks as open-or-signed-in answers a documented 401 without credentials, and the dashboard
 * redirects to the sign-in page. Same real server process and validation as openapi.test.ts.
 */
describe('OpenAPI description when reads are not public (real server process)', () => {
  let server: RunningServer;
  const doc = openApiDocument('t') as unknown as Doc;
  const call = createOpenApiCaller(() => server, () => doc, new Set());

  before(async () => {
    server = await startServerProcess({ BRINKWATCH_PUBLIC_READ: 'false', BRINKWATCH_DEMO: 'off' });
  });
  after(async () => {
    await server?.stop();
  });

  it('every gated /api read answers a documented 401 without a session or token', async () => {
    const gated = Object.entries(doc.paths).filter(([p, ops]) => p.startsWith('/api/') && ops.get && !['/api/health', '/api/session'].includes(p));
    assert.ok(gated.length >= 25, `${gated.length} reads`);
    for (const [template, ops] of gated) {
      const security = (ops.get as unknown as { security: object[] }).security;
      assert.ok(security.some((s) => Object.keys(s).length > 0), `${template}: a credential is described`);
      const r = await call('GET', template, { token: false, path: template.replace(/\{\w+\}/g, '1') });
      assert.equal(r.status, 401, template);
      assert.match(r.body.error.code, /^(sign-in-required|unauthorized)$/, template);
    }
    assert.equal((await call('GET', '/api/openapi.json')).status, 200, 'with the admin token');
    assert.equal((await call('GET', '/api/health', { token: false })).status, 200);
    assert.equal((await call('GET', '/api/session', { token: false })).body.publicRead, false);
  });

  it('the dashboard sends a visitor to the sign-in page (setup needed before the first account)', async () => {
    for (const page of ['/', '/index.html']) {
      const r = await call('GET', page, { token: false });
      assert.equal(r.status, 302, page);
      assert.equal(r.headers.get('location'), '/signin?setup=needed', page);
    }
  });
});
