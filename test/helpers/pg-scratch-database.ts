import crypto from 'node:crypto';
import pg from 'pg';

/** The machine's PostgreSQL (trust auth); scratch databases are created from its `test` database. */
export const PG_HOST = '127.0.0.1';
export const PG_PORT = 5432;
const adminUrl = () => `postgres://postgres@${PG_HOST}:${PG_PORT}/test`;

export interface ScratchDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Opens a client on it (the caller ends it). */
  connect: () => Promise<pg.Client>;
  /** Drops it, closing any connection still open on it. */
  drop: () => Promise<void>;
}

export type ScratchResult = { ok: true; db: ScratchDatabase } | { ok: false; skip: string };

/**
 * Creates an empty database `<prefix><random>` for one test. When the server cannot be reached
 * the result says why, for `t.skip()`; with BRINKWATCH_REQUIRE_SERVICES=1 (CI) that is an error
 * instead, so a stopped server fails the run rather than skipping the PostgreSQL tests silently.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchResult> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`scratch database prefix must be a lower-case identifier, got ${prefix}`);
  const admin = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (err) {
    await admin.end().catch(() => undefined); // never connected: nothing to close
    const why = `PostgreSQL not reachable at ${PG_HOST}:${PG_PORT} (${(err as Error).message})`;
    if (process.env.BRINKWATCH_REQUIRE_SERVICES === '1') throw new Error(`${why}; BRINKWATCH_REQUIRE_SERVICES=1 makes this a failure`);
    return { ok: false, skip: why };
  }
  const name = `${prefix}${crypto.randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = `postgres://postgres@${PG_HOST}:${PG_PORT}/${name}`;
  return {
    ok: true,
    db: {
      url,
      name,
      connect: async () => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
        await c.connect();
        return c;
      },
      drop: async () => {
        const c = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    },
  };
}
