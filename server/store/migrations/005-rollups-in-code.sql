-- The hour and day rollups are now written by metrics-repo.add() with contributions merged per
-- scoring batch (one upsert per bucket and table) instead of two trigger upserts per minute
-- upsert: scoring backfills spent about a third of their time in those triggers.
DROP TRIGGER IF EXISTS metric_buckets_rollup_insert;
DROP TRIGGER IF EXISTS metric_buckets_rollup_update;
