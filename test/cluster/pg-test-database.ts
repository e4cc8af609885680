import type { TestContext } from 'node:test';
import { createScratchDatabase, skipReason, type ScratchDatabase } from '../../scripts/lib/pg-scratch.ts';

export type TestDatabase = ScratchDatabase;

/**
 * A PostgreSQL database of the test's own (`<prefix>_<random>`, scripts/lib/pg-scratch.ts),
 * dropped by the caller. Unreachable server: the test is skipped with the reason, except under
 * BRINKWATCH_REQUIRE_SERVICES=1 (CI), where it fails.
 */
export async function createTestDatabase(t: TestContext, prefix: string): Promise<TestDatabase | null> {
  try {
    return await createScratchDatabase(`${prefix}_`);
  } catch (err) {
    t.skip(skipReason(err));
    return null;
  }
}
