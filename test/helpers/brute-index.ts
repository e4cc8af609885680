/**
 * The risk index recomputed by brute force from raw statements, straight from the definition in
 * server/metrics/README.md, sharing no code with the server beyond the scope rule: the
 * reference the exact series and cards are tested against.
 */
import { scopesFor, type ScoredForMetrics } from '../../server/metrics/risk-index.ts';

const MIN = 60_000;
const scopesOf = new WeakMap<ScoredForMetrics, Set<string>>();

export interface BruteValue {
  /** Unrounded Σ d·w·score / Σ d·w; null for an empty window. */
  raw: number | null;
  count: number;
  max: number | null;
}

/** Statements said in [E - W, E), E = t rounded up to a minute; age from E to the middle of each statement's minute. */
export function bruteWindow(statements: ScoredForMetrics[], scope: string, t: number, windowMs: number): BruteValue {
  const end = Math.ceil(t / MIN) * MIN;
  let num = 0;
  let den = 0;
  let count = 0;
  let max: number | null = null;
  for (const s of statements) {
    if (s.occurredAt < end - windowMs || s.occurredAt >= end) continue;
    let scopes = scopesOf.get(s);
    if (scopes === undefined) scopesOf.set(s, (scopes = new Set(scopesFor(s))));
    if (!scopes.has(scope)) continue;
    const score = Math.min(100, Math.max(0, s.score));
    const w = 1 + 3 * (score / 100) ** 2;
    const age = end - (Math.floor(s.occurredAt / MIN) * MIN + MIN / 2);
    const d = 2 ** (-age / (windowMs / 4));
    num += d * w * score;
    den += d * w;
    count++;
    max = max === null ? score : Math.max(max, score);
  }
  return { raw: count > 0 ? num / den : null, count, max };
}

/**
 * True when an API index (rounded to 0.1) is the rounding of the brute-force value. Within 1e-9
 * of a rounding boundary either neighbour is accepted: two exact sums in different orders may
 * differ in the 15th digit.
 */
export function sameIndex(api: number | null, brute: number | null): boolean {
  if (api === null || brute === null) return api === brute;
  if (api === Math.round(brute * 10) / 10) return true;
  const onBoundary = Math.abs((brute * 10 - Math.floor(brute * 10)) - 0.5) < 1e-8;
  return onBoundary && Math.abs(api - brute) <= 0.05 + 1e-9;
}

/** Seeded uniform [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACTORS = ['Russia', 'Ukraine', 'China', null];
const CATEGORIES = ['threat', 'talks', 'sanctions'];

/**
 * A random history ending at `now`: a steady trickle with gaps of hours to days, bursts of many
 * statements in one minute, statements exactly on minute and window edges and in the current,
 * unfinished minute.
 */
export function randomHistory(random: () => number, now: number, days: number): ScoredForMetrics[] {
  const out: ScoredForMetrics[] = [];
  const make = (occurredAt: number): ScoredForMetrics => {
    const actor = ACTORS[Math.floor(random() * ACTORS.length)]!;
    const r = random();
    const score = r < 0.05 ? 0 : r < 0.1 ? 100 : Math.round(random() * 1000) / 10 + (random() < 0.2 ? random() / 7 : 0);
    return {
      occurredAt,
      score,
      actor,
      targets: random() < 0.4 ? [ACTORS[Math.floor(random() * 3)]!] : [],
      categories: CATEGORIES.filter(() => random() < 0.3),
    };
  };
  let t = now - days * 86_400_000;
  while (t < now) {
    const r = random();
    if (r < 0.02) t += Math.floor(random() * 2 * 86_400_000); // a gap of up to two days
    else if (r < 0.1) t += Math.floor(random() * 5 * 3_600_000); // hours of silence
    else if (r < 0.13) {
      const burst = 5 + Math.floor(random() * 60); // a burst in one minute or a few
      for (let i = 0; i < burst; i++) out.push(make(t + Math.floor(random() * 180_000)));
    } else t += Math.floor(random() * 40 * MIN);
    if (t < now) out.push(make(random() < 0.15 ? Math.floor(t / MIN) * MIN : t));
  }
  // Edges: the current minute, exact minute boundaries around the 1 h and 24 h windows.
  const minute = Math.floor(now / MIN) * MIN;
  for (const at of [now - 1, minute, minute - 1, Math.ceil(now / MIN) * MIN - 3_600_000, Math.ceil(now / MIN) * MIN - 3_600_000 - 1, Math.ceil(now / MIN) * MIN - 86_400_000]) {
    if (random() < 0.7 && at <= now) out.push(make(at));
  }
  return out.filter((s) => s.occurredAt <= now);
}
