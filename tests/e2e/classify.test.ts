import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { makeCorruptFlac } from '../helpers/corrupt-audio.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';
import { installTestModels } from '../helpers/test-models.ts';

describe('classification in a real browser, on the real services', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const home = join(tmp.dir, 'home');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(music, { recursive: true });
    copyFileSync(join(requireGtzan(), 'audio/metal/metal.00001.opus'), join(music, 'metal.00001.opus'));
    makeAudioFile(join(music, 'noise.mp3'), { format: 'mp3', seconds: 40, source: 'anoisesrc=color=pink:amplitude=0.3', tags: { title: 'Pink Noise' } });
    makeAudioFile(join(music, 'tone.ogg'), { format: 'ogg', seconds: 6, source: 'sine=frequency=300', tags: { title: 'Low Tone' } });
    makeCorruptFlac(join(music, 'corrupt.flac'));
    // The shipped SVM plus untrained CNN, MLFI and an ensemble, as the user's active versions: every panel part shows.
    await installTestModels(home);
    served = await startServe(join(tmp.dir, 'lib.sqlite'), { GENRE_TAGGER_HOME: home });
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1400, height: 900 }, pageErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  const row = (text: string) => page.locator('[data-testid=track-row]', { hasText: text });

  it('adds a folder: the scan is followed by classification with a progress bar, count and cancel', async () => {
    await page.getByTestId('add-folder').click();
    await page.getByTestId('folder-path').fill(music);
    await page.getByTestId('folder-submit').click();
    const progress = page.locator('[data-testid=job-progress][data-kind=classify]');
    await progress.waitFor({ timeout: 60_000 });
    // The worker reports the total once it has loaded the models: seconds on a loaded machine.
    await expect.poll(() => progress.getByTestId('job-count').innerText(), { timeout: 60_000 }).toMatch(/^[0-3] of 4$/);
    expect(await progress.getByTestId('job-message').innerText()).toMatch(/Listening and classifying \(\d workers?, models on the CPU; ensemble, svm, cnn, mlfi\)/);
    await expect.poll(() => progress.getByTestId('job-cancel').isVisible()).toBe(true);
    await page.getByTestId('classify-summary').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('classify-summary-text').innerText()).toBe('Classification finished: 3 of 4 tracks, 1 could not be classified (unreadable, silent or too short).');
  });

  it('fills the predicted column with a genre and a confidence', async () => {
    for (const title of ['metal.00001.opus', 'Pink Noise', 'Low Tone']) {
      // The genre (an unsure one carries an "unsure" badge beside it).
      await expect.poll(() => row(title).locator('.col-predicted .genre-name').innerText(), { timeout: 30_000 }).toMatch(/^[a-z]+$/);
      expect(await row(title).locator('.col-confidence').innerText()).toMatch(/^\d{1,3}%$/);
    }
    expect(await row('corrupt.flac').locator('.col-predicted').innerText()).toBe('');
  });

  it('filters by predicted genre, with counts', async () => {
    const genres = page.getByTestId('predicted-genre');
    const read = () => genres.evaluateAll((els) => els.map((e) => [e.getAttribute('data-genre'), Number(e.querySelector('.n')!.textContent)] as const));
    await expect.poll(async () => (await read()).reduce((n, [, c]) => n + c, 0), { timeout: 30_000 }).toBe(3);
    const counts = await read();
    const [genre, count] = counts[0];
    await genres.first().click();
    await expect.poll(() => page.getByTestId('track-row').count()).toBe(count);
    const shown = await page.$$eval('[data-testid=track-row] .col-predicted .genre-name', (cells) => cells.map((c) => (c as HTMLElement).innerText));
    expect(shown.every((g) => g === genre)).toBe(true);
    await page.getByTestId('predicted-all').click();
    await expect.poll(() => page.getByTestId('track-row').count()).toBe(4);
  });

  it('shows each model\'s probability bars and the genre-over-time strip in the track panel', async () => {
    await row('Pink Noise').click();
    const panel = page.getByTestId('track-predictions');
    await panel.getByTestId('genre-strip').waitFor();
    const models = panel.getByTestId('model-prediction');
    expect(await models.evaluateAll((els) => els.map((e) => e.getAttribute('data-kind')))).toEqual(['ensemble', 'svm', 'cnn', 'mlfi']);
    for (let i = 0; i < 4; i++) {
      const bars = models.nth(i).getByTestId('prob-bar');
      expect(await bars.count()).toBe(10);
      const pcts = await bars.locator('.pct').allInnerTexts();
      const sum = pcts.reduce((s, p) => s + Number(p.replace('%', '')), 0);
      expect(sum).toBeGreaterThanOrEqual(95);
      expect(sum).toBeLessThanOrEqual(105);
    }
    // 40 s in 3 s segments every 1.5 s: 26 segments, each a cell of the strip.
    const cells = panel.getByTestId('strip-cell');
    expect(await cells.count()).toBe(26);
    const predicted = await page.getByTestId('detail-predicted').innerText();
    expect(predicted).toMatch(/^[a-z]+ \(\d+%\)$/);
    // Pointing at the strip tells the time and the genre there.
    const box = (await panel.getByTestId('genre-strip').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
    const hover = await panel.getByTestId('strip-hover').innerText();
    expect(hover).toMatch(/^0:(19|2\d)–0:2\d · [a-z]+ \d+%$/);
    const genreAtMiddle = /· ([a-z]+)/.exec(hover)![1];
    const middleCell = await cells.evaluateAll((els, x) => {
      const hit = els.find((e) => {
        const r = e.getBoundingClientRect();
        return x >= r.left && x < r.right;
      });
      return hit?.getAttribute('data-genre') ?? null;
    }, box.x + box.width * 0.5);
    expect(genreAtMiddle).toBe(middleCell);
  });

  it('lists the file only ffmpeg found broken among the unreadable files, with the reason', async () => {
    await page.getByTestId('filter-unreadable').click();
    await expect.poll(() => page.getByTestId('track-row').count()).toBe(1);
    expect(await row('corrupt.flac').locator('.col-reason').innerText()).toMatch(/^Cannot decode the audio: /);
    await row('corrupt.flac').click();
    expect(await page.getByTestId('track-predictions').getByTestId('analysis-error').innerText()).toMatch(/^Cannot decode the audio: /);
    expect(pageErrors).toEqual([]);
  });
});
