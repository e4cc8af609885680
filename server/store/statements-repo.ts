import { statementExportHead } from './statement-export-head.ts';
import type { Db } from './database.ts';
import { isPostgres } from './pg/pg-database.ts';
import { createPgStatementBatches } from './statements-batch-pg.ts';
import { createStatementsReader } from './statements-read.ts';
import {
  serializeScore,
  type InsertOutcome,
  type NewStatement,
  type PendingStatement,
  type ScoredFields,
  type SerializedScore,
  type UnsupportedFields,
} from './statement-types.ts';

export * from './statement-types.ts';
export { buildStatementQuery, toStatementView } from './statement-query.ts';

export function createStatementsRepo(db: Db) {
  const insertStmt = db.prepare(`
    INSERT INTO statements (dedupe_key, external_id, text, speaker, source, url, published_at, received_at,
                            occurred_at, origin, is_demo, export_head)
    VALUES (@dedupeKey, @externalId, @text, @speaker, @source, @url, @publishedAt, @receivedAt,
            @occurredAt, @origin, @isDemo, @exportHead)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  // A statement stored already scored (backfill that scores while it ingests): one row write
  // instead of an insert as pending and an update that rewrites the row.
  const insertScoredStmt = db.prepare(`
    INSERT INTO statements (dedupe_key, external_id, text, speaker, source, url, published_at, received_at,
                            occurred_at, origin, is_demo, status, score, level, actor, targets, mentioned, signals,
                            scorer_version, scored_at, export_head, lang)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scored', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  // A statement in a language the scorer does not read, found so before it was stored (backfill).
  const insertUnsupportedStmt = db.prepare(`
    INSERT INTO statements (dedupe_key, external_id, text, speaker, source, url, published_at, received_at,
                            occurred_at, origin, is_demo, status, lang, scored_at, export_head)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unsupported', ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  const idByKey = db.prepare('SELECT id FROM statements WHERE dedupe_key = ?').pluck();
  const pgBatches = isPostgres(db) ? createPgStatementBatches(db) : null;
  const pendingSql = `SELECT id, text, speaker, occurred_at AS occurredAt, is_demo AS isDemo
     FROM statements WHERE status = 'pending' ORDER BY id LIMIT ?`;
  const pendingStmt = db.prepare(pendingSql);
  // PostgreSQL, several nodes scoring: each claims rows no other transaction holds, and holds
  // them until its commit (issue 16: no statement scored twice, none skipped).
  const pendingLockedStmt = isPostgres(db) ? db.prepare(`${pendingSql} FOR UPDATE SKIP LOCKED`) : null;
  const scoredStmt = db.prepare(`
    UPDATE statements SET status = 'scored', score = @score, level = @level, actor = @actor, targets = @targets,
      mentioned = @mentioned, signals = @signals, scorer_version = @scorerVersion, scored_at = @scoredAt, error = NULL,
      export_head = @exportHead, lang = @lang
    WHERE id = @id AND status = 'pending'`);
  const unsupportedStmt = db.prepare(`
    UPDATE statements SET status = 'unsupported', lang = ?, scored_at = ?, error = NULL, export_head = ?
    WHERE id = ? AND status = 'pending'`);
  // What the export head of a pending statement needs from it (the speaker as given, for a statement without an actor).
  const headFieldsStmt = db.prepare(
    `SELECT occurred_at AS occurredAt, speaker, source, url, text FROM statements WHERE id = ? AND status = 'pending'`,
  );
  const failedStmt = db.prepare(`UPDATE statements SET status = 'failed', error = ?, export_head = ? WHERE id = ? AND status = 'pending'`);
  // The search index row of a statement that leaves 'pending' (migration 011: done here rather
  // than by a trigger). The values must be exactly the stored columns: a later 'delete' by
  // trigger gives those.
  // On PostgreSQL the trigger statements_search (pg migration 001) keeps statements.search in
  // the statement's own write: nothing to add here.
  const pg = isPostgres(db);
  const indexStmt = pg ? null : db.prepare('INSERT INTO statements_fts (rowid, text, speaker, actor, targets, source) VALUES (?, ?, ?, ?, ?, ?)');
  const index = (id: number, text: string, speaker: string | null, actor: string | null, targets: string | null, source: string | null) =>
    void indexStmt?.run(id, text, speaker, actor, targets, source);
  const addActor = db.prepare('INSERT OR IGNORE INTO statement_actors (statement_id, actor, role) VALUES (?, ?, ?)');
  const addCategory = db.prepare('INSERT OR IGNORE INTO statement_categories (statement_id, category) VALUES (?, ?)');
  /** statement_actors and statement_categories rows of a statement just scored. */
  function addFilterRows(id: number, f: Pick<ScoredFields, 'actor' | 'targets' | 'categories' | 'signals'>): void {
    const categories = f.categories ?? new Set(f.signals.map((s) => s.category));
    if (pgBatches) return pgBatches.addFilterRows(id, f.actor, f.targets, categories);
    if (f.actor) addActor.run(id, f.actor, 'speaker');
    for (const t of f.targets) addActor.run(id, t, 'target');
    for (const c of categories) addCategory.run(id, c);
  }

  /** insertScored with the JSON columns already serialised (serializeScore). */
  function insertSerialized(s: NewStatement, f: SerializedScore): InsertOutcome {
    // Positional binding, no intermediate objects: a backfill calls this once per statement.
    const r = insertScoredStmt.run(
      s.dedupeKey, s.externalId, s.text, s.speaker, s.source, s.url, s.publishedAt, s.receivedAt, s.occurredAt, s.origin,
      s.isDemo ? 1 : 0, f.score, f.level, f.actor, f.targetsJson, f.mentionedJson, f.signalsJson, f.scorerVersion, f.scoredAt,
      f.exportHead, f.lang,
    );
    if (r.changes === 0) return { id: idByKey.get(s.dedupeKey) as number, duplicate: true };
    const id = Number(r.lastInsertRowid);
    addFilterRows(id, { actor: f.actor, targets: f.targets, categories: f.categories, signals: [] });
    index(id, s.text, s.speaker, f.actor, f.targetsJson, s.source);
    return { id, duplicate: false };
  }

  /** The scored columns as bound parameters (JSON arrays serialised once, here). */
  const scoredParams = (f: ScoredFields) => ({
    score: f.score,
    level: f.level,
    actor: f.actor,
    targets: JSON.stringify(f.targets),
    mentioned: JSON.stringify(f.mentioned),
    signals: JSON.stringify(f.signals),
    scorerVersion: f.scorerVersion,
    scoredAt: f.scoredAt,
    lang: f.lang ?? null,
  });

  type HeadFields = { occurredAt: number; speaker: string | null; source: string | null; url: string | null; text: string };

  function insert(s: NewStatement): InsertOutcome {
    // export_head: the export's cells of this row, formatted once (migration 007); failing it keeps them.
    const r = insertStmt.run({ ...s, isDemo: s.isDemo ? 1 : 0, exportHead: statementExportHead(s) });
    if (r.changes === 1) return { id: Number(r.lastInsertRowid), duplicate: false };
    return { id: idByKey.get(s.dedupeKey) as number, duplicate: true };
  }

  function saveScored(id: number, f: ScoredFields): boolean {
    const head = headFieldsStmt.get(id) as HeadFields | undefined;
    if (head === undefined) return false; // scored (or failed) already
    const params = scoredParams(f);
    const changed = scoredStmt.run({ id, ...params, exportHead: statementExportHead(head, f) }).changes;
    if (changed === 0) return false;
    addFilterRows(id, f);
    index(id, head.text, head.speaker, params.actor, params.targets, head.source);
    return true;
  }

  return {
    /** Stores one statement as pending unless its dedupe key is known; either way returns the id. */
    insert,

    /**
     * insert() for each statement of a batch, in order, with the same outcomes (a key repeated
     * in the batch: the first is stored, the others are its duplicates). Call inside the
     * caller's transaction.
     */
    insertMany(list: NewStatement[]): InsertOutcome[] {
      if (pgBatches && list.length > 1) return pgBatches.insertMany(list);
      return list.map(insert);
    },

    /**
     * Stores one statement already scored, with its actor and category rows, unless its dedupe
     * key is known: a duplicate is left exactly as it is (pending or scored), so the caller
     * adds metric contributions only when `duplicate` is false. Call inside the caller's
     * transaction, together with the metric buckets, as with saveScored.
     */
    insertScored(s: NewStatement, f: ScoredFields): InsertOutcome {
      return insertSerialized(s, serializeScore(s, f));
    },

    /** insertScored with the JSON columns already serialised (serializeScore). */
    insertSerialized,

    /**
     * Stores a statement in a language the scorer does not read (status 'unsupported', no
     * score, no metric contributions) unless its dedupe key is known. `exportHead`:
     * statementExportHead(s, null, {status: 'unsupported', lang}).
     */
    insertUnsupported(s: NewStatement, f: UnsupportedFields & { exportHead: string }): InsertOutcome {
      const r = insertUnsupportedStmt.run(
        s.dedupeKey, s.externalId, s.text, s.speaker, s.source, s.url, s.publishedAt, s.receivedAt, s.occurredAt, s.origin,
        s.isDemo ? 1 : 0, f.lang, f.decidedAt, f.exportHead,
      );
      if (r.changes === 0) return { id: idByKey.get(s.dedupeKey) as number, duplicate: true };
      const id = Number(r.lastInsertRowid);
      index(id, s.text, s.speaker, null, null, s.source);
      return { id, duplicate: false };
    },

    /**
     * A pending statement found to be in a language the scorer does not read: no score, no
     * metric contributions. False when it was no longer pending (scored by another process).
     */
    markUnsupported(id: number, f: UnsupportedFields): boolean {
      const head = headFieldsStmt.get(id) as HeadFields | undefined;
      if (head === undefined) return false;
      if (unsupportedStmt.run(f.lang, f.decidedAt, statementExportHead(head, null, { status: 'unsupported', lang: f.lang }), id).changes !== 1) return false;
      // actor and targets stay NULL, as they were while pending.
      index(id, head.text, head.speaker, null, null, head.source);
      return true;
    },

    claimPending(limit: number): PendingStatement[] {
      return toPending(pendingStmt.all(limit));
    },

    /**
     * Claims up to `limit` pending statements and runs `work` on them in one transaction (the
     * score job's batch); null, without a transaction, when none is pending. On PostgreSQL the
     * claim is inside that transaction, `FOR UPDATE SKIP LOCKED`: a batch another node is
     * scoring is skipped, not waited for nor scored again. On SQLite (one writer) the claim is
     * read first, as it always was, and saveScored's `status = 'pending'` guard covers another
     * process (`npm run ingest -- --score`).
     */
    withClaimedPending<T>(limit: number, work: (pending: PendingStatement[]) => T): T | null {
      if (pendingLockedStmt) {
        return db.transaction(() => {
          const pending = toPending(pendingLockedStmt.all(limit));
          return pending.length === 0 ? null : work(pending);
        })();
      }
      const pending = toPending(pendingStmt.all(limit));
      return pending.length === 0 ? null : db.transaction(() => work(pending))();
    },

    /**
     * Call inside the caller's transaction, together with the metric buckets. Only a statement
     * still pending is updated: returns false when another process (a second server, or
     * `npm run ingest -- --score`) scored it first, so the caller must not count it again.
     */
    saveScored,

    /**
     * saveScored for each of a batch (the score job's), with the same outcomes, in order; on
     * PostgreSQL in four statements for the whole batch rather than four per statement.
     */
    saveScoredMany(list: Array<{ id: number; fields: ScoredFields }>): boolean[] {
      if (pgBatches && list.length > 1) {
        const done = pgBatches.saveScoredMany(list, (head, f) => statementExportHead(head, f));
        return list.map((x) => done.has(x.id));
      }
      return list.map((x) => saveScored(x.id, x.fields));
    },

    markFailed(id: number, error: string): void {
      const head = headFieldsStmt.get(id) as HeadFields | undefined;
      if (head === undefined) return;
      if (failedStmt.run(error.slice(0, 500), statementExportHead(head, null, { status: 'failed', lang: null }), id).changes === 1) {
        index(id, head.text, head.speaker, null, null, head.source);
      }
    },

    ...createStatementsReader(db),
  };
}

function toPending(rows: unknown[]): PendingStatement[] {
  return (rows as Array<Omit<PendingStatement, 'isDemo'> & { isDemo: number }>).map((r) => ({ ...r, isDemo: r.isDemo === 1 }));
}

export type StatementsRepo = ReturnType<typeof createStatementsRepo>;
