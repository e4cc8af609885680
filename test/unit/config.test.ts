import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { describeConfig, parseConfig } from '../../server/config/config.ts';

describe('parseConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const r = parseConfig({}, '/srv/app');
    assert.ok(r.ok);
    assert.equal(r.config.port, 3000);
    assert.equal(r.config.host, '127.0.0.1');
    assert.equal(r.config.dataDir, path.resolve('/srv/app/data'));
    assert.equal(r.config.databaseFile, path.resolve('/srv/app/data/brinkwatch.db'));
    assert.equal(r.config.inboxDir, path.resolve('/srv/app/data/inbox'));
    assert.equal(r.config.scoreCron, '*/2 * * * * *');
    assert.equal(r.config.inboxCron, '*/5 * * * * *');
    assert.equal(r.config.demo, 'auto');
    assert.equal(r.config.blockPrivateUrls, true, 'private-address blocking is on by default');
    assert.deepEqual(r.config.allowPrivateUrls, []);
    assert.equal(r.config.tls, 'auto');
    assert.equal(r.config.trustProxy, false);
    assert.deepEqual(r.config.allowedOrigins, []);
    assert.equal(r.config.apiToken, undefined);
  });

  it('lists every invalid variable at once, naming each', () => {
    const r = parseConfig({
      BRINKWATCH_PORT: 'eighty',
      BRINKWATCH_SCORE_CRON: 'every two seconds',
      BRINKWATCH_DEMO: 'maybe',
      BRINKWATCH_BLOCK_PRIVATE_URLS: 'perhaps',
      BRINKWATCH_SMTP_URL: 'http://mail',
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const joined = r.errors.join('\n');
    for (const key of ['BRINKWATCH_PORT', 'BRINKWATCH_SCORE_CRON', 'BRINKWATCH_DEMO', 'BRINKWATCH_BLOCK_PRIVATE_URLS', 'BRINKWATCH_SMTP_URL']) {
      assert.match(joined, new RegExp(key), `${key} is named`);
    }
    assert.equal(r.errors.length, 5);
  });

  it('refuses a port out of range and a short API token', () => {
    const r = parseConfig({ BRINKWATCH_PORT: '70000', BRINKWATCH_API_TOKEN: 'short' });
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.errors.length, 2);
  });

  it('treats empty strings as unset and ignores unrelated variables', () => {
    const r = parseConfig({ BRINKWATCH_PORT: '', PORT: 'nonsense', BRINKWATCH_BLOCK_PRIVATE_URLS: 'false' });
    assert.ok(r.ok);
    assert.equal(r.config.port, 3000);
    assert.equal(r.config.blockPrivateUrls, false);
  });

  it('reads the health thresholds (defaults 120 s, 600 s, 1024 MB) and refuses bad ones', () => {
    const d = parseConfig({});
    assert.ok(d.ok);
    assert.deepEqual(d.config.health, { scoreLagSeconds: 120, deliveryLagSeconds: 600, minFreeBytes: 1024 * 1_048_576 });
    const set = parseConfig({ BRINKWATCH_HEALTH_SCORE_LAG_SECONDS: '30', BRINKWATCH_HEALTH_DELIVERY_LAG_SECONDS: '60', BRINKWATCH_HEALTH_MIN_FREE_MB: '0' });
    assert.ok(set.ok);
    assert.deepEqual(set.config.health, { scoreLagSeconds: 30, deliveryLagSeconds: 60, minFreeBytes: 0 });
    const bad = parseConfig({ BRINKWATCH_HEALTH_SCORE_LAG_SECONDS: '0', BRINKWATCH_HEALTH_DELIVERY_LAG_SECONDS: 'soon', BRINKWATCH_HEALTH_MIN_FREE_MB: '-1' });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(bad.errors.map((e) => e.split(' ')[0]), ['BRINKWATCH_HEALTH_SCORE_LAG_SECONDS', 'BRINKWATCH_HEALTH_DELIVERY_LAG_SECONDS', 'BRINKWATCH_HEALTH_MIN_FREE_MB']);
  });

  it('masks secrets when described for the log', () => {
    const r = parseConfig({ BRINKWATCH_API_TOKEN: 'a-very-secret-token-123', BRINKWATCH_SMTP_URL: 'smtp://user:pass@mail:25' });
    assert.ok(r.ok);
    const logged = JSON.stringify(describeConfig(r.config));
    assert.doesNotMatch(logged, /a-very-secret-token-123/);
    assert.doesNotMatch(logged, /user:pass/);
  });
});

describe('parseConfig: network exposure settings', () => {
  it('parses the allow list, TLS mode, trusted proxies and allowed origins', () => {
    const r = parseConfig({
      BRINKWATCH_ALLOW_PRIVATE_URLS: ' Feeds.Corp.Example, 10.20.0.0/16 ,127.0.0.1,fd00::/8',
      BRINKWATCH_TLS: 'on',
      BRINKWATCH_TRUST_PROXY: 'loopback, 10.0.0.0/8',
      BRINKWATCH_ALLOWED_ORIGINS: 'https://brinkwatch.example.org, http://10.0.0.5:3000/',
    });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.config.allowPrivateUrls, ['feeds.corp.example', '10.20.0.0/16', '127.0.0.1', 'fd00::/8']);
    assert.equal(r.config.tls, 'on');
    assert.deepEqual(r.config.trustProxy, ['loopback', '10.0.0.0/8']);
    assert.deepEqual(r.config.allowedOrigins, ['https://brinkwatch.example.org', 'http://10.0.0.5:3000']);
    for (const [v, expected] of [['true', true], ['off', false], ['2', 2]] as const) {
      const p = parseConfig({ BRINKWATCH_TRUST_PROXY: v });
      assert.ok(p.ok && p.config.trustProxy === expected, v);
    }
  });

  it('names each malformed network setting, all at once', () => {
    const r = parseConfig({
      BRINKWATCH_ALLOW_PRIVATE_URLS: '10.0.0.0/99',
      BRINKWATCH_TLS: 'sometimes',
      BRINKWATCH_TRUST_PROXY: 'everyone',
      BRINKWATCH_ALLOWED_ORIGINS: 'https://ok.example, https://bad.example/path, *',
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    const joined = r.errors.join('\n');
    for (const key of ['BRINKWATCH_ALLOW_PRIVATE_URLS', 'BRINKWATCH_TLS', 'BRINKWATCH_TRUST_PROXY', 'BRINKWATCH_ALLOWED_ORIGINS']) assert.match(joined, new RegExp(key));
    assert.match(joined, /https:\/\/bad\.example\/path/);
    assert.match(joined, /"\*"/);
  });
});
