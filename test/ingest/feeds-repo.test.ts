import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createFeedsRepo } from '../../server/store/feeds-repo.ts';
import { createTempStore } from '../helpers/temp-store.ts';

describe('feeds repo on either store', () => {
  const t = createTempStore('bw-feeds-repo-');
  after(() => t.cleanup());

  it('records a failure whose message quotes a NUL byte (PostgreSQL text cannot hold one)', () => {
    const feeds = createFeedsRepo(t.store.db);
    const feed = feeds.insert({ name: 'Garbage', url: 'https://feeds.example/x', intervalSeconds: 60, origin: 'api', createdAt: 1000, nextAttemptAt: 1000 });
    feeds.recordFailure(feed.id, { at: 2000, error: 'not well-formed XML near "\u0000\u0001"', code: 'malformed-xml', httpStatus: 200, nextAttemptAt: 62_000 });
    const row = feeds.get(feed.id)!;
    assert.equal(row.lastError, 'not well-formed XML near "\uFFFD\u0001"');
    assert.equal(row.lastErrorCode, 'malformed-xml');
    assert.equal(row.consecutiveFailures, 1);
    assert.equal(row.nextAttemptAt, 62_000);
  });
});
