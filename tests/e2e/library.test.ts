import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { buildLibraryFixture } from '../helpers/library-fixture.ts';
import type { LibraryFixture } from '../helpers/library-fixture.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { callServe } from '../helpers/serve-api.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

describe('library view in a real browser, on the real services', () => {
  const tmp = makeTempDir();
  let fixture: LibraryFixture;
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    fixture = buildLibraryFixture(join(tmp.dir, 'Music'));
    served = await startServe(join(tmp.dir, 'lib.sqlite'));
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1400, height: 900 }, pageErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  const rowTitles = async (): Promise<string[]> =>
    page.$$eval('[data-testid=track-row]', (rows) =>
      rows
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((r) => (r.querySelector('.col-title, .col-file') as HTMLElement).innerText),
    );

  it('greets a first-time user with what to do', async () => {
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByTestId('empty-state').innerText()).toMatch(/Add folder/);
    // The token was moved out of the address bar.
    expect(page.url()).not.toContain('token=');
  });

  it('says why a folder cannot be added, then adds a folder by path, scans it with progress, and lists the tracks', async () => {
    await page.getByTestId('add-folder').click();
    // The service's own message, through the API client and useApiCall; the form stays for another try.
    const missing = join(tmp.dir, 'No such folder');
    await page.getByTestId('folder-path').fill(missing);
    await page.getByTestId('folder-submit').click();
    await expect.poll(() => page.getByTestId('add-folder-error').innerText()).toBe(`Folder not found: ${missing}`);
    expect(await page.getByTestId('folder-submit').isEnabled()).toBe(true);

    await page.getByTestId('folder-path').fill(fixture.root);
    await page.getByTestId('folder-submit').click();
    await page.getByTestId('scan-summary').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('add-folder-error').count()).toBe(0);
    expect(await page.getByTestId('scan-summary').innerText()).toMatch(
      new RegExp(`${fixture.tracks.length + fixture.errors.length} files, ${fixture.tracks.length} new.*${fixture.errors.length} unreadable`),
    );
    const total = fixture.tracks.length + fixture.errors.length;
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe(`${total} tracks`);
    expect(await page.getByTestId('track-row').count()).toBe(total);
    // The scan goes on to classify what it found. Let it end: as genres arrive the sidebar's genre list grows and
    // moves the folder tree down, and a click aimed at the tree meanwhile can land on what moved there instead.
    await expect.poll(async () => (await callServe(served, 'jobs.list', {})).some((j) => j.status === 'running'), { timeout: 120_000 }).toBe(false);
  });

  it('searches as you type', async () => {
    await page.getByTestId('search').fill('motör');
    await expect.poll(rowTitles).toEqual(['Ace of Spades ♠']);
    await page.getByTestId('search').fill('song fl');
    await expect.poll(rowTitles).toEqual(['Song flac']);
    await page.getByTestId('search').fill('zzzz-nothing');
    await page.getByTestId('no-match').waitFor();
    await page.getByTestId('search').fill('');
    await expect.poll(async () => (await rowTitles()).length).toBe(fixture.tracks.length + fixture.errors.length);
  });

  it('sorts by a column, both ways', async () => {
    await page.getByTestId('search').fill('song');
    await page.getByTestId('sort-title').click();
    const asc = ['aiff', 'alac', 'flac', 'm4a', 'mp3', 'ogg', 'opus', 'wav', 'wma'].map((f) => `Song ${f}`);
    await expect.poll(rowTitles).toEqual(asc);
    expect(await page.getByTestId('sort-title').getAttribute('aria-sort')).toBe('ascending');
    await page.getByTestId('sort-title').click();
    await expect.poll(rowTitles).toEqual([...asc].reverse());
    await page.getByTestId('search').fill('');
  });

  it('filters by folder', async () => {
    await page.getByTestId('folder-root').first().click();
    await page.locator('button.twisty').first().click();
    await page.getByTestId('folder-child').filter({ hasText: 'Untagged' }).click();
    await expect.poll(async () => (await rowTitles()).length).toBe(9);
    expect((await rowTitles()).every((t) => t.startsWith('bare-'))).toBe(true);
    await page.getByTestId('folder-all').click();
  });

  it('counts beside a library folder every track it lists, the unreadable ones too', async () => {
    expect(fixture.errors.length).toBeGreaterThan(0);
    const root = page.getByTestId('folder-root').first();
    await root.click();
    // the table's total for the folder, and the number beside the folder, say the same
    await expect.poll(async () => (await page.getByTestId('track-total').innerText()).replace(/ tracks?$/, '')).toBe(await root.locator('.n').innerText());
    await page.getByTestId('filter-unreadable').click();
    await expect.poll(async () => (await rowTitles()).length).toBe(fixture.errors.length);
    await page.getByTestId('folder-all').click();
  });

  it('keeps the folder tree as it was left while the library changes (a rescan reads the roots again)', async () => {
    const twisty = page.locator('button.twisty').first();
    if ((await twisty.getAttribute('aria-expanded')) !== 'true') await twisty.click();
    const untagged = page.getByTestId('folder-child').filter({ hasText: 'Untagged' });
    await untagged.waitFor();
    // the rescan changes the library: the views read the roots again, and the open folders' contents after them
    const rootsRead = page.waitForResponse((r) => r.url().endsWith('/api/library.roots'), { timeout: 60_000 });
    const foldersRead = rootsRead.then(() => page.waitForResponse((r) => r.url().endsWith('/api/library.folders'), { timeout: 60_000 }));
    await page.getByTestId('scan').click();
    await foldersRead;
    await page.waitForTimeout(300);
    expect(await twisty.getAttribute('aria-expanded')).toBe('true');
    expect(await untagged.isVisible()).toBe(true);
    await twisty.click();
  });

  it("keeps a folder's count in view when its path is longer than the sidebar is wide", async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    const root = page.getByTestId('folder-root').first();
    const name = root.locator('.name');
    const count = root.locator('.n');
    expect(await name.evaluate((e) => e.scrollWidth > e.clientWidth), 'the path is cut short with an ellipsis').toBe(true);
    const [button, box] = await Promise.all([root.boundingBox(), count.boundingBox()]);
    expect(box!.width).toBeGreaterThan(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(button!.x + button!.width + 0.5);
    expect(await count.innerText()).toMatch(/^\d+$/);
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('lists the files it could not read, with the reason', async () => {
    await page.getByTestId('filter-unreadable').click();
    await expect.poll(async () => (await rowTitles()).length).toBe(fixture.errors.length);
    const reasons = await page.$$eval('[data-testid=track-row]', (rows) =>
      Object.fromEntries(rows.map((r) => [(r.querySelector('.col-file') as HTMLElement).innerText, (r.querySelector('.col-reason') as HTMLElement).innerText])),
    );
    for (const e of fixture.errors) expect(reasons[e.rel.split('/').pop()!], e.rel).toMatch(e.reason);
    // its panel says why it has no genre, not that it waits to be listened to
    await page.getByTestId('track-row').first().click();
    await expect.poll(() => page.getByTestId('not-classified').innerText()).toBe('No genre: the file could not be read (above).');
    await page.getByRole('button', { name: 'Close details' }).click();
    expect(pageErrors).toEqual([]);
  });

  it('says what the scan skipped and why: a broken link, names in another encoding', async () => {
    expect(await page.getByTestId('scan-summary-text').innerText()).toMatch(
      new RegExp(`, ${fixture.issues.length} skipped \\(could not be listed or opened\\)\\.$`),
    );
    await page.getByTestId('scan-issues-toggle').click();
    // The list is fetched when it opens: wait for it before reading it (allInnerTexts does not wait).
    await page.getByTestId('scan-issue').first().waitFor();
    const listed = await page.getByTestId('scan-issue').allInnerTexts();
    const expected = fixture.issues.map((i) => ({ ...i, path: join(fixture.root, i.rel) })).sort((a, b) => (a.path < b.path ? -1 : 1));
    expect(listed).toHaveLength(expected.length);
    expected.forEach((e, k) => {
      expect(listed[k].startsWith(e.path), `${listed[k]} is ${e.path}`).toBe(true);
      expect(listed[k].slice(e.path.length), e.rel).toMatch(e.reason);
    });
    await page.getByTestId('scan-issues-toggle').click();
    expect(await page.getByTestId('scan-issue').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('removes a library folder once it has said what goes with it: the tracks, the labels the person gave; the files stay', async () => {
    const extra = join(tmp.dir, 'Extra');
    const files = ['one', 'two'].map((n) => makeAudioFile(join(extra, `${n}.mp3`), { format: 'mp3', seconds: 4 }));
    const root = await callServe(served, 'library.addRoot', { path: extra });
    const { jobId } = await callServe(served, 'library.scan', { rootIds: [root.id], classify: false });
    await expect.poll(async () => (await callServe(served, 'jobs.get', { id: jobId })).status, { timeout: 60_000 }).toBe('done');
    const extraTracks = (await callServe(served, 'library.query', { limit: 100, folder: extra })).rows;
    expect(extraTracks).toHaveLength(2);
    await callServe(served, 'labels.set', { trackIds: [extraTracks[0].id], genres: ['Drone'], source: 'corrected' });
    const labelledBefore = (await callServe(served, 'labels.summary', {})).labelled;
    const total = fixture.tracks.length + fixture.errors.length;
    await page.getByTestId('folder-all').click();
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe(`${total + 2} tracks`);

    const row = page.locator('.node', { has: page.getByTestId('folder-root').filter({ hasText: extra }) });
    await row.hover();
    await row.getByTestId('remove-folder').click();
    const dialog = page.getByTestId('remove-folder-dialog');
    await page.getByTestId('remove-folder-tracks').waitFor();
    expect(await page.getByTestId('remove-folder-tracks').innerText()).toBe('2 tracks leave the library with their predictions. The files stay on disk, untouched.');
    expect(await page.getByTestId('remove-folder-labels').innerText()).toBe('1 label you gave goes with them. Adding the folder again brings the tracks back, not that label.');
    // Cancel has the focus: Enter keeps the folder
    await page.keyboard.press('Enter');
    await expect.poll(() => dialog.count()).toBe(0);
    expect((await callServe(served, 'library.roots', {})).map((r) => r.path)).toContain(extra);

    await row.hover();
    await row.getByTestId('remove-folder').click();
    await page.getByTestId('remove-folder-tracks').waitFor();
    await page.getByTestId('remove-folder-confirm').click();
    await expect.poll(() => dialog.count()).toBe(0);
    await expect.poll(() => page.getByTestId('folder-root').filter({ hasText: extra }).count()).toBe(0);
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe(`${total} tracks`);
    expect((await callServe(served, 'library.roots', {})).map((r) => r.path)).not.toContain(extra);
    expect((await callServe(served, 'labels.summary', {})).labelled).toBe(labelledBefore - 1);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it('forgets the files the last scan did not find, once it has said what goes with them', async () => {
    const gone = fixture.tracks.find((t) => t.rel.endsWith('.flac'))!;
    const total = fixture.tracks.length + fixture.errors.length;
    const track = (await callServe(served, 'library.query', { limit: 1000 })).rows.find((r) => r.path === join(fixture.root, gone.rel))!;
    await callServe(served, 'labels.set', { trackIds: [track.id], genres: ['Lost'], source: 'corrected' });
    rmSync(join(fixture.root, gone.rel));
    const { jobId } = await callServe(served, 'library.scan', { classify: false });
    await expect.poll(async () => (await callServe(served, 'jobs.get', { id: jobId })).status, { timeout: 60_000 }).toBe('done');
    await page.getByTestId('filter-missing').click();
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe('1 track');
    expect(await page.getByTestId('missing-note').isVisible()).toBe(true);
    await page.getByTestId('forget-missing').click();
    await page.getByTestId('forget-missing-tracks').waitFor();
    expect(await page.getByTestId('forget-missing-tracks').innerText()).toBe('One track leaves the library with its predictions.');
    expect(await page.getByTestId('forget-missing-labels').innerText()).toBe('1 label you gave goes with it. Finding the file again brings the track back, not that label.');
    await page.getByTestId('forget-missing-confirm').click();
    await expect.poll(() => page.getByTestId('forget-missing-dialog').count()).toBe(0);
    await expect.poll(() => page.getByTestId('track-total').innerText()).toBe(`${total - 1} tracks`);
    // the sidebar's "Missing files" goes with them, once the folders' counts are read again
    await expect.poll(() => page.getByTestId('filter-missing').count()).toBe(0);
    expect(await page.getByTestId('missing-note').count()).toBe(0);
    expect((await callServe(served, 'library.query', { limit: 1000, status: 'missing' })).total).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
