import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What the three-node test posts: lines of the shipped demo data, whose scores are known
 * (data/demo/statements.jsonl, `kind` says which band each line falls in).
 */

export interface DemoLine { text: string; speaker: string; source: string; kind: string }

const demo = fs
  .readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'demo', 'statements.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as DemoLine);
// The load: calm and de-escalating lines (scores under 30), none from the two watched actors.
const quiet = demo.filter((l) => (l.kind === 'calm' || l.kind === 'deescalation') && l.speaker !== 'Iran' && l.speaker !== 'North Korea');
// Severe lines trip the rules (max score >= 90): two of Iran's four and two of North Korea's four score above 90.
const iran = demo.filter((l) => l.kind === 'severe' && l.speaker === 'Iran');
const northKorea = demo.filter((l) => l.kind === 'severe' && l.speaker === 'North Korea');
if (quiet.length < 50 || iran.length !== 4 || northKorea.length !== 4) {
  throw new Error(`data/demo/statements.jsonl changed: ${quiet.length} quiet, ${iran.length} Iran and ${northKorea.length} North Korea severe lines (want >= 50, 4, 4)`);
}

/** Position i of the load: quiet lines, Iran's at 20, 40, 60, 80 (before the kill) and North Korea's at 200, 220, 240, 260 (after it). */
export function lineAt(i: number): DemoLine {
  if (i >= 20 && i <= 80 && i % 20 === 0) return iran[i / 20 - 1]!;
  if (i >= 200 && i <= 260 && i % 20 === 0) return northKorea[(i - 200) / 20]!;
  return quiet[i % quiet.length]!;
}

/** p50, p99 and max of a list of durations (ms), for the printed figures. */
export function percentiles(values: number[]): { n: number; p50: number; p99: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number) => v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] ?? NaN;
  return { n: v.length, p50: at(0.5), p99: at(0.99), max: v[v.length - 1] ?? NaN };
}
