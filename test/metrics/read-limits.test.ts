import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import request from 'supertest';
import { parseConfig } from '../../server/config/config.ts';
import { createSilentLogger } from '../../server/config/logger.ts';
import { createHttpApp } from '../../server/http/create-http-app.ts';
import { createMetricsRoutes } from '../../server/http/metrics-routes.ts';
import { createReadRateLimit } from '../../server/http/read-rate-limit.ts';
import { createMetricsService } from '../../server/metrics/metrics-service.ts';
import { createTempStore } from '../helpers/temp-store.ts';

describe('metric reads are bounded', () => {
  const t = createTempStore();
  after(() => t.cleanup());
  const metrics = createMetricsService({ store: t.store });

  it('limits metric reads per address (BRINKWATCH_READ_RATE_LIMIT), never health', async () => {
    const app = createHttpApp({
      logger: createSilentLogger(),
      clientDir: '/nonexistent',
      routers: [createMetricsRoutes({ metrics, readLimit: createReadRateLimit(3) })],
      health: () => ({}),
    });
    for (const path of ['/api/metrics/current', '/api/metrics/rolling', '/api/metrics/top']) assert.equal((await request(app).get(path)).status, 200, path);
    const limited = await request(app).get('/api/metrics/history');
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'rate-limited');
    assert.match(limited.body.error.message, /at most 3 per 60 s per address \(BRINKWATCH_READ_RATE_LIMIT\)/);
    assert.ok(limited.headers['retry-after']);
    assert.equal((await request(app).get('/api/health')).status, 200, 'health is not a metric read');
    const off = createHttpApp({ logger: createSilentLogger(), clientDir: '/nonexistent', routers: [createMetricsRoutes({ metrics, readLimit: createReadRateLimit(0) })], health: () => ({}) });
    for (let i = 0; i < 10; i++) assert.equal((await request(off).get('/api/metrics/current')).status, 200, '0 turns it off');
  });

  it('reads BRINKWATCH_READ_RATE_LIMIT from the environment, 1200 by default, refusing nonsense by name', () => {
    const d = parseConfig({}, '/tmp');
    assert.ok(d.ok && d.config.readRateLimit === 1200);
    const set = parseConfig({ BRINKWATCH_READ_RATE_LIMIT: '0' }, '/tmp');
    assert.ok(set.ok && set.config.readRateLimit === 0);
    const bad = parseConfig({ BRINKWATCH_READ_RATE_LIMIT: 'lots' }, '/tmp');
    assert.ok(!bad.ok && bad.errors.some((e) => e.startsWith('BRINKWATCH_READ_RATE_LIMIT')));
  });
});
