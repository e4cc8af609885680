import { createScratchDatabase as create, skipReason, type ScratchDatabase } from '../../scripts/lib/pg-scratch.ts';

export type { ScratchDatabase };
export type ScratchResult = { ok: true; db: ScratchDatabase } | { ok: false; skip: string };

/**
 * Creates an empty database `<prefix><random>` for one test (scripts/lib/pg-scratch.ts). When the
 * server cannot be reached the result says why, for `t.skip()`; with BRINKWATCH_REQUIRE_SERVICES=1
 * (CI) that is an error instead, so a stopped server fails the run rather than skipping silently.
 */
export async function createScratchDatabase(prefix: string): Promise<ScratchResult> {
  try {
    return { ok: true, db: await create(prefix) };
  } catch (err) {
    return { ok: false, skip: skipReason(err) };
  }
}
