-- Every index is written on every insert; a scoring backfill writes ~4 minute-bucket rows and
-- ~3.4 actor/category rows per statement, so indexes nothing reads are dropped (measured on
-- 100k scored statements: ~0.4 s of ~4 s of writes).
--
-- statement_actors / statement_categories by statement_id (migration 002): saveScored no longer
-- deletes by statement_id (it only updates pending rows) and statements are never deleted, so
-- nothing looks these up by statement_id alone. A future retention job must delete a
-- statement's actor and category rows by their full keys before the statement.
DROP INDEX IF EXISTS statement_actors_statement;
DROP INDEX IF EXISTS statement_categories_statement;

-- Minute buckets by time alone: the only readers that searched by time without a scope (the
-- busiest-scopes query and history exports of every scope) now find their scopes in the hour
-- rollup, which has 60x fewer rows to index, and then read minute buckets by (scope, time).
DROP INDEX IF EXISTS metric_buckets_time;
CREATE INDEX metric_buckets_hour_time ON metric_buckets_hour (bucket_start);
