import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

/**
 * Journeys for "every number on screen is true" in headless Chromium: the statements export
 * follows the scope on screen, a 600-statement POST is reachable in full on an open page, and
 * an offline page dims its data, says since when it dates, and never lets the range picker
 * and the chart disagree. The browser runs in a non-UTC zone (Asia/Kolkata, +05:30).
 */

const skip = browserSkipReason();
const ZONE = 'Asia/Kolkata';

interface ApiStatement {
  id: number;
  speaker: string | null;
  targets: string[];
  status: string;
  occurredAt: string;
}

async function post(server: RunningServer, body: unknown): Promise<number[]> {
  const res = await fetch(`${server.url}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 202, await res.clone().text());
  return ((await res.json()) as { accepted: Array<{ id: number }> }).accepted.map((a) => a.id);
}

/** Every statement the API lists (all pages). */
async function allStatements(server: RunningServer, query = ''): Promise<ApiStatement[]> {
  const out: ApiStatement[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(`${server.url}/api/statements?limit=500${query}${cursor ? `&cursor=${cursor}` : ''}`);
    const body = (await res.json()) as { statements: ApiStatement[]; nextCursor: string | null };
    out.push(...body.statements);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

async function waitScored(server: RunningServer, ids: number[]): Promise<void> {
  const want = new Set(ids);
  for (let i = 0; i < 300; i++) {
    const scored = (await allStatements(server, '&status=scored')).filter((s) => want.has(s.id)).length;
    if (scored === want.size) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('statements were not scored in time');
}

function watchErrors(page: Page, allowNetworkErrors: () => boolean): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !allowNetworkErrors()) errors.push(m.text());
  });
  return errors;
}

describe('every number on screen is true: export scope, full feed, offline', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  async function openPage(): Promise<{ page: Page; errors: string[]; setOffline: (v: boolean) => void }> {
    const context = await browserHandle.browser.newContext({ timezoneId: ZONE, locale: 'en-GB', acceptDownloads: true });
    const page = await context.newPage();
    let offline = false;
    const errors = watchErrors(page, () => offline);
    await page.goto(server.url);
    await page.locator('body[data-connection="live"]').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => (document.querySelector('#chart-updated')?.textContent ?? '') !== '', null, { timeout: 20_000 });
    return { page, errors, setOffline: (v) => (offline = v) };
  }

  it('the statements export holds exactly the statements of the scope on screen', async () => {
    const ids = await post(server, {
      statements: [
        { text: 'Russia warned Poland that it would strike its airfields if the deliveries continued.', speaker: 'Russia' },
        { text: 'Russia threatened Poland with nuclear weapons if the blockade is not lifted immediately.', speaker: 'Russia' },
        { text: 'Russia will deploy additional troops to the border, officials said.', speaker: 'Russia' },
        // Russia is named here, but as the target: not Russia's statement.
        { text: 'Ukraine accused Russia of an attack on its embassy and vowed to respond.', speaker: 'Ukraine' },
        { text: 'Ukraine and Poland agreed to resume talks in Geneva next week.', speaker: 'Ukraine' },
      ],
    });
    await waitScored(server, ids);
    const { page, errors } = await openPage();

    // Brute force from the raw list: Russia's own statements, and Russia naming Poland.
    const all = (await allStatements(server)).filter((s) => s.status === 'scored');
    const bySpeaker = all.filter((s) => s.speaker === 'Russia').map((s) => s.id).sort((a, b) => a - b);
    const dyad = all.filter((s) => s.speaker === 'Russia' && s.targets.includes('Poland')).map((s) => s.id).sort((a, b) => a - b);
    assert.equal(bySpeaker.length, 3);
    assert.ok(dyad.length >= 1);
    const mentioning = (await allStatements(server, '&actor=Russia')).length;
    assert.ok(mentioning > bySpeaker.length, 'the old actor filter also matches mentions: the scope must not');

    for (const [scope, title, expected] of [
      ['actor:Russia', 'Russia risk index', bySpeaker],
      ['dyad:Russia>Poland', 'Russia → Poland risk index', dyad],
    ] as const) {
      await page.locator(`#chart-scope option[value="${scope}"]`).waitFor({ state: 'attached', timeout: 20_000 });
      await page.selectOption('#chart-scope', scope);
      await page.locator('#chart-title', { hasText: title }).waitFor({ timeout: 20_000 });
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export statements CSV')]);
      assert.equal(new URL(download.url()).searchParams.get('scope'), scope);
      const rows = parse(fs.readFileSync((await download.path())!), { record_delimiter: '\r\n' }) as string[][];
      assert.equal(rows[0]![0], 'id');
      assert.deepEqual(rows.slice(1).map((r) => Number(r[0])).sort((a, b) => a - b), expected, `rows of ${scope}`);
      // ...and the chart counts the same statements (the minute dots' counts over the range).
      const panel = await page.evaluate(() => ({ ...document.querySelector<HTMLElement>('#chart-panel')!.dataset }));
      const hist = (await (
        await fetch(`${server.url}/api/metrics/history?scope=${encodeURIComponent(scope)}&bucket=minute&from=${Math.floor(Number(panel.from) / 60_000) * 60_000}&to=${Math.ceil(Number(panel.to) / 60_000) * 60_000}`)
      ).json()) as { points: Array<{ count: number }> };
      assert.equal(hist.points.reduce((n, p) => n + p.count, 0), expected.length, `metrics of ${scope}`);
    }
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  it('a 600-statement POST is reachable in full on an open page, with a bounded list', async () => {
    const { page, errors } = await openPage();
    const before = await page.locator('#statement-list li').count();
    const t0 = Date.now();
    const ids = await post(server, {
      statements: Array.from({ length: 600 }, (_, i) => ({
        text: `Batch statement ${i}: Iran accused Israel of an attack on its embassy.`,
        speaker: i % 2 ? 'Iran' : 'Israel',
        // Spread over the last ten hours, out of id order: the feed orders by time.
        publishedAt: new Date(t0 - ((i * 7919) % 600) * 60_000).toISOString(),
      })),
    });
    assert.equal(ids.length, 600);
    const want = new Set(ids);

    // Announced in full: rows pushed plus the marker's count make 600.
    const announced = async () =>
      page.evaluate((list) => {
        const shown = [...document.querySelectorAll<HTMLElement>('#statement-list li')].filter((li) => list.includes(Number(li.dataset.statementId))).length;
        return shown + Number(document.querySelector<HTMLElement>('#feed-newer')?.dataset.unseen ?? 0);
      }, ids);
    for (let i = 0; i < 200 && (await announced()) < 600; i++) await page.waitForTimeout(100);
    assert.equal(await announced(), 600, 'every statement of the batch announced, none twice');
    assert.match((await page.locator('#feed-newer').textContent()) ?? '', /^600 new statements/);

    // The marker loads the newest page; "Load older" reaches the rest, the DOM stays bounded.
    const seen = new Set<number>();
    const collect = async () => {
      const rows = await page.locator('#statement-list li').evaluateAll((lis) => lis.map((li) => Number((li as HTMLElement).dataset.statementId)));
      assert.ok(rows.length <= 200, `at most 200 rows in the DOM (${rows.length})`);
      for (const id of rows) seen.add(id);
    };
    await page.click('#feed-newer');
    await page.locator('#feed-newer').waitFor({ state: 'hidden' });
    await collect();
    for (let pages = 0; pages < 40 && (await page.locator('#feed-older').isVisible()); pages++) {
      const count = seen.size;
      await page.click('#feed-older');
      await page.waitForFunction(() => !(document.querySelector('#feed-older') as HTMLButtonElement).disabled);
      await collect();
      assert.ok(seen.size > count || !(await page.locator('#feed-older').isVisible()), 'each page brings rows');
    }
    const missing = ids.filter((id) => !seen.has(id));
    assert.deepEqual(missing, [], 'all 600 reachable');
    assert.equal(seen.size, 600 + before);
    // Paging down dropped the newest rows: the marker offers the way back.
    assert.match((await page.locator('#feed-newer').textContent()) ?? '', /show the latest/);
    await page.click('#feed-newer');
    await page.waitForFunction((w) => {
      const first = document.querySelector<HTMLElement>('#statement-list li');
      return first !== null && w.includes(Number(first.dataset.statementId));
    }, [...want]);
    assert.deepEqual(errors, []);
    await page.context().close();

    // A page opened now starts from the snapshot (the newest 50) and pages on from there.
    const fresh = await openPage();
    assert.equal(await fresh.page.locator('#statement-list li').count(), 50);
    assert.ok(await fresh.page.locator('#feed-older').isVisible());
    assert.equal(await fresh.page.locator('#feed-newer').isVisible(), false);
    await fresh.page.click('#feed-older');
    await fresh.page.waitForFunction(() => document.querySelectorAll('#statement-list li').length === 100);
    assert.deepEqual(fresh.errors, []);
    await fresh.page.context().close();
  });

  it('offline: the data dims, "as of HH:MM" in the local zone, a range change reverts; back online everything refreshes', async () => {
    const { page, errors, setOffline } = await openPage();
    const agree = async () => {
      const s = await page.evaluate(() => {
        const panel = document.querySelector<HTMLElement>('#chart-panel')!;
        return {
          picker: (document.querySelector('#chart-range') as HTMLSelectElement).value,
          title: document.querySelector('#chart-title')!.textContent ?? '',
          span: Number(panel.dataset.to) - Number(panel.dataset.from),
          loading: panel.dataset.loading !== undefined,
        };
      });
      if (s.loading) return s;
      const expected = { '24h': ['last 24 h', 86_400_000], '7d': ['last 7 days', 7 * 86_400_000], '30d': ['last 30 days', 30 * 86_400_000] } as const;
      const [label, span] = expected[s.picker as keyof typeof expected];
      assert.ok(s.title.endsWith(label), `picker ${s.picker} but the chart says "${s.title}"`);
      assert.equal(s.span, span, `picker ${s.picker} but the chart spans ${s.span} ms`);
      return s;
    };
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('#summary')!).opacity), '1');
    assert.equal(await page.locator('#stale-banner').isVisible(), false);

    const port = new URL(server.url).port;
    setOffline(true);
    const stoppedAt = Date.now();
    await server.stop();
    await page.locator('body[data-connection="offline"]').waitFor({ timeout: 20_000 });
    for (const sel of ['#summary', '#chart-panel .chart-box', '.top-panel', '.feed-panel']) {
      await page.waitForFunction((s) => Number(getComputedStyle(document.querySelector(s)!).opacity) < 0.6, sel);
    }
    const banner = page.locator('#stale-banner');
    assert.ok(await banner.isVisible());
    const asOf = Number(await banner.getAttribute('data-as-of'));
    assert.ok(asOf <= stoppedAt && asOf > stoppedAt - 120_000, 'as of the last data received');
    const hhmm = new Intl.DateTimeFormat('en-GB', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(asOf);
    const text = (await banner.textContent()) ?? '';
    assert.match(text, new RegExp(`as of ${hhmm} \\S+`), `banner "${text}" shows ${hhmm} in ${ZONE} and the zone`);
    assert.notEqual(
      hhmm,
      new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(asOf),
      'local time, not UTC',
    );

    // A range change while offline: fetched, fails, reverts, says so. Never a disagreement.
    await agree();
    await page.selectOption('#chart-range', '7d');
    await page.locator('#chart-message', { hasText: 'Could not load' }).waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#chart-range').inputValue(), '24h');
    assert.equal((await agree()).loading, false);
    assert.match((await page.locator('#chart-message').textContent()) ?? '', /last 7 days while offline; the chart still shows Global, last 24 h/);

    // Back online (same data, same port): a fresh snapshot, live again, everything redrawn.
    let snapshots = 0;
    page.on('websocket', (ws) => ws.on('framereceived', (f) => (snapshots += String(f.payload).includes('"snapshot"') ? 1 : 0)));
    const chartUpdatedBefore = await page.locator('#chart-updated').textContent();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *', BRINKWATCH_PORT: port, BRINKWATCH_DATA_DIR: server.dataDir });
    await page.locator('body[data-connection="live"]').waitFor({ timeout: 30_000 });
    setOffline(false);
    assert.ok(snapshots >= 1, 'a fresh snapshot after reconnecting');
    await page.waitForFunction(() => getComputedStyle(document.querySelector('#summary')!).opacity === '1');
    assert.equal(await banner.isVisible(), false);
    await page.waitForFunction((b) => document.querySelector('#chart-updated')?.textContent !== b, chartUpdatedBefore, { timeout: 20_000 });
    await page.selectOption('#chart-range', '7d');
    await page.locator('#chart-title', { hasText: 'last 7 days' }).waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#chart-panel')!.dataset.loading === undefined);
    assert.equal((await agree()).picker, '7d');
    assert.equal(await page.locator('#chart-message').isVisible(), false);
    assert.deepEqual(errors, []);
    await page.context().close();
  });
});
