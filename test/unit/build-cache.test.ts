import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureBuilt } from '../helpers/build-cache.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-build-cache-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A build of `out` from `src` that counts its runs and takes `ms` (long enough for callers to overlap). */
function fakeBuild(dir: string, ms = 150) {
  fs.mkdirSync(dir, { recursive: true });
  const src = path.join(dir, 'src.txt');
  const out = path.join(dir, 'out.txt');
  fs.writeFileSync(src, 'one');
  const runs = { n: 0 };
  const build = {
    stamp: path.join(dir, 'out.inputs.json'),
    outputs: [out],
    alsoDependsOn: [],
    run: async () => {
      runs.n++;
      await new Promise((r) => setTimeout(r, ms));
      fs.writeFileSync(out, fs.readFileSync(src, 'utf8'));
      return [src];
    },
  };
  return { src, out, runs, build };
}

describe('bundles shared by the test files (test/helpers/build-cache.ts)', () => {
  it('builds once for callers that ask at the same time, and reuses the build while its sources are unchanged', async () => {
    const { out, runs, build } = fakeBuild(path.join(tmp, 'once'));
    await Promise.all([ensureBuilt(build), ensureBuilt(build), ensureBuilt(build)]);
    assert.equal(runs.n, 1);
    assert.equal(fs.readFileSync(out, 'utf8'), 'one');
    await ensureBuilt(build);
    assert.equal(runs.n, 1, 'fresh: not built again');
    // An output left as it was (the language database is only rewritten when it changes) is no reason to build.
    const past = new Date(Date.now() - 86_400_000);
    fs.utimesSync(out, past, past);
    await ensureBuilt(build);
    assert.equal(runs.n, 1, 'an old but present output is fine');
    assert.equal(fs.existsSync(`${build.stamp}.lock`), false, 'the lock is released');
  });

  it('builds again when a source is newer than the build, or an output is missing', async () => {
    const { src, out, runs, build } = fakeBuild(path.join(tmp, 'stale'), 0);
    await ensureBuilt(build);
    fs.writeFileSync(src, 'two');
    const later = new Date(Date.now() + 5_000);
    fs.utimesSync(src, later, later);
    await ensureBuilt(build);
    assert.equal(runs.n, 2);
    assert.equal(fs.readFileSync(out, 'utf8'), 'two');
    fs.rmSync(out);
    await ensureBuilt(build);
    assert.equal(runs.n, 3);
  });

  it('takes over a lock left by a process that is gone, and waits for one that is alive', async () => {
    const { runs, build } = fakeBuild(path.join(tmp, 'locks'), 0);
    const lock = `${build.stamp}.lock`;
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), dead.stdout);
    await ensureBuilt(build);
    assert.equal(runs.n, 1, 'built despite the lock of a dead process');

    fs.rmSync(build.stamp);
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid)); // held by a live process
    await assert.rejects(ensureBuilt(build, 300), /held by another process/);
    assert.equal(runs.n, 1, 'did not build under a live lock');
    fs.rmSync(lock, { recursive: true });
  });

  it('releases the lock when the build fails, and the next caller builds', async () => {
    const { runs, build } = fakeBuild(path.join(tmp, 'fails'), 0);
    await assert.rejects(ensureBuilt({ ...build, run: () => Promise.reject(new Error('esbuild: syntax error')) }), /syntax error/);
    assert.equal(fs.existsSync(`${build.stamp}.lock`), false);
    await ensureBuilt(build);
    assert.equal(runs.n, 1);
  });
});
