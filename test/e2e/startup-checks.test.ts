import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createStore } from '../../server/store/store.ts';
import { ROOT, serverBundle, startServerProcess } from '../helpers/spawn-server.ts';

/**
 * The server refuses to start on a data folder, database file or token file it cannot use,
 * with one line naming it and what to do, exit status 2 and no stack trace; and a database
 * that stops taking writes while it runs turns health to failing.
 *
 * Tests run as root, where permission bits stop nothing. What really fails for root here is
 * an immutable inode (`chattr +i` on ext4, XFS, btrfs: no new file in such a folder, no write
 * to such a file, even through descriptors already open) and a read-only mount (a tmpfs
 * mounted `ro`, needs CAP_SYS_ADMIN). As another user, chmod does it.
 */
const isRoot = process.getuid?.() === 0;

function makeUnwritable(p: string): { undo: () => void } | { skip: string } {
  if (!isRoot) {
    const mode = fs.statSync(p).mode & 0o777;
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o555 : 0o444);
    return { undo: () => fs.chmodSync(p, mode) };
  }
  const r = spawnSync('chattr', ['+i', p], { encoding: 'utf8' });
  if (r.status !== 0) return { skip: `running as root and chattr +i failed here (${(r.stderr || r.error?.message || '').trim()}): nothing can make ${p} unwritable` };
  return { undo: () => void spawnSync('chattr', ['-i', p]) };
}

/** The server as `npm start` runs it (its bundle, built in `before`), run to its exit. */
let bundle = '';
before(async () => {
  bundle = await serverBundle();
});
function startSync(env: Record<string, string>) {
  return spawnSync(process.execPath, [bundle], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', BRINKWATCH_PORT: '0', BRINKWATCH_LOG_LEVEL: 'silent', BRINKWATCH_DEMO: 'off', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

function assertRefused(r: ReturnType<typeof startSync>, pattern: RegExp): void {
  assert.equal(r.status, 2, `exit status 2, got ${r.status}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line: ${r.stderr}`);
  assert.match(lines[0]!, /^Brinkwatch cannot start: /);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at |Error:/, 'no stack trace');
  assert.doesNotMatch(r.stdout, /Brinkwatch dashboard:/, 'never listened');
}

describe('start-up checks of the data folder and token file', () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-startup-'));
  const undo: Array<() => void> = [];
  after(() => {
    for (const u of undo) u();
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('refuses a data folder that is a file', () => {
    const file = path.join(base, 'not-a-folder');
    fs.writeFileSync(file, 'x');
    assertRefused(startSync({ BRINKWATCH_DATA_DIR: file }), new RegExp(`the data folder ${file} is a file, not a folder`));
  });

  it('refuses a data folder below a file (it cannot be created)', () => {
    const file = path.join(base, 'plain-file');
    fs.writeFileSync(file, 'x');
    assertRefused(startSync({ BRINKWATCH_DATA_DIR: path.join(file, 'data') }), /the data folder .*plain-file\/data cannot be created \(ENOTDIR/);
  });

  const roDir = path.join(base, 'read-only');
  fs.mkdirSync(roDir);
  const ro = makeUnwritable(roDir);
  if ('undo' in ro) undo.push(ro.undo);
  it('refuses a data folder that takes no new file, naming it and what to do', { skip: 'skip' in ro ? ro.skip : false }, () => {
    const r = startSync({ BRINKWATCH_DATA_DIR: roDir });
    assertRefused(r, new RegExp(`the data folder ${roDir} is not writable \\((EPERM|EACCES|EROFS)`));
    assert.match(r.stderr, /set BRINKWATCH_DATA_DIR to a writable folder/);
    assert.deepEqual(fs.readdirSync(roDir), [], 'nothing left behind');
  });

  // A read-only mount (what a read-only volume in a container is): EROFS, for root too.
  const mounted = path.join(base, 'ro-mount');
  fs.mkdirSync(mounted);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', mounted], { encoding: 'utf8' });
  if (mount.status === 0) undo.push(() => void spawnSync('umount', [mounted]));
  it('refuses a data folder on a read-only mount', { skip: mount.status === 0 ? false : `cannot mount a read-only tmpfs here (${(mount.stderr || mount.error?.message || '').trim()})` }, () => {
    assertRefused(startSync({ BRINKWATCH_DATA_DIR: mounted }), new RegExp(`the data folder ${mounted} is not writable \\(EROFS: read-only file system\\)`));
  });

  const dbDir = path.join(base, 'db-read-only');
  const dbFile = path.join(dbDir, 'brinkwatch.db');
  createStore(dbFile).close();
  const roDb = makeUnwritable(dbFile);
  if ('undo' in roDb) undo.push(roDb.undo);
  it('refuses a database file that cannot be written', { skip: 'skip' in roDb ? roDb.skip : false }, () => {
    assertRefused(startSync({ BRINKWATCH_DATA_DIR: dbDir }), new RegExp(`the database file ${dbFile} cannot be written`));
  });

  it('refuses a token file that cannot be read (a folder in its place), without replacing it', () => {
    const dir = path.join(base, 'token-folder');
    fs.mkdirSync(path.join(dir, 'api-token'), { recursive: true });
    const r = startSync({ BRINKWATCH_DATA_DIR: dir });
    assertRefused(r, new RegExp(`the API token file ${path.join(dir, 'api-token')} cannot be read \\(EISDIR`));
    assert.match(r.stderr, /set BRINKWATCH_API_TOKEN/);
    assert.ok(fs.statSync(path.join(dir, 'api-token')).isDirectory());
  });

  it('turns health to failing (503) when the database stops taking writes while running', async (t) => {
    // Free space is not what this test is about (a nearly full disk would make it degraded).
    const server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_HEALTH_MIN_FREE_MB: '0' });
    const files = [path.join(server.dataDir, 'brinkwatch.db'), path.join(server.dataDir, 'brinkwatch.db-wal')];
    try {
      const first = await fetch(`${server.url}/api/health`);
      assert.equal(first.status, 200);
      assert.equal(((await first.json()) as { status: string }).status, 'ok');
      const made = files.map(makeUnwritable);
      for (const m of made) if ('undo' in m) undo.push(m.undo);
      const skipped = made.find((m) => 'skip' in m);
      if (skipped && 'skip' in skipped) return t.skip(skipped.skip);
      if (!isRoot) return t.skip('as a non-root user an open database keeps its write access after chmod');
      // The health job runs every 5 s.
      let body: { status: string; reasons: Array<{ code: string; message: string }> } | undefined;
      let status = 0;
      for (let i = 0; i < 40 && body?.status !== 'failing'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const res = await fetch(`${server.url}/api/health`);
        status = res.status;
        body = (await res.json()) as typeof body;
      }
      assert.equal(status, 503);
      assert.equal(body!.status, 'failing');
      assert.equal(body!.reasons[0]!.code, 'database-not-writable');
      assert.match(body!.reasons[0]!.message, new RegExp(`The database ${files[0]} does not take writes`));
    } finally {
      for (const u of undo.splice(0)) u();
      await server.stop();
      fs.rmSync(server.dataDir, { recursive: true, force: true });
    }
  });
});
