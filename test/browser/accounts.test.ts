import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();
const ADMIN_PW = 'first-admin-password-1';
const VIEWER_PW = 'viewer-password-long-2';

/**
 * Accounts in headless Chromium against the real server with reads not public (as on a
 * network): the one-time setup link creates the first admin, sign-in with a wrong password
 * says so, a viewer sees no admin controls and the API refuses them, sign-out returns to the
 * sign-in page, and a cross-origin form post made with the admin's browser changes nothing.
 */
describe('accounts journeys, in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let evil: http.Server;
  let evilUrl = '';
  const api = (p: string, init: RequestInit = {}) =>
    fetch(`${server.url}${p}`, { ...init, headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_PUBLIC_READ: 'false', BRINKWATCH_DEMO: 'off' });
    browserHandle = await launchBrowser();
    // The attacker's site: another origin (localhost vs 127.0.0.1) whose page posts a form to Brinkwatch.
    evil = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>cute cats</title>
<form id="f" method="post" action="${server.url}/api/alert-rules" enctype="text/plain">
<input name='{"name":"Planted by evil","scope":"global","window":"1h","threshold":1,"recoverBelow":0,"channels":[{"type":"dashboard"}],"x":"' value='"}'>
</form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    evilUrl = `http://localhost:${(evil.address() as AddressInfo).port}/`;
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
    evil?.closeAllConnections();
    await new Promise((r) => evil?.close(r));
  });

  async function signIn(page: Page, name: string, password: string) {
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/signin$/);
    await page.fill('#signin-name', name);
    await page.fill('#signin-password', password);
    await page.click('#signin-submit');
  }

  it('the setup link printed at first start creates the first admin, who lands on the dashboard', async () => {
    const link = /(http:\/\/\S+\/setup#[A-Za-z0-9_-]+)/.exec(server.output())?.[1];
    assert.ok(link, `setup link printed: ${server.output()}`);
    const page = await browserHandle.browser.newPage();
    await page.goto(link!);
    assert.equal(await page.textContent('#signin-title'), 'Create the first admin');
    await page.fill('#signin-name', 'root');
    await page.fill('#signin-password', ADMIN_PW);
    await page.fill('#signin-confirm', ADMIN_PW);
    await page.click('#signin-submit');
    await page.waitForURL(`${server.url}/`);
    await page.locator('#account-name').waitFor({ timeout: 20_000 });
    assert.equal(await page.textContent('#account-name'), 'root');
    assert.equal(await page.textContent('#account-role'), 'admin');
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    // An admin sees the admin controls.
    await page.click('.rules-box summary');
    assert.equal(await page.locator('.rule-editor').isVisible(), true, 'the rule editor');
    assert.equal(await page.locator('.feeds-add').isVisible(), true);
    // The link is single use.
    const again = await fetch(`${server.url}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: link!.split('#')[1], name: 'second', password: 'another-password-9' }) });
    assert.equal(again.status, 409);
    const made = await api('/api/users', { method: 'POST', body: JSON.stringify({ name: 'vera', role: 'viewer', password: VIEWER_PW }) });
    assert.equal(made.status, 201);
    await page.close();
  });

  it('a wrong password says so and stays on the sign-in page', async () => {
    const page = await browserHandle.browser.newPage();
    await signIn(page, 'vera', 'not-the-password');
    await page.locator('#signin-error:has-text("Wrong user name or password.")').waitFor({ timeout: 10_000 });
    assert.match(page.url(), /\/signin$/);
    assert.equal(await page.inputValue('#signin-password'), '', 'the password field is cleared');
    await page.close();
  });

  it('a viewer sees no admin or analyst controls, and the API refuses them from the page (403)', async () => {
    const context = await browserHandle.browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'vera', VIEWER_PW);
    await page.waitForURL(`${server.url}/`);
    await page.locator('#account-name').waitFor({ timeout: 20_000 });
    assert.equal(await page.textContent('#account-role'), 'viewer');
    await page.click('.sessions-box summary');
    await page.locator('.session-list li:has-text("this browser")').waitFor({ timeout: 10_000 });
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    await page.click('.rules-box summary');
    assert.equal(await page.locator('.rule-editor').isVisible(), false, 'no rule editor');
    assert.equal(await page.locator('.feeds-add').isVisible(), false, 'no add-feed form');
    assert.equal(await page.locator('.rule-actions').first().isVisible().catch(() => false), false, 'no rule actions');
    // The page's own credentials (cookie + CSRF token) cannot do what the controls would.
    const answer = await page.evaluate(async () => {
      const s = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const res = await fetch('/api/alert-rules', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ name: 'x', scope: 'global', window: '1h', threshold: 1, recoverBelow: 0, channels: [{ type: 'dashboard' }] }),
      });
      return { status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code };
    });
    assert.deepEqual(answer, { status: 403, code: 'forbidden-role' });
    // Sign out: back to the sign-in page, and the dashboard is closed again.
    await page.click('.signout-button');
    await page.waitForURL(/\/signin$/);
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/signin$/);
    assert.equal((await page.evaluate(async () => (await fetch('/api/statements')).status)), 401);
    await context.close();
  });

  it("a cross-origin form post made with the signed-in admin's browser changes nothing", async () => {
    const context = await browserHandle.browser.newContext();
    const page = await context.newPage();
    await signIn(page, 'root', ADMIN_PW);
    await page.waitForURL(`${server.url}/`);
    const rulesBefore = ((await (await api('/api/alert-rules')).json()) as { rules: unknown[] }).rules.length;
    const response = page.waitForResponse((r) => r.url().endsWith('/api/alert-rules') && r.request().method() === 'POST');
    await page.goto(evilUrl);
    const refused = await response;
    assert.ok([401, 403].includes(refused.status()), `refused, got ${refused.status()}`);
    const rules = ((await (await api('/api/alert-rules')).json()) as { rules: Array<{ name: string }> }).rules;
    assert.equal(rules.length, rulesBefore);
    assert.equal(rules.some((r) => r.name === 'Planted by evil'), false);
    await context.close();
  });
});
