import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { ROOT, serverBundle, startServerProcess } from '../helpers/spawn-server.ts';

describe('the server process as a newcomer starts it', () => {
  it('refuses to start on bad configuration, listing every problem without a stack trace', async () => {
    const r = spawnSync(process.execPath, [await serverBundle()], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', BRINKWATCH_PORT: 'abc', BRINKWATCH_DEMO: 'sometimes', BRINKWATCH_SCORE_CRON: 'soon' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /3 problem/);
    assert.match(r.stderr, /BRINKWATCH_PORT/);
    assert.match(r.stderr, /BRINKWATCH_DEMO/);
    assert.match(r.stderr, /BRINKWATCH_SCORE_CRON/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('creates the database, seeds demo data, keeps a 0600 token, scores, and stops cleanly on SIGTERM', async () => {
    await dashboardBuilt(); // `npm start` builds the page before it starts the server
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'brinkwatch-start-'));
    const server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_API_TOKEN: '', BRINKWATCH_DEMO: 'auto' });
    try {
      assert.ok(fs.existsSync(path.join(dataDir, 'brinkwatch.db')));
      const tokenFile = path.join(dataDir, 'api-token');
      assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
      const token = fs.readFileSync(tokenFile, 'utf8').trim();
      assert.ok(server.output().includes(token), 'the generated token is printed once at first start');

      // The demo seed is scored by the first runs of the score job.
      let health: { statements: Record<string, number> } | undefined;
      for (let i = 0; i < 60; i++) {
        health = (await (await fetch(`${server.url}/api/health`)).json()) as typeof health;
        if (health!.statements.scored >= 150 && health!.statements.pending === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.ok(health!.statements.scored >= 150, `demo seed scored: ${JSON.stringify(health)}`);

      const list = (await (await fetch(`${server.url}/api/statements?limit=5`)).json()) as { statements: Array<{ isDemo: boolean }> };
      assert.ok(list.statements.every((s) => s.isDemo), 'demo statements are marked as such');
      const page = await fetch(server.url);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.doesNotMatch(await page.text(), /<script>(?!<\/script>)/, 'no inline scripts');

      const write = await fetch(`${server.url}/api/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: '{"text":"A real statement stops the demo trickle."}',
      });
      assert.equal(write.status, 202);
    } finally {
      assert.equal(await server.stop(), 0, 'SIGTERM exits with status 0');
    }
    assert.doesNotMatch(server.output(), /"level":(50|60)/, 'no error logs');
    // A restart on the same data dir reuses the token and does not seed again.
    const again = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_API_TOKEN: '', BRINKWATCH_DEMO: 'auto' });
    try {
      assert.doesNotMatch(again.output(), /shown once/);
      const h = (await (await fetch(`${again.url}/api/health`)).json()) as { statements: Record<string, number> };
      const total = Object.values(h.statements).reduce((a, b) => a + b, 0);
      assert.ok(total < 1000, `no second seed: ${total}`);
    } finally {
      await again.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
