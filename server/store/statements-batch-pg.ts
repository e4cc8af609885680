// The statements repository's batched writes on PostgreSQL (statements-repo.ts uses them there).
import { statementExportHead } from './statement-export-head.ts';
import type { PgDatabase } from './pg/pg-database.ts';
import type { InsertOutcome, NewStatement, ScoredFields } from './statement-types.ts';

/**
 * On PostgreSQL each statement costs a loopback round trip (~0.1-2 ms), so what SQLite does
 * row by row in microseconds is done here in one statement over arrays (unnest): a batch of
 * pending statements, and the actor and category rows of a statement being scored.
 */
/** What a statement's export head needs from its row (statements-repo.ts formats it). */
export interface HeadFields {
  occurredAt: number;
  speaker: string | null;
  source: string | null;
  url: string | null;
  text: string;
}

export function createPgStatementBatches(db: PgDatabase) {
  // In the batch's order (WITH ORDINALITY ... ORDER BY), so that ids follow it as on SQLite.
  const insertAll = db.prepare(`
    INSERT INTO statements (dedupe_key, external_id, text, speaker, source, url, published_at, received_at,
                            occurred_at, origin, is_demo, export_head)
    SELECT k, e, t, sp, so, u, pa, ra, oa, o, d, h
    FROM unnest(CAST(@keys AS TEXT[]), CAST(@externalIds AS TEXT[]), CAST(@texts AS TEXT[]), CAST(@speakers AS TEXT[]),
                CAST(@sources AS TEXT[]), CAST(@urls AS TEXT[]), CAST(@publishedAts AS BIGINT[]), CAST(@receivedAts AS BIGINT[]),
                CAST(@occurredAts AS BIGINT[]), CAST(@origins AS TEXT[]), CAST(@isDemos AS INTEGER[]), CAST(@heads AS TEXT[]))
         WITH ORDINALITY AS b (k, e, t, sp, so, u, pa, ra, oa, o, d, h, n)
    ORDER BY n
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, dedupe_key AS key`);
  const idsByKeys = db.prepare('SELECT id, dedupe_key AS key FROM statements WHERE dedupe_key = ANY(CAST(@keys AS TEXT[]))');
  const addActors = db.prepare(`
    INSERT INTO statement_actors (statement_id, actor, role)
    SELECT @id, a.actor, a.role FROM unnest(CAST(@actors AS TEXT[]), CAST(@roles AS TEXT[])) AS a (actor, role)
    ON CONFLICT DO NOTHING`);
  const pendingHeads = db.prepare(`
    SELECT id, occurred_at AS occurredAt, speaker, source, url, text FROM statements
    WHERE id = ANY(CAST(@ids AS BIGINT[])) AND status = 'pending'`);
  // Conditional on 'pending', as the repository's saveScored: a row another node settled first is left alone.
  const scoreAll = db.prepare(`
    UPDATE statements s SET status = 'scored', score = u.score, level = u.level, actor = u.actor, targets = u.targets,
      mentioned = u.mentioned, signals = u.signals, scorer_version = u.scorer_version, scored_at = u.scored_at, error = NULL,
      export_head = u.export_head, lang = u.lang
    FROM unnest(CAST(@ids AS BIGINT[]), CAST(@scores AS DOUBLE PRECISION[]), CAST(@levels AS TEXT[]), CAST(@actors AS TEXT[]),
                CAST(@targets AS TEXT[]), CAST(@mentioned AS TEXT[]), CAST(@signals AS TEXT[]), CAST(@versions AS TEXT[]),
                CAST(@scoredAts AS BIGINT[]), CAST(@heads AS TEXT[]), CAST(@langs AS TEXT[]))
         AS u (id, score, level, actor, targets, mentioned, signals, scorer_version, scored_at, export_head, lang)
    WHERE s.id = u.id AND s.status = 'pending'
    RETURNING s.id`);
  const addActorRows = db.prepare(`
    INSERT INTO statement_actors (statement_id, actor, role)
    SELECT * FROM unnest(CAST(@ids AS BIGINT[]), CAST(@actors AS TEXT[]), CAST(@roles AS TEXT[])) ON CONFLICT DO NOTHING`);
  const addCategoryRows = db.prepare(`
    INSERT INTO statement_categories (statement_id, category)
    SELECT * FROM unnest(CAST(@ids AS BIGINT[]), CAST(@categories AS TEXT[])) ON CONFLICT DO NOTHING`);
  const addCategories = db.prepare(`
    INSERT INTO statement_categories (statement_id, category)
    SELECT @id, c FROM unnest(CAST(@categories AS TEXT[])) AS c ON CONFLICT DO NOTHING`);

  return {
    /** The repository's insert() for each statement of a batch: one INSERT, and one SELECT for its duplicates if any. */
    insertMany(list: NewStatement[]): InsertOutcome[] {
      const keys = list.map((s) => s.dedupeKey);
      const stored = new Map<string, number>();
      const rows = insertAll.all({
        keys,
        externalIds: list.map((s) => s.externalId),
        texts: list.map((s) => s.text),
        speakers: list.map((s) => s.speaker),
        sources: list.map((s) => s.source),
        urls: list.map((s) => s.url),
        publishedAts: list.map((s) => s.publishedAt),
        receivedAts: list.map((s) => s.receivedAt),
        occurredAts: list.map((s) => s.occurredAt),
        origins: list.map((s) => s.origin),
        isDemos: list.map((s) => (s.isDemo ? 1 : 0)),
        heads: list.map((s) => statementExportHead(s)),
      }) as Array<{ id: number; key: string }>;
      for (const r of rows) stored.set(r.key, r.id);
      const known = new Map<string, number>();
      const missing = keys.filter((k) => !stored.has(k));
      if (missing.length > 0) for (const r of idsByKeys.all({ keys: missing }) as Array<{ id: number; key: string }>) known.set(r.key, r.id);
      // A key twice in one batch: its first occurrence is the new row, later ones duplicates of it.
      const seen = new Set<string>();
      return keys.map((k) => {
        const id = stored.get(k);
        if (id !== undefined && !seen.has(k)) {
          seen.add(k);
          return { id, duplicate: false };
        }
        return { id: id ?? (known.get(k) as number), duplicate: true };
      });
    },

    /**
     * saveScored for a batch, in four statements whatever its size: the pending rows' head
     * fields, one UPDATE of those still pending, their actor rows, their category rows.
     * Returns the ids it settled (a row no longer pending is not among them).
     */
    saveScoredMany(list: Array<{ id: number; fields: ScoredFields }>, exportHead: (head: HeadFields, f: ScoredFields) => string): Set<number> {
      const heads = new Map((pendingHeads.all({ ids: list.map((x) => x.id) }) as Array<HeadFields & { id: number }>).map((h) => [h.id, h]));
      const todo = list.filter((x) => heads.has(x.id));
      if (todo.length === 0) return new Set();
      const f = todo.map((x) => x.fields);
      const done = new Set(
        scoreAll.pluck().all({
          ids: todo.map((x) => x.id),
          scores: f.map((x) => x.score),
          levels: f.map((x) => x.level),
          actors: f.map((x) => x.actor),
          targets: f.map((x) => JSON.stringify(x.targets)),
          mentioned: f.map((x) => JSON.stringify(x.mentioned)),
          signals: f.map((x) => JSON.stringify(x.signals)),
          versions: f.map((x) => x.scorerVersion),
          scoredAts: f.map((x) => x.scoredAt),
          heads: todo.map((x) => exportHead(heads.get(x.id)!, x.fields)),
          langs: f.map((x) => x.lang ?? null),
        }) as number[],
      );
      const actorRows = { ids: [] as number[], actors: [] as string[], roles: [] as string[] };
      const categoryRows = { ids: [] as number[], categories: [] as string[] };
      for (const { id, fields } of todo) {
        if (!done.has(id)) continue;
        if (fields.actor) actorRows.ids.push(id), actorRows.actors.push(fields.actor), actorRows.roles.push('speaker');
        for (const t of fields.targets) actorRows.ids.push(id), actorRows.actors.push(t), actorRows.roles.push('target');
        for (const c of fields.categories ?? new Set(fields.signals.map((s) => s.category))) categoryRows.ids.push(id), categoryRows.categories.push(c);
      }
      if (actorRows.ids.length > 0) addActorRows.run(actorRows);
      if (categoryRows.ids.length > 0) addCategoryRows.run(categoryRows);
      return done;
    },

    /** statement_actors and statement_categories rows of a statement just scored: two statements at most. */
    addFilterRows(id: number, actor: string | null, targets: string[], categories: Iterable<string>): void {
      const actors = actor ? [actor, ...targets] : [...targets];
      const roles = actors.map((_, i) => (actor && i === 0 ? 'speaker' : 'target'));
      if (actors.length > 0) addActors.run({ id, actors, roles });
      const list = [...categories];
      if (list.length > 0) addCategories.run({ id, categories: list });
    },
  };
}
