import assert from 'node:assert/strict';
import { test } from 'node:test';
import { feedCursor } from '../../client/src/feed-paging.ts';
import { decodeCursor, encodeCursor } from '../../server/http/statement-filters.ts';

test("the feed's cursor is the API's cursor (the feed builds one where it drops rows)", () => {
  for (const [occurredAt, id] of [
    [0, 1],
    [1_796_135_804_528, 72],
    [Date.UTC(2026, 10, 26, 12), 999_999_999],
    [253_402_300_799_999, 1],
    [1, 123_456_789_012_345],
  ] as const) {
    assert.equal(feedCursor(occurredAt, id), encodeCursor({ occurredAt, id }));
    assert.deepEqual(decodeCursor(feedCursor(occurredAt, id)), { occurredAt, id });
  }
});
