/**
 * The SQL around the leader's session-level advisory lock. A bigint advisory key shows in pg_locks
 * as classid = its high 32 bits, objid = its low 32 bits and objsubid = 1 (PostgreSQL's
 * documented split for the one-argument int8 form), which is how any node finds the session that
 * holds it, and through pg_stat_activity that session's application_name ('brinkwatch:<nodeId>').
 */

export const APPLICATION_NAME_PREFIX = 'brinkwatch:';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The lock every Brinkwatch node of one database competes for. Fixed (not configurable) so that
 * every node agrees on it without being told; 'BRKWLEAD' in ASCII, unlikely to collide with
 * another application's advisory keys on a shared database.
 */
export const DEFAULT_LEADER_LOCK_KEY = 0x42524b574c454144n;

/** The key as a bigint, or an error naming what is wrong (a JS number above 2^53 has lost digits). */
export function parseLockKey(key: bigint | number): bigint {
  if (typeof key === 'number' && !Number.isSafeInteger(key)) {
    throw new TypeError(`leader lock key must be a safe integer or a bigint (got ${key})`);
  }
  const k = BigInt(key);
  if (k < INT64_MIN || k > INT64_MAX) throw new RangeError(`leader lock key must fit in a signed 64-bit integer (got ${k})`);
  return k;
}

/** classid and objid of the key as pg_locks shows them (oid: unsigned 32-bit), as decimal strings. */
export function lockKeyParts(key: bigint): { classid: string; objid: string } {
  const unsigned = BigInt.asUintN(64, key);
  return { classid: String(unsigned >> 32n), objid: String(unsigned & 0xffffffffn) };
}

export const TRY_LOCK_SQL = 'SELECT pg_try_advisory_lock($1::bigint) AS got';

const HOLDER_FROM = `
  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
  WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
    AND l.classid = $1::oid AND l.objid = $2::oid
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** Whether this session still holds the lock: the leader asks on every check (a lost lock, a hung socket). */
export const HOLDS_LOCK_SQL = `SELECT EXISTS (SELECT 1 ${HOLDER_FROM} AND l.pid = pg_backend_pid()) AS held`;

/** The session holding the lock, if any. */
export const LOCK_HOLDER_SQL = `SELECT a.application_name AS "applicationName", a.pid, a.backend_start AS "backendStart" ${HOLDER_FROM} LIMIT 1`;

export interface LeaderInfo {
  /** The holder's node id ('brinkwatch:' stripped), or its raw application_name when another program holds the key. */
  nodeId: string;
  /** PostgreSQL backend pid of the holder's session. */
  pid: number;
  /** When the holder's session connected (ms since epoch); a leader connects once and keeps its session. */
  connectedAt: number;
}

export function toLeaderInfo(row: { applicationName: string | null; pid: number; backendStart: Date | null }): LeaderInfo {
  const name = row.applicationName ?? '';
  return {
    nodeId: name.startsWith(APPLICATION_NAME_PREFIX) ? name.slice(APPLICATION_NAME_PREFIX.length) : name,
    pid: row.pid,
    connectedAt: row.backendStart ? row.backendStart.getTime() : 0,
  };
}
