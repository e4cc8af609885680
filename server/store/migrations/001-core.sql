-- Statements as they arrive (pending) and once scored. Times are unix milliseconds (UTC).
CREATE TABLE statements (
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
  status         TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'scored', 'failed')),
  score          REAL,
  level          TEXT,
  actor          TEXT,                      -- canonical speaker (given, resolved or detected)
  targets        TEXT,                      -- JSON array of canonical target names
  signals        TEXT,                      -- JSON array of evidence
  mentioned      TEXT,                      -- JSON array of canonical names mentioned
  scorer_version TEXT,
  scored_at      INTEGER,
  error          TEXT
);
CREATE INDEX statements_pending ON statements (id) WHERE status = 'pending';
CREATE INDEX statements_occurred ON statements (occurred_at DESC, id DESC);

-- Who a scored statement involves, for actor filters: role is speaker or target.
CREATE TABLE statement_actors (
  statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  actor        TEXT    NOT NULL,
  role         TEXT    NOT NULL CHECK (role IN ('speaker', 'target')),
  PRIMARY KEY (actor, statement_id, role)
) WITHOUT ROWID;

-- Which signal categories a scored statement holds, for category filters.
CREATE TABLE statement_categories (
  statement_id INTEGER NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
  category     TEXT    NOT NULL,
  PRIMARY KEY (category, statement_id)
) WITHOUT ROWID;

-- Per-minute aggregates per scope ('global', 'actor:X', 'dyad:X>Y', 'category:C'), bucketed by
-- occurred_at. w is the severity weight of each statement (see server/metrics/README.md).
CREATE TABLE metric_buckets (
  scope        TEXT    NOT NULL,
  bucket_start INTEGER NOT NULL,
  n            INTEGER NOT NULL,
  sum_score    REAL    NOT NULL,
  sum_w        REAL    NOT NULL,
  sum_wscore   REAL    NOT NULL,
  max_score    REAL    NOT NULL,
  PRIMARY KEY (scope, bucket_start)
) WITHOUT ROWID;
CREATE INDEX metric_buckets_time ON metric_buckets (bucket_start);
