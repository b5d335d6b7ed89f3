import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's chromium, headless, with the flags this sandbox needs (no background network calls). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
