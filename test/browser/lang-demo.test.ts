import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';

const skip = browserSkipReason();
// Greek: a language without data in data/lexicon (Russian and Ukrainian are read: test/browser/languages.test.ts)
const NATO_EL = 'Αν στρατεύματα του ΝΑΤΟ εμφανιστούν σε ουκρανικό έδαφος, θα θεωρηθούν μαχητές και θα γίνουν στόχος.';

async function post(server: RunningServer, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 202, await res.text());
}

function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

describe('languages and demo data in headless Chromium', { skip }, () => {
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    await dashboardBuilt();
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
  });

  it('a Greek version of the NATO threat shows "not scored: language not supported" and the 1 h index does not move', async () => {
    const server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    try {
      const page = await browserHandle.browser.newPage();
      const errors = watchErrors(page);
      await page.goto(server.url);
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
      for (const text of [
        'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.',
        'The foreign ministry said talks with Kyiv would resume next week.',
        'Both sides agreed to exchange prisoners and extend the ceasefire.',
      ]) {
        await post(server, { text, speaker: 'Russia' });
      }
      await page.locator('.card[data-window="1h"][data-enough-data="true"]').waitFor({ timeout: 20_000 });
      const card = page.locator('.card[data-window="1h"]');
      const before = { value: await card.locator('.value').textContent(), meta: await card.locator('.meta').textContent() };
      assert.match(before.meta ?? '', /^3 statements/);

      await post(server, { text: NATO_EL, speaker: 'Russia' });
      const row = page.locator('#statement-list li', { hasText: 'στρατεύματα' });
      await row.locator('.not-scored').waitFor({ timeout: 20_000 });
      assert.equal(await row.locator('.not-scored').textContent(), 'not scored: language not supported');
      assert.equal((await row.locator('.score').textContent())?.startsWith('–'), true, 'no score shown');
      assert.equal(await row.locator('.badge.lang').textContent(), 'el');
      assert.equal(await row.locator('mark.sig').count(), 0, 'no evidence claimed');

      // The statement is stored and pushed; give the metrics push time to arrive, then compare.
      const api = (await (await fetch(`${server.url}/api/statements?status=unsupported`)).json()) as { statements: Array<{ lang: string }> };
      assert.deepEqual(api.statements.map((s) => s.lang), ['el']);
      await page.waitForTimeout(2500);
      assert.deepEqual({ value: await card.locator('.value').textContent(), meta: await card.locator('.meta').textContent() }, before, 'the 1 h index and count did not move');
      const metrics = (await (await fetch(`${server.url}/api/metrics/current`)).json()) as { windows: Record<string, { count: number }> };
      assert.equal(metrics.windows['1h']!.count, 3);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await server.stop();
    }
  });

  it('the demo badge and every demo number vanish together when the first real statement arrives', async () => {
    const server = await startServerProcess({ BRINKWATCH_DEMO: 'auto', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    try {
      const page = await browserHandle.browser.newPage();
      const errors = watchErrors(page);
      await page.goto(server.url);
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
      // Demo data seeded at start: the badge shows with the demo numbers.
      await page.locator('#demo-badge:not([hidden])').waitFor({ timeout: 20_000 });
      await page.locator('.card[data-window="7d"][data-enough-data="true"]').waitFor({ timeout: 20_000 });
      assert.ok((await page.locator('#statement-list li .badge.demo').count()) > 0);
      // the top lists are refreshed after the chart's data, not with the cards: wait for them
      await page.locator('#top-actor li').first().waitFor({ timeout: 20_000 });
      assert.ok((await page.locator('#top-actor li').count()) > 0);

      // Each time the badge is hidden, no demo number may be on the screen (checked in the page, at the moment it hides).
      await page.evaluate(() => {
        const w = window as unknown as { __demoLeak: string[] };
        w.__demoLeak = [];
        const badge = document.querySelector('#demo-badge')!;
        new MutationObserver(() => {
          if (!badge.hasAttribute('hidden')) return;
          if (document.querySelector('#statement-list .badge.demo')) w.__demoLeak.push('demo rows in the feed');
          const meta = document.querySelector('.card[data-window="7d"] .meta')?.textContent ?? '';
          if (!/^(no statements|not enough data \(1 statement)/.test(meta)) w.__demoLeak.push(`7 d card: ${meta}`);
        }).observe(badge, { attributes: true });
      });

      const text = 'Warsaw expelled two Russian diplomats over alleged espionage, the foreign ministry said.';
      await post(server, { text, speaker: 'Poland' });
      await page.locator('#demo-badge[hidden]').waitFor({ state: 'attached', timeout: 20_000 });
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __demoLeak: string[] }).__demoLeak), []);
      assert.equal(await page.locator('#statement-list li .badge.demo').count(), 0, 'demo rows left the feed');
      await page.locator('#statement-list li', { hasText: 'Warsaw expelled' }).waitFor({ timeout: 20_000 });
      for (const w of ['1h', '24h', '7d']) {
        await page.locator(`.card[data-window="${w}"] .meta`, { hasText: /not enough data \(1 statement/ }).waitFor({ timeout: 20_000 });
      }
      const actors = await page.locator('#top-actor li').allTextContents();
      assert.ok(actors.every((a) => a.includes('Poland')), `only the real statement's speaker is ranked: ${actors.join(' | ')}`);

      const metrics = (await (await fetch(`${server.url}/api/metrics/current`)).json()) as { windows: Record<string, { count: number }> };
      assert.equal(metrics.windows['7d']!.count, 1, 'the 7 d window holds the real statement only');
      const all = (await (await fetch(`${server.url}/api/statements?limit=500`)).json()) as { statements: Array<{ isDemo: boolean }> };
      assert.deepEqual(all.statements.map((s) => s.isDemo), [false]);
      // The trickle has stopped: no demo statement comes back.
      await page.waitForTimeout(3500);
      assert.equal(await page.locator('#statement-list li .badge.demo').count(), 0);
      assert.equal(await page.locator('#demo-badge').isHidden(), true);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
