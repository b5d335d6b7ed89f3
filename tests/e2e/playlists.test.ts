import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { setLabels } from '../../src/main/core/db/track-labels.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { playWithMpv } from '../helpers/mpv.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const tracks = [
  { rel: 'Rock/a #1.mp3', title: 'Alpha', artist: 'Band A', predicted: ['rock', 0.9] },
  { rel: 'Rock/b 100%.flac', title: 'Bravo', artist: 'Band B', predicted: ['rock', 0.35] },
  { rel: 'Rock/c.ogg', title: 'Charlie', artist: 'Band C', predicted: ['rock', 0.8] },
  { rel: 'Live/d.mp3', title: 'Delta live', artist: 'Band A', predicted: ['rock', 0.7] },
  { rel: 'Jazz/e ünï.m4a', title: 'Echo', artist: 'Trio', predicted: ['jazz', 0.85] },
  { rel: 'Jazz/f.opus', title: 'Foxtrot', artist: 'Trio', predicted: ['rock', 0.6], label: ['Jazz', 'Rock'] },
] as const;

/** The titles in the library table, top to bottom. */
const rowTitles = (page: Page): Promise<string[]> =>
  page.$$eval('[data-testid=track-row]', (rows) =>
    rows
      .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
      .map((r) => (r.querySelector('.col-title, .col-file') as HTMLElement).innerText),
  );

const m3u8Entries = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));

describe('exporting playlists from the browser', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');
  const shots = join(projectRoot, 'tests', '.tmp');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    for (const t of tracks) {
      const format = t.rel.split('.').pop() as 'mp3' | 'flac' | 'ogg' | 'm4a' | 'opus';
      makeAudioFile(join(music, t.rel), { format, seconds: 1, tags: { title: t.title, artist: t.artist } });
    }
    const scan = await runCli(['scan', music, '--db', db, '--no-classify', '--quiet']);
    expect(scan.code, scan.stderr).toBe(0);
    const lib = openDatabase(db);
    for (const t of tracks) {
      const id = lib.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(join(music, t.rel)) as number;
      lib.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ?').run(t.predicted[0], t.predicted[1], id);
      if ('label' in t) setLabels(lib, [id], [...t.label], 'corrected');
    }
    lib.close();
    mkdirSync(shots, { recursive: true });
    served = await startServe(db);
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1300, height: 850 }, pageErrors);
    await page.getByTestId('track-row').nth(tracks.length - 1).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('exports exactly the filtered view, previewing the count and the first entries', async () => {
    // The view: predicted rock, by a band (Foxtrot, by the trio, is predicted rock too but not in the view).
    await page.locator('[data-testid=predicted-genre][data-genre=rock]').click();
    await page.getByTestId('search').fill('band');
    await expect.poll(() => rowTitles(page)).toEqual(['Delta live', 'Alpha', 'Bravo', 'Charlie']);
    await page.getByTestId('sort-title').click();
    await expect.poll(() => rowTitles(page)).toEqual(['Alpha', 'Bravo', 'Charlie', 'Delta live']);
    const view = await rowTitles(page);

    await page.getByTestId('export-playlist').click();
    const dialog = page.getByTestId('export-playlist-dialog');
    await dialog.waitFor();
    await expect.poll(() => page.getByTestId('playlist-summary').innerText()).toBe('4 tracks');
    expect(await dialog.innerText()).toContain('This view: predicted rock, matching “band”');
    expect(await page.getByTestId('playlist-planned').locator('.file').innerText()).toMatch(/^Rock\.m3u8\s+4 tracks$/);
    const entries = await page.getByTestId('playlist-entry').allInnerTexts();
    expect(entries.map((e) => e.split(' – ')[1].split(/\s/)[0])).toEqual(view.map((t) => t.split(' ')[0]));
    // Nothing can be written before saying where.
    expect(await page.getByTestId('playlist-export').isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, 'export-playlist-dialog.png') });

    const out = join(tmp.dir, 'Playlists');
    await page.getByTestId('playlist-out').fill(out);
    await page.getByTestId('playlist-export').click();
    await page.getByTestId('playlist-result').waitFor();
    expect(await page.getByTestId('playlist-result').innerText()).toContain(join(out, 'Rock.m3u8'));
    const written = m3u8Entries(join(out, 'Rock.m3u8'));
    expect(written.map((p) => tracks.find((t) => join(out, p) === join(music, t.rel))?.title)).toEqual(view);
    const run = await playWithMpv(join(out, 'Rock.m3u8'));
    expect(run.code, run.output).toBe(0);
    expect(run.played).toHaveLength(4);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(pageErrors).toEqual([]);
  });

  it('exports a genre from the sidebar: label wins, unsure left out; says so when a genre has no track', async () => {
    await page.getByTestId('search').fill('');
    await page.getByTestId('folder-all').click();
    const row = page.locator('.genre-row').filter({ has: page.locator('[data-genre=jazz]') });
    await row.hover();
    await row.getByTestId('genre-export-playlist').click();
    const dialog = page.getByTestId('export-playlist-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('playlist-genre').inputValue()).toBe('jazz');
    await expect.poll(() => page.getByTestId('playlist-summary').innerText()).toBe('2 tracks');
    expect(await page.getByTestId('playlist-planned').locator('.file').innerText()).toMatch(/^Jazz\.m3u8\s+2 tracks$/);

    // Every genre at once: Rock holds the labelled track too, and the unsure prediction is counted as left out.
    await page.getByTestId('playlist-scope-all').check();
    await expect.poll(() => page.getByTestId('playlist-summary').innerText()).toBe('2 playlists, 6 entries');
    expect(await page.getByTestId('playlist-left-out').innerText()).toBe('Left out: 1 unsure (under 50%).');
    await page.getByTestId('playlist-include-unsure').check();
    await expect.poll(() => page.getByTestId('playlist-summary').innerText()).toBe('2 playlists, 7 entries');
    await page.getByTestId('playlist-format').selectOption('xspf');
    await expect.poll(() => page.getByTestId('playlist-planned').locator('.file strong').allInnerTexts()).toEqual(['Jazz.xspf', 'Rock.xspf']);
    const out = join(tmp.dir, 'By genre');
    await page.getByTestId('playlist-out').fill(out);
    await page.screenshot({ path: join(shots, 'export-playlist-all-genres.png') });
    // A short window: the list of what will be written gives way and scrolls; the result appears below it.
    await page.setViewportSize({ width: 1024, height: 600 });
    await page.getByTestId('playlist-export').click();
    await page.getByTestId('playlist-result').waitFor();
    expect(readdirSync(out).sort()).toEqual(['Jazz.xspf', 'Rock.xspf']);
    const layout = await page.getByTestId('playlist-preview').evaluate((preview) => {
      const p = preview.getBoundingClientRect();
      const result = document.querySelector('[data-testid=playlist-result]')!.getBoundingClientRect();
      const clipped = getComputedStyle(preview).overflowY !== 'visible';
      const entries = [...preview.querySelectorAll('[data-testid=playlist-entry]')].map((e) => e.getBoundingClientRect());
      return { resultBelow: result.top >= p.bottom - 0.5, entriesInside: entries.every((e) => clipped || e.bottom <= p.bottom + 0.5) };
    });
    expect(layout).toEqual({ resultBelow: true, entriesInside: true });
    await page.screenshot({ path: join(shots, 'export-playlist-short-window.png') });
    await page.setViewportSize({ width: 1300, height: 850 });
    expect(readFileSync(join(out, 'Rock.xspf'), 'utf8').match(/<track>/g)).toHaveLength(5);

    await page.getByTestId('playlist-scope-genre').check();
    await page.getByTestId('playlist-genre').fill('blues');
    await page.getByTestId('playlist-empty').waitFor();
    expect(await dialog.innerText()).toContain('No track has the genre Blues.');
    expect(await page.getByTestId('playlist-export').isDisabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
