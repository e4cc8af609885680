import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/config/config.ts';

describe('metric and alert settings in the config', () => {
  it('has defaults', () => {
    const r = parseConfig({}, '/tmp');
    assert.ok(r.ok);
    assert.deepEqual(
      { w: r.config.metricWindows, m: r.config.metricMinStatements, a: r.config.alertCron, n: r.config.notifyCron },
      { w: ['1h', '24h', '7d'], m: 3, a: '*/15 * * * * *', n: '*/5 * * * * *' },
    );
  });

  it('reads custom windows and minimum', () => {
    const r = parseConfig({ BRINKWATCH_METRIC_WINDOWS: ' 15m, 6h ,30d', BRINKWATCH_METRIC_MIN_STATEMENTS: '10' }, '/tmp');
    assert.ok(r.ok);
    assert.deepEqual(r.config.metricWindows, ['15m', '6h', '30d']);
    assert.equal(r.config.metricMinStatements, 10);
  });

  it('lists every bad setting at once, by name', () => {
    const r = parseConfig(
      { BRINKWATCH_METRIC_WINDOWS: '1h,1 week', BRINKWATCH_METRIC_MIN_STATEMENTS: '0', BRINKWATCH_ALERT_CRON: 'often', BRINKWATCH_NOTIFY_CRON: '* *' },
      '/tmp',
    );
    assert.ok(!r.ok);
    const keys = r.errors.map((e) => e.split(' ')[0]).sort();
    assert.deepEqual(keys, ['BRINKWATCH_ALERT_CRON', 'BRINKWATCH_METRIC_MIN_STATEMENTS', 'BRINKWATCH_METRIC_WINDOWS', 'BRINKWATCH_NOTIFY_CRON']);
    assert.match(r.errors.find((e) => e.startsWith('BRINKWATCH_METRIC_WINDOWS'))!, /durations like 1h,24h,7d/);
  });
});
