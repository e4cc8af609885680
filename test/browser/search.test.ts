import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { expectNoSeriousAxeViolations } from '../helpers/axe.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { seedStatements } from '../helpers/seed-statements.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

describe('search journey in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    const now = Date.now();
    const at = (min: number) => new Date(now - min * 60_000).toISOString();
    await seedStatements(server, [
      { text: 'Russia warned it will strike the convoy with missiles immediately.', speaker: 'Russia', source: 'TASS', publishedAt: at(50) },
      { text: 'Both sides agreed to a ceasefire and the release of prisoners.', speaker: 'Ukraine', source: 'Ukrinform', publishedAt: at(40) },
      { text: 'Missiles, missiles and more missiles: the escalation against Ukraine continues.', speaker: 'Russia', source: 'RIA', publishedAt: at(30) },
      { text: 'The ministry announced new missile tests near the border.', speaker: 'North Korea', source: 'KCNA', publishedAt: at(20) },
      // Hostile text: must show as text, never as markup, with its match still marked.
      { text: '<img src=x onerror="window.__pwned=1"> missiles <b>bold</b>', speaker: 'Nowhere', source: 'Test', publishedAt: at(10) },
      ...Array.from({ length: 40 }, (_, i) => ({ text: `Routine briefing number ${i} on grain exports and shipping.`, speaker: 'Turkey', source: 'Anadolu', publishedAt: at(60 + i) })),
    ]);
    browserHandle = await launchBrowser();
    page = await browserHandle.browser.newPage({ viewport: { width: 1280, height: 1400 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  it('typing a query shows matching rows with the matches marked, and puts the query in the URL', async () => {
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    await page.getByRole('searchbox', { name: 'Search statements' }).fill('missiles');
    const rows = page.locator('#search-results li');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 3, null, { timeout: 15_000 });
    assert.equal(new URL(page.url()).searchParams.get('q'), 'missiles');
    const first = rows.first();
    assert.match((await first.locator('.text').textContent()) ?? '', /Missiles, missiles and more missiles/, 'the best match first');
    assert.deepEqual(await first.locator('.text mark.hit').allTextContents(), ['Missiles', 'missiles', 'missiles']);
    // The hostile row: markup shown as text, nothing executed, its match marked.
    const hostile = page.locator('#search-results li', { hasText: '<img src=x' });
    assert.equal(await hostile.count(), 1);
    assert.deepEqual(await hostile.locator('mark.hit').allTextContents(), ['missiles']);
    assert.equal(await page.locator('#search-results img, #search-results b').count(), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match((await page.locator('.search-status').textContent()) ?? '', /3 statements shown/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-results.png'), fullPage: false });
    await page.locator('#search-panel').screenshot({ path: path.join(ARTIFACTS, 'search-panel.png') });
  });

  it('a reload shows the same search; filter chips narrow it and come off again', async () => {
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 3, null, { timeout: 15_000 });
    assert.equal(await page.getByRole('searchbox', { name: 'Search statements' }).inputValue(), 'missiles');

    // Clicking a speaker adds an actor filter chip.
    await page.locator('#search-results li', { hasText: 'strike the convoy' }).locator('.meta button.linkish').first().click();
    await page.locator('.filter-chip', { hasText: 'Actor: Russia' }).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 2, null, { timeout: 15_000 });
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('actor'), 'Russia');
    assert.equal(url.searchParams.get('q'), 'missiles');

    // A pasted link opens the same view in a new tab.
    const other = await browserHandle.browser.newPage();
    await other.goto(page.url());
    await other.waitForFunction(() => document.querySelectorAll('#search-results li').length === 2, null, { timeout: 15_000 });
    assert.equal(await other.locator('.filter-chip', { hasText: 'Actor: Russia' }).count(), 1);
    await other.close();

    // The level filter from the filters panel.
    await page.locator('.search-filters summary').click();
    await page.selectOption('#search-level', 'calm');
    await page.locator('.filter-chip', { hasText: 'Level: calm' }).waitFor();
    await page.locator('.search-status', { hasText: 'No statement matches' }).waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).searchParams.get('level'), 'calm');
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-filters.png') });

    // Removing chips brings the rows back; the URL follows.
    await page.getByRole('button', { name: 'Remove filter Level calm' }).click();
    await page.getByRole('button', { name: 'Remove filter Actor Russia' }).click();
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 3, null, { timeout: 15_000 });
    assert.equal(new URL(page.url()).searchParams.get('actor'), null);
    assert.equal(new URL(page.url()).searchParams.get('level'), null);
  });

  it('loads more results as the list is scrolled, with the existing cursor', async () => {
    await page.getByRole('searchbox', { name: 'Search statements' }).fill('briefing');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 25, null, { timeout: 15_000 });
    await page.locator('#search-more').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 40, null, { timeout: 15_000 });
    const ids = await page.locator('#search-results li').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.statementId));
    assert.equal(new Set(ids).size, 40, 'no row twice');
    assert.equal(await page.locator('#search-more').isHidden(), true);
  });

  it('says why a bad query is refused and passes axe on the search view', async () => {
    await page.getByRole('searchbox', { name: 'Search statements' }).fill('""');
    await page.locator('.search-status', { hasText: /Search failed.*400/ }).waitFor({ timeout: 15_000 });
    await page.getByRole('searchbox', { name: 'Search statements' }).fill('missiles');
    await page.waitForFunction(() => document.querySelectorAll('#search-results li').length === 3, null, { timeout: 15_000 });
    await expectNoSeriousAxeViolations(page, 'the search view', { include: '#search-panel' });
    assert.deepEqual(errors.filter((e) => !/status of 400/.test(e)), []);
  });
});
