import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { browserSkipReason, launchBrowser } from '../helpers/browser.ts';
import { expectNoSeriousAxeViolations, runAxe } from '../helpers/axe.ts';

const skip = browserSkipReason();

describe('axe helper in headless Chromium', { skip }, () => {
  let browserHandle: Awaited<ReturnType<typeof launchBrowser>>;
  before(async () => {
    browserHandle = await launchBrowser();
  });
  after(async () => {
    await browserHandle?.close();
  });

  it('fails with a readable list when a page has a serious violation', async () => {
    const page = await browserHandle.browser.newPage();
    // An image without alt text and a nameless button: both "critical" in axe 4.
    await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></main></body></html>');
    await assert.rejects(expectNoSeriousAxeViolations(page, 'bad page'), (err: Error) => {
      assert.match(err.message, /serious\/critical violation\(s\) on bad page/);
      assert.match(err.message, /image-alt/);
      assert.match(err.message, /button-name/);
      return true;
    });
    await page.close();
  });

  it('passes a clean page and reports low-impact findings separately', async () => {
    const page = await browserHandle.browser.newPage();
    await page.setContent('<!doctype html><html lang="en"><head><title>t</title></head><body><main><h1>Title</h1><p>Text</p><button>Go</button></main></body></html>');
    const minor = await expectNoSeriousAxeViolations(page, 'clean page');
    assert.ok(minor.every((v) => v.impact !== 'serious' && v.impact !== 'critical'));
    assert.deepEqual(await runAxe(page), minor, 'running twice reuses the injected axe');
    await page.close();
  });
});
