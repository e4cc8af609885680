import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function findChromium(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && fs.existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

/**
 * Browser tests are mandatory in CI (.ci/run sets BRINKWATCH_REQUIRE_BROWSER=1): there a
 * missing Chromium is a failure, elsewhere the test skips and says why.
 */
export function browserSkipReason(): string | false {
  if (findChromium()) return false;
  if (process.env.BRINKWATCH_REQUIRE_BROWSER === '1') {
    throw new Error('Chromium is required (BRINKWATCH_REQUIRE_BROWSER=1) but none was found at /usr/bin/chromium');
  }
  return 'Chromium is not installed (apt-get install chromium); browser journey skipped';
}

/** `extraArgs`: more Chromium switches, e.g. --host-resolver-rules to reach the server by a host name. */
export async function launchBrowser(extraArgs: string[] = []): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found');
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
      ...extraArgs,
    ],
  });
  return {
    browser,
    // playwright gives every launch a fresh temporary profile and deletes it on close.
    close: () => browser.close(),
  };
}
