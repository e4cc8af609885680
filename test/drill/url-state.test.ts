import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readUrlView, urlFor } from '../../client/src/url-state.ts';
import { specOf } from '../../client/src/chart-view.ts';
import { dotBucket, lineBucket } from '../../client/src/bucket-statements.ts';
import { storyRange, storyStep } from '../../client/src/alert-story.ts';
import { checkRollingCost } from '../../server/http/metrics-routes.ts';

const T = Date.UTC(2026, 11, 1, 12, 0);
const H = 3_600_000;

describe('URL state', () => {
  it('reads range, scope, custom from/to and zone, and writes them back the same', () => {
    const v = readUrlView('?range=7d&scope=actor%3ARussia&tz=utc');
    assert.deepEqual(v, { range: '7d', scope: 'actor:Russia', tz: 'utc' });
    assert.deepEqual(readUrlView(urlFor(v, '')), v);
    const custom = { range: 'custom', scope: 'dyad:Russia>Ukraine', from: T - 3 * H, to: T, tz: 'local' as const };
    const q = urlFor(custom, '?q=nuclear');
    assert.match(q, /q=nuclear/, 'keys it does not own are kept');
    assert.deepEqual(readUrlView(q), custom);
  });

  it('falls back to the default view on broken values, never throws', () => {
    assert.deepEqual(readUrlView('?range=99y&scope=planet%3AMars&tz=mars'), { range: '24h', scope: 'global', tz: 'local' });
    assert.deepEqual(readUrlView('?range=custom&from=nonsense&to=2026-01-01'), { range: '24h', scope: 'global', tz: 'local' });
    // from after to is not a range.
    assert.equal(readUrlView(`?from=${T}&to=${T - H}`).range, '24h');
    // A range longer than the server serves is cut to 92 days.
    const long = readUrlView(`?from=0&to=${T}`);
    assert.equal(long.to! - long.from!, 92 * 86_400_000);
    assert.equal(urlFor({ range: '24h', scope: 'global', tz: 'local' }, ''), '', 'the default view is the bare URL');
  });

  it('gives every custom range a window and step the server accepts', () => {
    for (const span of [3 * 60_000, H, 2 * H, 30 * H, 2 * 86_400_000, 10 * 86_400_000, 14 * 86_400_000, 60 * 86_400_000, 92 * 86_400_000]) {
      const spec = specOf({ range: 'custom', scope: 'global', from: T - span, to: T });
      const ms = (w: string) => Number(w.slice(0, -1)) * { m: 60_000, h: H, d: 86_400_000 }[w.slice(-1) as 'm']!;
      assert.doesNotThrow(() => checkRollingCost(T - span, T, ms(spec.window), ms(spec.step)), `span ${span}`);
    }
  });
});

describe('chart buckets', () => {
  it('a dot is its minute or hour, a line point its window ending at the next whole minute', () => {
    assert.deepEqual(dotBucket(T, 'minute'), { from: T, to: T + 60_000, what: 'the minute' });
    assert.deepEqual(dotBucket(T, 'hour'), { from: T, to: T + H, what: 'the hour' });
    assert.deepEqual(lineBucket(T, H, '1h'), { from: T - H, to: T, what: 'the 1h window' });
    assert.deepEqual(lineBucket(T + 1_000, H, '1h'), { from: T + 60_000 - H, to: T + 60_000, what: 'the 1h window' });
  });
});

describe('alert story range', () => {
  it('starts a window (at least 6 h) before the episode and stays within the rolling limits', () => {
    for (const [windowMs, len] of [[H, 2 * H], [24 * H, 3 * 86_400_000], [7 * 86_400_000, 20 * 86_400_000]] as const) {
      const a = { startedAt: T - len, resolvedAt: null };
      const r = storyRange(a, windowMs, T);
      assert.ok(r.from <= a.startedAt - Math.max(windowMs, 6 * H));
      assert.equal(r.to, T, 'an open episode ends now');
      const step = storyStep(r.from, r.to, windowMs);
      assert.doesNotThrow(() => checkRollingCost(r.from, r.to, windowMs, Number(step.slice(0, -1)) * 60_000));
    }
  });
});
