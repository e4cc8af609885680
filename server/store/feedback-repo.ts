// Analysts' disagreement with scores (statement_feedback, migration 011): an append-only audit trail.
import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import type { FeedbackView } from './statement-types.ts';

/** The levels an analyst may assign, lowest first (as the scorer's levels). */
export const FEEDBACK_LEVELS = ['calm', 'low', 'elevated', 'high', 'severe'] as const;
export type FeedbackLevel = (typeof FEEDBACK_LEVELS)[number];

export interface NewFeedback {
  statementId: number;
  suggestedLevel: FeedbackLevel;
  reason: string;
  author: string;
  createdAt: number;
}

interface FeedbackRow {
  id: number;
  statement_id: number;
  suggested: string;
  reason: string;
  author: string;
  created_at: number;
  score: number | null;
  level: string | null;
  scorer_version: string | null;
}

/** Feedback per signal category: a statement of several categories counts in each. */
export interface CategoryFeedbackCount {
  category: string;
  count: number;
  /** Suggested above / below / equal to the level the statement had. */
  higher: number;
  lower: number;
  same: number;
}

/** One row of GET /api/export/feedback.csv, as a tuple in FEEDBACK_EXPORT_COLUMNS order. */
export type FeedbackExportTuple = [
  id: number, createdAt: number, author: string, statementId: number, occurredAt: number, speaker: string | null,
  score: number | null, level: string | null, suggested: string, reason: string, categories: string | null,
  scorerVersion: string | null, text: string,
];

const toView = (r: FeedbackRow): FeedbackView => ({
  id: r.id,
  statementId: r.statement_id,
  suggestedLevel: r.suggested,
  reason: r.reason,
  author: r.author,
  createdAt: new Date(r.created_at).toISOString(),
  scoreAtTime: r.score,
  levelAtTime: r.level,
  scorerVersion: r.scorer_version,
});

// Level order for "higher / lower than scored" (a level the CHECK does not know ranks NULL).
const rankOf = (col: string) => `CASE ${col} ${FEEDBACK_LEVELS.map((l, i) => `WHEN '${l}' THEN ${i}`).join(' ')} END`;

export function createFeedbackRepo(db: Db) {
  const insert = db.prepare(`
    INSERT INTO statement_feedback (statement_id, suggested, reason, author, created_at, score, level, scorer_version)
    SELECT id, @suggested, @reason, @author, @createdAt, score, level, scorer_version FROM statements WHERE id = @statementId`);
  const byId = db.prepare('SELECT * FROM statement_feedback WHERE id = ?');
  // CAST: PostgreSQL has no SUM of a boolean; on SQLite the comparison is already 0/1 (NULL stays NULL on both).
  const perCategory = db.prepare(`
    SELECT COALESCE(c.category, '(none)') AS category, COUNT(*) AS count,
      SUM(CAST(${rankOf('f.suggested')} > ${rankOf('f.level')} AS INTEGER)) AS higher,
      SUM(CAST(${rankOf('f.suggested')} < ${rankOf('f.level')} AS INTEGER)) AS lower,
      SUM(CAST(${rankOf('f.suggested')} = ${rankOf('f.level')} AS INTEGER)) AS same
    FROM statement_feedback f LEFT JOIN statement_categories c ON c.statement_id = f.statement_id
    GROUP BY 1 ORDER BY count DESC, category`);
  const total = db.prepare('SELECT COUNT(*) FROM statement_feedback').pluck();

  return {
    /** Stores one piece of feedback with the statement's score as it is now; null: no such statement. */
    add(f: NewFeedback): FeedbackView | null {
      const r = insert.run({ ...f, suggested: f.suggestedLevel });
      if (r.changes === 0) return null;
      return toView(byId.get(Number(r.lastInsertRowid)) as FeedbackRow);
    },

    /** The feedback on each of these statements, oldest first (statements without any are absent). */
    forStatements(ids: number[]): Map<number, FeedbackView[]> {
      const out = new Map<number, FeedbackView[]>();
      if (ids.length === 0) return out;
      const rows = db
        .prepare(`SELECT * FROM statement_feedback WHERE statement_id IN (${ids.map(() => '?').join(',')}) ORDER BY statement_id, id`)
        .all(...ids) as FeedbackRow[];
      for (const r of rows) {
        const list = out.get(r.statement_id) ?? [];
        list.push(toView(r));
        out.set(r.statement_id, list);
      }
      return out;
    },

    countByCategory(): { total: number; categories: CategoryFeedbackCount[] } {
      return { total: total.get() as number, categories: perCategory.all() as CategoryFeedbackCount[] };
    },
  };
}

/**
 * Every piece of feedback, oldest first, with its statement, for the CSV export. Takes a
 * read-only connection (an open iterate() makes its connection busy).
 */
export function iterateFeedbackExport(reader: Db): IterableIterator<FeedbackExportTuple> {
  // The categories joined with ';' in order: SQLite's group_concat over an ordered subquery,
  // PostgreSQL's string_agg with its own ORDER BY.
  const categories = isPostgres(reader)
    ? `(SELECT string_agg(category, ';' ORDER BY category) FROM statement_categories c WHERE c.statement_id = f.statement_id)`
    : `(SELECT group_concat(category, ';') FROM (SELECT category FROM statement_categories c
           WHERE c.statement_id = f.statement_id ORDER BY category))`;
  return reader
    .prepare(
      `SELECT f.id, f.created_at, f.author, f.statement_id, s.occurred_at, COALESCE(s.actor, s.speaker), f.score, f.level,
         f.suggested, f.reason, ${categories}, f.scorer_version, s.text
       FROM statement_feedback f JOIN statements s ON s.id = f.statement_id ORDER BY f.id`,
    )
    .raw(true)
    .iterate() as IterableIterator<FeedbackExportTuple>;
}

export type FeedbackRepo = ReturnType<typeof createFeedbackRepo>;
