import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'node:test';
import { createIngestService } from '../../server/ingest/ingest-service.ts';
import { createStore } from '../../server/store/store.ts';
import { cliBundle } from '../helpers/cli-bundle.ts';
import { ROOT } from '../helpers/spawn-server.ts';

const run = promisify(execFile);

test('npm run demo -- status | purge reports and removes the demo data of the database in BRINKWATCH_DATA_DIR', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-demo-cli-'));
  try {
    const store = createStore(path.join(dir, 'brinkwatch.db'));
    const r = createIngestService({ store }).ingest(
      [{ text: 'Moscow warned of a response.', speaker: 'Russia' }, { text: 'Talks resumed in Geneva.', speaker: 'Switzerland' }],
      { origin: 'demo', isDemo: true },
    );
    assert.equal(r.accepted.length, 2);
    store.close();
    const bundle = await cliBundle('scripts/demo.ts');
    const cli = (cmd: string) =>
      run(process.execPath, [bundle, cmd], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), BRINKWATCH_DATA_DIR: dir },
      });
    assert.match((await cli('status')).stdout, /^2 demo statements stored/);
    assert.match((await cli('purge')).stdout, /^purged 2 demo statements and 0 alerts/);
    assert.equal((await cli('status')).stdout, 'no demo data stored\n');
    await assert.rejects(cli('wipe'), (err: { code?: number; stderr?: string }) => err.code === 2 && /usage: npm run demo -- purge \| status/.test(err.stderr ?? ''));
    const after = createStore(path.join(dir, 'brinkwatch.db'));
    assert.equal(after.statements.count(), 0);
    after.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
