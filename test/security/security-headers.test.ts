import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import request from 'supertest';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp, type HttpAppDeps } from '../../server/http/create-http-app.ts';

function app(opts: Partial<HttpAppDeps> = {}) {
  return createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [], health: () => ({}), ...opts });
}

const csp = (res: request.Response) => String(res.headers['content-security-policy'] ?? '');

describe('security headers over plain HTTP and behind TLS (BRINKWATCH_TLS, BRINKWATCH_TRUST_PROXY)', () => {
  it('over plain HTTP sends neither HSTS nor upgrade-insecure-requests, and keeps the rest of the CSP', async () => {
    const res = await request(app()).get('/api/health').set('Host', 'brinkwatch.lan:3000');
    assert.equal(res.status, 200);
    assert.equal(res.headers['strict-transport-security'], undefined, 'HSTS only behind TLS');
    assert.doesNotMatch(csp(res), /upgrade-insecure-requests/, 'a blank page on http://brinkwatch.lan otherwise');
    assert.match(csp(res), /default-src 'self'/);
    assert.match(csp(res), /script-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(res.headers['cross-origin-opener-policy'], undefined, 'ignored on an untrustworthy origin (a console error in Chromium)');
  });

  it('a forged X-Forwarded-Proto is ignored unless the proxy is trusted', async () => {
    const res = await request(app()).get('/api/health').set('X-Forwarded-Proto', 'https');
    assert.equal(res.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(csp(res), /upgrade-insecure-requests/);
  });

  it('behind a trusted proxy that says https, sends HSTS and upgrade-insecure-requests; http through it does not', async () => {
    const proxied = app({ trustProxy: ['loopback'] });
    const secure = await request(proxied).get('/api/health').set('X-Forwarded-Proto', 'https');
    assert.match(String(secure.headers['strict-transport-security']), /max-age=\d+/);
    assert.match(csp(secure), /upgrade-insecure-requests/);
    assert.equal(secure.headers['cross-origin-opener-policy'], 'same-origin');
    const plain = await request(proxied).get('/api/health').set('X-Forwarded-Proto', 'http');
    assert.equal(plain.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(csp(plain), /upgrade-insecure-requests/);
  });

  it('a proxy at an address not listed is not trusted', async () => {
    const res = await request(app({ trustProxy: ['10.0.0.1'] })).get('/api/health').set('X-Forwarded-Proto', 'https');
    assert.equal(res.headers['strict-transport-security'], undefined);
  });

  it('BRINKWATCH_TLS=on always sends them, off never does', async () => {
    const on = await request(app({ tls: 'on' })).get('/api/health');
    assert.match(String(on.headers['strict-transport-security']), /max-age=/);
    assert.match(csp(on), /upgrade-insecure-requests/);
    const off = await request(app({ tls: 'off', trustProxy: true })).get('/api/health').set('X-Forwarded-Proto', 'https');
    assert.equal(off.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(csp(off), /upgrade-insecure-requests/);
  });
});
