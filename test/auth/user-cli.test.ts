import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { verifyPassword } from '../../server/auth/password.ts';
import { createStore } from '../../server/store/store.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { ROOT } from '../helpers/spawn-server.ts';

/** npm run user -- ... on a real data folder: the password from stdin, never an argument. */
describe('npm run user', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-usercli-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  let bundle = '';
  before(async () => {
    bundle = await cliBundle('scripts/user.ts');
  });
  const run = (args: string[], input = '') =>
    spawnSync(process.execPath, [bundle, ...args], {
      cwd: ROOT,
      input,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), BRINKWATCH_DATA_DIR: dataDir },
    });
  const withStore = <T>(fn: (s: ReturnType<typeof createStore>) => T): T => {
    const s = createStore(path.join(dataDir, 'brinkwatch.db'));
    try {
      return fn(s);
    } finally {
      s.close();
    }
  };

  it('adds users, lists them, changes a role, resets a password and removes a user; all audited as cli', async () => {
    assert.equal(run(['add', 'alice', '--role', 'admin'], 'alice-long-password\n').status, 1, 'a password containing the name is refused');
    assert.equal(run(['add', 'alice', '--role', 'admin'], 'first password 123\n').status, 0);
    assert.equal(run(['add', 'bob', '--role', 'viewer'], 'second password 456\n').status, 0);
    const bad = run(['add', 'carol', '--role', 'boss'], 'x\n');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--role admin, analyst or viewer/);
    assert.match(run(['list']).stdout, /alice\tadmin[\s\S]*bob\tviewer/);
    assert.equal(run(['set-role', 'bob', 'analyst']).status, 0);
    assert.equal(run(['reset-password', 'bob'], 'a brand new password\n').status, 0);
    const hash = withStore((s) => s.accounts.byName('bob')!);
    assert.equal(hash.role, 'analyst');
    assert.equal(await verifyPassword('a brand new password', hash.passwordHash), true);
    const last = run(['remove', 'alice']);
    assert.equal(last.status, 1);
    assert.match(last.stderr, /only admin/);
    assert.equal(run(['remove', 'bob']).status, 0);
    assert.match(run(['remove', 'nobody']).stderr, /no user named nobody/);
    const audit = withStore((s) => s.audit.list({ limit: 50 }));
    assert.deepEqual(
      audit.map((e) => `${e.actorName} ${e.action} ${e.target}`).reverse(),
      ['cli user.add alice', 'cli user.add bob', 'cli user.set-role bob', 'cli user.reset-password bob', 'cli user.remove bob'],
    );
  });
});
