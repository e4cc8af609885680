-- Statements stored before migration 007 have no export_head; a background task at start
-- (server/jobs/export-head-backfill.ts) fills them, a batch at a time, found through this
-- partial index. Rows written since 007 always carry a head, so the index holds only those
-- old rows and is empty once they are filled: new rows pay nothing but the WHERE test.
CREATE INDEX statements_export_head_missing ON statements (id) WHERE export_head IS NULL;
