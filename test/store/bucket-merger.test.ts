import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contributionsFor, type ScoredForMetrics } from '../../server/metrics/risk-index.ts';
import { BUCKET_WIDTHS, createBucketMerger, mergeForTables, type BucketContribution } from '../../server/store/metrics-repo.ts';

/** The reference: sums contributions in the same (scope, bucket of `widthMs`), one table at a time, in order of first appearance. */
function mergeBuckets(contributions: BucketContribution[], widthMs: number): BucketContribution[] {
  // Keyed by scope, then bucket start: no string key built per contribution.
  const byScope = new Map<string, Map<number, BucketContribution>>();
  const merged: BucketContribution[] = [];
  for (const c of contributions) {
    const bucketStart = c.bucketStart - (c.bucketStart % widthMs);
    let buckets = byScope.get(c.scope);
    if (buckets === undefined) {
      buckets = new Map();
      byScope.set(c.scope, buckets);
    }
    const m = buckets.get(bucketStart);
    if (m === undefined) {
      const first = { ...c, bucketStart };
      buckets.set(bucketStart, first);
      merged.push(first);
      continue;
    }
    m.n += c.n;
    m.sumScore += c.sumScore;
    m.sumW += c.sumW;
    m.sumWScore += c.sumWScore;
    if (c.maxScore > m.maxScore) m.maxScore = c.maxScore;
  }
  return merged;
}

/** A seeded stream of contributions: mostly in time order, with stragglers and repeats, like a backfill. */
function contributions(seed: number, count: number): BucketContribution[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const scopes = ['global', 'actor:Russia', 'actor:NATO', 'dyad:Russia>NATO', 'category:threat', 'category:talks-meetings'];
  const start = Date.UTC(2026, 0, 1);
  const out: BucketContribution[] = [];
  for (let i = 0; i < count; i++) {
    const late = random() < 0.1 ? -Math.floor(random() * 3 * 86_400_000) : 0;
    const at = start + i * 37_000 + late;
    const score = Math.round(random() * 1000) / 10;
    const w = 1 + score / 50;
    out.push({ scope: scopes[Math.floor(random() * scopes.length)]!, bucketStart: at - (at % 60_000), n: 1, sumScore: score, sumW: w, sumWScore: w * score, maxScore: score });
  }
  return out;
}

describe('merging a batch of metric contributions into minute, hour and day rows', () => {
  it('gives exactly the rows, order and sums of merging each table on its own, out-of-order stragglers included', () => {
    for (const seed of [1, 2, 3]) {
      const c = contributions(seed, 3000);
      const expected = BUCKET_WIDTHS.map((w) => mergeBuckets(c, w));
      assert.deepEqual(mergeForTables(c), expected);
      assert.equal(expected[0]!.reduce((n, r) => n + r.n, 0), 3000);
      assert.ok(expected[2]!.length < expected[1]!.length && expected[1]!.length < expected[0]!.length);
    }
  });

  it('addStatement gives exactly the rows of adding contributionsFor(statement): repeated targets and categories, the speaker among its targets, no speaker, scores out of range', () => {
    const actors = [null, '', 'Russia', 'NATO', 'China'];
    const names = ['Russia', 'NATO', 'Ukraine', 'Taiwan', 'China'];
    const cats = ['threat', 'military-action', 'talks-meetings', 'sanctions'];
    let a = 7;
    const random = () => {
      a = (a * 1103515245 + 12345) % 2147483648;
      return a / 2147483648;
    };
    const pick = <T,>(xs: T[]) => xs[Math.floor(random() * xs.length)]!;
    const start = Date.UTC(2026, 0, 1);
    const statements: ScoredForMetrics[] = [];
    for (let i = 0; i < 2000; i++) {
      const late = random() < 0.1 ? -Math.floor(random() * 2 * 86_400_000) : 0;
      statements.push({
        occurredAt: start + i * 41_000 + late + Math.floor(random() * 1000),
        score: Math.round(random() * 1200 - 100) / 10, // -10 .. 110: clamped to 0..100
        actor: pick(actors),
        targets: Array.from({ length: Math.floor(random() * 4) }, () => pick(names)),
        categories: Array.from({ length: Math.floor(random() * 4) }, () => pick(cats)),
      });
    }
    const viaStatements = createBucketMerger();
    for (const s of statements) viaStatements.addStatement(s);
    const viaContributions = createBucketMerger();
    for (const s of statements) for (const c of contributionsFor(s)) viaContributions.add(c);
    assert.deepEqual(viaStatements.rows(), viaContributions.rows());
    assert.ok(viaStatements.rows()[0]!.some((r) => r.scope.startsWith('dyad:')));
    assert.ok(viaStatements.rows()[0]!.every((r) => r.scope !== 'actor:'));
  });
});
