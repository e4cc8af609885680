import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { SEEDED_COUNT, seedDashboard } from '../helpers/dashboard-seed.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();

interface Shift {
  value: number;
  at: number;
  sources: string[];
}

/**
 * The page shows its layout at once and fills it in place: the cumulative layout shift
 * (the sum of every 'layout-shift' entry without recent input, which is stricter than the
 * web-vitals session window) stays under 0.1 while cards, chart, top lists, alerts and the
 * feed arrive.
 */
describe('first paint without jumps (headless Chromium)', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *', BRINKWATCH_ALERT_CRON: '*/1 * * * * *' });
    await seedDashboard(server);
    // Wait for the data the page will load: scored statements and a firing alert.
    for (let i = 0; i < 60; i++) {
      const alerts = (await (await fetch(`${server.url}/api/alerts`)).json()) as { alerts: Array<{ state: string }> };
      const st = (await (await fetch(`${server.url}/api/statements?limit=50`)).json()) as { statements: Array<{ status: string }> };
      if (alerts.alerts.some((a) => a.state === 'firing') && st.statements.filter((s) => s.status !== 'pending').length >= SEEDED_COUNT) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  for (const viewport of [{ width: 1280, height: 900 }, { width: 390, height: 844 }]) {
    it(`a seeded dashboard loads with CLS < 0.1 at ${viewport.width}×${viewport.height}`, async () => {
      const page = await browserHandle.browser.newPage({ viewport, colorScheme: 'dark' });
      await page.addInitScript(() => {
        const w = window as unknown as { __shifts: Shift[] };
        w.__shifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean; sources?: Array<{ node?: Node }> }>) {
            if (e.hadRecentInput) continue;
            const sources = (e.sources ?? []).map((s) => {
              const n = s.node as HTMLElement | undefined;
              return n ? `${n.nodeName}${n.id ? `#${n.id}` : ''}${typeof n.className === 'string' && n.className ? `.${n.className.split(' ').join('.')}` : ''}` : '?';
            });
            w.__shifts.push({ value: e.value, at: Math.round(e.startTime), sources });
          }
        }).observe({ type: 'layout-shift', buffered: true });
      });
      await page.goto(server.url);
      await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
      await page.waitForFunction((n) => document.querySelectorAll('#statement-list li').length >= n, SEEDED_COUNT, { timeout: 30_000 });
      await page.locator('#alerts-panel .alert-banner:not([hidden])').waitFor({ timeout: 30_000 });
      await page.locator('#top-actor li[data-scope]').first().waitFor({ timeout: 30_000 });
      await page.waitForFunction(() => (document.querySelector('#chart-updated')?.textContent ?? '') !== '', null, { timeout: 30_000 });
      await page.waitForTimeout(1500);
      const shifts = await page.evaluate(() => (window as unknown as { __shifts: Shift[] }).__shifts);
      const cls = shifts.reduce((s, x) => s + x.value, 0);
      await page.screenshot({ path: path.join(ROOT, 'test', 'artifacts', `first-paint-${viewport.width}.png`) });
      await page.close();
      const detail = shifts.map((s) => `${s.value.toFixed(4)} at ${s.at} ms: ${s.sources.join(', ')}`).join('\n');
      console.log(`# CLS ${cls.toFixed(4)} at ${viewport.width}x${viewport.height} (${shifts.length} shifts)\n${detail.replace(/^/gm, '#   ')}`);
      assert.ok(cls < 0.1, `cumulative layout shift ${cls.toFixed(3)}:\n${detail}`);
    });
  }
});
