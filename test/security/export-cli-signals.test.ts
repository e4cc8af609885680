import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createStore } from '../../server/store/store.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const T0 = Date.UTC(2026, 10, 1);
const ROWS = 600_000;

/**
 * `npm run export -- ... --out FILE` killed mid-export, as a real child process: a signal it can
 * handle removes FILE.partial-<pid>; SIGKILL cannot, and the next run removes what it left.
 */
describe('CLI export killed mid-export leaves no partial file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-export-kill-'));
  const outDir = path.join(dir, 'out');
  let bundle = '';
  before(async () => {
    bundle = await cliBundle('scripts/export.ts');
    fs.mkdirSync(outDir);
    const store = createStore(path.join(dir, 'brinkwatch.db'));
    // Rows without export heads: the CLI formats each from its columns, the slower path.
    store.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
      INSERT INTO statements (dedupe_key, text, speaker, source, received_at, occurred_at, origin, status, score, level, actor, targets, signals, scorer_version)
      SELECT 'k' || i, 'Statement number ' || i || ' warns that any attack will be answered with force, the ministry said on state television.',
        'Speaker ' || (i % 50), 'State TV', ${T0} + i * 1000, ${T0} + i * 1000, 'cli', 'scored', (i % 1000) / 10.0, 'elevated',
        'Speaker ' || (i % 50), '["Ukraine"]', '[]', 'test' FROM n`);
    store.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function startExport(out: string, extra: string[] = []): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
    const child = spawn(process.execPath, [bundle, 'statements', '--from', '2026-11-01', '--to', '2026-11-30', ...extra, '--out', out], {
      cwd: ROOT,
      env: { ...process.env, BRINKWATCH_DATA_DIR: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
    return { child, done };
  }

  /** Resolves once the child's partial file holds some rows: the export is under way. */
  async function midExport(child: ChildProcess, out: string): Promise<string> {
    const partial = `${out}.partial-${child.pid}`;
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(partial) && fs.statSync(partial).size > 100_000)) {
      assert.ok(Date.now() < deadline, 'the export never got under way');
      assert.equal(child.exitCode, null, 'the export finished before it could be killed: make ROWS larger');
      await new Promise((r) => setTimeout(r, 5));
    }
    return partial;
  }

  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130], ['SIGHUP', 129]] as const) {
    it(`${signal}: stops, removes its partial file, writes no FILE and exits ${code}`, async () => {
      const out = path.join(outDir, `${signal}.csv`);
      const { child, done } = startExport(out);
      await midExport(child, out);
      child.kill(signal);
      const r = await done;
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, new RegExp(`interrupted \\(${signal}\\); no file written`));
      assert.deepEqual(fs.readdirSync(outDir).filter((f) => f.startsWith(`${signal}.csv`)), [], 'nothing left behind');
    });
  }

  it('SIGKILL leaves a partial file; the next run removes it, and leaves other files alone', async () => {
    const out = path.join(outDir, 'killed.csv');
    const { child, done } = startExport(out);
    const partial = await midExport(child, out);
    child.kill('SIGKILL');
    await done;
    assert.ok(fs.existsSync(partial), 'SIGKILL cannot be handled: the partial file is still there');
    // Not ours to remove: a running process's partial file, and another program's file of that form.
    const live = path.join(outDir, `live.csv.partial-${process.pid}`);
    fs.writeFileSync(live, 'id,time,speaker');
    const foreign = path.join(outDir, 'notes.txt.partial-999999999');
    fs.writeFileSync(foreign, 'my notes');

    const next = startExport(path.join(outDir, 'small.csv'), ['--to', '2026-11-01T00:01:00Z']);
    const r = await next.done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(fs.existsSync(partial), false, 'the stale partial file of the killed run was removed');
    assert.ok(fs.existsSync(live), 'a running export keeps its partial file');
    assert.ok(fs.existsSync(foreign), "another program's file is left alone");
    assert.ok(fs.readFileSync(path.join(outDir, 'small.csv'), 'utf8').startsWith('id,time,'));
  });
});
