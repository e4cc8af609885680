/**
 * The second half of `npm test`: the suites that run on both stores, run again on PostgreSQL
 * (BRINKWATCH_TEST_STORE=postgres: test/helpers/temp-store.ts gives every store a schema of its
 * own in the test database). Where no PostgreSQL answers, it says so and skips, unless
 * BRINKWATCH_REQUIRE_SERVICES=1 (set by .ci/run), where that is a failure.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { serviceMissing, POSTGRES_URL } from '../test/helpers/services.ts';
import { dropPool } from '../test/helpers/pg-schema-pool.ts';
import { PgDatabase } from '../server/store/pg/pg-database.ts';

/** Test folders and files whose stores come from test/helpers/temp-store.ts and pass on both engines. */
const BOTH_STORES = ['test/store', 'test/http', 'test/realtime', 'test/alerts', 'test/ingest', 'test/jobs', 'test/auth', 'test/ops', 'test/security', 'test/search', 'test/metrics', 'test/drill', 'test/export'];

function testFiles(entries: string[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (!fs.existsSync(e)) continue;
    if (fs.statSync(e).isDirectory()) {
      for (const f of fs.readdirSync(e, { recursive: true }) as string[]) if (f.endsWith('.test.ts')) out.push(path.join(e, f));
    } else out.push(e);
  }
  // Only files whose stores come from the shared helpers run twice; the rest do not depend on the engine.
  // Files that pick their engines themselves (first line "... : one-pass") already ran them in the first pass.
  const runsTwice = (f: string) => {
    const src = fs.readFileSync(f, 'utf8');
    return /helpers\/(temp-store|test-app|auth-app|dashboard-seed)\.ts/.test(src) && !/^\/\/ .*: one-pass$/m.test(src.slice(0, src.indexOf('\n')));
  };
  return [...new Set(out)].filter(runsTwice).sort();
}

let missing: string | null;
try {
  missing = await serviceMissing('postgres');
} catch (err) {
  process.stderr.write(`# PostgreSQL suite: ${(err as Error).message}\n`);
  process.exit(1);
}
if (missing) {
  process.stdout.write(`# PostgreSQL suite skipped: ${missing} (set BRINKWATCH_TEST_DATABASE_URL, default ${POSTGRES_URL})\n`);
  process.exit(0);
}
const files = testFiles(BOTH_STORES);
process.stdout.write(`# PostgreSQL suite: ${files.length} test files again on ${POSTGRES_URL}\n`);
// Pooled schemas (test/helpers/pg-schema-pool.ts) from an earlier run may have an older shape: start clean, end clean.
const admin = new PgDatabase(POSTGRES_URL, { applicationName: 'brinkwatch-test-runner' });
dropPool(admin);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=tap', ...files], {
  stdio: 'inherit',
  env: { ...process.env, BRINKWATCH_TEST_STORE: 'postgres' },
});
dropPool(admin);
admin.close();
process.exit(r.status ?? 1);
