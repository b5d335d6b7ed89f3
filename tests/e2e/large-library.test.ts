import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { setLabels } from '../../src/main/core/db/track-labels.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { insertSyntheticTracks } from '../helpers/synthetic-library.ts';
import type { SyntheticTrack } from '../helpers/synthetic-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const count = 100_000;

describe('a 100,000-track library in the browser', () => {
  const tmp = makeTempDir();
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const dbPath = join(tmp.dir, 'big.sqlite');
    const db = openDatabase(dbPath);
    const tracks: SyntheticTrack[] = [];
    for (let i = 0; i < count; i++) {
      const artist = `Artist ${String(i % 5000).padStart(4, '0')}`;
      tracks.push({ path: `/big/${artist}/Album ${i % 7}/${String(i).padStart(6, '0')}.mp3`, title: `Track ${String(i).padStart(6, '0')}`, artist, album: `Album ${i % 7}`, trackNo: i % 12 });
    }
    insertSyntheticTracks(db, '/big', tracks);
    // labels from tags in two genres the base models cannot name, on tracks not listened to yet (no embedding)
    const ids = db.prepare('SELECT id FROM tracks ORDER BY id LIMIT 20').pluck().all() as number[];
    setLabels(db, ids.slice(0, 10), ['Heavy'], 'tag');
    setLabels(db, ids.slice(10), ['Dub & Reggae'], 'tag');
    db.close();
    served = await startServe(dbPath);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${served.url}/?token=${served.token}`);
    await page.getByTestId('track-row').first().waitFor();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('keeps only the visible rows in the page while scrolling anywhere', async () => {
    expect(await page.getByTestId('track-total').innerText()).toBe('100,000 tracks');
    const viewport = page.getByTestId('track-viewport');
    for (const fraction of [0.5, 0.999, 0.25]) {
      await viewport.evaluate((el, f) => (el.scrollTop = el.scrollHeight * f), fraction);
      await expect
        .poll(async () => page.$$eval('[data-testid=track-row]', (rows) => rows.filter((r) => {
          const b = r.getBoundingClientRect();
          return b.top >= 0 && b.bottom <= window.innerHeight;
        }).length))
        .toBeGreaterThan(15);
      // Rows in the DOM stay bounded: the visible ones plus a small overscan, never the library.
      expect(await page.locator('[data-testid=track-row], [data-testid=track-row-loading]').count()).toBeLessThan(120);
    }
    // Sorted by artist: the rows at the quarter mark belong to the artists at the quarter of the alphabet.
    const artist = await page.$eval('[data-testid=track-row] .col-artist', (el) => (el as HTMLElement).innerText);
    expect(Number(artist.split(' ')[1])).toBeGreaterThan(1000);
    expect(Number(artist.split(' ')[1])).toBeLessThan(1500);
  });

  it('Review: labels on tracks not listened to yet bring no retrain prompt', async () => {
    await page.getByTestId('nav-review').click();
    await page.getByText('Nothing to review').waitFor();
    await expect.poll(() => page.getByTestId('label-count').count()).toBe(2);
    expect(await page.getByText('20 labelled tracks have not been listened to yet').count()).toBe(1);
    expect(await page.getByTestId('review-retrain-prompt').count()).toBe(0);
    expect(await page.getByTestId('review-base-note').count()).toBe(0);
    await page.getByTestId('nav-library').click();
    await page.getByTestId('track-row').first().waitFor();
  });

  it('Write tags: the preview of the whole library counts and pages it with thousands separators', async () => {
    await page.getByTestId('nav-tags').click();
    await page.getByTestId('scope-all').check();
    await page.getByTestId('source-genres').check();
    await page.locator('[data-testid=tag-genres] input').fill('Jazz');
    await page.keyboard.press('Enter');
    await page.getByTestId('tag-preview-button').click();
    await expect.poll(() => page.getByTestId('tag-preview-page').innerText(), { timeout: 60_000 }).toMatch(/^1–\d+ of 100,000$/);
    expect(await page.getByTestId('tag-preview-summary').innerText()).toMatch(/100,000|\d{1,3},\d{3}/);
    await page.getByTestId('nav-library').click();
    await page.getByTestId('track-row').first().waitFor();
  });

  it('searches the whole library as you type', async () => {
    // Every word must match: "04242" is in tracks 004242 and 042420-042429.
    await page.getByTestId('search').fill('track 04242');
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe('11 tracks');
    await page.getByTestId('search').fill('');
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe('100,000 tracks');
  });
});

describe('scan progress and cancel in the browser', () => {
  const tmp = makeTempDir();
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const music = join(tmp.dir, 'Many');
    mkdirSync(music);
    // Enough files that the scan is still running when the test clicks Cancel (the scanner reads ~3,000-5,000
    // small files a second here).
    const one = makeAudioFile(join(tmp.dir, 'one.mp3'), { format: 'mp3', seconds: 0.1, tags: { title: 'Copy' } });
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(music, `d${d}`));
      for (let i = 0; i < 200; i++) copyFileSync(one, join(music, `d${d}`, `f${i}.mp3`));
    }
    served = await startServe(join(tmp.dir, 'lib.sqlite'));
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`${served.url}/?token=${served.token}`);
    await page.getByTestId('empty-state').waitFor();
    await page.getByTestId('add-folder').click();
    await page.getByTestId('folder-path').fill(music);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('shows a progress bar with a count, and cancel stops the scan with the library consistent', async () => {
    await page.getByTestId('folder-submit').click();
    const progress = page.getByTestId('job-progress');
    await progress.waitFor();
    // Listing the 20,000 files comes first (a count without a total); on a loaded machine it takes seconds.
    await expect.poll(() => page.getByTestId('job-count').innerText(), { timeout: 30_000 }).toMatch(/^[\d,]+ of 20,000$/);
    await page.getByTestId('job-cancel').click();
    await page.getByTestId('scan-summary').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('scan-summary').innerText()).toMatch(/^Scan cancelled/);
    const total = async (): Promise<number> => Number((await page.getByTestId('track-total').innerText()).replace(/\D/g, ''));
    await expect.poll(total).toBeGreaterThan(0);
    expect(await total()).toBeLessThan(20_000);
    // Rescan finishes the job.
    await page.getByTestId('scan').click();
    await expect.poll(() => page.getByTestId('track-total').innerText(), { timeout: 60_000 }).toBe('20,000 tracks');
  });
});
