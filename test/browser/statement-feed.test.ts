import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/spawn-server.ts';

/**
 * The statement feed's bookkeeping in real Chromium, driven directly: client/src/statement-feed.ts
 * bundled on its own into a blank page, a store of synthetic statements behind a fake
 * GET /api/statements (same order and cursor rules), pushes and bulk announcements in any
 * order. What the list shows must always be one contiguous stretch of the full order, every
 * statement must stay reachable, and the DOM stays bounded.
 */

const skip = browserSkipReason();

describe('statement feed bookkeeping (client/src/statement-feed.ts in Chromium)', { skip }, () => {
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let bundle: string;

  before(async () => {
    const out = await build({
      entryPoints: [path.join(ROOT, 'client', 'src', 'statement-feed.ts')],
      bundle: true,
      format: 'iife',
      globalName: 'FeedModule',
      write: false,
      target: ['es2022'],
      logLevel: 'warning',
    });
    bundle = out.outputFiles[0]!.text;
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
  });

  /** A page with the feed mounted over an in-page store; helpers on window.T. */
  async function feedPage(): Promise<Page> {
    const page = await browserHandle.browser.newPage();
    await page.setContent('<main><ol id="list"></ol></main>');
    await page.addScriptTag({ content: bundle });
    // tsx compiles the functions handed to page.evaluate with esbuild's keepNames helper.
    await page.evaluate('window.__name = (f) => f');
    await page.evaluate(() => {
      type S = { id: number; occurredAt: string; status: string; score: number | null; level: string | null; text: string; speaker: string; targets: string[]; signals: unknown[]; isDemo: boolean; url: null; source: null };
      const store: S[] = [];
      const order = (a: S, b: S) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || b.id - a.id;
      let gate: Promise<void> | null = null;
      const w = window as unknown as Record<string, unknown>;
      const make = (id: number, t: number, status = 'scored'): S => ({
        id, occurredAt: new Date(t).toISOString(), status, score: status === 'scored' ? 50 : null, level: status === 'scored' ? 'elevated' : null,
        text: `statement ${id}`, speaker: 'X', targets: [], signals: [], isDemo: false, url: null, source: null,
      });
      async function fetchPage(url: string) {
        if (gate) await gate;
        const q = new URL(url, 'http://x').searchParams;
        let rows = [...store].sort(order);
        if (q.get('from')) rows = rows.filter((s) => Date.parse(s.occurredAt) >= Number(q.get('from')));
        if (q.get('to')) rows = rows.filter((s) => Date.parse(s.occurredAt) < Number(q.get('to')));
        const cursor = q.get('cursor');
        if (cursor) {
          const [t, id] = atob(cursor.replace(/-/g, '+').replace(/_/g, '/')).split(':').map(Number) as [number, number];
          rows = rows.filter((s) => Date.parse(s.occurredAt) < t || (Date.parse(s.occurredAt) === t && s.id < id));
        }
        const limit = Number(q.get('limit') ?? 50);
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        const more = rows.length > limit && last;
        return { statements: page, nextCursor: more ? btoa(`${Date.parse(last.occurredAt)}:${last.id}`).replace(/=+$/, '') : null };
      }
      const feed = (w.FeedModule as { createStatementFeed: (l: Element, f: typeof fetchPage) => Record<string, (...a: unknown[]) => unknown> }).createStatementFeed(
        document.querySelector('#list')!,
        fetchPage,
      );
      let release: (() => void) | null = null;
      w.T = {
        store, make, feed, order,
        add: (s: S) => store.push(s),
        hold: () => {
          gate = new Promise<void>((r) => (release = r));
        },
        release: () => { gate = null; release?.(); },
        shown: () => [...document.querySelectorAll<HTMLElement>('#list li')].map((li) => Number(li.dataset.statementId)),
        full: () => [...store].sort(order).map((s) => s.id),
        status: (id: number) => document.querySelector(`#list li[data-statement-id="${id}"] .score small`)?.textContent,
      };
    });
    return page;
  }

  /** The rows shown are one contiguous stretch of the full order (nothing missing between). */
  async function assertContiguous(page: Page): Promise<number[]> {
    const { shown, full } = await page.evaluate(() => {
      const T = (window as unknown as { T: { shown(): number[]; full(): number[] } }).T;
      return { shown: T.shown(), full: T.full() };
    });
    assert.ok(shown.length <= 200, `bounded DOM (${shown.length})`);
    if (shown.length === 0) return shown;
    const start = full.indexOf(shown[0]!);
    assert.deepEqual(shown, full.slice(start, start + shown.length), 'a contiguous stretch of the full order');
    return shown;
  }

  /** Clicks "Load older" until it disappears, collecting every id shown on the way. */
  async function pageThrough(page: Page, seen: Set<number>): Promise<void> {
    for (let i = 0; i < 100 && (await page.locator('#feed-older').isVisible()); i++) {
      await page.click('#feed-older');
      await page.waitForFunction(() => !(document.querySelector('#feed-older') as HTMLButtonElement).disabled);
      for (const id of await assertContiguous(page)) seen.add(id);
    }
  }

  it('snapshot with pending rows, then a bulk batch scores them: refreshed in place, the rest counted, all reachable', async () => {
    const page = await feedPage();
    const now = Date.UTC(2026, 10, 26, 12);
    await page.evaluate((now) => {
      const T = (window as unknown as { T: any }).T;
      for (let i = 1; i <= 120; i++) T.add(T.make(i, now - (i % 37) * 60_000 - i, i > 100 ? 'pending' : 'scored'));
      T.feed.reset([...T.store].sort(T.order).slice(0, 50), 50);
    }, now);
    assert.equal((await assertContiguous(page)).length, 50);
    const pendingShown = await page.evaluate(() => {
      const T = (window as unknown as { T: any }).T;
      return (T.shown() as number[]).filter((id) => id > 100);
    });
    assert.ok(pendingShown.length > 0);
    // The batch: the 20 pending ones scored, plus 300 new ones (newer and older than the list).
    await page.evaluate((now) => {
      const T = (window as unknown as { T: any }).T;
      for (const s of T.store) if (s.id > 100) Object.assign(s, { status: 'scored', score: 70, level: 'high' });
      const ids: number[] = [];
      for (let i = 121; i <= 420; i++) {
        T.add(T.make(i, now + (i % 2 ? 1 : -1) * (i % 50) * 60_000));
        ids.push(i);
      }
      T.feed.addBulk([...Array.from({ length: 20 }, (_, k) => 101 + k), ...ids]);
    }, now);
    await page.waitForFunction((ids) => ids.every((id) => (window as unknown as { T: any }).T.status(id) === 'high'), pendingShown);
    // The pending rows shown are refreshed, not counted; those not shown are counted as new.
    assert.equal(Number(await page.locator('#feed-newer').getAttribute('data-unseen')), 300 + 20 - pendingShown.length);
    await page.click('#feed-newer');
    await page.locator('#feed-newer').waitFor({ state: 'hidden' });
    const seen = new Set(await assertContiguous(page));
    await pageThrough(page, seen);
    assert.equal(seen.size, 420, 'every statement reachable');
    await page.close();
  });

  it('pushes while paged down, and while a page is loading, never leave a gap or drop a statement', async () => {
    const page = await feedPage();
    const now = Date.UTC(2026, 10, 26, 12);
    await page.evaluate((now) => {
      const T = (window as unknown as { T: any }).T;
      for (let i = 1; i <= 400; i++) T.add(T.make(i, now - i * 60_000));
      T.feed.reset([...T.store].sort(T.order).slice(0, 50), 50);
    }, now);
    const seen = new Set(await assertContiguous(page));
    // Page down past the DOM bound: the newest rows are dropped and the marker offers them back.
    await pageThrough(page, seen);
    assert.equal(seen.size, 400);
    assert.match((await page.locator('#feed-newer').textContent()) ?? '', /Newer statements above/);
    // Pushed now: one newer than everything (counted), one inside the stretch shown (placed).
    const inside = await page.evaluate((now) => {
      const T = (window as unknown as { T: any }).T;
      const shown = T.shown() as number[];
      const mid = T.store.find((s: { id: number }) => s.id === shown[100]);
      const a = T.make(1001, now + 60_000);
      const b = T.make(1002, Date.parse(mid.occurredAt) + 1);
      T.add(a);
      T.add(b);
      T.feed.add(a);
      T.feed.add(b);
      return 1002;
    }, now);
    await assertContiguous(page);
    assert.ok((await page.evaluate(() => (window as unknown as { T: any }).T.shown())).includes(inside));
    assert.equal(await page.locator('#feed-newer').getAttribute('data-unseen'), '1');
    // Back to the latest while the answer is held back; meanwhile a push and a bulk batch arrive.
    await page.evaluate(() => (window as unknown as { T: any }).T.hold());
    await page.click('#feed-newer');
    await page.evaluate((now) => {
      const T = (window as unknown as { T: any }).T;
      const c = T.make(1003, now + 120_000);
      T.add(c);
      T.feed.add(c); // stored after the page's query ran: the page will not hold it
      for (let i = 1004; i < 1010; i++) T.add(T.make(i, now - 5 * 60_000 - i));
      T.feed.addBulk([1004, 1005, 1006, 1007, 1008, 1009]);
    }, now);
    // This fake reads its store when released, so the page holds 1003..1009 as well: the
    // queued push and bulk must then neither duplicate a row nor count it as new.
    await page.evaluate(() => (window as unknown as { T: any }).T.release());
    await page.waitForFunction(() => !(document.querySelector('#feed-newer') as HTMLButtonElement).disabled);
    const top = await assertContiguous(page);
    assert.equal(top[0], 1003, 'the push that came during the load is at the top');
    assert.equal(new Set(top).size, top.length, 'no row twice');
    const unseen = Number(await page.locator('#feed-newer').getAttribute('data-unseen'));
    const shownBulk = top.filter((id) => id >= 1004 && id < 1010).length;
    assert.equal(shownBulk, 6, 'the bulk batch is on the page loaded');
    assert.equal(unseen, 0, 'and not counted again as new');
    assert.equal(await page.locator('#feed-newer').isVisible(), false);
    await page.close();
  });
});
