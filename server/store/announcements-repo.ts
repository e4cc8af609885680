import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';

/** A scored batch whose push has not (yet) left the node that scored it. Times unix ms. */
export interface PendingAnnouncement {
  id: number;
  nodeId: string;
  createdAt: number;
  /** The batch's statement ids, in id order. */
  ids: number[];
  /** The metric scopes the batch moved. */
  scopes: string[];
}

type Row = Omit<PendingAnnouncement, 'ids' | 'scopes'> & { ids: string; scopes: string };

/**
 * Scored batches not yet announced to the pages (migration 014): `record` inside the scoring
 * transaction, `done` once the push has left, and `takeStale` for the leader's sweep, which
 * announces the batches of a node that died between its commit and its push. `takeStale`
 * deletes what it returns in one statement (on PostgreSQL skipping rows another node holds),
 * so two sweeps never announce the same batch.
 */
export function createAnnouncementsRepo(db: Db) {
  const insert = db.prepare('INSERT INTO score_announcements (node_id, created_at, ids, scopes) VALUES (?, ?, ?, ?)');
  const remove = db.prepare('DELETE FROM score_announcements WHERE id = ?');
  const columns = 'id, node_id AS nodeId, created_at AS createdAt, ids, scopes';
  const take = db.prepare(
    `DELETE FROM score_announcements WHERE id IN (
       SELECT id FROM score_announcements WHERE created_at < ? ORDER BY id LIMIT ?${isPostgres(db) ? ' FOR UPDATE SKIP LOCKED' : ''}
     ) RETURNING ${columns}`,
  );
  const count = db.prepare('SELECT count(*) AS n FROM score_announcements');
  return {
    record(nodeId: string, at: number, ids: number[], scopes: string[]): number {
      return Number(insert.run(nodeId, at, JSON.stringify(ids), JSON.stringify(scopes)).lastInsertRowid);
    },
    done(id: number): void {
      remove.run(id);
    },
    /** Removes and returns, oldest first, up to `limit` batches recorded before `before`. */
    takeStale(before: number, limit: number): PendingAnnouncement[] {
      const rows = take.all(before, limit) as Row[];
      return rows
        .map((r) => ({ ...r, id: Number(r.id), createdAt: Number(r.createdAt), ids: JSON.parse(r.ids) as number[], scopes: JSON.parse(r.scopes) as string[] }))
        .sort((a, b) => a.id - b.id);
    },
    pending(): number {
      return Number((count.get() as { n: number }).n);
    },
  };
}

export type AnnouncementsRepo = ReturnType<typeof createAnnouncementsRepo>;
