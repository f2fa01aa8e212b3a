import { type Browser, chromium } from 'playwright-core';
import type { FormatSpec, Report } from '../model.ts';
import { footerHtml, isLandscape, MARGINS, reportHtml } from './html.ts';

/**
 * PDF: the report's HTML (html.ts) printed by Chromium through playwright-core's page.pdf() (issue 16),
 * A4, backgrounds printed (ISPU colours), page numbers in the footer. One browser per process, started
 * at the first report and reused by the next ones (a start costs about a second; a page a few dozen
 * milliseconds); `closePrinters()` stops it, and so does an idle timer, so a CLI run that forgets to
 * close still exits. The page is offline: JavaScript off, every request that is not data:/about: aborted.
 */

/** Debian's Chromium (the console's browser tests use the same one). */
export const CHROMIUM = '/usr/bin/chromium';
/** An idle browser is closed after this long; the next report starts another. */
const IDLE_MS = 30_000;

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
];

let browser: Promise<Browser> | undefined;
let idle: NodeJS.Timeout | undefined;
let printing = 0;
let launched = 0;

/** How many browsers this process has started (one per process while it is reused; tests check it). */
export const printerLaunches = (): number => launched;

function printer(): Promise<Browser> {
  if (!browser) {
    const started = chromium
      .launch({
        executablePath: CHROMIUM,
        args: ARGS,
        // Playwright's own signal handlers would end the whole process with 130 on Ctrl-C, before the
        // service that owns the browser could stop cleanly; the owner closes it (closePrinters).
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      })
      .catch((err: Error) => {
        throw Object.assign(
          new Error(
            `PDF printing needs Chromium at ${CHROMIUM} (Debian: apt-get install chromium): ${err.message}`,
          ),
          {
            code: 'REPORT_NO_CHROMIUM',
          },
        );
      });
    launched++;
    browser = started;
    // A browser that crashed or failed to start is forgotten, so the next report starts a fresh one.
    started.then(
      (b) =>
        b.on('disconnected', () => {
          if (browser === started) browser = undefined;
        }),
      () => {
        if (browser === started) browser = undefined;
      },
    );
  }
  return browser;
}

function armIdle(): void {
  if (idle) clearTimeout(idle);
  idle = setTimeout(() => {
    if (printing === 0) void closePrinters();
  }, IDLE_MS);
  idle.unref();
}

/** Closes the shared browser (the CLI and the scheduler call it on exit; tests after their last PDF). */
export async function closePrinters(): Promise<void> {
  if (idle) clearTimeout(idle);
  idle = undefined;
  const current = browser;
  browser = undefined;
  if (!current) return;
  const b = await current.catch(() => undefined);
  await b?.close().catch(() => undefined);
}

export type PrintOptions = { landscape: boolean; footerTemplate: string };

/** Any HTML printed to PDF bytes, offline. Exported for the network test; reports use `pdfFormat`. */
export async function printHtml(html: string, options: PrintOptions): Promise<Uint8Array> {
  printing++;
  try {
    const context = await (await printer()).newContext({ javaScriptEnabled: false, offline: true });
    try {
      const page = await context.newPage();
      await page.route('**/*', (route) => {
        const url = route.request().url();
        return url.startsWith('data:') || url.startsWith('about:')
          ? route.continue()
          : route.abort('blockedbyclient');
      });
      await page.setContent(html, { waitUntil: 'load' });
      const pdf = await page.pdf({
        format: 'A4',
        landscape: options.landscape,
        printBackground: true,
        margin: MARGINS,
        displayHeaderFooter: true,
        headerTemplate: '<span></span>',
        footerTemplate: options.footerTemplate,
        preferCSSPageSize: false,
      });
      return new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } finally {
      await context.close().catch(() => undefined);
    }
  } finally {
    printing--;
    armIdle();
  }
}

export const pdfFormat: FormatSpec = {
  format: 'pdf',
  extension: 'pdf',
  contentType: 'application/pdf',
  render: (report: Report) =>
    printHtml(reportHtml(report), { landscape: isLandscape(report), footerTemplate: footerHtml(report) }),
};
