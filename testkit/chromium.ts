import { type Browser, chromium, type Page } from 'playwright-core';

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

/** Logs in on the console's login page as a person does, and waits for the overview it leads to. */
export async function logInToConsole(page: Page, base: string, username: string, password: string) {
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${base}/`);
}
