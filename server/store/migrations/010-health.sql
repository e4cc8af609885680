-- Health checks (server/health/): a one-row table the health job writes to prove the database
-- still takes writes, and dead deliveries by time, so "deliveries dead in the last 24 h" reads
-- an index instead of the whole outbox. (Statement counts per status: store/status-counts.ts.)
CREATE TABLE health_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_dead ON alert_deliveries (updated_at) WHERE status = 'dead';
