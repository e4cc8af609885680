import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { clickChartAt, dragChart, keepScreenshot, post } from './drill-helpers.ts';
import { expectNoSeriousAxeViolations } from '../helpers/axe.ts';

const skip = browserSkipReason();
const T = 20_000;

const STATEMENTS = [
  { text: 'Russia threatened to strike Ukraine with missiles if the offensive continues.', speaker: 'Russia' },
  { text: 'Russia warned Ukraine that its forces will target every bridge in the region.', speaker: 'Russia' },
  { text: 'Russia announced a nuclear exercise and warned NATO against intervening in Ukraine.', speaker: 'Russia' },
  { text: 'Ukraine accused Russia of shelling civilian areas overnight.', speaker: 'Ukraine' },
  { text: 'Norway called for talks between the parties.', speaker: 'Norway' },
];

describe('drill-down, alert story and shareable views in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let hook: http.Server;
  const hooked: string[] = [];
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    await dashboardBuilt();
    hook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hooked.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    server = await startServerProcess({
      BRINKWATCH_DEMO: 'off',
      BRINKWATCH_SCORE_CRON: '*/1 * * * * *',
      BRINKWATCH_NOTIFY_CRON: '*/1 * * * * *',
      BRINKWATCH_ALLOW_PRIVATE_URLS: '127.0.0.1',
    });
    for (const s of STATEMENTS) assert.equal((await post(server.url, server.token, '/api/statements', s)).status, 202);
    // Wait until all are scored.
    for (let i = 0; i < 100; i++) {
      const r = (await (await fetch(`${server.url}/api/statements?status=scored`)).json()) as { statements: unknown[] };
      if (r.statements.length === STATEMENTS.length) break;
      await new Promise((r2) => setTimeout(r2, 200));
    }
    browserHandle = await launchBrowser();
    // A zone other than the machine's (UTC), so that local time and UTC differ on the page.
    const context = await browserHandle.browser.newContext({ viewport: { width: 1280, height: 1000 }, timezoneId: 'Europe/Berlin', locale: 'en-GB' });
    // A stand-in for the Notification API that records what the page shows (headless has no notification UI).
    // (A string, not a function: tsx would compile a class's static fields into helpers the page lacks.)
    await context.addInitScript({
      content: `
        window.__notes = [];
        function FakeNotification(title) { window.__notes.push(title); this.onclick = null; }
        FakeNotification.permission = 'default';
        FakeNotification.requestPermission = function () { FakeNotification.permission = 'granted'; return Promise.resolve('granted'); };
        Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true, writable: true });
      `,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      // 404: the "no such actor" pages; 401: the annotation form before the token is given (both expected).
      if (m.type() === 'error' && !/(404 \(Not Found\)|401 \(Unauthorized\))/.test(m.text())) errors.push(m.text());
    });
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
    hook?.close();
  });

  it('drills from the top list to an actor, its dyad and a category, and says "no such actor" for a stranger', async () => {
    await page.goto(server.url);
    await page.locator('#top-actor a[data-scope="actor:Russia"]').click({ timeout: T });
    await page.waitForURL(/\/actor\/Russia$/);
    await page.locator('#drill-title', { hasText: 'Russia' }).waitFor({ timeout: T });
    await page.waitForFunction(() => document.activeElement?.id === 'drill-title', null, { timeout: T }); // focus moves to the page heading
    await page.locator('#drill-statements li.statement').first().waitFor({ timeout: T });
    assert.equal(await page.locator('#drill-statements li.statement').count(), 3, "Russia's three statements of the last 24 h");
    const oneHour = Number(await page.locator('#drill-cards .card[data-window="1h"] .value').textContent());
    assert.ok(Number.isFinite(oneHour));
    // the card's level in words and a shape beside the colour, the band of its number
    const band = oneHour >= 80 ? 'severe' : oneHour >= 60 ? 'high' : oneHour >= 40 ? 'elevated' : oneHour >= 20 ? 'low' : 'calm';
    assert.equal((await page.locator('#drill-cards .card[data-window="1h"] .level-word').textContent())?.trim().slice(-band.length), band);
    assert.ok((await page.locator('#drill-targets li').first().textContent())?.includes('Ukraine'), 'Ukraine is its first target');
    assert.ok((await page.locator('#drill-targeted-by').textContent())?.includes('Ukraine'), 'Ukraine speaks about Russia');
    await keepScreenshot(page, 'drill-actor');
    await expectNoSeriousAxeViolations(page, 'the actor page');

    // The drill page's range lives in the URL too.
    await page.selectOption('#chart-range', '7d');
    await page.locator('#chart-title', { hasText: 'Russia risk index, last 7 days' }).waitFor({ timeout: T });
    assert.match(page.url(), /\/actor\/Russia\?range=7d$/);
    await page.reload();
    await page.locator('#chart-title', { hasText: 'Russia risk index, last 7 days' }).waitFor({ timeout: T });
    assert.equal(await page.locator('#chart-range').inputValue(), '7d');
    await page.locator('#drill-statements li.statement').first().waitFor({ timeout: T });

    await page.locator('#drill-targets a[data-scope="dyad:Russia>Ukraine"]').click();
    await page.waitForURL(/\/dyad\/Russia\/Ukraine$/);
    await page.locator('#drill-title', { hasText: 'Russia → Ukraine' }).waitFor({ timeout: T });
    await page.locator('#drill-statements li.statement').first().waitFor({ timeout: T });

    await page.locator('#drill-categories a').first().click();
    await page.waitForURL(/\/category\//);
    await page.locator('#drill-title', { hasText: 'Category:' }).waitFor({ timeout: T });
    await page.locator('#drill-speakers li[data-scope="actor:Russia"]').waitFor({ timeout: T });

    const res = await page.goto(`${server.url}/actor/Atlantis`);
    assert.equal(res?.status(), 404);
    await page.locator('#drill-title', { hasText: 'No such actor: Atlantis' }).waitFor({ timeout: T });
    assert.match((await page.locator('#drill-subtitle').textContent()) ?? '', /no scored statements/);
    await page.goto(`${server.url}/actor/Russ`);
    await page.locator('#suggestions a[href="/actor/Russia"]').waitFor({ timeout: T });
    await keepScreenshot(page, 'drill-no-such-actor');
    await expectNoSeriousAxeViolations(page, 'the "no such actor" page');
  });

  it('keeps range, scope, custom range and zone in the URL: a reload shows the same view; drag zooms', async () => {
    await page.goto(`${server.url}/?range=7d&scope=actor%3ARussia`);
    await page.locator('#chart-title', { hasText: 'Russia risk index, last 7 days' }).waitFor({ timeout: T });
    assert.equal(await page.locator('#chart-range').inputValue(), '7d');
    await page.selectOption('#chart-range', '1h');
    await page.locator('#chart-title', { hasText: 'Russia risk index, last hour' }).waitFor({ timeout: T });
    assert.match(page.url(), /range=1h/);
    assert.match(page.url(), /scope=actor%3ARussia/);
    await page.reload();
    await page.locator('#chart-title', { hasText: 'Russia risk index, last hour' }).waitFor({ timeout: T });

    // Drag across the middle of the last hour: a custom range, in the URL.
    const from = Number(await page.locator('#chart-panel').getAttribute('data-from'));
    const to = Number(await page.locator('#chart-panel').getAttribute('data-to'));
    await dragChart(page, from + (to - from) * 0.25, from + (to - from) * 0.75);
    await page.waitForURL(/range=custom/);
    const u = new URL(page.url());
    const span = Date.parse(u.searchParams.get('to')!) - Date.parse(u.searchParams.get('from')!);
    assert.ok(Math.abs(span - (to - from) / 2) < 3 * 60_000, `zoomed to about half the hour, got ${span} ms`);
    await page.waitForFunction(() => document.querySelector('#chart-range') instanceof HTMLSelectElement && (document.querySelector('#chart-range') as HTMLSelectElement).value === 'custom');
    assert.equal(await page.locator('#range-inputs').isVisible(), true, 'the custom range shows its from/to inputs');
    const zoomed = page.url();
    await page.goto(zoomed);
    await page.waitForFunction((s) => Number(document.querySelector('#chart-panel')?.getAttribute('data-to')) - Number(document.querySelector('#chart-panel')?.getAttribute('data-from')) === s, span, { timeout: T });

    // Times in UTC: the switch, the URL, the chart title and every time in the feed say so.
    await page.locator('#statement-list time').first().waitFor({ timeout: T });
    assert.match((await page.locator('#statement-list time').first().textContent()) ?? '', /(GMT|UTC)\+1|CET/, 'local time names Berlin\'s zone');
    assert.match((await page.locator('#chart-title').textContent()) ?? '', /(GMT|UTC)\+1|CET/);
    await page.locator('.zone-switch input[value="utc"]').check();
    await page.waitForFunction(() => /UTC$/.test(document.querySelector('#statement-list time')?.textContent ?? ''), null, { timeout: T });
    await page.waitForURL(/tz=utc/);
    await page.goto(page.url());
    assert.equal(await page.locator('.zone-switch input[value="utc"]').isChecked(), true);
    await page.waitForFunction(() => /UTC/.test(document.querySelector('#chart-title')?.textContent ?? ''), null, { timeout: T });
    await keepScreenshot(page, 'dashboard-custom-range-utc');
  });

  it('finds any scope by name, says when a scope has too little data, and lists the statements of a clicked point', async () => {
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: T });
    await page.locator('#scope-search').fill('norw');
    await page.locator('#scope-results button[data-scope="actor:Norway"]').waitFor({ timeout: T });
    await page.locator('#scope-search').press('ArrowDown');
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.scope), 'actor:Norway', 'Arrow Down moves into the results');
    await page.keyboard.press('Enter');
    await page.locator('#chart-title', { hasText: 'Norway risk index' }).waitFor({ timeout: T });
    await page.locator('#chart-note', { hasText: 'Too little data for an index: 1 statement for Norway' }).waitFor({ timeout: T });
    assert.match(page.url(), /scope=actor%3ANorway/);
    await keepScreenshot(page, 'dashboard-little-data');

    // Click Norway's one dot: the statements of its minute, the bounds in the heading.
    const s = ((await (await fetch(`${server.url}/api/statements?scope=actor%3ANorway`)).json()) as { statements: Array<{ occurredAt: string; score: number }> }).statements[0]!;
    const minute = Math.floor(Date.parse(s.occurredAt) / 60_000) * 60_000;
    await clickChartAt(page, minute, s.score);
    await page.locator('#bucket-panel:not([hidden]) #bucket-statements li.statement', { hasText: 'Norway called for talks' }).waitFor({ timeout: T });
    assert.equal(await page.locator('#bucket-statements li.statement').count(), 1);
    assert.equal(Number(await page.locator('#bucket-panel').getAttribute('data-from')), minute);
    assert.equal(Number(await page.locator('#bucket-panel').getAttribute('data-to')), minute + 60_000);
    assert.match((await page.locator('#bucket-title').textContent()) ?? '', /statements in the minute/);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'bucket-title');
    await keepScreenshot(page, 'dashboard-bucket');

    // By keyboard: focus the chart, End selects the last dot, Enter lists its bucket.
    await page.locator('#bucket-panel button', { hasText: 'Close' }).click();
    await page.locator('#risk-chart').focus();
    await page.keyboard.press('End');
    assert.equal(Number(await page.locator('#risk-chart').getAttribute('data-active-t')), minute);
    await page.keyboard.press('Enter');
    await page.locator('#bucket-panel:not([hidden]) #bucket-statements li.statement', { hasText: 'Norway called for talks' }).waitFor({ timeout: T });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'bucket-title');
  });

  it('adds an annotation (asking for the token), shows it in the legend to everyone, exports and deletes it', async () => {
    // Another analyst has the dashboard open already.
    const other = await page.context().newPage();
    await other.goto(server.url);
    await other.locator('#connection[data-state="live"]').waitFor({ timeout: T });
    await page.goto(server.url);
    await page.locator('#chart-legend li').first().waitFor({ timeout: T });
    await page.locator('.annotations-box summary').click();
    await page.locator('#annotation-note').fill('=ceasefire signed');
    await page.locator('#annotation-form button[type="submit"]').click();
    await page.locator('#annotation-token').waitFor({ state: 'visible', timeout: T });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'annotation-token', 'the token field takes focus');
    await page.locator('#annotation-token').fill(server.token);
    await page.locator('#annotation-form button[type="submit"]').click();
    await page.locator('#chart-legend .legend-annotation', { hasText: '=ceasefire signed' }).waitFor({ timeout: T });
    // The other analyst's open page shows it too, without a reload (annotationsChanged push).
    await other.locator('#chart-legend .legend-annotation', { hasText: '=ceasefire signed' }).waitFor({ timeout: T });
    await keepScreenshot(other, 'dashboard-annotation');
    await other.close();
    const csv = await (await fetch(`${server.url}/api/export/annotations.csv`)).text();
    assert.match(csv, /,'=ceasefire signed,global,api-token,/);
    await page.locator('#annotation-list button', { hasText: 'Delete' }).click();
    await page.locator('#chart-legend .legend-annotation').waitFor({ state: 'detached', timeout: T });
  });

  it('tells of a firing alert in the title, favicon and a notification, and tells its story', async () => {
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: T });
    await page.locator('#notify-button').click();
    await page.locator('#notify-button', { hasText: 'Browser notifications on' }).waitFor({ timeout: T });
    const hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const rule = await post(server.url, server.token, '/api/alert-rules', {
      name: 'Russia hot',
      scope: 'actor:Russia',
      window: '24h',
      metric: 'index',
      threshold: 20,
      recoverBelow: 10,
      forSeconds: 0,
      minStatements: 3,
      channels: [{ type: 'dashboard' }, { type: 'webhook', url: hookUrl }],
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    // Rules are evaluated after each scored batch: one more statement makes it fire now.
    await post(server.url, server.token, '/api/statements', { text: 'Russia said it will strike Ukraine again.', speaker: 'Russia' });
    await page.waitForFunction(() => /^\(\d+ firing\)/.test(document.title), null, { timeout: T });
    assert.match((await page.locator('link[rel="icon"]').getAttribute('href')) ?? '', /^data:image\/svg\+xml/);
    await page.waitForFunction(() => (window as unknown as { __notes: string[] }).__notes.includes('Brinkwatch alert: Russia hot'), null, { timeout: T });

    const link = page.locator('#alerts-panel a.alert-story-link', { hasText: 'Russia hot' });
    await link.click({ timeout: T });
    await page.waitForURL(/\/alert\/\d+$/);
    await page.locator('#drill-title', { hasText: 'Russia hot' }).waitFor({ timeout: T });
    assert.match((await page.locator('#story-rule').textContent()) ?? '', /24h index of actor:Russia is at least 20/);
    await page.locator('#story-events tr[data-kind="firing"]').waitFor({ timeout: T });
    await page.locator('#story-statements li.statement').first().waitFor({ timeout: T });
    assert.ok((await page.locator('#story-statements li.statement').count()) >= 3, 'the statements that made it fire');
    await page.locator('#chart-legend .legend-threshold', { hasText: 'Russia hot (24h index ≥ 20)' }).waitFor({ timeout: T });
    await page.locator('#chart-legend .legend-firing').waitFor({ timeout: T });
    // The webhook is delivered within a few seconds; the story shows the delivery and its status.
    for (let i = 0; i < 50 && hooked.length === 0; i++) await new Promise((r) => setTimeout(r, 200));
    assert.ok(hooked.length >= 1, 'the webhook was called');
    await page.reload();
    await page.locator('#story-deliveries tr[data-status="delivered"]', { hasText: 'webhook' }).waitFor({ timeout: T });
    // The reloaded story draws its chart overlays after the deliveries at times: the screenshot waits for them.
    await page.locator('#chart-legend .legend-threshold', { hasText: 'Russia hot (24h index ≥ 20)' }).waitFor({ timeout: T });
    await keepScreenshot(page, 'alert-story');
    await expectNoSeriousAxeViolations(page, 'the alert story');

    const missing = await page.goto(`${server.url}/alert/999999`);
    assert.equal(missing?.status(), 200);
    await page.locator('#drill-title', { hasText: 'No such alert: 999999' }).waitFor({ timeout: T });
    assert.deepEqual(errors, [], 'no errors in the pages');
  });

  it('follows new statements live on an actor page, like the dashboard', async () => {
    await page.goto(`${server.url}/actor/Norway`);
    await page.locator('#drill-statements li.statement').first().waitFor({ timeout: T });
    assert.equal(await page.locator('#drill-statements li.statement').count(), 1);
    const card = page.locator('#drill-cards .card[data-window="24h"] .meta');
    assert.match((await card.textContent()) ?? '', /\b1 statements/);
    const posted = await post(server.url, server.token, '/api/statements', { text: 'Norway warned that it will impose sanctions if the shelling continues.', speaker: 'Norway' });
    assert.equal(posted.status, 202);
    // No reload: the page hears the scored batch and reads itself again.
    await page.locator('#drill-statements li.statement', { hasText: 'impose sanctions' }).waitFor({ timeout: T });
    assert.equal(await page.locator('#drill-statements li.statement').count(), 2);
    await page.waitForFunction(() => /\b2 statements/.test(document.querySelector('#drill-cards .card[data-window="24h"] .meta')?.textContent ?? ''), null, { timeout: T });
    assert.deepEqual(errors, [], 'no errors in the page');
  });
});
