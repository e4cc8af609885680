import type { Db } from './database.ts';

export interface AuditEntry {
  at: number;
  actorId: number | null;
  actorName: string | null;
  /** What was done: `sign-in`, `sign-in-failed`, `user.add`, or `METHOD /api/route/:param` for API writes. */
  action: string;
  target: string | null;
  /** `ok`, `denied`, `failed` or an HTTP status. */
  outcome: string;
  ip: string | null;
  detail: string | null;
}

export interface AuditView extends Omit<AuditEntry, 'at'> {
  id: number;
  at: string;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  actor?: string;
  action?: string;
  beforeId?: number;
  limit: number;
}

const COLS = 'id, at, actor_id AS actorId, actor_name AS actorName, action, target, outcome, ip, detail';

function where(q: Omit<AuditQuery, 'limit'>): { sql: string; args: Array<string | number> } {
  const parts: string[] = [];
  const args: Array<string | number> = [];
  if (q.from !== undefined) (parts.push('at >= ?'), args.push(q.from));
  if (q.to !== undefined) (parts.push('at < ?'), args.push(q.to));
  if (q.actor !== undefined) (parts.push('actor_name = ? COLLATE NOCASE'), args.push(q.actor));
  if (q.action !== undefined) (parts.push('action LIKE ? ESCAPE \'\\\''), args.push(`${q.action.replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
  if (q.beforeId !== undefined) (parts.push('id < ?'), args.push(q.beforeId));
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
}

/** The append-only audit log: who did what, when, from where. */
export function createAuditRepo(db: Db) {
  const insert = db.prepare(
    'INSERT INTO audit_log (at, actor_id, actor_name, action, target, outcome, ip, detail) VALUES (@at, @actorId, @actorName, @action, @target, @outcome, @ip, @detail)',
  );
  const toView = (r: AuditEntry & { id: number }): AuditView => ({ ...r, at: new Date(r.at).toISOString() });
  return {
    record: (e: AuditEntry) => void insert.run(e),
    /** Newest first. */
    list(q: AuditQuery): AuditView[] {
      const w = where(q);
      return db.prepare<unknown[], AuditEntry & { id: number }>(`SELECT ${COLS} FROM audit_log ${w.sql} ORDER BY id DESC LIMIT ?`).all(...w.args, q.limit).map(toView);
    },
    /** Oldest first, streamed (CSV export). */
    *iterate(q: Omit<AuditQuery, 'limit' | 'beforeId'>): Generator<AuditView> {
      const w = where(q);
      for (const r of db.prepare<unknown[], AuditEntry & { id: number }>(`SELECT ${COLS} FROM audit_log ${w.sql} ORDER BY id`).iterate(...w.args)) yield toView(r);
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;
