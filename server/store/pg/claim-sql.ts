/**
 * How the score job's workers on several nodes share the pending statements of one PostgreSQL
 * database: each claims a batch with `FOR UPDATE SKIP LOCKED` (rows another node is claiming at
 * that instant are passed over, not waited for) and stamps it with its node id and the time. A
 * claim is a lease: a node killed mid-batch leaves claims that expire after `leaseMs`, and the
 * next claim by any node takes those statements again, so none is skipped.
 *
 * A lease can expire while its node is only slow, and then two nodes score the same statement.
 * That is why every write that settles a statement (scored, unsupported, failed) stays
 * conditional on `status = 'pending'` and reports whether it changed a row: the first to commit
 * wins and the other's metric contributions are not written (the caller writes them only when
 * its update returned the row, in the same transaction), so a late duplicate never counts twice.
 *
 * Times are the database's clock (ms since epoch), not the nodes': clocks of different machines
 * disagree, and a node whose clock runs ahead would otherwise see other nodes' leases expired.
 *
 * Pure SQL text for the PostgreSQL statements repo (server/store/pg/*); parameters are listed on
 * each constant. Tested in test/cluster/claims.test.ts against a real server.
 */

/** Columns the PostgreSQL `statements` table needs for claims (its migration holds them). */
export const CLAIM_COLUMNS_DDL = `
  ALTER TABLE statements ADD COLUMN IF NOT EXISTS claimed_by TEXT;    -- node id of the claim's holder; NULL: unclaimed
  ALTER TABLE statements ADD COLUMN IF NOT EXISTS claimed_at BIGINT;  -- database time of the claim, ms since epoch`;

/**
 * The database's clock, ms since epoch: statement_timestamp() is this statement's start (not the
 * transaction's, which a long transaction would hold in the past) and is stable, so it is read
 * once per statement rather than per row scanned.
 */
const DB_NOW_MS = `(extract(epoch FROM statement_timestamp()) * 1000)::bigint`;

/** How long a claim holds by default: far above a batch's scoring time (ms), short enough that a dead node's batch waits little. */
export const DEFAULT_CLAIM_LEASE_MS = 60_000;

/**
 * Claims up to $3 pending statements, oldest id first, that are unclaimed or whose claim is older
 * than $2 ms. $1 node id (text), $2 lease ms (bigint), $3 limit (int).
 * Rows: { id, text, speaker, occurredAt, isDemo } in id order (ids as strings: bigint).
 *
 * The ids are picked in a CTE (PostgreSQL always evaluates a data-modifying or locking CTE once),
 * not `WHERE id IN (subquery ... LIMIT)`, which the planner may re-run and so claim more than the
 * limit. Under READ COMMITTED, a row another claimer committed while this one waited for nothing
 * (SKIP LOCKED) is re-checked against the WHERE on its new version, so a fresh claim excludes it.
 */
export const CLAIM_PENDING_SQL = `
WITH picked AS (
  SELECT id FROM statements
  WHERE status = 'pending' AND (claimed_at IS NULL OR claimed_at < ${DB_NOW_MS} - $2::bigint)
  ORDER BY id
  LIMIT $3
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE statements s SET claimed_by = $1, claimed_at = ${DB_NOW_MS}
  FROM picked WHERE s.id = picked.id
  RETURNING s.id, s.text, s.speaker, s.occurred_at, s.is_demo
)
SELECT id, text, speaker, occurred_at AS "occurredAt", is_demo AS "isDemo" FROM claimed ORDER BY id`;

/**
 * Settles one statement as scored, only while it is still pending; rowCount 0 means another node
 * scored it first and this node must not write its metric contributions. Clears the claim.
 * $1 id, $2 score, $3 level, $4 actor, $5 targets, $6 mentioned, $7 signals, $8 scorer_version,
 * $9 scored_at, $10 export_head, $11 lang.
 */
export const SAVE_SCORED_SQL = `
UPDATE statements SET status = 'scored', score = $2, level = $3, actor = $4, targets = $5, mentioned = $6,
  signals = $7, scorer_version = $8, scored_at = $9, error = NULL, export_head = $10, lang = $11,
  claimed_by = NULL, claimed_at = NULL
WHERE id = $1 AND status = 'pending'`;

/** As SAVE_SCORED_SQL for a language the scorer does not read. $1 id, $2 lang, $3 decided_at, $4 export_head. */
export const MARK_UNSUPPORTED_SQL = `
UPDATE statements SET status = 'unsupported', lang = $2, scored_at = $3, error = NULL, export_head = $4,
  claimed_by = NULL, claimed_at = NULL
WHERE id = $1 AND status = 'pending'`;

/** As SAVE_SCORED_SQL for a statement the scorer threw on. $1 id, $2 error, $3 export_head. */
export const MARK_FAILED_SQL = `
UPDATE statements SET status = 'failed', error = $2, export_head = $3, claimed_by = NULL, claimed_at = NULL
WHERE id = $1 AND status = 'pending'`;

/**
 * Hands back this node's unsettled claims (clean shutdown mid-run), so other nodes take them at
 * once instead of after the lease. $1 node id. rowCount: how many were released.
 */
export const RELEASE_CLAIMS_SQL = `
UPDATE statements SET claimed_by = NULL, claimed_at = NULL WHERE claimed_by = $1 AND status = 'pending'`;
