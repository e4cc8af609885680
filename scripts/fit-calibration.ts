// node --import tsx scripts/fit-calibration.ts
//
// Refits the calibration curve's two fitted parameters (taxonomy.calibration.knee and
// upperSlope; baseline and slope stay as shipped) on test/fixtures/scoring/calibration.jsonl
// (calm < 20, middle 20-60, severe >= 60) by grid search, and reports the leave-one-out
// figure: each statement judged by the curve fitted without it. The net escalation of each
// statement is recovered by inverting the shipped curve, so the scorer runs once per statement.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadScorer } from '../server/config/load-scorer.ts';

interface Case { band: 'calm' | 'middle' | 'severe'; text: string }
interface Curve { knee: number; up: number }

const FILE = fileURLToPath(new URL('../test/fixtures/scoring/calibration.jsonl', import.meta.url));
const TAXONOMY = fileURLToPath(new URL('../data/lexicon/taxonomy.json', import.meta.url));

const scorer = loadScorer();
const cal = (JSON.parse(readFileSync(TAXONOMY, 'utf8')) as { calibration: { baseline: number; slope: number; knee: number; upperSlope: number } }).calibration;
const logit = (p: number): number => Math.log(p / (1 - p));
const b0 = logit(cal.baseline / 100);
const netOf = (score: number): number => {
  const x = logit(Math.min(99.95, Math.max(0.05, score)) / 100) - b0;
  const atKnee = cal.slope * cal.knee;
  return x <= atKnee ? x / cal.slope : cal.knee + (x - atKnee) / cal.upperSlope;
};
const cases = readFileSync(FILE, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Case);
const points = cases.map((c) => ({ band: c.band, net: netOf(scorer.score(c.text).score) }));

const scoreAt = (q: Curve, net: number): number => {
  const x = b0 + cal.slope * Math.min(net, q.knee) + q.up * Math.max(0, net - q.knee);
  return Math.round(1000 / (1 + Math.exp(-x))) / 10;
};
const right = (q: Curve, p: (typeof points)[number]): boolean => {
  const s = scoreAt(q, p.net);
  return p.band === 'calm' ? s < 20 : p.band === 'severe' ? s >= 60 : s >= 20 && s < 60;
};
const grid: Curve[] = [];
for (let k = 0.5; k <= 2.0001; k += 0.25) for (let u = 0.8; u <= 2.0001; u += 0.1) grid.push({ knee: Math.round(k * 100) / 100, up: Math.round(u * 100) / 100 });
const best = (xs: typeof points): Curve => {
  let b = grid[0]!;
  let n = -1;
  for (const g of grid) {
    const r = xs.filter((p) => right(g, p)).length;
    if (r > n) [b, n] = [g, r];
  }
  return b;
};
const tally = (judge: (p: (typeof points)[number], i: number) => boolean): string =>
  (['calm', 'middle', 'severe'] as const)
    .map((band) => {
      const idx = points.map((p, i) => [p, i] as const).filter(([p]) => p.band === band);
      return `${band} ${idx.filter(([p, i]) => judge(p, i)).length}/${idx.length}`;
    })
    .join(', ');
const full = best(points);
process.stdout.write(`fitted on all ${points.length} statements: knee ${full.knee}, upperSlope ${full.up}; shipped: knee ${cal.knee}, upperSlope ${cal.upperSlope}\n`);
process.stdout.write(`shipped curve: ${tally((p) => right({ knee: cal.knee, up: cal.upperSlope }, p))}\n`);
process.stdout.write(`leave-one-out: ${tally((p, i) => right(best(points.filter((_, j) => j !== i)), p))}\n`);
