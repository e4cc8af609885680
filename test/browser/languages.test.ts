// Statements in Russian and Ukrainian read in their own language, in headless Chromium: the
// Russian version of the README's NATO threat scores in the band of the English one, with the
// threat, the condition and the target highlighted in Cyrillic; names sit in <bdi>, the text
// has dir="auto", and the language picker filters the feed through the server (and the URL).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type RunningServer } from '../helpers/spawn-server.ts';
import { dashboardBuilt } from '../helpers/build-cache.ts';

const skip = browserSkipReason();
// the README's example, and a Russian version of it
const NATO_EN = 'If NATO troops appear on Ukrainian soil, they will be considered combatants and targeted accordingly.';
const NATO_RU = 'Если войска НАТО появятся на украинской земле, они будут считаться комбатантами и станут законной целью.';
// Russian with a long English quote: scored as Russian, and the row says it is mixed
const MIXED_RU = 'Лавров ответил журналистам на вопрос о заявлении, которое он назвал провокацией: "We will respond with force if the convoy crosses the border".';
const TALKS_UK = 'Україна та Польща провели конструктивні переговори та підписали угоду про співпрацю.';

async function post(server: RunningServer, body: unknown): Promise<void> {
  const res = await fetch(`${server.url}/api/statements`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${server.token}` },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 202, await res.text());
}

describe('statements in other languages in headless Chromium', { skip }, () => {
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  let server: RunningServer;
  before(async () => {
    await dashboardBuilt();
    browserHandle = await launchBrowser();
    server = await startServerProcess({ BRINKWATCH_DEMO: 'off', BRINKWATCH_SCORE_CRON: '*/1 * * * * *' });
  });
  after(async () => {
    await server?.stop();
    await browserHandle?.close();
  });

  it('the Russian NATO threat scores in the English band, threat, condition and target highlighted in Cyrillic', async () => {
    const page = await browserHandle.browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.locator('#connection[data-state="live"]').waitFor({ timeout: 30_000 });
    await post(server, { text: NATO_EN, speaker: 'Russia' });
    await post(server, { text: NATO_RU, speaker: 'Россия' });
    await post(server, { text: TALKS_UK });
    await post(server, { text: MIXED_RU });

    const ru = page.locator('#statement-list li', { hasText: 'НАТО' });
    const en = page.locator('#statement-list li', { hasText: 'NATO troops' });
    await ru.locator('mark.sig').first().waitFor({ timeout: 20_000 });
    await en.locator('mark.sig').first().waitFor({ timeout: 20_000 });
    const level = async (row: typeof ru) => (await row.locator('.score small').textContent())?.trim();
    assert.equal(await level(ru), await level(en), 'same band as the English statement');
    assert.equal(await level(ru), 'high', 'the English statement scores high');

    // the threat, the condition and the target, each a highlighted span of Cyrillic text
    const threat = await ru.locator('mark.sig.escalation[data-category="targeting"]').allTextContents();
    assert.ok(threat.includes('станут законной целью'), threat.join('|'));
    assert.equal(await ru.locator('mark.ctx.condition').textContent(), 'Если');
    assert.equal(await ru.locator('mark.ctx.target').textContent(), 'НАТО');
    for (const t of [...threat, 'Если', 'НАТО']) assert.match(t, /^[\u0400-\u04ff ]+$/);
    // the whole text is still there, in order, with nothing duplicated
    assert.equal(await ru.locator('.text').textContent(), NATO_RU);
    assert.equal(await ru.locator('.text').getAttribute('dir'), 'auto');
    assert.equal(await ru.locator('.text').getAttribute('lang'), 'ru');
    assert.equal(await ru.locator('.badge.lang').textContent(), 'ru');
    assert.equal(await ru.locator('.meta bdi.speaker').textContent(), 'Russia', 'the speaker "Россия" is the canonical Russia');
    assert.equal(await ru.locator('.meta bdi.target').textContent(), 'NATO');

    // the API and the picker filter by language
    const api = (await (await fetch(`${server.url}/api/statements?lang=ru`)).json()) as { statements: Array<{ text: string; status: string }> };
    assert.deepEqual(api.statements.map((s) => [s.text, s.status]), [[MIXED_RU, 'scored'], [NATO_RU, 'scored']]);
    const mixed = page.locator('#statement-list li', { hasText: 'Лавров' });
    await mixed.locator('.badge.lang-mixed').waitFor({ timeout: 20_000 });
    assert.equal(await mixed.locator('.badge.lang-mixed').textContent(), 'mixed: Latin');
    assert.equal(await ru.locator('.badge.lang-mixed').count(), 0, 'one Latin acronym does not make a text mixed');
    const uk = page.locator('#statement-list li', { hasText: 'Польща' });
    await uk.locator('mark.sig').first().waitFor({ timeout: 20_000 });
    // the picker asks the server (lang=uk) and keeps the choice in the address bar
    await page.selectOption('#feed-lang', 'uk');
    await ru.waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal(await uk.isVisible(), true);
    assert.equal(await uk.locator('.score small').textContent(), 'calm');
    assert.match(page.url(), /[?&]feedLang=uk\b/);
    // a reload of that address shows the Ukrainian rows only, from the server
    await page.reload();
    await uk.waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('#feed-lang').inputValue(), 'uk');
    assert.deepEqual(await page.locator('#statement-list li .text').allTextContents(), [await uk.locator('.text').textContent()]);
    await page.selectOption('#feed-lang', '');
    await ru.waitFor({ timeout: 10_000 });
    assert.doesNotMatch(page.url(), /feedLang/);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
