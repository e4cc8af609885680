-- Alerts (issue 5) and hour/day rollups of the metric buckets. Times are unix milliseconds (UTC).

-- Hour and day rollups of metric_buckets, kept in step by triggers inside the same transaction
-- as the minute buckets, so that long history ranges and 7 d windows read 60x / 1440x fewer rows.
CREATE TABLE metric_buckets_hour (
  scope        TEXT    NOT NULL,
  bucket_start INTEGER NOT NULL,
  n            INTEGER NOT NULL,
  sum_score    REAL    NOT NULL,
  sum_w        REAL    NOT NULL,
  sum_wscore   REAL    NOT NULL,
  max_score    REAL    NOT NULL,
  PRIMARY KEY (scope, bucket_start)
) WITHOUT ROWID;

CREATE TABLE metric_buckets_day (
  scope        TEXT    NOT NULL,
  bucket_start INTEGER NOT NULL,
  n            INTEGER NOT NULL,
  sum_score    REAL    NOT NULL,
  sum_w        REAL    NOT NULL,
  sum_wscore   REAL    NOT NULL,
  max_score    REAL    NOT NULL,
  PRIMARY KEY (scope, bucket_start)
) WITHOUT ROWID;

INSERT INTO metric_buckets_hour
  SELECT scope, (bucket_start / 3600000) * 3600000, SUM(n), SUM(sum_score), SUM(sum_w), SUM(sum_wscore), MAX(max_score)
  FROM metric_buckets GROUP BY scope, bucket_start / 3600000;
INSERT INTO metric_buckets_day
  SELECT scope, (bucket_start / 86400000) * 86400000, SUM(n), SUM(sum_score), SUM(sum_w), SUM(sum_wscore), MAX(max_score)
  FROM metric_buckets GROUP BY scope, bucket_start / 86400000;

CREATE TRIGGER metric_buckets_rollup_insert AFTER INSERT ON metric_buckets BEGIN
  INSERT INTO metric_buckets_hour (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
  VALUES (NEW.scope, (NEW.bucket_start / 3600000) * 3600000, NEW.n, NEW.sum_score, NEW.sum_w, NEW.sum_wscore, NEW.max_score)
  ON CONFLICT (scope, bucket_start) DO UPDATE SET
    n = n + excluded.n, sum_score = sum_score + excluded.sum_score, sum_w = sum_w + excluded.sum_w,
    sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score);
  INSERT INTO metric_buckets_day (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
  VALUES (NEW.scope, (NEW.bucket_start / 86400000) * 86400000, NEW.n, NEW.sum_score, NEW.sum_w, NEW.sum_wscore, NEW.max_score)
  ON CONFLICT (scope, bucket_start) DO UPDATE SET
    n = n + excluded.n, sum_score = sum_score + excluded.sum_score, sum_w = sum_w + excluded.sum_w,
    sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score);
END;

-- Minute buckets only grow (upsert adds), so the rollups add the difference.
CREATE TRIGGER metric_buckets_rollup_update AFTER UPDATE ON metric_buckets BEGIN
  INSERT INTO metric_buckets_hour (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
  VALUES (NEW.scope, (NEW.bucket_start / 3600000) * 3600000, NEW.n - OLD.n, NEW.sum_score - OLD.sum_score,
          NEW.sum_w - OLD.sum_w, NEW.sum_wscore - OLD.sum_wscore, NEW.max_score)
  ON CONFLICT (scope, bucket_start) DO UPDATE SET
    n = n + excluded.n, sum_score = sum_score + excluded.sum_score, sum_w = sum_w + excluded.sum_w,
    sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score);
  INSERT INTO metric_buckets_day (scope, bucket_start, n, sum_score, sum_w, sum_wscore, max_score)
  VALUES (NEW.scope, (NEW.bucket_start / 86400000) * 86400000, NEW.n - OLD.n, NEW.sum_score - OLD.sum_score,
          NEW.sum_w - OLD.sum_w, NEW.sum_wscore - OLD.sum_wscore, NEW.max_score)
  ON CONFLICT (scope, bucket_start) DO UPDATE SET
    n = n + excluded.n, sum_score = sum_score + excluded.sum_score, sum_w = sum_w + excluded.sum_w,
    sum_wscore = sum_wscore + excluded.sum_wscore, max_score = MAX(max_score, excluded.max_score);
END;

-- Alert rules, editable from the dashboard. Deleting a rule sets deleted_at so that the alerts
-- it raised (and the CSV history that shows them) keep their name, scope and severity.
CREATE TABLE alert_rules (
  id              INTEGER PRIMARY KEY,
  name            TEXT    NOT NULL,
  scope           TEXT    NOT NULL,          -- 'global' | 'actor:X' | 'dyad:X>Y' | 'category:C'
  time_window     TEXT    NOT NULL,          -- '1h', '24h', '7d', ...
  metric          TEXT    NOT NULL CHECK (metric IN ('index', 'max', 'count')),
  threshold       REAL    NOT NULL,
  recover_below   REAL    NOT NULL,
  for_seconds     INTEGER NOT NULL,
  repeat_seconds  INTEGER NOT NULL,          -- 0: never repeat
  min_statements  INTEGER NOT NULL,
  severity        TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  channels        TEXT    NOT NULL,          -- JSON array of channels
  enabled         INTEGER NOT NULL DEFAULT 1,
  silenced_until  INTEGER,
  silence_reason  TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  deleted_at      INTEGER
);

-- One row per alert episode: opened pending, then firing, then resolved (or cancelled when it
-- never fired). Acknowledgement is a property of a firing episode, not a state of its own.
CREATE TABLE alerts (
  id                INTEGER PRIMARY KEY,
  rule_id           INTEGER NOT NULL REFERENCES alert_rules (id),
  state             TEXT    NOT NULL CHECK (state IN ('pending', 'firing', 'resolved', 'cancelled')),
  scope             TEXT    NOT NULL,        -- copied from the rule when opened
  time_window       TEXT    NOT NULL,
  metric            TEXT    NOT NULL,
  severity          TEXT    NOT NULL,
  threshold         REAL    NOT NULL,
  value             REAL,                    -- last measured value (NULL: not enough data)
  peak_value        REAL,
  started_at        INTEGER NOT NULL,
  fired_at          INTEGER,
  resolved_at       INTEGER,                 -- set for resolved and cancelled
  end_reason        TEXT,                    -- 'recovered', 'below-threshold', 'no-data', 'window-empty', 'rule-disabled', ...
  no_data_since     INTEGER,
  last_notified_at  INTEGER,
  notify_count      INTEGER NOT NULL DEFAULT 0,
  ack_at            INTEGER,
  ack_by            TEXT,
  ack_reason        TEXT,
  updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX alerts_one_open_per_rule ON alerts (rule_id) WHERE state IN ('pending', 'firing');
CREATE INDEX alerts_fired ON alerts (fired_at) WHERE fired_at IS NOT NULL;
CREATE INDEX alerts_state ON alerts (state, id);

-- Every transition (and ack, silence-suppressed notification, no-data) with what drove it.
CREATE TABLE alert_events (
  id             INTEGER PRIMARY KEY,
  alert_id       INTEGER NOT NULL REFERENCES alerts (id),
  at             INTEGER NOT NULL,
  kind           TEXT    NOT NULL,           -- pending, firing, repeat, resolved, cancelled, acknowledged, no-data, data-resumed
  from_state     TEXT,
  to_state       TEXT    NOT NULL,
  value          REAL,
  time_window    TEXT    NOT NULL,
  count          INTEGER NOT NULL,
  threshold      REAL    NOT NULL,
  top_statements TEXT    NOT NULL DEFAULT '[]', -- JSON [{id, score, speaker, occurredAt}]
  note           TEXT
);
CREATE INDEX alert_events_alert ON alert_events (alert_id, id);

-- The outbox: one row per notification and channel, written in the same transaction as its
-- event; the notifier job delivers and retries it. Survives restarts by construction.
CREATE TABLE alert_deliveries (
  id              INTEGER PRIMARY KEY,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id),
  event_id        INTEGER NOT NULL REFERENCES alert_events (id),
  channel         TEXT    NOT NULL CHECK (channel IN ('webhook', 'email')),
  target          TEXT    NOT NULL,          -- URL or e-mail address
  format          TEXT    NOT NULL,          -- json | slack | email
  payload         TEXT    NOT NULL,          -- JSON, built when the event was stored
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  delivered_at    INTEGER,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id, id);

CREATE TABLE alert_delivery_attempts (
  id           INTEGER PRIMARY KEY,
  delivery_id  INTEGER NOT NULL REFERENCES alert_deliveries (id),
  at           INTEGER NOT NULL,
  ok           INTEGER NOT NULL,
  status_code  INTEGER,
  error        TEXT,
  duration_ms  INTEGER NOT NULL
);
CREATE INDEX alert_delivery_attempts_delivery ON alert_delivery_attempts (delivery_id, id);
