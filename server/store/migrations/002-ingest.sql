-- Ingest bookkeeping: files taken in (inbox and CLI), rejected records, and RSS/Atom feeds.
-- Times are unix milliseconds (UTC).

-- One row per distinct file content (sha256). Progress is committed in the same transaction as
-- the statements of each batch, so after a crash a re-run resumes after the last committed
-- record and a file already done is recognised by its hash without being read again.
CREATE TABLE ingest_files (
  id           INTEGER PRIMARY KEY,
  content_hash TEXT    NOT NULL UNIQUE,
  name         TEXT    NOT NULL,            -- last file name seen with this content
  format       TEXT    NOT NULL,            -- jsonl | csv | txt
  size_bytes   INTEGER NOT NULL,
  origin       TEXT    NOT NULL,            -- inbox | cli
  status       TEXT    NOT NULL DEFAULT 'processing' CHECK (status IN ('processing', 'done')),
  records_done INTEGER NOT NULL DEFAULT 0,  -- records (lines, CSV rows, paragraphs) committed so far
  stored       INTEGER NOT NULL DEFAULT 0,
  duplicates   INTEGER NOT NULL DEFAULT 0,
  rejected     INTEGER NOT NULL DEFAULT 0,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER
);

-- Every record refused by the inbox, the CLI or a feed: where it came from and why.
CREATE TABLE ingest_rejections (
  id          INTEGER PRIMARY KEY,
  file_id     INTEGER REFERENCES ingest_files (id) ON DELETE CASCADE,
  source      TEXT    NOT NULL,             -- file name, or 'feed:<id>'
  line        INTEGER,                      -- 1-based line of the record (first line for CSV rows and paragraphs)
  code        TEXT    NOT NULL,             -- kebab-case reason, e.g. invalid-json, text-too-long
  message     TEXT    NOT NULL,
  created_at  INTEGER NOT NULL
);
CREATE INDEX ingest_rejections_file ON ingest_rejections (file_id, line);
-- Rejections outside a file (feed items, unsupported inbox files) are recorded once: a feed
-- re-polled every few minutes must not add the same refused item again each time.
CREATE UNIQUE INDEX ingest_rejections_once ON ingest_rejections (source, code, message) WHERE file_id IS NULL;

-- RSS/Atom feeds: configuration plus health. origin 'config' rows mirror data/feeds.json
-- (synced at start); origin 'api' rows were added with POST /api/feeds.
CREATE TABLE feeds (
  id                   INTEGER PRIMARY KEY,
  name                 TEXT    NOT NULL,
  url                  TEXT    NOT NULL UNIQUE,
  interval_seconds     INTEGER NOT NULL,
  origin               TEXT    NOT NULL CHECK (origin IN ('config', 'api')),
  created_at           INTEGER NOT NULL,
  etag                 TEXT,
  last_modified        TEXT,
  last_attempt_at      INTEGER,
  last_success_at      INTEGER,
  last_error_at        INTEGER,
  last_error           TEXT,
  last_error_code      TEXT,
  last_http_status     INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at      INTEGER NOT NULL,
  items_stored         INTEGER NOT NULL DEFAULT 0,
  last_item_count      INTEGER
);
CREATE INDEX feeds_due ON feeds (next_attempt_at);

-- Backfills score hundreds of thousands of statements: saveScored clears a statement's actor
-- and category rows by statement_id (and ON DELETE CASCADE looks them up the same way), which
-- without these indexes scans the whole table per statement and makes scoring quadratic.
CREATE INDEX IF NOT EXISTS statement_actors_statement ON statement_actors (statement_id);
CREATE INDEX IF NOT EXISTS statement_categories_statement ON statement_categories (statement_id);
