-- Statements carry the language they are written in (`lang`, ISO 639-1, or 'und' when it could
-- not be determined; NULL until the statement is scored), and a statement in a language the
-- scorer does not read gets status 'unsupported' instead of a score (server/ingest/statement-language.ts).
-- SQLite cannot alter a CHECK constraint, so the table is rebuilt (SQLite's documented 12-step
-- procedure; the migration runner turns foreign keys off around it and runs foreign_key_check
-- before commit), with every index of migrations 001-008 created again.
CREATE TABLE statements_new (
  id             INTEGER PRIMARY KEY,
  dedupe_key     TEXT    NOT NULL UNIQUE,   -- 'ext:<externalId>' or 'sha:<sha256(speaker, text, publishedAt)>'
  external_id    TEXT,
  text           TEXT    NOT NULL,
  speaker        TEXT,                      -- as given by the source
  source         TEXT,
  url            TEXT,
  published_at   INTEGER,
  received_at    INTEGER NOT NULL,
  occurred_at    INTEGER NOT NULL,          -- published_at when known and not in the future, else received_at
  origin         TEXT    NOT NULL,          -- api | inbox | feed | cli | demo
  is_demo        INTEGER NOT NULL DEFAULT 0,
  status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'scored', 'failed', 'unsupported')),
  score          REAL,
  level          TEXT,
  actor          TEXT,                      -- canonical speaker (given, resolved or detected)
  targets        TEXT,                      -- JSON array of canonical target names
  signals        TEXT,                      -- JSON array of evidence
  mentioned      TEXT,                      -- JSON array of canonical names mentioned
  scorer_version TEXT,
  scored_at      INTEGER,                   -- when it was scored, or found to be in a language the scorer does not read
  error          TEXT,
  export_head    TEXT,                      -- migration 007
  lang           TEXT                       -- ISO 639-1 code or 'und'; NULL: not yet decided (pending, or scored before 009)
);
-- The export head gains the status and lang cells (`,...,scorer_version,status,lang,`): the old
-- head ends with scorer_version's trailing comma, a status is a bare word (nothing to quote or
-- neutralise) and lang is NULL (an empty cell) for every row here, so appending `status,,` is
-- byte for byte what statementExportHead() writes. A NULL head stays NULL (formatted from the
-- columns at export time, then filled at start).
INSERT INTO statements_new (id, dedupe_key, external_id, text, speaker, source, url, published_at, received_at, occurred_at,
                            origin, is_demo, status, score, level, actor, targets, signals, mentioned, scorer_version,
                            scored_at, error, export_head, lang)
  SELECT id, dedupe_key, external_id, text, speaker, source, url, published_at, received_at, occurred_at,
         origin, is_demo, status, score, level, actor, targets, signals, mentioned, scorer_version,
         scored_at, error, export_head || status || ',,', NULL
  FROM statements;
DROP TABLE statements;
ALTER TABLE statements_new RENAME TO statements;
CREATE INDEX statements_pending ON statements (id) WHERE status = 'pending';
CREATE INDEX statements_occurred ON statements (occurred_at DESC, id DESC);
CREATE INDEX statements_export_head_missing ON statements (id) WHERE export_head IS NULL;
-- Demo rows (is_demo = 1) are purged when the first real statement is stored (server/store/demo-data.ts);
-- this index holds only them, so "is there demo data?" is answered without a scan.
CREATE INDEX statements_demo ON statements (id) WHERE is_demo = 1;
