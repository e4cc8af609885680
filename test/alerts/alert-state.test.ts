import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, type Decision, type OpenAlert, type RuleParams } from '../../server/alerts/alert-state.ts';

const T0 = Date.UTC(2026, 0, 1, 12);
const rule: RuleParams = { threshold: 60, recoverBelow: 50, forSeconds: 300, repeatSeconds: 3600, silencedUntil: null };
const pending = (over: Partial<OpenAlert> = {}): OpenAlert => ({
  state: 'pending',
  startedAt: T0,
  lastNotifiedAt: null,
  acknowledged: false,
  noDataSince: null,
  ...over,
});
const firing = (over: Partial<OpenAlert> = {}): OpenAlert => pending({ state: 'firing', lastNotifiedAt: T0, ...over });

type Row = [name: string, rule: Partial<RuleParams>, open: OpenAlert | null, value: number | null, count: number, at: number, expected: Partial<Decision>];

const rows: Row[] = [
  ['ok stays ok below threshold', {}, null, 59.9, 10, T0, { events: [], notify: null }],
  ['ok stays ok with no data', {}, null, null, 2, T0, { events: [], notify: null }],
  ['ok -> pending at the threshold (inclusive)', {}, null, 60, 10, T0, { open: 'pending', events: ['pending'], notify: null }],
  ['ok -> firing at once when forSeconds is 0', { forSeconds: 0 }, null, 75, 10, T0, { open: 'firing', events: ['firing'], notify: 'firing' }],
  ['pending stays pending before forSeconds', {}, pending(), 70, 10, T0 + 299_999, { events: [], notify: null }],
  ['pending -> firing once forSeconds elapsed', {}, pending(), 70, 10, T0 + 300_000, { fire: true, events: ['firing'], notify: 'firing' }],
  ['pending -> cancelled when it drops below threshold (even above recoverBelow)', {}, pending(), 55, 10, T0 + 100_000, {
    close: { state: 'cancelled', reason: 'below-threshold' },
    events: ['cancelled'],
    notify: null,
  }],
  ['pending -> cancelled on no data', {}, pending(), null, 1, T0 + 100_000, { close: { state: 'cancelled', reason: 'no-data' }, events: ['cancelled'], notify: null }],
  ['firing stays firing between recoverBelow and threshold (hysteresis)', {}, firing(), 52, 10, T0 + 60_000, { events: [], notify: null }],
  ['firing stays firing exactly at recoverBelow', {}, firing(), 50, 10, T0 + 60_000, { events: [], notify: null }],
  ['firing -> resolved below recoverBelow, notifying', {}, firing(), 49.9, 10, T0 + 60_000, {
    close: { state: 'resolved', reason: 'recovered' },
    events: ['resolved'],
    notify: 'resolved',
  }],
  ['firing repeats after repeatSeconds', {}, firing(), 70, 10, T0 + 3_600_000, { events: ['repeat'], notify: 'repeat' }],
  ['firing does not repeat before repeatSeconds', {}, firing(), 70, 10, T0 + 3_599_999, { events: [], notify: null }],
  ['firing never repeats with repeatSeconds 0', { repeatSeconds: 0 }, firing(), 70, 10, T0 + 99 * 3_600_000, { events: [], notify: null }],
  ['acknowledged firing does not repeat', {}, firing({ acknowledged: true }), 70, 10, T0 + 7_200_000, { events: [], notify: null }],
  ['acknowledged firing still resolves and notifies', {}, firing({ acknowledged: true }), 10, 10, T0 + 7_200_000, {
    close: { state: 'resolved', reason: 'recovered' },
    events: ['resolved'],
    notify: 'resolved',
  }],
  ['firing with too few statements stays firing and records no-data once', {}, firing(), null, 2, T0 + 60_000, {
    noDataSince: T0 + 60_000,
    events: ['no-data'],
    notify: null,
  }],
  ['firing already in no-data records nothing more', {}, firing({ noDataSince: T0 }), null, 2, T0 + 120_000, { events: [], notify: null }],
  ['firing with data back records data-resumed', {}, firing({ noDataSince: T0 }), 65, 10, T0 + 120_000, { noDataSince: null, events: ['data-resumed'], notify: null }],
  ['firing with an empty window resolves (window-empty)', {}, firing(), null, 0, T0 + 60_000, {
    close: { state: 'resolved', reason: 'window-empty' },
    events: ['resolved'],
    notify: 'resolved',
  }],
  ['silenced: ok -> firing records the event but does not notify', { forSeconds: 0, silencedUntil: T0 + 1000 }, null, 80, 10, T0, {
    open: 'firing',
    events: ['firing'],
    notify: null,
    suppressed: 'silenced',
  }],
  ['silenced: pending -> firing without notification', { silencedUntil: T0 + 999_999 }, pending(), 80, 10, T0 + 300_000, {
    fire: true,
    events: ['firing'],
    notify: null,
    suppressed: 'silenced',
  }],
  ['silence over: a firing alert that never notified notifies once', { silencedUntil: T0 + 1000 }, firing({ lastNotifiedAt: null }), 80, 10, T0 + 1000, {
    events: ['firing'],
    notify: 'firing',
  }],
  ['silenced: a due repeat is suppressed', { silencedUntil: T0 + 9_999_999 }, firing(), 80, 10, T0 + 3_600_000, { events: [], notify: null, suppressed: 'silenced' }],
  ['silenced: resolving is recorded without notification', { silencedUntil: T0 + 9_999_999 }, firing(), 10, 10, T0 + 60_000, {
    close: { state: 'resolved', reason: 'recovered' },
    events: ['resolved'],
    notify: null,
    suppressed: 'silenced',
  }],
  ['a firing alert that never notified resolves without notification', { silencedUntil: T0 + 9_999_999 }, firing({ lastNotifiedAt: null }), 10, 10, T0 + 60_000, {
    close: { state: 'resolved', reason: 'recovered' },
    events: ['resolved'],
    notify: null,
  }],
];

/**
 * An empty window, as each metric measures it: index and max have no value (too few
 * statements), count has the value 0. Each must end the alert the same way, whatever the
 * thresholds (recoverBelow 0 included: nothing is below 0).
 */
const EMPTY_BY_METRIC: Array<[metric: string, value: number | null]> = [['index', null], ['max', null], ['count', 0]];

describe('decide(): an empty window ends the alert for every metric', () => {
  for (const [metric, value] of EMPTY_BY_METRIC) {
    const zeroFloor = { threshold: metric === 'count' ? 1 : 60, recoverBelow: 0 };
    it(`${metric}: firing with recoverBelow 0 resolves (window-empty) and notifies`, () => {
      const d = decide({ ...rule, ...zeroFloor }, firing(), { value, count: 0 }, T0 + 3_600_000);
      assert.deepEqual(d.close, { state: 'resolved', reason: 'window-empty' });
      assert.deepEqual(d.events, ['resolved']);
      assert.equal(d.notify, 'resolved');
    });
    it(`${metric}: a firing alert due a repeat resolves instead of repeating`, () => {
      const d = decide({ ...rule, ...zeroFloor, repeatSeconds: 60 }, firing(), { value, count: 0 }, T0 + 3_600_000);
      assert.deepEqual(d.events, ['resolved']);
      assert.notEqual(d.notify, 'repeat');
    });
    it(`${metric}: pending is cancelled (window-empty)`, () => {
      const d = decide({ ...rule, ...zeroFloor }, pending(), { value, count: 0 }, T0 + 1000);
      assert.deepEqual(d.close, { state: 'cancelled', reason: 'window-empty' });
    });
    it(`${metric}: nothing opens on an empty window, even at threshold 0`, () => {
      const d = decide({ ...rule, threshold: 0, recoverBelow: 0, forSeconds: 0 }, null, { value, count: 0 }, T0);
      assert.deepEqual(d, { events: [], notify: null });
    });
  }

  it('count: a window that is not empty keeps a recoverBelow-0 alert firing (0 is never below 0)', () => {
    const d = decide({ ...rule, threshold: 5, recoverBelow: 0 }, firing(), { value: 1, count: 1 }, T0 + 60_000);
    assert.deepEqual(d.events, []);
    assert.equal(d.close, undefined);
  });

  it('count: a clock walking past the last statement fires, repeats, then resolves once the window empties', () => {
    // Window 10 min; 6 statements at T0..T0+5 min; evaluated every minute for 20 minutes.
    const r: RuleParams = { threshold: 5, recoverBelow: 0, forSeconds: 0, repeatSeconds: 300, silencedUntil: null };
    const times = [0, 1, 2, 3, 4, 5].map((i) => T0 + i * 60_000);
    let open: OpenAlert | null = null;
    const log: string[] = [];
    for (let i = 0; i <= 20; i++) {
      const at = T0 + 5 * 60_000 + i * 60_000;
      const count = times.filter((t) => t > at - 600_000 && t <= at).length;
      const d = decide(r, open, { value: count, count }, at);
      for (const e of d.events) log.push(`${i}:${e}:${count}`);
      if (d.open) open = { state: d.open, startedAt: at, lastNotifiedAt: d.notify ? at : null, acknowledged: false, noDataSince: null };
      else if (open !== null && d.notify) open = { ...(open as OpenAlert), lastNotifiedAt: at };
      if (d.close) open = null;
    }
    assert.deepEqual(log, ['0:firing:6', '5:repeat:5', '10:resolved:0']);
    assert.equal(open, null);
  });
});

describe('decide(): the alert lifecycle', () => {
  for (const [name, over, open, value, count, at, expected] of rows) {
    it(name, () => {
      const d = decide({ ...rule, ...over }, open, { value, count }, at);
      const picked = Object.fromEntries(Object.keys({ ...expected, events: 1, notify: 1 }).map((k) => [k, d[k as keyof Decision]]));
      assert.deepEqual(picked, { ...expected, events: expected.events ?? [], notify: expected.notify ?? null });
      for (const k of ['open', 'fire', 'close', 'noDataSince', 'suppressed'] as const) {
        if (!(k in expected)) assert.equal(d[k], undefined, `unexpected ${k}`);
      }
    });
  }

  it('flapping around the threshold (between recoverBelow and threshold) notifies once', () => {
    const r = { ...rule, forSeconds: 0, repeatSeconds: 0 };
    let open: OpenAlert | null = null;
    const notifications: string[] = [];
    const series = [61, 58, 62, 55, 60, 51, 64, 50.5, 70, 52];
    series.forEach((value, i) => {
      const at = T0 + i * 60_000;
      const d = decide(r, open, { value, count: 10 }, at);
      if (d.notify) notifications.push(d.notify);
      if (d.open) open = { state: d.open, startedAt: at, lastNotifiedAt: d.notify ? at : null, acknowledged: false, noDataSince: null };
      if (d.close) open = null;
    });
    assert.deepEqual(notifications, ['firing']);
    assert.equal(open!.state, 'firing');
  });

  it('flapping across both thresholds re-notifies each genuine episode only', () => {
    const r = { ...rule, forSeconds: 0, repeatSeconds: 0 };
    let open: OpenAlert | null = null;
    const notifications: string[] = [];
    for (const [i, value] of [70, 40, 70, 40].entries()) {
      const at = T0 + i * 60_000;
      const d = decide(r, open, { value, count: 10 }, at);
      if (d.notify) notifications.push(d.notify);
      if (d.open) open = { state: d.open, startedAt: at, lastNotifiedAt: at, acknowledged: false, noDataSince: null };
      if (d.close) open = null;
    }
    assert.deepEqual(notifications, ['firing', 'resolved', 'firing', 'resolved']);
  });

  it('a pending period interrupted by a dip starts over', () => {
    const first = decide(rule, pending(), { value: 59, count: 10 }, T0 + 200_000);
    assert.equal(first.close?.state, 'cancelled');
    const again = decide(rule, null, { value: 65, count: 10 }, T0 + 260_000);
    assert.equal(again.open, 'pending');
    const early = decide(rule, pending({ startedAt: T0 + 260_000 }), { value: 65, count: 10 }, T0 + 400_000);
    assert.deepEqual(early.events, []);
  });
});
