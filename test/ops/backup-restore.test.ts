import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { postgresBackupAdvice } from '../../server/store/backup.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

/** Runs `npm run backup|restore` as the operator would (the script, bundled: test/helpers/cli-bundle.ts), without blocking the loop. */
async function runCli(script: 'backup' | 'restore', args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const bundle = await cliBundle(`scripts/${script}.ts`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bundle, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', BRINKWATCH_DATA_DIR: dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const countIn = (file: string): number => {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM statements').pluck().get() as number;
  } finally {
    db.close();
  }
};

async function post(server: RunningServer, texts: string[]): Promise<void> {
  const res = await fetch(`${server.url}/api/statements`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ statements: texts.map((text) => ({ text })) }),
  });
  assert.equal(res.status, 202, await res.text());
}

describe('npm run backup / npm run restore against a running server process', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-backup-'));
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-backups-'));
  const dbFile = path.join(dataDir, 'brinkwatch.db');
  const backupFile = path.join(outDir, 'nightly.db');
  let server: RunningServer | null = null;
  after(async () => {
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('backs up while the server runs and writes, 0600, integrity-checked, a consistent moment', async () => {
    server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_DEMO: 'off' });
    await post(server, Array.from({ length: 40 }, (_, i) => `Before the backup, statement ${i} about troops at the border.`));
    // Writes keep arriving while the backup copies.
    const writes = (async () => {
      for (let i = 0; i < 10; i++) await post(server!, [`During the backup ${i}: the fleet left port.`]);
    })();
    const r = await runCli('backup', [backupFile], dataDir);
    await writes;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /backup written: .*nightly\.db .*integrity ok, mode 0600/);
    assert.equal(fs.statSync(backupFile).mode & 0o777, 0o600);
    const copied = countIn(backupFile);
    assert.ok(copied >= 40 && copied <= 50, `copied ${copied}`);
    assert.equal(fs.readdirSync(outDir).length, 1, 'no partial or journal file left beside it');
    const again = await runCli('backup', [backupFile], dataDir);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    // A folder as destination: a time-stamped file inside it.
    const intoDir = await runCli('backup', [outDir], dataDir);
    assert.equal(intoDir.code, 0, intoDir.stderr);
    assert.equal(fs.readdirSync(outDir).filter((f) => /^brinkwatch-\d{4}-.*\.db$/.test(f)).length, 1);
  });

  it('refuses to restore while the server holds the database, and changes nothing', async () => {
    const before = fs.statSync(dbFile).ino;
    const r = await runCli('restore', [backupFile], dataDir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /open in another process .*stop it, then restore/);
    assert.equal(fs.statSync(dbFile).ino, before);
    assert.deepEqual(fs.readdirSync(dataDir).filter((f) => f.includes('before-restore')), []);
  });

  it('restores once the server is stopped, keeps the old database aside, and the server starts on the backup', async () => {
    await post(server!, ['After the backup: a statement the restore takes away.']);
    const live = (await (await fetch(`${server!.url}/api/health`)).json()) as { statements: Record<string, number> };
    const liveTotal = Object.values(live.statements).reduce((a, b) => a + b, 0);
    assert.equal(await server!.stop(), 0);
    server = null;
    const backupCount = countIn(backupFile);
    const r = await runCli('restore', [backupFile], dataDir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`restored .* \\(${backupCount} statements`));
    const aside = fs.readdirSync(dataDir).filter((f) => /^brinkwatch\.db\.before-restore-/.test(f) && !f.endsWith('-wal'));
    assert.equal(aside.length, 1);
    assert.equal(countIn(path.join(dataDir, aside[0]!)), liveTotal, 'the previous database, whole');
    assert.equal(fs.statSync(dbFile).mode & 0o777, 0o600);
    assert.equal(countIn(dbFile), backupCount);

    server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_DEMO: 'off' });
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { statements: Record<string, number> };
    assert.equal(Object.values(health.statements).reduce((a, b) => a + b, 0), backupCount);
    const list = (await (await fetch(`${server.url}/api/statements?limit=200`)).json()) as { statements: Array<{ text: string }> };
    assert.ok(!list.statements.some((s) => s.text.startsWith('After the backup')));
  });

  it('refuses a damaged file, a non-Brinkwatch database and a schema newer than this version', async () => {
    const garbage = path.join(outDir, 'garbage.db');
    fs.writeFileSync(garbage, Buffer.alloc(8192, 7));
    const g = await runCli('restore', [garbage, '--check'], dataDir);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /refused: cannot be read as SQLite|refused: integrity_check/);

    const other = path.join(outDir, 'other.db');
    const o = new Database(other);
    o.exec('CREATE TABLE notes (x)');
    o.close();
    const ro = await runCli('restore', [other, '--check'], dataDir);
    assert.equal(ro.code, 1);
    assert.match(ro.stderr, /schema version 0: not a Brinkwatch database; missing table\(s\): statements, metric_buckets/);

    const newer = path.join(outDir, 'newer.db');
    fs.copyFileSync(backupFile, newer);
    const n = new Database(newer);
    n.pragma('user_version = 999');
    n.close();
    const rn = await runCli('restore', [newer], dataDir);
    assert.equal(rn.code, 1);
    assert.match(rn.stderr, /schema version 999 is newer than this Brinkwatch knows/);

    // A page overwritten in the middle of a real backup: integrity_check finds it.
    const torn = path.join(outDir, 'torn.db');
    fs.copyFileSync(backupFile, torn);
    const size = fs.statSync(torn).size;
    const fd = fs.openSync(torn, 'r+');
    fs.writeSync(fd, Buffer.alloc(4096, 0xab), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
    fs.closeSync(fd);
    const rt = await runCli('restore', [torn, '--check'], dataDir);
    assert.equal(rt.code, 1, rt.stdout);
    assert.match(rt.stderr, /refused/);
  });
});

describe('npm run backup / restore on a PostgreSQL store', () => {
  it('says to use pg_dump (and pg_restore), with commands that carry no password, and copies nothing', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-pgbackup-'));
    try {
      // No server is contacted: the URL alone decides.
      const r = await runCli('backup', [dataDir, '--db', 'postgres://bw:s3cret@db.internal:5432/brinkwatch'], dataDir);
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, /the database is PostgreSQL \(postgres:\/\/bw:\*\*\*@db\.internal:5432\/brinkwatch\): npm run backup copies SQLite files only/);
      assert.match(r.stderr, /pg_dump --format=custom --file=brinkwatch-.+\.dump 'postgres:\/\/bw@db\.internal:5432\/brinkwatch'/);
      assert.doesNotMatch(r.stderr, /s3cret/);
      assert.deepEqual(fs.readdirSync(dataDir), [], 'nothing written');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const restore = postgresBackupAdvice('postgresql://bw:s3cret@db.internal/brinkwatch', 'restore')!;
    assert.match(restore, /pg_restore --clean --if-exists --no-owner --dbname='postgresql:\/\/bw@db\.internal\/brinkwatch' FILE\.dump/);
    assert.match(restore, /npm run migrate-to-postgres -- --from FILE\.db --to/);
    assert.doesNotMatch(restore, /s3cret/);
    assert.equal(postgresBackupAdvice('/var/lib/brinkwatch/brinkwatch.db', 'backup'), null, 'a SQLite file is backed up as before');
    assert.equal(postgresBackupAdvice(undefined, 'restore'), null);
  });
});
