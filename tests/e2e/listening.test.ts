import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/main/project-root.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const shots = join(projectRoot, 'tests', '.tmp', 'screenshots');

describe('listening in a real browser, on the real services', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const home = join(tmp.dir, 'home');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    mkdirSync(home, { recursive: true });
    makeAudioFile(join(music, 'noise.mp3'), { format: 'mp3', seconds: 40, source: 'anoisesrc=color=pink:amplitude=0.3', tags: { title: 'Pink Noise', artist: 'The Generators' } });
    makeAudioFile(join(music, 'voice.wma'), { format: 'wma', seconds: 30, source: 'sine=frequency=220', tags: { title: 'Low Voice' } });
    makeAudioFile(join(music, 'victim.ogg'), { format: 'ogg', seconds: 5, tags: { title: 'Replaced By A Link' } });
    // Scanned and classified before the browser opens (the shipped models), so the genre strip is there.
    const r = await runCli(['classify', music, '--db', join(tmp.dir, 'lib.sqlite'), '--quiet'], { env: { GENRE_TAGGER_HOME: home } });
    expect(r.code, r.stderr).toBe(0);
    // Then a library file is replaced by a link to a file outside the library.
    writeFileSync(join(tmp.dir, 'private.ogg'), 'a file outside the library');
    unlinkSync(join(music, 'victim.ogg'));
    symlinkSync(join(tmp.dir, 'private.ogg'), join(music, 'victim.ogg'));
    served = await startServe(join(tmp.dir, 'lib.sqlite'), { GENRE_TAGGER_HOME: home });
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1400, height: 900 }, pageErrors);
    await page.getByTestId('track-row').first().waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  const row = (text: string) => page.locator('[data-testid=track-row]', { hasText: text });
  const audio = () =>
    page.evaluate(() => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid=audio-player]');
      return a ? { currentTime: a.currentTime, paused: a.paused, src: a.src } : null;
    });

  it('plays a track from its row in the table: the audio element advances', async () => {
    await row('Pink Noise').getByTestId('play-track').click();
    await expect.poll(async () => (await audio())?.currentTime ?? 0, { timeout: 15_000 }).toBeGreaterThan(1);
    const a = (await audio())!;
    expect(a.paused).toBe(false);
    expect(a.src).toMatch(/\/audio\/\d+\?token=/);
    expect(await page.getByTestId('player-title').innerText()).toBe('Pink Noise');
    expect(await page.getByTestId('player-time').innerText()).toMatch(/^0:0\d \/ 0:40$/);
    expect(await row('Pink Noise').getByTestId('play-track').getAttribute('aria-label')).toBe('Pause');
    await page.screenshot({ path: join(shots, 'listening-table.png') });

    // The same button pauses: the element stops where it is.
    await row('Pink Noise').getByTestId('play-track').click();
    await expect.poll(async () => (await audio())!.paused).toBe(true);
    const at = (await audio())!.currentTime;
    await page.waitForTimeout(600);
    expect((await audio())!.currentTime).toBe(at);
  });

  it('plays from the moment clicked on the genre strip, and shows where it plays', async () => {
    await row('Pink Noise').locator('.col-title').click();
    const strip = page.getByTestId('genre-strip');
    await strip.waitFor();
    const box = (await strip.boundingBox())!;
    // The strip spans the classified audio (the last segment ends within a few seconds of the 40 s).
    await strip.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
    await expect.poll(async () => (await audio())!.currentTime, { timeout: 15_000 }).toBeGreaterThan(27);
    const a = (await audio())!;
    expect(a.currentTime).toBeLessThan(33);
    expect(a.paused).toBe(false);
    await expect.poll(async () => Number((await page.getByTestId('strip-playhead').getAttribute('style'))?.match(/left: ([\d.]+)%/)?.[1])).toBeGreaterThan(70);
    expect(await page.getByTestId('detail-play').innerText()).toBe('❚❚ Pause');
    await page.screenshot({ path: join(shots, 'listening-detail-strip.png') });

    // Back to the start with the seek bar.
    await page.getByTestId('player-seek').evaluate((el: HTMLInputElement) => {
      el.value = '2';
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await expect.poll(async () => (await audio())!.currentTime).toBeLessThan(10);
  });

  it('plays a WMA file, transcoded on the fly, and seeks it by starting a new stream', async () => {
    await row('Low Voice').getByTestId('play-track').click();
    await expect.poll(() => page.getByTestId('player-title').innerText()).toBe('Low Voice');
    await expect.poll(async () => (await audio())?.currentTime ?? 0, { timeout: 20_000 }).toBeGreaterThan(1);
    expect(await page.getByTestId('player-bar').innerText()).toMatch(/converted from WMA/);
    expect(await page.getByTestId('player-time').innerText()).toMatch(/ \/ 0:30$/);

    await row('Low Voice').locator('.col-title').click();
    const strip = page.getByTestId('genre-strip');
    await strip.waitFor();
    const box = (await strip.boundingBox())!;
    await strip.click({ position: { x: box.width * 0.5, y: box.height / 2 } });
    await expect.poll(async () => (await audio())!.src, { timeout: 10_000 }).toMatch(/[?&]t=1\d\.\d+/);
    await expect.poll(async () => (await audio())!.currentTime, { timeout: 20_000 }).toBeGreaterThan(0.5);
    // The position shown is the stream's start plus the element's time.
    expect(await page.getByTestId('player-time').innerText()).toMatch(/^0:1\d \/ 0:30$/);
    await page.screenshot({ path: join(shots, 'listening-transcoded.png') });
  });

  it('refuses a track whose file now leads outside the library, and says why', async () => {
    await row('Replaced By A Link').getByTestId('play-track').click();
    await expect.poll(() => page.getByTestId('player-error').innerText()).toMatch(/^“Replaced By A Link” cannot be played\. The file leads outside the library folders/);
    const a = (await audio())!;
    expect(a.paused).toBe(true);
    // Asked directly, the stream refuses it too; and a path is no address of the stream.
    const statuses = await page.evaluate(async (token) => {
      const id = document.querySelector('[data-testid=track-row][data-track-id]:has(.col-title[title="Replaced By A Link"])')!.getAttribute('data-track-id');
      return [
        (await fetch(`/audio/${id}?token=${token}`)).status,
        (await fetch(`/audio/${encodeURIComponent('/etc/passwd')}?token=${token}`)).status,
        (await fetch(`/audio/${id}`)).status,
      ];
    }, served.token);
    expect(statuses).toEqual([403, 404, 401]);
    await page.screenshot({ path: join(shots, 'listening-refused.png') });
    expect(pageErrors).toEqual([]);
  });

  it('keeps the player bar on one line at 1024 px', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await row('Pink Noise').getByTestId('play-track').click();
    await expect.poll(() => page.getByTestId('player-title').innerText()).toBe('Pink Noise');
    const bar = (await page.getByTestId('player-bar').boundingBox())!;
    expect(bar.height).toBeLessThan(60);
    expect(bar.width).toBeLessThanOrEqual(1024);
    expect((await page.getByTestId('player-seek').boundingBox())!.width).toBeGreaterThan(150);
    await page.screenshot({ path: join(shots, 'listening-1024.png') });
  });
});
