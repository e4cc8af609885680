import crypto from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';

/**
 * A PostgreSQL database of the test's own (random name), dropped afterwards. The server is the
 * machine's (BRINKWATCH_TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 * Unreachable: the test is skipped with the reason, except under BRINKWATCH_REQUIRE_SERVICES=1
 * (CI), where it fails.
 */
export const ADMIN_URL = process.env.BRINKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function createTestDatabase(t: TestContext, prefix: string): Promise<TestDatabase | null> {
  const admin = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  admin.on('error', () => {}); // a server going away mid-test fails the queries, not the process
  try {
    await admin.connect();
  } catch (err) {
    await admin.end().catch(() => {});
    const reason = `PostgreSQL not reachable at ${new URL(ADMIN_URL).host} (${(err as Error).message})`;
    if (process.env.BRINKWATCH_REQUIRE_SERVICES === '1') throw new Error(`${reason}; BRINKWATCH_REQUIRE_SERVICES=1 makes it mandatory`);
    t.skip(reason);
    return null;
  }
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(ADMIN_URL, name),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_URL });
      c.on('error', () => {});
      await c.connect();
      try {
        // WITH (FORCE) ends sessions a failed test left open (PostgreSQL 13+).
        await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
