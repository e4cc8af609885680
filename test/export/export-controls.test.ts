import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();

describe('export buttons on the dashboard, in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  const payload = '=HYPERLINK("http://evil.example","Click") Russia threatens to strike, "immediately".';

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    browserHandle = await launchBrowser();
    const res = await fetch(`${server.url}/api/statements`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: JSON.stringify({ text: payload, speaker: 'Russia', source: 'Export test' }),
    });
    assert.equal(res.status, 202);
    for (let i = 0; i < 100; i++) {
      const body = (await (await fetch(`${server.url}/api/statements?status=scored`)).json()) as { statements: unknown[] };
      if (body.statements.length === 1) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  it('downloads the statements and the history on screen as CSV that parses back', async () => {
    const page = await browserHandle.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('#export-controls a', { hasText: 'Export statements CSV' }).waitFor();

    const [statements] = await Promise.all([page.waitForEvent('download'), page.click('text=Export statements CSV')]);
    assert.match(statements.suggestedFilename(), /^brinkwatch-statements-\d{4}-\d\d-\d\dT\d{4}Z_\d{4}-\d\d-\d\dT\d{4}Z\.csv$/);
    const rows = parse(fs.readFileSync((await statements.path())!), { record_delimiter: '\r\n' }) as string[][];
    assert.equal(rows[0]![0], 'id');
    assert.equal(rows.length, 2);
    assert.equal(rows[1]![rows[0]!.indexOf('text')], `'${payload}`, 'the formula arrives neutralised');
    assert.equal(rows[1]![2], 'Russia');

    await page.selectOption('#export-controls select[name="bucket"]', 'hour');
    await page.check('#export-controls input[name="bom"]');
    const [history] = await Promise.all([page.waitForEvent('download'), page.click('text=Export history CSV')]);
    const raw = fs.readFileSync((await history.path())!);
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'for Excel: BOM');
    const hist = parse(raw, { bom: true, record_delimiter: '\r\n' }) as string[][];
    assert.deepEqual(hist[0], ['bucket_start', 'scope', 'risk_index', 'statements', 'max_score', 'level', 'firing_alerts']);
    assert.equal(hist.length, 2, 'one hour bucket, global scope');
    assert.match(hist[1]![0]!, /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    assert.equal(hist[1]![1], 'global');
    assert.equal(hist[1]![3], '1');
    assert.deepEqual(errors, []);
  });

  it('follows a range and scope the page publishes on the chart panel', async () => {
    const page = await browserHandle.browser.newPage();
    await page.goto(server.url);
    await page.locator('#export-controls a').first().waitFor();
    // The dashboard writes its own view onto the panel when the chart is drawn: publish after it.
    await page.waitForFunction(() => (document.querySelector('#chart-updated')?.textContent ?? '') !== '', null, { timeout: 20_000 });
    await page.evaluate(() => {
      const panel = document.querySelector<HTMLElement>('.chart-panel')!;
      panel.dataset.from = '2026-01-01T00:00:00Z';
      panel.dataset.to = '2026-01-08T00:00:00Z';
      panel.dataset.scope = 'actor:Russia';
    });
    await page.hover('text=Export history CSV');
    const href = await page.getAttribute('text=Export history CSV', 'href');
    const url = new URL(href!, server.url);
    assert.equal(url.searchParams.get('from'), '2026-01-01T00:00:00.000Z');
    assert.equal(url.searchParams.get('to'), '2026-01-08T00:00:00.000Z');
    assert.equal(url.searchParams.get('scope'), 'actor:Russia');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-disposition'), 'attachment; filename="brinkwatch-history-2026-01-01_2026-01-07.csv"');
  });
});
