import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { startFeedServer } from './feed-test-server.ts';

/**
 * The real server process with feeds.json, the inbox and the feed job on 1-second ticks, a
 * local feed server, and the dashboard in headless Chromium: what an analyst sees in the
 * feeds panel, and files dropped in the inbox becoming statements.
 */
const skip = browserSkipReason();

describe('feeds and inbox end to end (server process + Chromium)', { skip }, () => {
  let server: RunningServer;
  let feedServer: Awaited<ReturnType<typeof startFeedServer>>;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-feeds-e2e-'));

  before(async () => {
    feedServer = await startFeedServer();
    fs.writeFileSync(
      path.join(dataDir, 'feeds.json'),
      JSON.stringify({
        feeds: [
          { name: 'Test Wire', url: feedServer.url('/rss2'), intervalSeconds: 60 },
          { name: 'Broken Wire', url: feedServer.url('/error'), intervalSeconds: 60 },
        ],
      }),
    );
    await dashboardBuilt();
    server = await startServerProcess({
      BRINKWATCH_DATA_DIR: dataDir,
      BRINKWATCH_DEMO: 'off',
      BRINKWATCH_FEED_CRON: '*/1 * * * * *',
      // The local feed server is on loopback, refused by default (BRINKWATCH_BLOCK_PRIVATE_URLS).
      BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1',
      BRINKWATCH_INBOX_CRON: '*/1 * * * * *',
      BRINKWATCH_SCORE_CRON: '*/1 * * * * *',
    });
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
    await feedServer?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows each feed with its health in the feeds panel, live', async () => {
    const page = await browserHandle.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const ok = page.locator('#feeds-panel tr.status-ok', { hasText: 'Test Wire' });
    await ok.waitFor({ timeout: 15_000 });
    assert.equal((await ok.locator('td.num').textContent())?.trim(), '4');
    assert.match((await ok.locator('.feed-status').textContent()) ?? '', /ok/);
    const failing = page.locator('#feeds-panel tr.status-failing', { hasText: 'Broken Wire' });
    await failing.waitFor({ timeout: 15_000 });
    assert.match((await failing.locator('.feed-status').textContent()) ?? '', /failing \(1×\)/);
    assert.match((await failing.locator('.feed-error').textContent()) ?? '', /http-error: HTTP 500/);
    assert.equal(await page.locator('#feeds-panel .feed-remove[disabled]').count(), 2, 'feeds from feeds.json are removed there, not here');
    assert.match((await page.locator('#feeds-panel .feeds-status').textContent()) ?? '', /2 feeds, 1 failing/);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('takes in a file dropped into the inbox and answers the API with the stored statements', async () => {
    const inbox = path.join(dataDir, 'inbox');
    fs.mkdirSync(inbox, { recursive: true });
    // Written under a partial name, then renamed: the way uploads should arrive.
    fs.writeFileSync(path.join(inbox, 'drop.jsonl.part'), `${JSON.stringify({ text: 'Inbox e2e statement about a naval blockade.', externalId: 'e2e-inbox-1' })}\n{oops\n`);
    fs.renameSync(path.join(inbox, 'drop.jsonl.part'), path.join(inbox, 'drop.jsonl'));
    const deadline = Date.now() + 15_000;
    while (!fs.existsSync(path.join(inbox, 'done', 'drop.jsonl'))) {
      assert.ok(Date.now() < deadline, `inbox file not processed:\n${server.output().slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const errors = fs.readFileSync(path.join(inbox, 'rejected', 'drop.jsonl.errors.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(errors.map((e: { line: number; code: string }) => [e.line, e.code]), [[2, 'invalid-json']]);
    const res = await fetch(`${server.url}/api/statements?limit=50`);
    const body = (await res.json()) as { statements: Array<{ text: string; source: string | null }> };
    assert.ok(body.statements.some((s) => s.text === 'Inbox e2e statement about a naval blockade.'));
    assert.ok(body.statements.some((s) => s.source === 'Test Wire'));
  });
});
