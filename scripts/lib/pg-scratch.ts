/**
 * Scratch PostgreSQL databases: created empty under a random name on the machine's server (issue
 * 16: 127.0.0.1:5432, trust, database `test`; BRINKWATCH_TEST_DATABASE_URL overrides it) and
 * dropped afterwards. One module for the cluster benchmark (scripts/bench/cluster-nodes.ts) and
 * the tests' helpers (test/cluster/pg-test-database.ts, test/helpers/pg-scratch-database.ts,
 * test/realtime/cluster-services.ts), which only differ in what they do when the server is away.
 */
import crypto from 'node:crypto';
import pg from 'pg';

export const ADMIN_URL = process.env.BRINKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The server did not answer: callers skip (tests), fail (CI, BRINKWATCH_REQUIRE_SERVICES=1) or say so (the bench). */
export class PgUnreachableError extends Error {
  override name = 'PgUnreachableError';
}

export interface ScratchDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Opens a client on it (the caller ends it). */
  connect(): Promise<pg.Client>;
  /** Drops it, ending any session still open on it (a killed node's, a failed test's). Safe to call twice. */
  drop(): Promise<void>;
}

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Opens a client on the admin database; a failure to connect is a PgUnreachableError with the reason. */
export async function adminClient(connectTimeoutMs = 3000): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: connectTimeoutMs });
  admin.on('error', () => {}); // a server going away fails the queries, not the process
  try {
    await admin.connect();
  } catch (err) {
    await admin.end().catch(() => {}); // never connected: nothing to close
    throw new PgUnreachableError(`PostgreSQL not reachable at ${new URL(ADMIN_URL).host} (${(err as Error).message})`);
  }
  return admin;
}

/** Creates an empty database `<prefix><12 hex digits>`; throws PgUnreachableError when the server does not answer. */
export async function createScratchDatabase(prefix: string, connectTimeoutMs = 3000): Promise<ScratchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`scratch database prefix must be a lower-case identifier, got ${prefix}`);
  const name = `${prefix}${crypto.randomBytes(6).toString('hex')}`;
  const admin = await adminClient(connectTimeoutMs);
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end().catch(() => {});
  }
  const url = withDatabase(ADMIN_URL, name);
  return {
    url,
    name,
    connect: async () => {
      const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
      await c.connect();
      return c;
    },
    drop: async () => {
      const c = await adminClient(connectTimeoutMs);
      try {
        // WITH (FORCE) (PostgreSQL 13+) ends the sessions still open on it.
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end().catch(() => {});
      }
    },
  };
}

/**
 * The tests' rule for a server that is away: the reason to skip with, or, under
 * BRINKWATCH_REQUIRE_SERVICES=1 (CI), an error, so that a stopped server fails the run instead
 * of skipping the PostgreSQL tests silently.
 */
export function skipReason(err: unknown): string {
  if (!(err instanceof PgUnreachableError)) throw err;
  if (process.env.BRINKWATCH_REQUIRE_SERVICES === '1') throw new Error(`${err.message}; BRINKWATCH_REQUIRE_SERVICES=1 makes it mandatory`);
  return err.message;
}
