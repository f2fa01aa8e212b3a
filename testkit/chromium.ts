import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium, as the tests and `.ci/run` install it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * A headless Chromium for the browser tests (console, public page, Node-RED editor, cross-origin
 * checks): no sandbox (containers), no GPU, and nothing fetched in the background, so the only
 * traffic is the test's own.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
