import type { Db } from './database.ts';

/** An analyst's note on the chart at a moment. Times are unix ms. */
export interface Annotation {
  id: number;
  at: number;
  note: string;
  /** The scope it belongs to; null: shown on every chart. */
  scope: string | null;
  createdBy: string;
  createdAt: number;
}

export interface AnnotationQuery {
  from?: number;
  to?: number;
  /** Annotations of this scope and those of every chart (scope NULL); 'global': those of every chart only. */
  scope?: string;
  limit?: number;
}

const COLUMNS = 'id, at, note, scope, created_by AS createdBy, created_at AS createdAt';

export function createAnnotationsRepo(db: Db) {
  const insert = db.prepare('INSERT INTO annotations (at, note, scope, created_by, created_at) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare(`SELECT ${COLUMNS} FROM annotations WHERE id = ?`);
  const remove = db.prepare('DELETE FROM annotations WHERE id = ?');

  function whereOf(q: AnnotationQuery, params: unknown[]): string {
    const where: string[] = [];
    if (q.from !== undefined) {
      where.push('at >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      where.push('at < ?');
      params.push(q.to);
    }
    if (q.scope === 'global') {
      where.push('scope IS NULL');
    } else if (q.scope !== undefined) {
      where.push('(scope IS NULL OR scope = ?)');
      params.push(q.scope);
    }
    return where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '';
  }

  return {
    add(a: { at: number; note: string; scope: string | null; createdBy: string; createdAt: number }): Annotation {
      const r = insert.run(a.at, a.note, a.scope, a.createdBy, a.createdAt);
      return byId.get(Number(r.lastInsertRowid)) as Annotation;
    },
    get(id: number): Annotation | undefined {
      return byId.get(id) as Annotation | undefined;
    },
    /** Oldest first (the order a chart and a spreadsheet read them in). */
    list(q: AnnotationQuery = {}): Annotation[] {
      const params: unknown[] = [];
      const limit = q.limit ?? 1000;
      return db.prepare(`SELECT ${COLUMNS} FROM annotations${whereOf(q, params)} ORDER BY at, id LIMIT ${Math.trunc(limit)}`).all(...params) as Annotation[];
    },
    delete(id: number): boolean {
      return remove.run(id).changes > 0;
    },
  };
}

export type AnnotationsRepo = ReturnType<typeof createAnnotationsRepo>;
