import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { describeViolation, findStoreLayerViolations, importSpecifiers, type SourceFile } from '../helpers/import-layers.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every .ts file under server/, repository-relative, POSIX separators. */
function serverSources(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.ts')) files.push({ path: rel, source: fs.readFileSync(path.join(ROOT, rel), 'utf8') });
    }
  };
  walk('server');
  return files;
}

describe('server/store depends on nothing above it', () => {
  it('no store file imports http, jobs, ingest, export, alerts, metrics, realtime, health, ops, auth or main, directly or through what it imports', () => {
    const files = serverSources();
    const store = files.filter((f) => f.path.startsWith('server/store/'));
    // Guards against a walk that found nothing and so could not fail.
    assert.ok(store.some((f) => f.path === 'server/store/statements-repo.ts'), 'found server/store/statements-repo.ts');
    assert.ok(store.flatMap((f) => importSpecifiers(f.source)).length > store.length, 'parsed the imports of the store files');
    assert.deepEqual(findStoreLayerViolations(files).map(describeViolation), []);
  });
});

describe('findStoreLayerViolations()', () => {
  const clean: SourceFile[] = [
    { path: 'server/store/a-repo.ts', source: "import fs from 'node:fs';\nimport Database from 'better-sqlite3';\nimport { b } from './b.ts';\nimport { csvText } from '../shared/csv-format.ts';\nimport { projectRoot } from '../config/project-root.ts';\n" },
    { path: 'server/store/b.ts', source: "import type { Scorer } from '../scoring/types.ts';\nexport const b = 1;\n" },
    { path: 'server/shared/csv-format.ts', source: 'export const csvText = 1;\n' },
    { path: 'server/export/rows.ts', source: "import { b } from '../store/b.ts';\nimport { x } from '../http/app.ts';\n" },
  ];

  it('finds nothing in a store that imports only itself, shared, config, scoring, built-ins and packages (a layer above may import the store)', () => {
    assert.deepEqual(findStoreLayerViolations(clean), []);
  });

  it('names the store file and the import of a layer above', () => {
    const files = [...clean, { path: 'server/store/c-repo.ts', source: "import { head } from '../export/statement-rows.ts';\n" }];
    const found = findStoreLayerViolations(files);
    assert.deepEqual(found.map(describeViolation), [
      "server/store/c-repo.ts imports '../export/statement-rows.ts' (export: above the store)",
    ]);
    assert.equal(found[0]!.target, 'server/export/statement-rows.ts');
  });

  it('counts type-only, multi-line, re-export, side-effect and dynamic imports, and not commented-out ones', () => {
    const source = [
      'import type {',
      '  ScoredForMetrics,',
      "} from '../metrics/risk-index.ts';",
      "export * from '../http/openapi.ts';",
      "import '../realtime/events.ts';",
      "const jobs = await import('../jobs/score-job.ts');",
      "// import { alerts } from '../alerts/alert-service.ts';",
      "const text = \"import x from '../ops/ops.ts'\";",
    ].join('\n');
    const found = findStoreLayerViolations([{ path: 'server/store/d.ts', source }]);
    assert.deepEqual(found.map((v) => v.layer), ['metrics', 'http', 'realtime', 'jobs']);
  });

  it('follows imports below the store and names the chain that reaches a layer above', () => {
    const files = [
      { path: 'server/store/e.ts', source: "import { f } from '../shared/f.ts';\n" },
      { path: 'server/shared/f.ts', source: "import { g } from '../alerts/g.ts';\n" },
    ];
    assert.deepEqual(findStoreLayerViolations(files).map(describeViolation), [
      "server/store/e.ts -> server/shared/f.ts imports '../alerts/g.ts' (alerts: above the store)",
    ]);
  });

  it('resolves paths from nested store folders and flags main.ts, unplaced layers and files outside server/', () => {
    const files = [
      {
        path: 'server/store/pg/h-repo.ts',
        source: "import '../../main.ts';\nimport '../../cluster/leader.ts';\nimport '../../../scripts/bench.ts';\nimport { i } from '../i.ts';\n",
      },
      { path: 'server/store/i.ts', source: "import { a } from '../auth/a.ts';\n" },
    ];
    assert.deepEqual(findStoreLayerViolations(files).map(describeViolation), [
      "server/store/i.ts imports '../auth/a.ts' (auth: above the store)",
      "server/store/pg/h-repo.ts imports '../../main.ts' (main.ts: above the store)",
      "server/store/pg/h-repo.ts imports '../../cluster/leader.ts' (cluster: not a layer the store may use; if it lies below, add it to BELOW_STORE)",
      "server/store/pg/h-repo.ts imports '../../../scripts/bench.ts' (scripts/ (outside server/): not a layer the store may use; if it lies below, add it to BELOW_STORE)",
    ]);
  });
});
