import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, rocAuc, spearman } from '../../server/scoring/rank-stats.ts';

test('averageRanks() gives tied values the mean of their ranks', () => {
  assert.deepEqual(averageRanks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.deepEqual(averageRanks([1, 1, 1]), [2, 2, 2]);
});

test('rocAuc() is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie', () => {
  assert.equal(rocAuc([0.1, 0.2, 0.8, 0.9], [false, false, true, true]), 1);
  assert.equal(rocAuc([0.9, 0.8, 0.2, 0.1], [false, false, true, true]), 0);
  assert.equal(rocAuc([5, 5, 5, 5], [false, true, false, true]), 0.5);
});

test('rocAuc() counts ties between a positive and a negative as one half (Mann-Whitney)', () => {
  // positives 3, 2; negatives 1, 2. Pairs: (3>1) (3>2) (2>1) (2=2 -> 0.5) = 3.5 / 4
  assert.equal(rocAuc([3, 2, 1, 2], [true, true, false, false]), 0.875);
});

test('rocAuc() is NaN when a class is empty and throws on length mismatch', () => {
  assert.ok(Number.isNaN(rocAuc([1, 2], [true, true])));
  assert.throws(() => rocAuc([1], [true, false]), /differ in length/);
});

test('spearman() is 1 for monotone series, -1 for reversed, and handles ties with average ranks', () => {
  assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 400]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // x ranks [1, 2.5, 2.5, 4], y ranks [1, 2, 3, 4] -> Pearson of ranks = 4.5 / sqrt(4.5 * 5)
  const rho = spearman([1, 2, 2, 3], [1, 2, 3, 4]);
  assert.ok(Math.abs(rho - 4.5 / Math.sqrt(4.5 * 5)) < 1e-12, String(rho));
});

test('spearman() is NaN for constant or too-short series', () => {
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
  assert.ok(Number.isNaN(spearman([1], [2])));
});
