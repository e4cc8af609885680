import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from '../../server/config/config.ts';

describe('operations settings (metrics access, retention)', () => {
  it('keeps everything forever and /metrics private by default', () => {
    const r = parseConfig({});
    assert.ok(r.ok);
    assert.equal(r.config.metricsPublic, false);
    assert.deepEqual(r.config.retention, { statementsDays: null, eventsDays: null, deliveriesDays: null, cron: '0 17 * * * *' });
  });

  it('reads retention days and the public-metrics flag', () => {
    const r = parseConfig({
      BRINKWATCH_METRICS_PUBLIC: 'true',
      BRINKWATCH_RETAIN_STATEMENTS_DAYS: '90',
      BRINKWATCH_RETAIN_EVENTS_DAYS: '365',
      BRINKWATCH_RETAIN_DELIVERIES_DAYS: '30',
      BRINKWATCH_RETENTION_CRON: '0 */10 * * * *',
    });
    assert.ok(r.ok);
    assert.equal(r.config.metricsPublic, true);
    assert.deepEqual(r.config.retention, { statementsDays: 90, eventsDays: 365, deliveriesDays: 30, cron: '0 */10 * * * *' });
  });

  it('lists every bad value at once, naming the variable', () => {
    const r = parseConfig({
      BRINKWATCH_METRICS_PUBLIC: 'perhaps',
      BRINKWATCH_RETAIN_STATEMENTS_DAYS: '0',
      BRINKWATCH_RETAIN_EVENTS_DAYS: '1.5',
      BRINKWATCH_RETAIN_DELIVERIES_DAYS: 'forever',
      BRINKWATCH_RETENTION_CRON: 'nightly',
    });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 5, r.errors.join('\n'));
    assert.match(r.errors.join('\n'), /BRINKWATCH_METRICS_PUBLIC must be true or false/);
    assert.match(r.errors.join('\n'), /BRINKWATCH_RETAIN_STATEMENTS_DAYS must be between 1 and 36600 days/);
    assert.match(r.errors.join('\n'), /BRINKWATCH_RETAIN_EVENTS_DAYS must be a whole number of days/);
    assert.match(r.errors.join('\n'), /BRINKWATCH_RETAIN_DELIVERIES_DAYS must be a number of days/);
    assert.match(r.errors.join('\n'), /BRINKWATCH_RETENTION_CRON is not a valid node-cron expression/);
  });
});
