import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';

const skip = browserSkipReason();

describe('alerts panel journey in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *', BRINKWATCH_ALERT_CRON: '*/1 * * * * *' });
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('shows a banner when an alert fires, acknowledges it with a reason, and edits rules', async () => {
    // A zone other than the machine's (UTC), so that the zone switch visibly changes the alert times.
    const page = await browserHandle.browser.newPage({ timezoneId: 'Europe/Berlin' });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    // The shipped default rules are listed.
    await page.locator('#alerts-panel .rule-item').first().waitFor({ state: 'attached', timeout: 20_000 });
    assert.equal(await page.locator('#alerts-panel .rule-item').count(), 3);
    assert.equal(await page.locator('#alerts-panel .alert-banner').isVisible(), false);
    assert.equal(await page.locator('#alerts-panel .token-form').isVisible(), false, 'the token is only asked for when a write needs it');

    const rule = await api('POST', '/api/alert-rules', {
      name: 'Browser threat rule', scope: 'global', window: '1h', metric: 'max', threshold: 30, recoverBelow: 20, minStatements: 1, forSeconds: 0,
    });
    assert.equal(rule.status, 201);
    const posted = await api('POST', '/api/statements', {
      text: 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly, the Kremlin warned.',
      speaker: 'Russia',
    });
    assert.equal(posted.status, 202);

    const banner = page.locator('#alerts-panel .alert-banner');
    await banner.filter({ hasText: 'Browser threat rule' }).waitFor({ timeout: 30_000 });
    assert.match((await banner.textContent()) ?? '', /alerts? firing/);
    const item = page.locator('#alerts-panel .alert-item', { hasText: 'Browser threat rule' });
    assert.equal(await item.locator('.badge.state').textContent(), 'firing');

    await item.locator('.ack-button').click();
    await item.locator('input[name="reason"]').fill('Known rhetoric, watching');
    await item.locator('input[name="by"]').fill('desk-1');
    await item.locator('form.ack-form button[type="submit"]').click();
    // No token yet in this tab: the panel asks for it, then the same form is submitted again.
    const tokenForm = page.locator('#alerts-panel .token-form');
    await tokenForm.waitFor({ state: 'visible', timeout: 5000 });
    await tokenForm.locator('input').fill(server.token);
    await tokenForm.locator('button').click();
    await item.locator('form.ack-form button[type="submit"]').click();
    await item.locator('.alert-ack', { hasText: 'Known rhetoric, watching' }).waitFor({ timeout: 5000 });
    assert.match((await item.locator('.alert-ack').textContent()) ?? '', /Acknowledged by desk-1/);
    assert.equal(await item.locator('.badge.state').textContent(), 'acknowledged');
    // The alert's times follow the local/UTC switch, like every other time on the page.
    const started = item.locator('.alert-times time').first();
    assert.match((await started.textContent()) ?? '', /(GMT|UTC)\+1|CET/, 'local time names Berlin\'s zone');
    await page.locator('.zone-switch input[value="utc"]').check();
    await page.waitForFunction(() => /UTC$/.test(document.querySelector('#alerts-panel .alert-times time')?.textContent ?? ''), null, { timeout: 5000 });
    assert.match((await item.locator('.alert-ack time').textContent()) ?? '', /UTC$/);
    await page.locator('.zone-switch input[value="local"]').check();
    const stored = (await (await fetch(`${server.url}/api/alerts?state=acknowledged`)).json()) as { alerts: Array<{ ack: { reason: string } }> };
    assert.equal(stored.alerts[0]!.ack.reason, 'Known rhetoric, watching');

    // Rule editor: a bad threshold is reported under its field; a good rule appears in the list.
    await page.locator('#alerts-panel .rules-box summary').click();
    const editor = page.locator('#alerts-panel form.rule-editor');
    await editor.locator('input[name="name"]').fill('Poland watch');
    // A misspelt actor is refused with suggestions; one click puts the canonical name in.
    await editor.locator('input[name="scope"]').fill('actor:polnad');
    await editor.locator('button[type="submit"]').click();
    const scopeError = editor.locator('[data-error-for="scope"]');
    await scopeError.filter({ hasText: 'did you mean actor:Poland' }).waitFor({ timeout: 5000 });
    await scopeError.locator('button.suggestion', { hasText: 'actor:Poland' }).click();
    assert.equal(await editor.locator('input[name="scope"]').inputValue(), 'actor:Poland');
    await editor.locator('input[name="threshold"]').fill('150');
    await editor.locator('button[type="submit"]').click();
    await editor.locator('[data-error-for="threshold"]', { hasText: 'at most 100' }).waitFor({ timeout: 5000 });
    await editor.locator('input[name="threshold"]').fill('70');
    await editor.locator('button[type="submit"]').click();
    await page.locator('#alerts-panel .rule-item', { hasText: 'Poland watch' }).waitFor({ timeout: 5000 });
    const rules = (await (await fetch(`${server.url}/api/alert-rules`)).json()) as { rules: Array<{ name: string; scope: string; threshold: number }> };
    assert.deepEqual(rules.rules.filter((r) => r.name === 'Poland watch').map((r) => [r.scope, r.threshold]), [['actor:Poland', 70]]);
    assert.deepEqual(errors, []);
  });
});
