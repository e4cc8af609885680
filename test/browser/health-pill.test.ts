import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { startFeedServer } from '../ingest/feed-test-server.ts';

/**
 * The header's health pill in headless Chromium against the real server process: a feed whose
 * server starts serving garbage turns it to "degraded" without a reload, and the reason can
 * be read by hovering the pill and by reaching it with the keyboard.
 */
const skip = browserSkipReason();

describe('health pill journey (server process + Chromium)', { skip }, () => {
  let server: RunningServer;
  let feedServer: Awaited<ReturnType<typeof startFeedServer>>;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-health-e2e-'));

  before(async () => {
    feedServer = await startFeedServer();
    feedServer.override('/flaky', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('\u0000\u0001 garbage, not a feed <<<');
    });
    await dashboardBuilt();
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
    await feedServer?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows degraded for a failing feed, with the reason on hover and on keyboard focus', async () => {
    // The feed job ticks every second. Free space is not what this test is about.
    // The local feed server is on loopback, refused by default (BRINKWATCH_BLOCK_PRIVATE_URLS).
    server = await startServerProcess({ BRINKWATCH_DATA_DIR: dataDir, BRINKWATCH_DEMO: 'off', BRINKWATCH_FEED_CRON: '*/1 * * * * *', BRINKWATCH_HEALTH_MIN_FREE_MB: '0', BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1' });
    const page = await browserHandle.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    const pill = page.locator('#health');
    await page.locator('#health[data-status="ok"]').waitFor({ timeout: 20_000 });
    assert.equal((await pill.textContent())?.trim(), 'healthy');

    // A feed added while the page is open fails on its first poll: the pill follows, no reload.
    const added = await fetch(`${server.url}/api/feeds`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ name: 'Flaky Wire', url: feedServer.url('/flaky'), intervalSeconds: 60 }),
    });
    assert.equal(added.status, 201);
    await page.locator('#health[data-status="degraded"]').waitFor({ timeout: 20_000 });
    assert.equal((await pill.textContent())?.trim(), 'degraded');
    assert.equal(await page.evaluate(() => document.body.dataset.health), 'degraded');

    // The reason is in the tooltip that describes the pill; closed until asked for.
    const tip = page.locator('#health-detail');
    assert.equal(await pill.getAttribute('aria-describedby'), 'health-detail');
    assert.equal(await tip.getAttribute('role'), 'tooltip');
    assert.equal(await tip.isVisible(), false);
    assert.match((await tip.textContent()) ?? '', /1 of 1 feed failing: Flaky Wire \(/);

    // What a screen reader announces for the pill: its name and, as description, the reasons.
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: Array<{ role?: { value: string }; name?: { value: string }; description?: { value: string } }> };
    const button = nodes.find((n) => n.role?.value === 'button' && n.name?.value === 'degraded');
    assert.ok(button, 'a button named "degraded" in the accessibility tree');
    assert.match(button.description?.value ?? '', /feed failing: Flaky Wire/);

    // Hover opens it...
    await pill.hover();
    await tip.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await tip.innerText(), /Flaky Wire/);
    await page.mouse.move(0, 600);
    await tip.waitFor({ state: 'hidden', timeout: 5000 });

    // ...and so does keyboard focus: Tab from the top of the page reaches the pill first.
    await page.locator('body').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'health', 'the pill is the first stop of the keyboard');
    await tip.waitFor({ state: 'visible', timeout: 5000 });
    assert.match(await tip.innerText(), /feed failing: Flaky Wire/);
    await page.keyboard.press('Escape');
    await tip.waitFor({ state: 'hidden', timeout: 5000 });

    // The same verdict as the API, which says why in machine-readable form.
    const api = (await (await fetch(`${server.url}/api/health`)).json()) as { status: string; reasons: Array<{ code: string }> };
    assert.equal(api.status, 'degraded');
    assert.deepEqual(api.reasons.map((r) => r.code), ['feeds-failing']);
    assert.deepEqual(errors, []);
  });
});
