-- Scored batches whose push has not left yet (issue 16: several nodes). A node writes one row in
-- the transaction that scores a batch and deletes it once the batch's push has gone out. A row
-- older than a few seconds belongs to a node that died between its commit and its push: the
-- leader announces that batch in its place (server/jobs/announce-sweep.ts), so the pages of the
-- other nodes still see every statement. Times unix ms; ids and scopes are JSON arrays.
CREATE TABLE score_announcements (
  id INTEGER PRIMARY KEY,
  node_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  ids TEXT NOT NULL,
  scopes TEXT NOT NULL
);
CREATE INDEX score_announcements_created ON score_announcements (created_at);
