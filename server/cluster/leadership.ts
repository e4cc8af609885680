import pg from 'pg';
import type { Logger } from '../config/logger.ts';
import {
  APPLICATION_NAME_PREFIX, DEFAULT_LEADER_LOCK_KEY, HOLDS_LOCK_SQL, LOCK_HOLDER_SQL, TRY_LOCK_SQL,
  lockKeyParts, parseLockKey, toLeaderInfo, type LeaderInfo,
} from './leader-lock.ts';
import { isValidNodeId } from './node-id.ts';

export type { LeaderInfo };

export interface Leadership {
  readonly nodeId: string;
  /** First attempt to lead, then keeps trying every checkEveryMs. Never throws: an unreachable database is retried. */
  start(): Promise<void>;
  /** Whether this node runs the singleton jobs now; a plain read, cheap enough for every job tick. */
  isLeader(): boolean;
  /** When this node last became leader (ms since epoch), null while it is not. */
  leaderSince(): number | null;
  /** Who holds the lock as PostgreSQL sees it (any node can ask); null when no one does. */
  currentLeader(): Promise<LeaderInfo | null>;
  /** Gives the lead up (ends the session, which frees the lock at once) and stops trying. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * One leader at a time among the nodes of one PostgreSQL database, for the jobs that must not run
 * twice at once (alert evaluation, the outbox, feed polling, retention, the demo trickle).
 *
 * The leader holds a session-level `pg_try_advisory_lock` on a dedicated connection: PostgreSQL
 * frees it as soon as that session ends, including when the process is SIGKILLed and the kernel
 * closes its socket, so a follower that retries every `checkEveryMs` takes over within about that
 * long. A lost connection ('error'/'end', or a check that fails) makes this node a follower at
 * once, before it reconnects with backoff. A leader's check that only times out (a loaded machine
 * or database: the session may well be alive and still hold the lock) is tolerated up to
 * `slowChecksTolerated` times in a row: stepping down there would end the session and hand the
 * lock over for nothing. The next timeout (a half-open socket: nothing gets through) steps down,
 * well before PostgreSQL's TCP keepalive (about 25 s) frees the lock for another node. Two nodes
 * may both believe they lead for at most about that long, so the gated jobs must stay safe under
 * a brief overlap, as they are: their writes are conditional.
 *
 * Without a database URL (SQLite: one node) this node always leads and no pg code runs.
 */
export function createLeadership(opts: {
  databaseUrl?: string | undefined;
  nodeId: string;
  logger: Logger;
  lockKey?: bigint | number;
  checkEveryMs?: number;
  /** Timed-out checks in a row a leader rides out before it steps down (default 2). */
  slowChecksTolerated?: number;
  onChange?: (leader: boolean) => void;
  now?: () => number;
}): Leadership {
  if (!isValidNodeId(opts.nodeId)) throw new TypeError(`invalid node id ${JSON.stringify(opts.nodeId)}`);
  const checkEveryMs = opts.checkEveryMs ?? 2000;
  if (!Number.isInteger(checkEveryMs) || checkEveryMs < 10) throw new RangeError(`checkEveryMs must be an integer >= 10 (got ${checkEveryMs})`);
  const slowChecksTolerated = opts.slowChecksTolerated ?? 2;
  if (!Number.isInteger(slowChecksTolerated) || slowChecksTolerated < 0) throw new RangeError(`slowChecksTolerated must be an integer >= 0 (got ${slowChecksTolerated})`);
  const key = parseLockKey(opts.lockKey ?? DEFAULT_LEADER_LOCK_KEY);
  const { classid, objid } = lockKeyParts(key);
  const now = opts.now ?? Date.now;
  const nodeId = opts.nodeId;
  const log = opts.logger.child({ component: 'leadership', nodeId });
  const databaseUrl = opts.databaseUrl;

  let since: number | null = null;
  let client: pg.Client | null = null;
  let timer: NodeJS.Timeout | null = null;
  let ticking: Promise<void> | null = null;
  let failures = 0;
  /** A leader's checks in a row that timed out on a connection that is still open. */
  let slowChecks = 0;
  let started = false;
  let stopped = false;

  function setLeader(leader: boolean, reason: string): void {
    if ((since !== null) === leader) return;
    since = leader ? now() : null;
    if (leader) log.info(databaseUrl ? { reason, lockKey: String(key) } : { reason }, 'became leader');
    else if (reason === 'stopped') log.info({ reason }, 'no longer leader');
    else log.warn({ reason }, 'no longer leader');
    try {
      opts.onChange?.(leader);
    } catch (err) {
      log.error({ err }, 'leadership onChange threw');
    }
  }

  function clientConfig(): pg.ClientConfig {
    return {
      connectionString: databaseUrl,
      application_name: APPLICATION_NAME_PREFIX + nodeId,
      keepAlive: true,
      connectionTimeoutMillis: Math.max(checkEveryMs, 5000),
      // A check that hangs (half-open socket) counts as a lost connection on this side.
      query_timeout: Math.max(checkEveryMs, 1000),
      // And on the server's side: a dead peer that sent no FIN (power cut, partition) is
      // detected by TCP keepalive in about 10 + 3 * 5 s, which frees the lock for the others.
      options: '-c tcp_keepalives_idle=10 -c tcp_keepalives_interval=5 -c tcp_keepalives_count=3',
    };
  }

  /** Drops the connection `c` (if still ours): follower at once, reconnect on the next tick. */
  function lose(c: pg.Client, reason: string, err?: unknown): void {
    if (client !== c) return;
    client = null;
    if (err) log.warn({ err }, `leadership connection lost (${reason})`);
    setLeader(false, reason);
    c.removeAllListeners('end');
    c.on('error', () => {}); // a late socket error on a dropped client must not crash the process
    c.end().catch(() => {});
    schedule();
  }

  async function connect(): Promise<pg.Client> {
    const c = new pg.Client(clientConfig());
    c.on('error', (err) => lose(c, 'connection-error', err));
    c.on('end', () => lose(c, 'connection-ended'));
    try {
      await c.connect();
      // Again in SQL: an application_name in the URL's query string would override the config's,
      // and currentLeader() reads the holder's identity from it.
      await c.query("SELECT set_config('application_name', $1, false)", [APPLICATION_NAME_PREFIX + nodeId]);
    } catch (err) {
      c.on('error', () => {});
      c.end().catch(() => {});
      throw err;
    }
    return c;
  }

  async function tick(): Promise<void> {
    if (stopped) return;
    let c = client;
    try {
      if (!c) {
        c = await connect();
        if (stopped) {
          await c.end().catch(() => {});
          return;
        }
        client = c;
        if (failures > 0) log.info({ failures }, 'leadership connection restored');
      }
      if (since === null) {
        const r = await c.query<{ got: boolean }>(TRY_LOCK_SQL, [String(key)]);
        if (r.rows[0]?.got && client === c) setLeader(true, 'lock-acquired');
      } else {
        const r = await c.query<{ held: boolean }>(HOLDS_LOCK_SQL, [classid, objid]);
        if (!r.rows[0]?.held && client === c) setLeader(false, 'lock-not-held');
      }
      failures = 0;
      slowChecks = 0;
    } catch (err) {
      if (c && client === c && since !== null && isTimeout(err) && slowChecks < slowChecksTolerated) {
        slowChecks++;
        log.warn({ err, slowChecks, tolerated: slowChecksTolerated }, 'leadership check timed out; still leading while the session is open');
        return;
      }
      slowChecks = 0;
      failures++;
      if (c && client === c) lose(c, 'check-failed', err);
      else if (failures === 1 || failures % 10 === 0) log.warn({ err, failures }, 'cannot reach the database for leadership; retrying');
    }
  }

  /** pg's query_timeout: no answer in time, the connection itself not (yet) known to be broken. */
  function isTimeout(err: unknown): boolean {
    return err instanceof Error && err.message === 'Query read timeout';
  }

  function delay(): number {
    if (failures === 0) return checkEveryMs;
    // 250 ms, 500 ms, 1 s, ... up to 30 s, with jitter so that nodes cut off together do not reconnect in lockstep.
    const base = Math.min(250 * 2 ** (failures - 1), MAX_BACKOFF_MS);
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  function schedule(): void {
    if (stopped || !started) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, client ? checkEveryMs : delay());
    timer.unref(); // the HTTP server keeps a node alive, not this timer
  }

  function run(): void {
    timer = null;
    if (ticking) return; // the running tick schedules the next one
    ticking = tick().finally(() => {
      ticking = null;
      if (!timer) schedule();
    });
  }

  return {
    nodeId,
    async start() {
      if (started) return;
      started = true;
      if (!databaseUrl) {
        setLeader(true, 'single-node');
        return;
      }
      run();
      await ticking;
    },
    isLeader: () => since !== null,
    leaderSince: () => since,
    async currentLeader() {
      if (!databaseUrl) return since === null ? null : { nodeId, pid: process.pid, connectedAt: since };
      // Our own session when we have one (queries queue behind the check); else a short-lived one.
      const own = client;
      const c = own ?? new pg.Client(clientConfig());
      try {
        if (!own) await c.connect();
        const r = await c.query(LOCK_HOLDER_SQL, [classid, objid]);
        return r.rows[0] ? toLeaderInfo(r.rows[0]) : null;
      } finally {
        if (!own) await c.end().catch(() => {});
      }
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await ticking;
      // Step down before the session ends: once it has, another node may take the lock.
      setLeader(false, 'stopped');
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        c.on('error', () => {});
        await c.end().catch((err: unknown) => log.warn({ err }, 'closing the leadership connection failed'));
      }
    },
  };
}
