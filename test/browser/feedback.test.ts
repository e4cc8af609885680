import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { dashboardBuilt } from '../helpers/build-cache.ts';
import { expectNoSeriousAxeViolations } from '../helpers/axe.ts';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { ROOT, startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { seedStatements } from '../helpers/seed-statements.ts';

const skip = browserSkipReason();
const ARTIFACTS = path.join(ROOT, 'test', 'artifacts');

describe('"This score is wrong" journey in headless Chromium', { skip }, () => {
  let server: RunningServer;
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;

  before(async () => {
    await dashboardBuilt();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
    await seedStatements(server, [
      { text: 'Russia warned it will strike the convoy with missiles immediately.', speaker: 'Russia', source: 'TASS' },
      { text: 'Both sides agreed to a ceasefire and the release of prisoners.', speaker: 'Ukraine', source: 'Ukrinform' },
    ]);
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
    await server?.stop();
  });

  it('an analyst disagrees with a score from a search result: token asked for, feedback shown, counted and exported', async () => {
    const page = await browserHandle.browser.newPage({ viewport: { width: 1280, height: 1300 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/?q=convoy`);
    const row = page.locator('#search-results li').first();
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.locator('.text').textContent()) ?? '', /strike the convoy/);
    await page.locator('#feedback-panel', { hasText: 'No feedback yet' }).waitFor();

    // Open the form from the keyboard: the level picker takes focus.
    await row.getByRole('button', { name: 'This score is wrong' }).focus();
    await page.keyboard.press('Enter');
    const level = row.getByLabel('Level it should have');
    await level.waitFor();
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.getAttribute('name')), 'level');
    await level.selectOption('low');
    const reason = 'Rhetoric for a domestic audience; <b>no</b> forces moved.';
    await row.getByLabel('Why').fill(reason);
    await row.getByRole('button', { name: 'Send feedback' }).click();

    // No token yet: the form asks for it, then sends.
    const token = row.getByLabel('API token');
    await token.waitFor({ timeout: 10_000 });
    assert.match((await row.locator('.feedback-status').textContent()) ?? '', /needs the API token/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedback-token.png') });
    await token.fill(server.token);
    await row.getByRole('button', { name: 'Send feedback' }).click();

    const shown = row.locator('.feedback-list li');
    await shown.waitFor({ timeout: 10_000 });
    const text = (await shown.textContent()) ?? '';
    assert.match(text, /token would rate it low \(scored (elevated|high|severe)\)/);
    assert.ok(text.endsWith(reason), 'the reason shows as typed, as text');
    assert.equal(await row.locator('.feedback-list b').count(), 0, 'never parsed as HTML');
    assert.equal(await row.locator('form.feedback-form').isHidden(), true);

    // Counted per category on the page.
    await page.locator('#feedback-panel', { hasText: '1 piece of feedback' }).waitFor({ timeout: 10_000 });
    assert.ok((await page.locator('#feedback-panel tbody tr').count()) >= 1);
    const lower = await page.locator('#feedback-panel tbody tr').first().locator('td').nth(2).textContent();
    assert.equal(lower, '1', 'a lower level than scored');
    await page.locator('#search-panel').screenshot({ path: path.join(ARTIFACTS, 'feedback-shown.png') });
    await page.locator('#feedback-panel').screenshot({ path: path.join(ARTIFACTS, 'feedback-counts.png') });

    // After a reload the statement still carries it (from the API), and the CSV holds it.
    await page.reload();
    await page.locator('#search-results li .feedback-list li').first().waitFor({ timeout: 15_000 });
    const csv = await (await fetch(`${server.url}/api/export/feedback.csv`)).text();
    const rows = parse(csv, { columns: true }) as Array<Record<string, string>>;
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.suggested_level, 'low');
    assert.equal(rows[0]!.reason, reason);
    assert.equal(rows[0]!.author, 'api-token');

    // The live feed offers the same control on every scored statement (its first page may
    // arrive after the search results: wait for both rows).
    await page.locator('#statement-list li .feedback-open').nth(1).waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#statement-list li .feedback-open').count(), 2);
    await expectNoSeriousAxeViolations(page, 'search results with feedback', { include: '#search-panel' });
    await expectNoSeriousAxeViolations(page, 'the feedback panel', { include: '#feedback-panel' });
    assert.deepEqual(errors, []);
  });
});
