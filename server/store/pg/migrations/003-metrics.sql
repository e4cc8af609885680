-- Metrics on PostgreSQL (issue 16): scopes in byte order, and what the per-node minute cache
-- (server/store/minute-cache.ts) reads to learn of every node's writes to metric_buckets.

-- Scope names compare and sort by bytes, as SQLite's BINARY does, whatever the database's
-- default collation: known-scopes.ts finds every 'actor:' scope as the range ('actor:', 'actor;'),
-- which a linguistic collation (en_US ignores punctuation at first) would not keep together.
ALTER TABLE metric_buckets ALTER COLUMN scope TYPE TEXT COLLATE "C";
ALTER TABLE metric_buckets_hour ALTER COLUMN scope TYPE TEXT COLLATE "C";
ALTER TABLE metric_buckets_day ALTER COLUMN scope TYPE TEXT COLLATE "C";

-- One row per scope: `version` goes up with every change to one of its minute buckets; `cleared`
-- is the version of its last deletion. A writer holds the row's lock until it commits, so per
-- scope the versions become visible in order: a reader that sees version v also sees every
-- minute stamped with a version <= v (and none of an uncommitted writer's).
CREATE TABLE metric_scope_versions (
  scope   TEXT COLLATE "C" PRIMARY KEY,
  version BIGINT NOT NULL,
  cleared BIGINT NOT NULL
);

-- The scope version of a minute bucket's last change: a cache that knows the scope at version k
-- re-reads just the minutes with changed > k, found by this index.
ALTER TABLE metric_buckets ADD COLUMN changed BIGINT NOT NULL DEFAULT 0;
CREATE INDEX metric_buckets_changed ON metric_buckets (scope, changed);

CREATE FUNCTION metric_buckets_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- An upsert's UPDATE half carries the version its INSERT half took (SET changed = excluded.changed):
  -- one bump per row written, not two.
  IF TG_OP = 'UPDATE' AND NEW.changed > OLD.changed AND NEW.scope = OLD.scope THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.scope <> OLD.scope THEN
    -- The minute left OLD.scope: caches of that scope start over.
    INSERT INTO metric_scope_versions AS v (scope, version, cleared) VALUES (OLD.scope, 1, 1)
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1, cleared = v.version + 1;
  END IF;
  INSERT INTO metric_scope_versions AS v (scope, version, cleared) VALUES (NEW.scope, 1, 0)
  ON CONFLICT (scope) DO UPDATE SET version = v.version + 1
  RETURNING v.version INTO NEW.changed;
  RETURN NEW;
END $$;
CREATE TRIGGER metric_buckets_stamp BEFORE INSERT OR UPDATE ON metric_buckets
  FOR EACH ROW EXECUTE FUNCTION metric_buckets_stamp();

-- Deletions (retention, demo purge, a rebuild) are rare and wide: one bump per scope and
-- statement, in scope order (writers lock version rows in one order: no deadlock between them).
CREATE FUNCTION metric_buckets_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO metric_scope_versions AS v (scope, version, cleared)
  SELECT scope, 1, 1 FROM (SELECT DISTINCT scope FROM old_rows) d ORDER BY scope
  ON CONFLICT (scope) DO UPDATE SET version = v.version + 1, cleared = v.version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER metric_buckets_deleted AFTER DELETE ON metric_buckets
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION metric_buckets_deleted();

CREATE FUNCTION metric_buckets_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE metric_scope_versions SET version = version + 1, cleared = version + 1;
  RETURN NULL;
END $$;
CREATE TRIGGER metric_buckets_truncated AFTER TRUNCATE ON metric_buckets
  FOR EACH STATEMENT EXECUTE FUNCTION metric_buckets_truncated();
