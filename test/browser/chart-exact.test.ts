/**
 * Chromium in a non-UTC zone (Asia/Kolkata, UTC+05:30, so whole-hour mistakes show): the chart's
 * points, read from its table of points, sit at the right instants (labelled in the browser's
 * zone), each equals a brute-force recomputation from the raw statements the API returns, at
 * every range, and the line ends at the number on the 1 h card.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ScoredForMetrics } from '../../server/metrics/risk-index.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { bruteWindow, mulberry32, sameIndex } from '../helpers/brute-index.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();
const ZONE = 'Asia/Kolkata';
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const TEXTS = [
  'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.',
  'Both sides agreed to a ceasefire and will resume talks in Geneva next week.',
  'The ministry announced new sanctions on exports of machine tools.',
  'We will strike every launch site immediately if the attacks continue.',
  'The delegation met to discuss grain shipments and humanitarian aid.',
  'Troops were mobilized near the border, the defence ministry said.',
  'The president thanked the volunteers for their work.',
  'Any attack on our territory will be met with a nuclear response.',
];
const RANGES = [
  { range: '24h', window: '1h', windowMs: HOUR, stepMs: 5 * MIN },
  { range: '7d', window: '6h', windowMs: 6 * HOUR, stepMs: HOUR },
  { range: '30d', window: '24h', windowMs: DAY, stepMs: 6 * HOUR },
];

/** `ms` as the page should label it: local time in ZONE, minutes precision. */
function inZone(ms: number): string {
  return new Date(ms).toLocaleString('sv-SE', { timeZone: ZONE }).slice(0, 16);
}

describe('chart points in a non-UTC browser zone equal the raw statements', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  const said: ScoredForMetrics[] = [];

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    // A random history over 31 days: a trickle with gaps, a burst, and a busy last hour.
    const random = mulberry32(2026);
    const now = Date.now();
    const times: number[] = [];
    for (let t = now - 31 * DAY; t < now - HOUR; t += Math.floor(random() * 3 * HOUR)) if (random() > 0.2) times.push(t);
    const burst = now - 3 * DAY - Math.floor(random() * DAY);
    for (let i = 0; i < 40; i++) times.push(burst + Math.floor(random() * 10 * MIN));
    for (let i = 0; i < 12; i++) times.push(now - Math.floor(random() * 55 * MIN) - MIN);
    const statements = times.map((t, i) => ({ text: TEXTS[Math.floor(random() * TEXTS.length)]!, speaker: ['Russia', 'Ukraine', 'China'][i % 3], publishedAt: new Date(t).toISOString(), externalId: `chart-exact-${i}` }));
    for (let i = 0; i < statements.length; i += 500) {
      const res = await fetch(`${server.url}/api/statements`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
        body: JSON.stringify({ statements: statements.slice(i, i + 500) }),
      });
      assert.equal(res.status, 202);
    }
    // The raw statements as the API gives them, once all are scored.
    for (let tries = 0; ; tries++) {
      said.length = 0;
      let cursor = '';
      for (;;) {
        const page = (await (await fetch(`${server.url}/api/statements?status=scored&limit=500${cursor}`)).json()) as {
          statements: Array<{ publishedAt: string; score: number }>;
          nextCursor: string | null;
        };
        for (const s of page.statements) said.push({ occurredAt: Date.parse(s.publishedAt), score: s.score, actor: null, targets: [], categories: [] });
        if (!page.nextCursor) break;
        cursor = `&cursor=${page.nextCursor}`;
      }
      if (said.length === statements.length) break;
      assert.ok(tries < 60, `only ${said.length} of ${statements.length} statements scored`);
      await new Promise((r) => setTimeout(r, 500));
    }
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  it(`every point at 24 h, 7 d and 30 d, in ${ZONE}, and the last one is the 1 h card`, async () => {
    // Keep the card and the chart inside one minute: their windows end at the same whole minute.
    const second = new Date().getSeconds();
    if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    const context = await browserHandle.browser.newContext({ timezoneId: ZONE });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    assert.equal(await page.evaluate(() => new Date().getTimezoneOffset()), -330, 'the page runs at UTC+05:30');
    for (const r of RANGES) {
      if (r.range !== '24h') await page.selectOption('#chart-range', r.range);
      await page.waitForFunction((w) => document.querySelector('#risk-chart')?.getAttribute('data-window') === w, r.window, { timeout: 20_000 });
      const rows = await page.locator('#chart-points tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({ t: tr.getAttribute('data-t')!, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
      );
      const panel = page.locator('#chart-panel');
      const from = Number(await panel.getAttribute('data-from'));
      const to = Number(await panel.getAttribute('data-to'));
      assert.equal(to - from, { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY }[r.range]);
      // Points at every step (counted in UTC from the epoch) inside the range, then the live one at `to`.
      const expected: number[] = [];
      for (let t = Math.ceil(from / r.stepMs) * r.stepMs; t < to; t += r.stepMs) expected.push(t);
      expected.push(to);
      assert.deepEqual(rows.map((x) => Date.parse(x.t)), expected, `${r.range}: point times`);
      let withIndex = 0;
      for (const row of rows) {
        const t = Date.parse(row.t);
        const [label, index, count, max] = row.cells;
        assert.equal(label, inZone(t), `${r.range} ${row.t}: labelled in the browser's zone`);
        const b = bruteWindow(said, 'global', t, r.windowMs);
        assert.equal(Number(count), b.count, `${r.range} ${row.t}: count`);
        assert.equal(max, b.max === null ? '–' : String(b.max), `${r.range} ${row.t}: max`);
        if (b.count < 3) assert.equal(index, 'not enough data', `${r.range} ${row.t}`);
        else {
          withIndex++;
          assert.ok(sameIndex(Number(index), b.raw), `${r.range} ${row.t}: index ${index}, brute force ${b.raw}`);
        }
      }
      assert.ok(withIndex > 5, `${r.range}: ${withIndex} points with an index`);
      if (r.range === '24h') {
        const card = await page.locator('.card[data-window="1h"] .value').textContent();
        assert.equal(rows.at(-1)!.cells[1], card, 'the line ends at the number on the 1 h card');
        assert.ok(sameIndex(Number(card), bruteWindow(said, 'global', to, HOUR).raw));
      }
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
});
