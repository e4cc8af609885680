import { statementExportHead } from '../export/statement-rows.ts';
import type { Db } from './database.ts';

/** A statement ready to store, already validated and normalised by ingest. Times in unix ms. */
export interface NewStatement {
  dedupeKey: string;
  externalId: string | null;
  text: string;
  speaker: string | null;
  source: string | null;
  url: string | null;
  publishedAt: number | null;
  receivedAt: number;
  occurredAt: number;
  origin: 'api' | 'inbox' | 'feed' | 'cli' | 'demo';
  isDemo: boolean;
}

export interface InsertOutcome {
  id: number;
  duplicate: boolean;
}

export interface PendingStatement {
  id: number;
  text: string;
  speaker: string | null;
  occurredAt: number;
  isDemo: boolean;
}

export interface StoredSignal {
  category: string;
  polarity: string;
  weight: number;
  modality: string;
  text: string;
  start: number;
  end: number;
}

export interface ScoredFields {
  score: number;
  level: string;
  actor: string | null;
  targets: string[];
  mentioned: string[];
  signals: StoredSignal[];
  /** Distinct signal categories (statement_categories); derived from `signals` when absent. */
  categories?: string[];
  scorerVersion: string;
  scoredAt: number;
}

/**
 * ScoredFields with the JSON columns serialised, ready to bind: what a backfill's prepare step
 * (possibly on a worker thread, server/ingest/prepare-worker.ts) hands to insertSerialized, so
 * the thread that writes does not also stringify evidence.
 */
export interface SerializedScore {
  score: number;
  level: string;
  actor: string | null;
  targets: string[];
  categories: string[];
  targetsJson: string;
  mentionedJson: string;
  signalsJson: string;
  scorerVersion: string;
  scoredAt: number;
  /** statementExportHead(statement, fields): the export's cells of the row (migration 007). */
  exportHead: string;
}

export function serializeScore(s: NewStatement, f: ScoredFields): SerializedScore {
  return {
    score: f.score,
    level: f.level,
    actor: f.actor,
    targets: f.targets,
    categories: f.categories ?? [...new Set(f.signals.map((s) => s.category))],
    targetsJson: JSON.stringify(f.targets),
    mentionedJson: JSON.stringify(f.mentioned),
    signalsJson: JSON.stringify(f.signals),
    scorerVersion: f.scorerVersion,
    scoredAt: f.scoredAt,
    exportHead: statementExportHead(s, f),
  };
}

export interface StatementView {
  id: number;
  externalId: string | null;
  text: string;
  speaker: string | null;
  targets: string[];
  source: string | null;
  url: string | null;
  publishedAt: string | null;
  receivedAt: string;
  occurredAt: string;
  origin: string;
  isDemo: boolean;
  status: string;
  score: number | null;
  level: string | null;
  signals: StoredSignal[];
  scorerVersion: string | null;
}

/** Filters shared by GET /api/statements and the statements CSV export. Times in unix ms. */
export interface StatementFilter {
  from?: number;
  to?: number;
  actor?: string;
  minScore?: number;
  category?: string;
  status?: 'pending' | 'scored' | 'failed';
  /** Keyset cursor: rows strictly older than this (occurred_at, id). */
  before?: { occurredAt: number; id: number };
  limit?: number;
}

export interface StatementRow {
  id: number;
  external_id: string | null;
  text: string;
  speaker: string | null;
  source: string | null;
  url: string | null;
  published_at: number | null;
  received_at: number;
  occurred_at: number;
  origin: string;
  is_demo: number;
  status: string;
  score: number | null;
  level: string | null;
  actor: string | null;
  targets: string | null;
  signals: string | null;
  scorer_version: string | null;
}

const ROW_COLUMNS = `s.id, s.external_id, s.text, s.speaker, s.source, s.url, s.published_at, s.received_at,
  s.occurred_at, s.origin, s.is_demo, s.status, s.score, s.level, s.actor, s.targets, s.signals, s.scorer_version`;

/**
 * Builds the newest-first statement query for a filter. Exported so that streaming exports
 * run exactly the same query (on a read-only connection) as the paged API; they select their
 * own `columns` of `statements s` (default: the StatementRow columns).
 */
export function buildStatementQuery(filter: StatementFilter, columns = ROW_COLUMNS): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.from !== undefined) {
    where.push('s.occurred_at >= @from');
    params.from = filter.from;
  }
  if (filter.to !== undefined) {
    where.push('s.occurred_at < @to');
    params.to = filter.to;
  }
  if (filter.minScore !== undefined) {
    where.push('s.score >= @minScore');
    params.minScore = filter.minScore;
  }
  if (filter.status !== undefined) {
    where.push('s.status = @status');
    params.status = filter.status;
  }
  if (filter.actor !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_actors WHERE actor = @actor COLLATE NOCASE)');
    params.actor = filter.actor;
  }
  if (filter.category !== undefined) {
    where.push('s.id IN (SELECT statement_id FROM statement_categories WHERE category = @category)');
    params.category = filter.category;
  }
  if (filter.before !== undefined) {
    where.push('(s.occurred_at < @beforeAt OR (s.occurred_at = @beforeAt AND s.id < @beforeId))');
    params.beforeAt = filter.before.occurredAt;
    params.beforeId = filter.before.id;
  }
  let sql = `SELECT ${columns} FROM statements s`;
  if (where.length > 0) sql += ` WHERE ${where.join(' AND ')}`;
  sql += ' ORDER BY s.occurred_at DESC, s.id DESC';
  if (filter.limit !== undefined) {
    sql += ' LIMIT @limit';
    params.limit = filter.limit;
  }
  return { sql, params };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function parseJsonArray<T>(value: string | null): T[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? (parsed as T[]) : [];
}

export function toStatementView(row: StatementRow): StatementView {
  return {
    id: row.id,
    externalId: row.external_id,
    text: row.text,
    speaker: row.actor ?? row.speaker,
    targets: parseJsonArray<string>(row.targets),
    source: row.source,
    url: row.url,
    publishedAt: iso(row.published_at),
    receivedAt: new Date(row.received_at).toISOString(),
    occurredAt: new Date(row.occurred_at).toISOString(),
    origin: row.origin,
    isDemo: row.is_demo === 1,
    status: row.status,
    score: row.score,
    level: row.level,
    signals: parseJsonArray<StoredSignal>(row.signals),
    scorerVersion: row.scorer_version,
  };
}

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
                            scorer_version, scored_at, export_head)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'scored', ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (dedupe_key) DO NOTHING`);
  const idByKey = db.prepare('SELECT id FROM statements WHERE dedupe_key = ?').pluck();
  const pendingStmt = db.prepare(
    `SELECT id, text, speaker, occurred_at AS occurredAt, is_demo AS isDemo
     FROM statements WHERE status = 'pending' ORDER BY id LIMIT ?`,
  );
  const scoredStmt = db.prepare(`
    UPDATE statements SET status = 'scored', score = @score, level = @level, actor = @actor, targets = @targets,
      mentioned = @mentioned, signals = @signals, scorer_version = @scorerVersion, scored_at = @scoredAt, error = NULL,
      export_head = @exportHead
    WHERE id = @id AND status = 'pending'`);
  // What the export head of a pending statement needs from it (the speaker as given, for a statement without an actor).
  const headFieldsStmt = db.prepare(
    `SELECT occurred_at AS occurredAt, speaker, source, url FROM statements WHERE id = ? AND status = 'pending'`,
  );
  const failedStmt = db.prepare(`UPDATE statements SET status = 'failed', error = ? WHERE id = ? AND status = 'pending'`);
  const addActor = db.prepare('INSERT OR IGNORE INTO statement_actors (statement_id, actor, role) VALUES (?, ?, ?)');
  const addCategory = db.prepare('INSERT OR IGNORE INTO statement_categories (statement_id, category) VALUES (?, ?)');

  /** statement_actors and statement_categories rows of a statement just scored. */
  function addFilterRows(id: number, f: Pick<ScoredFields, 'actor' | 'targets' | 'categories' | 'signals'>): void {
    if (f.actor) addActor.run(id, f.actor, 'speaker');
    for (const t of f.targets) addActor.run(id, t, 'target');
    for (const c of f.categories ?? new Set(f.signals.map((s) => s.category))) addCategory.run(id, c);
  }

  /** insertScored with the JSON columns already serialised (serializeScore). */
  function insertSerialized(s: NewStatement, f: SerializedScore): InsertOutcome {
    // Positional binding, no intermediate objects: a backfill calls this once per statement.
    const r = insertScoredStmt.run(
      s.dedupeKey, s.externalId, s.text, s.speaker, s.source, s.url, s.publishedAt, s.receivedAt, s.occurredAt, s.origin,
      s.isDemo ? 1 : 0, f.score, f.level, f.actor, f.targetsJson, f.mentionedJson, f.signalsJson, f.scorerVersion, f.scoredAt,
      f.exportHead,
    );
    if (r.changes === 0) return { id: idByKey.get(s.dedupeKey) as number, duplicate: true };
    const id = Number(r.lastInsertRowid);
    addFilterRows(id, { actor: f.actor, targets: f.targets, categories: f.categories, signals: [] });
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
  });

  const byId = db.prepare(`SELECT ${ROW_COLUMNS} FROM statements s WHERE s.id = ?`);
  const statusCounts = db.prepare('SELECT status, COUNT(*) AS n FROM statements GROUP BY status');
  const countAll = db.prepare('SELECT COUNT(*) FROM statements').pluck();
  const anyReal = db.prepare('SELECT EXISTS (SELECT 1 FROM statements WHERE is_demo = 0)').pluck();

  return {
    /** Stores one statement as pending unless its dedupe key is known; either way returns the id. */
    insert(s: NewStatement): InsertOutcome {
      // export_head: the export's cells of this row, formatted once (migration 007); failing it keeps them.
      const r = insertStmt.run({ ...s, isDemo: s.isDemo ? 1 : 0, exportHead: statementExportHead(s) });
      if (r.changes === 1) return { id: Number(r.lastInsertRowid), duplicate: false };
      return { id: idByKey.get(s.dedupeKey) as number, duplicate: true };
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

    claimPending(limit: number): PendingStatement[] {
      return (pendingStmt.all(limit) as Array<Omit<PendingStatement, 'isDemo'> & { isDemo: number }>).map((r) => ({
        ...r,
        isDemo: r.isDemo === 1,
      }));
    },

    /**
     * Call inside the caller's transaction, together with the metric buckets. Only a statement
     * still pending is updated: returns false when another process (a second server, or
     * `npm run ingest -- --score`) scored it first, so the caller must not count it again.
     */
    saveScored(id: number, f: ScoredFields): boolean {
      const head = headFieldsStmt.get(id) as { occurredAt: number; speaker: string | null; source: string | null; url: string | null } | undefined;
      if (head === undefined) return false; // scored (or failed) already
      const changed = scoredStmt.run({ id, ...scoredParams(f), exportHead: statementExportHead(head, f) }).changes;
      if (changed === 0) return false;
      addFilterRows(id, f);
      return true;
    },

    markFailed(id: number, error: string): void {
      failedStmt.run(error.slice(0, 500), id);
    },

    get(id: number): StatementView | null {
      const row = byId.get(id) as StatementRow | undefined;
      return row ? toStatementView(row) : null;
    },

    list(filter: StatementFilter): StatementView[] {
      const { sql, params } = buildStatementQuery(filter);
      return (db.prepare(sql).all(params) as StatementRow[]).map(toStatementView);
    },

    countByStatus(): Record<string, number> {
      const counts: Record<string, number> = { pending: 0, scored: 0, failed: 0 };
      for (const r of statusCounts.all() as Array<{ status: string; n: number }>) counts[r.status] = r.n;
      return counts;
    },

    count(): number {
      return countAll.get() as number;
    },

    /** True once any statement that is not demo data has been stored. */
    hasRealStatements(): boolean {
      return anyReal.get() === 1;
    },
  };
}

export type StatementsRepo = ReturnType<typeof createStatementsRepo>;
