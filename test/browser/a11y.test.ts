import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { expectNoSeriousAxeViolations, runAxe } from '../helpers/axe.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { ARABIC_SPEAKER, LONG_STATEMENT, postStatements, SEEDED_COUNT, seedDashboard } from '../helpers/dashboard-seed.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

// One Chromium for the whole file: the axe helper's own tests, then the dashboard's.
let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
before(async () => {
  if (!skip) browserHandle = await launchBrowser();
});
after(async () => {
  await browserHandle?.close();
});

describe('axe helper in headless Chromium', { skip }, () => {
  it('fails with a readable list when a page has a serious violation', async () => {
    const page = await browserHandle.browser.newPage();
    // An image without alt text and a nameless button: both "critical" in axe 4.
    await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>');
    await assert.rejects(expectNoSeriousAxeViolations(page, 'bad page'), (err: Error) => {
      assert.match(err.message, /serious\/critical violation\(s\) on bad page/);
      assert.match(err.message, /image-alt/);
      assert.match(err.message, /button-name/);
      return true;
    });
    await page.close();
  });

  it('passes a clean page and reports low-impact findings separately', async () => {
    const page = await browserHandle.browser.newPage();
    await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Title</h1><p>Text</p><button>Go</button></main></body></html>');
    const minor = await expectNoSeriousAxeViolations(page, 'clean page');
    assert.ok(minor.every((v) => v.impact !== 'serious' && v.impact !== 'critical'));
    assert.deepEqual(await runAxe(page), minor, 'running twice reuses the injected axe');
    await page.close();
  });
});

describe('a dashboard readable by everyone (headless Chromium)', { skip }, () => {
  let server: RunningServer;
  const errors: string[] = [];

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *', BRINKWATCH_ALERT_CRON: '*/1 * * * * *' });
  });
  after(async () => {
    await server?.stop();
  });

  async function open(colorScheme: 'dark' | 'light' = 'dark', viewport = { width: 1280, height: 900 }, fakeClock = false): Promise<Page> {
    const page = await browserHandle.browser.newPage({ colorScheme, viewport });
    page.on('pageerror', (e) => errors.push(e.message));
    // Playwright's clock: time runs as usual, and a test may jump it forward instead of waiting.
    if (fakeClock) await page.clock.install();
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    return page;
  }

  it('an empty dashboard says how to get data in, and passes axe', async () => {
    const page = await open();
    const empty = page.locator('#feed-empty');
    await empty.waitFor({ state: 'visible', timeout: 20_000 });
    const text = (await empty.textContent()) ?? '';
    assert.ok(text.includes(`curl -X POST ${server.url}/api/statements`), `the curl line names this server: ${text}`);
    assert.match(text, /inbox folder/);
    assert.match(text, /Feeds panel/);
    await expectNoSeriousAxeViolations(page, 'the empty dashboard');
    await page.screenshot({ path: path.join(ARTIFACTS, 'a11y-empty.png'), fullPage: true });
    await page.close();
  });

  it('seeded with data, alerts firing and the feed filled: no serious axe violation, dark or light', async () => {
    await seedDashboard(server);
    const page = await open('dark');
    await page.locator('#alerts-panel .alert-banner').filter({ hasText: 'Any threat in the last hour' }).waitFor({ timeout: 30_000 });
    await page.waitForFunction((n) => document.querySelectorAll('#statement-list li').length >= n, SEEDED_COUNT, { timeout: 30_000 });
    await page.locator('.card[data-window="1h"][data-enough-data="true"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#feed-empty').isVisible(), false, 'the instructions go once there is data');
    // Levels carry a word and a shape besides the colour: cards, feed rows, top lists.
    const cardValue = Number(await page.locator('.card[data-window="1h"] .value').textContent());
    const cardLevel = (await page.locator('.card[data-window="1h"] .level-word').textContent())?.trim();
    const expected = cardValue >= 80 ? 'severe' : cardValue >= 60 ? 'high' : cardValue >= 40 ? 'elevated' : cardValue >= 20 ? 'low' : 'calm';
    assert.match(cardLevel ?? '', new RegExp(`^[●■◆▲✖] ${expected}$`));
    const rowWords = await page.locator('#statement-list li .score small').evaluateAll((els) => els.map((e) => `${getComputedStyle(e, '::before').content} ${e.textContent}`));
    const glyphs: Record<string, string> = { calm: '●', low: '■', elevated: '◆', high: '▲', severe: '✖' };
    const scored = rowWords.filter((w) => !w.includes('not scored'));
    assert.ok(scored.length >= SEEDED_COUNT - 1, `every scored row shows a level: ${rowWords.join(' | ')}`);
    for (const w of scored) {
      const m = /^"(.) " \/ "" (\w+)$/.exec(w);
      assert.ok(m && glyphs[m[2]!] === m[1], `feed row shows the shape of its level before the word: ${w}`);
    }
    assert.ok((await page.locator('#top-category .level-mark .visually-hidden').count()) >= 1, 'top lists name the level for screen readers');
    // The live list is not an aria-live region; a polite status summarises instead.
    assert.equal(await page.locator('#statement-list').getAttribute('aria-live'), null);
    assert.equal(await page.locator('#feed-announcer').getAttribute('aria-live'), 'polite');
    // The chart has a legend of shapes and a text summary that follows the data.
    assert.equal(await page.locator('.chart-legend[aria-label="Dot shapes by level"] li').count(), 6);
    await page.waitForFunction(() => /Global risk index, last 24 h: now \d+\.\d \(\w+\)/.test(document.querySelector('#chart-summary-text')?.textContent ?? ''), null, { timeout: 20_000 });
    const summary = (await page.locator('#chart-summary-text').textContent()) ?? '';
    const last = Number(await page.locator('#risk-chart').getAttribute('data-last'));
    assert.ok(summary.includes(`now ${last.toFixed(1)}`), `summary "${summary}" ends where the chart does (${last})`);
    // Every seeded statement is scored since the languages work reads Arabic (it was the one unscored row).
    assert.match(summary, new RegExp(`${SEEDED_COUNT} statements`), 'the scored statements are counted');
    assert.equal(await page.locator('#risk-chart').getAttribute('aria-describedby'), 'chart-summary-text');

    await page.waitForFunction(() => Number(document.querySelector('#risk-chart')?.getAttribute('data-minutes')) >= 5, null, { timeout: 20_000 });
    await page.locator('#chart-panel').screenshot({ path: path.join(ARTIFACTS, 'a11y-chart-shapes.png') });
    await expectNoSeriousAxeViolations(page, 'the seeded dashboard (dark)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'a11y-dashboard-dark.png') });
    await page.selectOption('#theme-switch', 'light');
    await page.waitForFunction(() => document.documentElement.dataset.effectiveTheme === 'light');
    await expectNoSeriousAxeViolations(page, 'the seeded dashboard (light)');
    await page.screenshot({ path: path.join(ARTIFACTS, 'a11y-dashboard-light.png') });
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('the theme follows the system, and the switch overrides it and is remembered', async () => {
    const page = await open('light');
    const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(await page.locator('#theme-switch').inputValue(), 'system');
    assert.equal(await bg(), 'rgb(246, 248, 250)', 'a light system gets the light theme');
    await page.selectOption('#theme-switch', 'dark');
    assert.equal(await bg(), 'rgb(15, 20, 25)');
    assert.equal(await page.evaluate(() => localStorage.getItem('brinkwatch-theme')), 'dark');
    // On reload the pinned theme is on <html> before the body is parsed (theme-boot.js), so the
    // first paint is already dark on this light system.
    await page.addInitScript(() => {
      const w = window as unknown as { __themeAtBody?: string };
      new MutationObserver((_, obs) => {
        if (!document.body) return;
        w.__themeAtBody = document.documentElement.dataset.theme ?? 'none';
        obs.disconnect();
      }).observe(document, { childList: true, subtree: true });
    });
    await page.reload();
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { __themeAtBody?: string }).__themeAtBody), 'dark', 'the theme is set before the body exists');
    assert.equal(await page.locator('#theme-switch').inputValue(), 'dark', 'the choice survives a reload');
    assert.equal(await bg(), 'rgb(15, 20, 25)');
    await page.selectOption('#theme-switch', 'system');
    assert.equal(await bg(), 'rgb(246, 248, 250)');
    assert.equal(await page.evaluate(() => localStorage.getItem('brinkwatch-theme')), null);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.waitForFunction(() => document.documentElement.dataset.effectiveTheme === 'dark');
    assert.equal(await bg(), 'rgb(15, 20, 25)', 'the system switching to dark is followed');
    await page.close();
  });

  it('evidence explanations open on keyboard focus and on tap, and Escape closes them', async () => {
    const page = await open();
    await page.locator('#statement-list li mark.sig').first().waitFor({ timeout: 20_000 });
    // Tab from the top of the page until a highlighted word has the focus.
    let tabs = 0;
    for (; tabs < 200; tabs++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(() => document.activeElement?.matches('mark.sig') ?? false)) break;
    }
    assert.ok(tabs < 200, 'keyboard focus reaches a highlighted word');
    const focused = await page.evaluate(() => ({ text: document.activeElement!.textContent, explain: (document.activeElement as HTMLElement).dataset.explain }));
    const tip = page.locator('#evidence-tip');
    assert.equal(await tip.isVisible(), true, 'the explanation shows on focus');
    assert.equal(await tip.textContent(), focused.explain);
    assert.match(focused.explain ?? '', / · (escalation|deescalation) · \w+ · weight /);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('aria-describedby')), 'evidence-tip');
    await page.screenshot({ path: path.join(ARTIFACTS, 'a11y-evidence-focus.png') });
    await page.keyboard.press('Escape');
    assert.equal(await tip.isVisible(), false, 'Escape closes it');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), focused.text, 'focus stays on the word');
    await page.keyboard.press('Tab');
    // Tap (a click without hover) on another highlighted word opens its explanation.
    const other = page.locator('#statement-list li', { hasText: 'ceasefire' }).locator('mark.sig').first();
    await other.click();
    assert.equal(await tip.isVisible(), true);
    assert.equal(await tip.textContent(), await other.getAttribute('data-explain'));
    await page.mouse.click(5, 5);
    assert.equal(await tip.isVisible(), false, 'a tap elsewhere closes it');
    await page.close();
  });

  it('a very long statement is clamped with Show more; right-to-left text and names render right to left', async () => {
    const page = await open('dark', { width: 900, height: 900 });
    const row = page.locator('#statement-list li', { hasText: 'lengthy statement' });
    await row.waitFor({ timeout: 20_000 });
    const text = row.locator('.text');
    const more = row.locator('button.show-more');
    await more.waitFor({ timeout: 5_000 });
    assert.equal(await more.textContent(), 'Show more');
    assert.equal(await more.getAttribute('aria-expanded'), 'false');
    const clamped = await text.evaluate((e) => ({ h: e.clientHeight, full: e.scrollHeight }));
    assert.ok(clamped.h < clamped.full / 2, `clamped to a few lines: ${clamped.h}px of ${clamped.full}px`);
    assert.equal(await page.getByText('only visible once the reader asks for more').isVisible(), true, 'the text is all in the DOM');
    await more.click();
    assert.equal(await more.textContent(), 'Show less');
    assert.equal(await more.getAttribute('aria-expanded'), 'true');
    const opened = await text.evaluate((e) => ({ h: e.clientHeight, full: e.scrollHeight }));
    assert.ok(opened.h >= opened.full - 1, 'opened in full');
    assert.equal(await text.textContent(), LONG_STATEMENT);
    // A short statement gets no button.
    assert.equal(await page.locator('#statement-list li', { hasText: 'ceasefire' }).locator('button.show-more').count(), 0);

    const rtl = page.locator('#statement-list li', { hasText: ARABIC_SPEAKER });
    await rtl.scrollIntoViewIfNeeded();
    assert.equal(await rtl.locator('.text').evaluate((e) => e.matches(':dir(rtl)')), true, 'Arabic text runs right to left');
    assert.equal(await rtl.locator('.text').evaluate((e) => getComputedStyle(e).direction), 'rtl');
    assert.equal(await rtl.locator('bdi.speaker').textContent(), ARABIC_SPEAKER, 'the speaker is isolated in <bdi>');
    assert.equal(await rtl.locator('bdi.speaker').evaluate((e) => e.matches(':dir(rtl)')), true);
    assert.equal(await rtl.locator('.meta').evaluate((e) => e.matches(':dir(ltr)')), true, 'the line around the name stays left to right');
    // Isolated, speaker and source keep their order in the line: without <bdi> the two Arabic
    // runs and the dot between them would merge into one right-to-left run and swap places.
    const speakerBox = (await rtl.locator('bdi.speaker').boundingBox())!;
    const sourceBox = (await rtl.locator('bdi.source').boundingBox())!;
    assert.ok(speakerBox.x + speakerBox.width <= sourceBox.x, `speaker (x ${speakerBox.x}) stays left of the source (x ${sourceBox.x})`);
    await rtl.screenshot({ path: path.join(ARTIFACTS, 'a11y-rtl-row.png') });
    await row.screenshot({ path: path.join(ARTIFACTS, 'a11y-show-more.png') });
    await page.close();
  });

  it('new statements are summarised politely, not read out one by one', async () => {
    const page = await open('dark', undefined, true);
    const before = Number((await page.locator('#feed-announcer').getAttribute('data-announced')) ?? 0);
    const batch = Array.from({ length: 6 }, (_, i) => ({ text: `Officials threatened to strike the depot number ${i + 1} if the convoy moved.`, speaker: 'Testland' }));
    await postStatements(server, batch);
    await page.waitForFunction((n) => document.querySelectorAll('#statement-list li').length >= n, SEEDED_COUNT + batch.length, { timeout: 30_000 });
    await page.waitForFunction(() => /new statements?/.test(document.querySelector('#feed-announcer')?.textContent ?? ''), null, { timeout: 20_000 });
    // Past one announcement interval (10 s, on the page's clock), so the batch is fully told.
    await page.clock.fastForward(10_500);
    const said = Number(await page.locator('#feed-announcer').getAttribute('data-announced')) - before;
    assert.ok(said >= 1 && said <= 2, `six statements, ${said} announcement(s)`);
    assert.match((await page.locator('#feed-announcer').textContent()) ?? '', /^\d+ new statements?(; highest \d+, \w+)?\.$/);
    await page.close();
  });
});
