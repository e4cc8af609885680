// How weighted signals become a 0-100 score, and how scores map to levels.

import type { Level } from './types.ts';
import type { Calibration } from './lexicon.ts';

/** Level bands on the one-decimal score: min and max are both inclusive. */
export const LEVEL_BANDS: ReadonlyArray<{ level: Level; min: number; max: number }> = Object.freeze([
  Object.freeze({ level: 'calm' as const, min: 0, max: 19.9 }),
  Object.freeze({ level: 'low' as const, min: 20, max: 39.9 }),
  Object.freeze({ level: 'elevated' as const, min: 40, max: 59.9 }),
  Object.freeze({ level: 'high' as const, min: 60, max: 79.9 }),
  Object.freeze({ level: 'severe' as const, min: 80, max: 100 }),
]);

export function levelForScore(score: number): Level {
  if (!(score >= 20)) return 'calm'; // also NaN
  if (score < 40) return 'low';
  if (score < 60) return 'elevated';
  if (score < 80) return 'high';
  return 'severe';
}

/**
 * Sum with diminishing returns: the strongest signal counts fully, the next `decay` times, the
 * next `decay^2` times... so ten mild words do not outweigh one explicit threat, yet many
 * signals still add up. Over the first `n` weights of a buffer, sorted in place (descending).
 */
export function decaySumOf(weights: Float64Array, n: number, decay: number): number {
  if (n > 24) {
    const head = weights.subarray(0, n).sort(); // ascending: read from the end
    let total = 0;
    let f = 1;
    for (let i = n - 1; i >= 0; i--) {
      total += head[i]! * f;
      f *= decay;
      if (f < 1e-4) break;
    }
    return total;
  }
  for (let i = 1; i < n; i++) {
    const w = weights[i]!;
    let j = i - 1;
    while (j >= 0 && weights[j]! < w) {
      weights[j + 1] = weights[j]!;
      j--;
    }
    weights[j + 1] = w;
  }
  let total = 0;
  let f = 1;
  for (let i = 0; i < n; i++) {
    total += weights[i]! * f;
    f *= decay;
    if (f < 1e-4) break;
  }
  return total;
}

let lastP = -1;
let lastLogit = 0;
/** log(p / (1 - p)), memoised for the (constant) baseline. */
function logit(p: number): number {
  if (p !== lastP) {
    lastP = p;
    lastLogit = Math.log(p / (1 - p));
  }
  return lastLogit;
}

/**
 * Logistic map of net escalation onto 0-100. Net 0 (no signals, or balanced) gives the
 * baseline; net de-escalation goes below it towards 0; each unit of net escalation moves the
 * log-odds by `slope` up to `knee` and by `upperSlope` beyond it, so that calm and mildly
 * tense statements keep their scores while one clear severe act reaches the high band. Reads
 * the first `ne` / `nd` weights of two buffers (sorted in place).
 */
export function toScoreOf(escalation: Float64Array, ne: number, deescalation: Float64Array, nd: number, cal: Calibration): number {
  return scoreOfNet(decaySumOf(escalation, ne, cal.decay) - cal.deescalationFactor * decaySumOf(deescalation, nd, cal.decay), cal);
}

function scoreOfNet(net: number, cal: Calibration): number {
  const x = logit(cal.baseline / 100) + (net <= cal.knee ? cal.slope * net : cal.slope * cal.knee + cal.upperSlope * (net - cal.knee));
  const s = 100 / (1 + Math.exp(-x));
  return Math.round(s * 10) / 10;
}
