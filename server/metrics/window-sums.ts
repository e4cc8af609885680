/**
 * The rolling index over minute columns, exactly (pure: no clock, no store). Each point is
 * summed afresh over the minutes of its own window, oldest first, with the decay of each
 * minute taken from a table of decayAt() values: the same terms, in the same order, as
 * windowValue() over the same buckets. No running sums that are added to and subtracted from
 * (which drift), no coarse rollups (which cannot carry a per-minute decay).
 */
import type { MinuteColumns } from '../store/minute-cache.ts';
import { lowerBound } from '../store/minute-cache.ts';
import { decayAt, MINUTE_MS, valueOf, windowEnd, type WindowSums, type WindowValue } from './risk-index.ts';

const tables = new Map<number, Float64Array>();

/**
 * decayAt() of the k-th minute before a window's end (k = 0 the last minute), for k < W/1 min.
 * Age = (k + 1) minutes − 30 s, computed as windowValue() computes it.
 */
function decayTable(windowMs: number): Float64Array {
  let t = tables.get(windowMs);
  if (t === undefined) {
    const minutes = Math.ceil(windowMs / MINUTE_MS);
    t = new Float64Array(minutes);
    for (let k = 0; k < minutes; k++) t[k] = decayAt((k + 1) * MINUTE_MS - MINUTE_MS / 2, windowMs);
    if (tables.size >= 32) tables.clear(); // a handful of windows in practice; never unbounded
    tables.set(windowMs, t);
  }
  return t;
}

/** The sums of the window of `windowMs` read at `t` (see windowEnd): unrounded, for tests and callers that round. */
export function sumsAt(cols: MinuteColumns, t: number, windowMs: number): WindowSums {
  const end = windowEnd(t);
  const table = decayTable(windowMs);
  const i0 = lowerBound(cols.start, end - windowMs, 0, cols.length);
  const i1 = lowerBound(cols.start, end, i0, cols.length);
  let num = 0;
  let den = 0;
  let count = 0;
  let max = -Infinity;
  const { start, n, sumW, sumWScore } = cols;
  const top = cols.max;
  for (let i = i0; i < i1; i++) {
    const d = table[(end - start[i]!) / MINUTE_MS - 1]!;
    num += d * sumWScore[i]!;
    den += d * sumW[i]!;
    count += n[i]!;
    if (top[i]! > max) max = top[i]!;
  }
  return { num, den, count, max: i1 > i0 ? max : null };
}

export function valueAt(cols: MinuteColumns, t: number, windowMs: number, minStatements: number): WindowValue {
  return valueOf(sumsAt(cols, t, windowMs), minStatements);
}

/**
 * The times of a rolling series: every multiple of `stepMs` (counted from the unix epoch, UTC)
 * in [from, to), then `to` itself, the live point. A point's time never depends on `from`
 * beyond whether it is included.
 */
export function pointTimes(from: number, to: number, stepMs: number): number[] {
  const times: number[] = [];
  for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) times.push(t);
  times.push(to);
  return times;
}
