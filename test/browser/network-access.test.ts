import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';

const skip = browserSkipReason();

/**
 * Brinkwatch exposed on a network: the dashboard opened through a host name other than
 * localhost over plain HTTP (Chromium resolves brinkwatch.test to 127.0.0.1, so the page is
 * not a "potentially trustworthy" origin and gets no localhost exemptions), and a page on a
 * foreign origin trying to read the live stream.
 */
describe('dashboard on a network, in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let port: number;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let foreign: http.Server;
  let foreignUrl: string;

  before(async () => {
    await dashboardBuilt();
    // Demo data: the cards and the statement list have something to show at once.
    server = await startServerProcess({ BRINKWATCH_DEMO: 'auto', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    port = Number(new URL(server.url).port);
    browserHandle = await launchBrowser(['--host-resolver-rules=MAP brinkwatch.test 127.0.0.1']);
    // The attacker's page: another origin (another port), the socket.io client, an inline script.
    const client = fs.readFileSync(path.join(ROOT, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js'));
    foreign = http.createServer((req, res) => {
      if (req.url === '/socket.io.min.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(client);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>elsewhere</title>
<script src="/socket.io.min.js"></script>
<script>
  window.results = {};
  const target = 'http://127.0.0.1:${port}';
  for (const [name, transports] of [['websocket', ['websocket']], ['polling', ['polling']], ['default', undefined]]) {
    const r = (window.results[name] = { snapshot: false, statements: 0, error: null, connected: false });
    const s = io(target, { transports, reconnection: false, timeout: 8000 });
    s.on('connect', () => (r.connected = true));
    s.on('snapshot', (snap) => ((r.snapshot = true), (r.statements = snap.statements.length)));
    s.on('connect_error', (e) => (r.error = String(e && e.message)));
  }
  window.fetchResult = 'pending';
  fetch(target + '/api/statements').then((res) => res.json()).then((b) => (window.fetchResult = 'read ' + b.statements.length), (e) => (window.fetchResult = 'blocked'));
</script>`);
    });
    await new Promise<void>((r) => foreign.listen(0, '127.0.0.1', r));
    foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
    foreign?.closeAllConnections();
    await new Promise((r) => foreign?.close(r));
  });

  it('renders fully when opened as http://brinkwatch.test:<port> over plain HTTP', async () => {
    const page = await browserHandle.browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('requestfailed', (r) => problems.push(`failed ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const url = `http://brinkwatch.test:${port}/`;
    const res = await page.goto(url);
    assert.equal(res?.status(), 200);
    const headers = res!.headers();
    assert.equal(headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
    assert.doesNotMatch(headers['content-security-policy'] ?? '', /upgrade-insecure-requests/);

    // app.js ran: the socket connected (same host, so the Origin check lets it through)...
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    // ...the statement list and the cards show the demo data...
    await page.locator('#statement-list li').first().waitFor({ timeout: 30_000 });
    assert.ok((await page.locator('#statement-list li').count()) >= 10);
    const card = page.locator('.card[data-window="24h"][data-enough-data="true"] .value');
    await card.waitFor({ timeout: 30_000 });
    assert.ok(Number.isFinite(Number(await card.textContent())), 'the 24 h card shows a number');
    // ...and the stylesheet applied, fetched over http from the same host.
    assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.endsWith('/styles.css') && s.cssRules.length > 0)));
    for (const asset of ['app.js', 'styles.css']) {
      assert.ok(requested.includes(`http://brinkwatch.test:${port}/${asset}`), `${asset} requested over http from the page's host`);
    }
    assert.deepEqual(problems, [], 'nothing failed to load');
    await page.close();
  });

  it('a page on a foreign origin cannot read the live stream (nor the API)', async () => {
    const page = await browserHandle.browser.newPage();
    await page.goto(foreignUrl);
    await page.waitForFunction(
      () => {
        const r = (window as unknown as { results: Record<string, { snapshot: boolean; error: string | null }> }).results;
        return r && Object.values(r).every((x) => x.snapshot || x.error !== null);
      },
      null,
      { timeout: 30_000 },
    );
    const results = await page.evaluate(() => (window as unknown as { results: Record<string, { snapshot: boolean; statements: number; connected: boolean; error: string | null }> }).results);
    for (const [name, r] of Object.entries(results)) {
      assert.equal(r.snapshot, false, `${name}: the foreign page read ${r.statements} statements`);
      assert.equal(r.connected, false, `${name}: connected`);
      assert.ok(r.error, `${name}: the connection failed`);
    }
    await page.waitForFunction(() => (window as unknown as { fetchResult: string }).fetchResult !== 'pending', null, { timeout: 10_000 });
    assert.equal(await page.evaluate(() => (window as unknown as { fetchResult: string }).fetchResult), 'blocked', 'CORS keeps the API unreadable');
    assert.match(server.output(), /socket\.io handshake refused: foreign Origin/);
    await page.close();
  });
});
