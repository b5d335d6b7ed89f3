import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** Debian's chromium, headless, with the flags this sandbox needs (no background network calls). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page of the served app at `viewport`, signed in with the session token; uncaught page errors go to `errors`. */
export async function openAppPage(
  browser: Browser,
  served: { url: string; token: string },
  viewport: { width: number; height: number },
  errors?: string[],
): Promise<Page> {
  const page = await browser.newPage({ viewport });
  if (errors) page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${served.url}/?token=${served.token}`);
  return page;
}
