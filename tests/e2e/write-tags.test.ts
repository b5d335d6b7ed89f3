import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServe } from '../helpers/serve.ts';
import { callServe } from '../helpers/serve-api.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** The genres shown in the preview's "After" column, row by row. */
const previewAfter = (page: Page): Promise<string[][]> =>
  page.$$eval('[data-testid=tag-preview-new]', (cells) => cells.map((c) => [...c.querySelectorAll('.g')].map((g) => (g as HTMLElement).innerText.trim())));

const genresOf = async (path: string): Promise<string[]> => (await parseFile(path)).common.genre ?? [];

describe('writing genres from the browser, then undoing', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const files = {
    a: join(music, 'a.mp3'),
    b: join(music, 'b.flac'),
    c: join(music, 'c.ogg'),
    d: join(music, 'd.m4a'),
  };
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Native dialogs (confirm, alert): the app must ask in the page instead. */
  const dialogs: string[] = [];

  beforeAll(async () => {
    makeAudioFile(files.a, { format: 'mp3', seconds: 1, tags: { title: 'A', genre: 'Rock' } });
    makeAudioFile(files.b, { format: 'flac', seconds: 1, tags: { title: 'B' } });
    makeAudioFile(files.c, { format: 'ogg', seconds: 1, tags: { title: 'C', genre: 'Hand Made' } });
    makeAudioFile(files.d, { format: 'm4a', seconds: 1, tags: { title: 'D', genre: 'Pop' } });
    served = await startServe(join(tmp.dir, 'lib.sqlite'));
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1300, height: 850 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${served.url}/?token=${served.token}`);
    await page.getByTestId('add-folder').click();
    await page.getByTestId('folder-path').fill(music);
    await page.getByTestId('folder-submit').click();
    await page.getByTestId('scan-summary').waitFor();
    // The scan goes on to classify the files: let that end before the tests select rows and write tags. While it
    // runs, the table reloads as predictions arrive (a click can land between two reads), and a write can replace a
    // file that is being decoded (its classification then waits for the next run): the CI failed both ways.
    for (const until = Date.now() + 120_000; (await callServe(served, 'jobs.list', {})).some((j) => j.status === 'running'); ) {
      if (Date.now() > until) throw new Error('the classification after the scan did not end in 2 minutes');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('previews, writes the selected tracks only, keeps hand-made genres in add mode', async () => {
    await expect.poll(() => page.getByTestId('track-row').count()).toBe(4);
    await page.getByTestId('sort-title').click();
    const rows = page.getByTestId('track-row');
    // the sorted rows are read anew: a click before they are there selects nothing
    await expect.poll(() => rows.evaluateAll((els) => els.map((e) => (e.querySelector('.col-title') as HTMLElement | null)?.innerText))).toEqual(['A', 'B', 'C', 'D']);
    await rows.nth(0).click(); // A
    await rows.nth(2).click({ modifiers: ['Shift'] }); // A..C
    await expect.poll(() => page.getByTestId('selection-bar').innerText()).toMatch(/^3 selected/);
    await page.getByTestId('write-selected').click();
    await page.getByTestId('source-genres').check();
    await page.locator('[data-testid=tag-genres] input').fill('Jazz');
    await page.keyboard.press('Enter');
    await page.getByTestId('mode-add').check();
    await page.getByTestId('tag-preview-button').click();
    await page.getByTestId('tag-preview-summary').waitFor();
    expect(await page.getByTestId('tag-preview-summary').innerText()).toMatch(/^3 files to write/);
    expect(await previewAfter(page)).toEqual([['Rock', 'Jazz'], ['Jazz'], ['Hand Made', 'Jazz']]);
    // Preview touched nothing.
    expect(await genresOf(files.a)).toEqual(['Rock']);

    await page.getByTestId('tag-apply').click();
    await page.getByTestId('tag-confirm').click();
    await expect.poll(() => page.getByTestId('tag-outcome').innerText(), { timeout: 30_000 }).toMatch(/3 files written/);
    expect(await genresOf(files.a)).toEqual(['Rock', 'Jazz']);
    expect(await genresOf(files.b)).toEqual(['Jazz']);
    expect(await genresOf(files.c)).toEqual(['Hand Made', 'Jazz']);
    expect(await genresOf(files.d)).toEqual(['Pop']); // not selected
    await expect.poll(() => page.getByTestId('tag-batch').count()).toBe(1);
  });

  it('undoes the batch from the history, restoring exactly what was there', async () => {
    await page.getByTestId('tag-undo').click();
    // Asked in the page, not with a native dialog.
    await page.getByTestId('tag-undo-yes').click();
    const all = async (): Promise<string[][]> => [await genresOf(files.a), await genresOf(files.b), await genresOf(files.c)];
    await expect.poll(all, { timeout: 30_000 }).toEqual([['Rock'], [], ['Hand Made']]);
    await expect.poll(() => page.getByTestId('tag-batch').count()).toBe(2);
    expect(dialogs).toEqual([]);
  });

  it('lets a person label a track and writes the label', async () => {
    await page.getByTestId('nav-library').click();
    await page.getByTestId('track-row').filter({ has: page.locator('.col-title', { hasText: /^D$/ }) }).click();
    // The label editor opens focused and empty (D has no prediction: nothing to accept, so the button says Save).
    const input = page.locator('[data-testid=label-input] input');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await input.inputValue()).toBe('');
    await page.keyboard.type('Hip-Hop');
    await page.keyboard.press('Enter');
    await page.getByTestId('label-save').click();
    await expect.poll(() => page.getByTestId('label-current').innerText()).toBe('Hip-Hop (your correction)');
    await page.getByTestId('nav-tags').click();
    await page.getByTestId('scope-selected').check();
    await page.getByRole('radio', { name: 'Your label only' }).check();
    await page.getByTestId('mode-replace').check();
    await page.getByTestId('tag-preview-button').click();
    // The built-in taxonomy normalises the alias before writing.
    await expect.poll(() => previewAfter(page)).toEqual([['Hip Hop']]);
    expect(await page.getByTestId('tag-apply').innerText()).toBe('Write 1 file…');
    await page.getByTestId('tag-apply').click();
    expect(await page.getByRole('alertdialog', { name: 'Confirm tag write' }).innerText()).toMatch(/^Write genres into this file now\? It is written safely/);
    await page.getByTestId('tag-confirm').click();
    await expect.poll(async () => genresOf(files.d), { timeout: 30_000 }).toEqual(['Hip Hop']);
    expect(pageErrors).toEqual([]);
  });

  it('says how many tracks the confidence floor leaves out of the preview', async () => {
    // What the library holds now (the scan was followed by classification, and the shipped models are sure of these
    // test tones): the tracks under a 100% floor, and those of them without a label (D has one, given above), which
    // are all the label-first source leaves out.
    // Every track predicted first: a track without a prediction is left out even by a 0% floor (nothing to write).
    await expect
      .poll(async () => (await callServe(served, 'library.query', { limit: 100 })).rows.every((t) => t.confidence !== null), { timeout: 60_000 })
      .toBe(true);
    const { rows } = await callServe(served, 'library.query', { limit: 100 });
    expect(rows).toHaveLength(4);
    const under = rows.filter((t) => (t.confidence ?? -1) < 1);
    expect(under.length).toBeGreaterThan(0);
    const unlabelledUnder = under.filter((t) => !t.label);
    await page.getByTestId('scope-all').check();
    await page.getByRole('radio', { name: 'The predicted genre', exact: true }).check();
    await page.getByTestId('use-threshold').check();
    await page.getByTestId('threshold').fill('100');
    await page.getByTestId('tag-preview-button').click();
    const leftOut = (n: number): string => `${n} left out, not predicted at least 100% sure`;
    await expect.poll(() => page.getByTestId('tag-below-confidence').innerText()).toBe(leftOut(under.length));
    // where the floor leaves every track out, the preview says so instead of showing an empty table
    expect(await page.getByTestId('tag-preview-empty').count()).toBe(under.length === rows.length ? 1 : 0);
    if (under.length === rows.length) expect(await page.getByTestId('tag-preview-empty').innerText()).toMatch(/^The confidence floor leaves every track out/);
    // one sentence in one element (the summary spaces its parts apart: a part of its own stood apart from its '.')
    expect(await page.getByTestId('tag-preview-summary').locator(':scope > span').first().innerText()).toMatch(
      new RegExp(`^\\d+ files? to write, \\d+ already as asked, \\d+ skipped; ${leftOut(under.length)}\\.$`),
    );
    // a lower floor leaves none out (polled: the summary on screen is the previous preview's until the new one comes)
    await page.getByTestId('threshold').fill('0');
    await page.getByTestId('tag-preview-button').click();
    await expect.poll(() => page.getByTestId('tag-below-confidence').count()).toBe(0);
    await page.getByTestId('threshold').fill('100');
    await page.getByRole('radio', { name: 'Your label, else the predicted genre', exact: true }).check();
    await page.getByTestId('tag-preview-button').click();
    await page.getByTestId('tag-preview-summary').waitFor();
    if (unlabelledUnder.length > 0) await expect.poll(() => page.getByTestId('tag-below-confidence').innerText()).toBe(leftOut(unlabelledUnder.length));
    else await expect.poll(() => page.getByTestId('tag-below-confidence').count()).toBe(0);

    // A file that cannot be listened to has no prediction: a floor leaves it out and says so in its own words,
    // even at 0% (it is not "predicted under 0%")
    writeFileSync(join(music, 'e.mp3'), Buffer.alloc(4096, 0x55));
    const { jobId } = await callServe(served, 'library.scan', {});
    await expect.poll(async () => (await callServe(served, 'jobs.get', { id: jobId })).status, { timeout: 60_000 }).toBe('done');
    await expect.poll(async () => (await callServe(served, 'jobs.list', {})).some((j) => j.status === 'running'), { timeout: 60_000 }).toBe(false);
    await page.getByRole('radio', { name: 'The predicted genre', exact: true }).check();
    await page.getByTestId('threshold').fill('0');
    await page.getByTestId('tag-preview-button').click();
    await expect.poll(() => page.getByTestId('tag-unpredicted').innerText()).toBe('1 left out, with no prediction');
    expect(await page.getByTestId('tag-below-confidence').count()).toBe(0);
    // one track is still selected in the library (D): the scope says so in the singular
    expect(await page.getByTestId('scope-selected').locator('xpath=..').innerText()).toBe('The 1 selected track');
    expect(pageErrors).toEqual([]);
  });
});
