import type { StatementView } from '../../server/store/statement-types.ts';

/** One page of GET /api/statements. */
export interface FeedPage {
  statements: StatementView[];
  nextCursor: string | null;
}

/**
 * The API's keyset cursor for "rows older than (t, id)": base64url of `${t}:${id}`, as
 * server/http/statement-filters.ts encodes it (test/realtime/feed-cursor.test.ts holds the two
 * together). The feed needs it where it drops its bottom rows and where a snapshot ends.
 */
export function feedCursor(occurredAt: number, id: number): string {
  return btoa(`${occurredAt}:${id}`).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
