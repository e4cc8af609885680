import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';

const skip = browserSkipReason();

describe('dashboard journey in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    await dashboardBuilt();
    // Demo off: the test controls every statement on the page.
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  it('shows a POSTed threat in the feed with its evidence and moves the chart, without reload', async () => {
    const page = await browserHandle.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#statement-list li').count(), 0);
    await page.waitForFunction(() => document.querySelector('#risk-chart')?.getAttribute('data-minutes') === '0', null, { timeout: 20_000 });

    const text = 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly, the Kremlin warned.';
    const res = await fetch(`${server.url}/api/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ text, speaker: 'Russia', source: 'Browser test' }),
    });
    assert.equal(res.status, 202);

    const row = page.locator('#statement-list li').first();
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await row.locator('.text').textContent(), text, 'statement text rendered as text');
    const score = Number((await row.locator('.score').textContent())?.replace(/[^\d].*$/s, ''));
    assert.ok(score >= 40, `a conditional threat of force scores at least elevated, got ${score}`);
    assert.ok((await row.locator('mark.sig').count()) >= 1, 'evidence is highlighted');

    // The chart moves: the minute's highest score appears as a dot.
    await page.waitForFunction(() => document.querySelector('#risk-chart')?.getAttribute('data-minutes') === '1', null, { timeout: 20_000 });
    assert.equal(await page.locator('#risk-chart').getAttribute('data-points'), '0', 'no index line from a single statement');
    // One statement is too few for an index: the card says so rather than showing a number.
    await page.locator('.card[data-window="1h"] .meta', { hasText: 'not enough data' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('.card[data-window="1h"] .value').textContent(), '–');

    // Statement text is never parsed as HTML.
    const hostile = '<img src=x onerror="window.__pwned=1"> threatens to strike';
    await fetch(`${server.url}/api/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ text: hostile, speaker: 'Nowhere' }),
    });
    await page.locator('#statement-list li .text', { hasText: '<img src=x' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('#statement-list img').count(), 0);

    // A third statement gives the 1 h window enough data: the card shows a number.
    await fetch(`${server.url}/api/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ text: 'Both sides agreed to a ceasefire.', speaker: 'Ukraine' }),
    });
    await page.locator('.card[data-window="1h"][data-enough-data="true"]').waitFor({ timeout: 20_000 });
    const card = Number(await page.locator('.card[data-window="1h"] .value').textContent());
    assert.ok(Number.isFinite(card));
    // ...and the chart's rolling line now ends at the same number as the card.
    await page.waitForFunction(() => (document.querySelector('#risk-chart')?.getAttribute('data-last') ?? '') !== '', null, { timeout: 20_000 });
    const last = Number(await page.locator('#risk-chart').getAttribute('data-last'));
    assert.ok(Math.abs(last - card) <= 0.5, `chart ends at ${last}, card shows ${card}`);
    assert.equal(await page.locator('#statement-list li').count(), 3);
    // The speakers ranking lists who spoke, with their statement counts.
    await page.locator('#top-actor li[data-scope="actor:Russia"]').waitFor({ timeout: 20_000 });

    // A longer range and one speaker's scope: the chart retitles, and the export buttons
    // export exactly that view.
    await page.selectOption('#chart-range', '7d');
    await page.locator('#chart-title', { hasText: 'Global risk index, last 7 days' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#chart-panel').getAttribute('data-bucket'), 'hour');
    await page.waitForFunction(() => (document.querySelector('#export-controls select') as HTMLSelectElement | null)?.value === 'hour', null, { timeout: 20_000 });
    await page.locator('#chart-scope option[value="actor:Russia"]').waitFor({ state: 'attached', timeout: 20_000 });
    await page.selectOption('#chart-scope', 'actor:Russia');
    await page.locator('#chart-title', { hasText: 'Russia risk index, last 7 days' }).waitFor({ timeout: 20_000 });
    const panel = page.locator('#chart-panel');
    const span = Number(await panel.getAttribute('data-to')) - Number(await panel.getAttribute('data-from'));
    assert.equal(span, 7 * 86_400_000);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export history CSV')]);
    assert.match(download.url(), /scope=actor%3ARussia/);
    assert.match(download.url(), /bucket=hour/, 'the export bucket follows the 7-day view');
    const csv = await (await fetch(download.url())).text();
    assert.match(csv.split('\r\n')[1] ?? '', /,actor:Russia,/, 'the exported rows are the scope on screen');
    assert.deepEqual(errors, [], 'no errors in the page');
  });
});
