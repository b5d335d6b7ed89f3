import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/core/db/database.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import type { TrackLabel } from '../../src/shared/contract.ts';
import { makeAudioFile } from '../helpers/audio-fixtures.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** Tracks with a known prediction; "unsure" ones are under the library's 50% threshold. */
const tracks = [
  { rel: 'a.mp3', title: 'Alpha', predicted: ['rock', 0.92] },
  { rel: 'b.flac', title: 'Bravo', predicted: ['rock', 0.31] },
  { rel: 'c.ogg', title: 'Charlie', predicted: ['jazz', 0.22] },
  { rel: 'd.mp3', title: 'Delta', predicted: ['jazz', 0.81] },
  { rel: 'e.flac', title: 'Echo', predicted: ['blues', 0.45] },
  { rel: 'f.mp3', title: 'Foxtrot with a rather long title that needs room', predicted: ['metal', 0.66] },
] as const;
const unsureTitles = ['Bravo', 'Charlie', 'Echo'];

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The review tools of the library table, in a real browser against `serve` and the real services. */
describe('reviewing in the library table', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');
  const shots = join(projectRoot, 'tests', '.tmp');
  const ids: Record<string, number> = {};
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const apiCalls: string[] = [];

  const api = async <T>(method: string, input: unknown): Promise<T> => {
    const res = await fetch(`${served.url}/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${served.token}` },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { ok: true; result: T } | { ok: false; error: unknown };
    if (!body.ok) throw new Error(`${method}: ${JSON.stringify(body.error)}`);
    return body.result;
  };
  const labels = async (): Promise<Record<string, string>> => {
    const all = await api<TrackLabel[]>('labels.get', { trackIds: Object.values(ids) });
    const titleOf = Object.fromEntries(Object.entries(ids).map(([t, id]) => [id, t]));
    return Object.fromEntries(all.map((l) => [titleOf[l.trackId], `${l.genres.join(';')} (${l.source})`]));
  };
  const rowTitles = (): Promise<string[]> =>
    page.$$eval('[data-testid=track-row]', (rows) =>
      rows
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((r) => (r.querySelector('.col-title') as HTMLElement).innerText),
    );
  const row = (title: string) => page.getByTestId('track-row').filter({ has: page.locator('.col-title', { hasText: title }) });

  beforeAll(async () => {
    for (const t of tracks) {
      const format = t.rel.split('.').pop() as 'mp3' | 'flac' | 'ogg';
      makeAudioFile(join(music, t.rel), { format, seconds: 1, tags: { title: t.title, artist: 'Band', album: 'Record', genre: 'Old' } });
    }
    const scan = await runCli(['scan', music, '--db', db, '--no-classify', '--quiet']);
    expect(scan.code, scan.stderr).toBe(0);
    const lib = openDatabase(db);
    for (const t of tracks) {
      ids[t.title] = lib.prepare('SELECT id FROM tracks WHERE path = ?').pluck().get(join(music, t.rel)) as number;
      lib.prepare('UPDATE tracks SET predicted_genre = ?, predicted_confidence = ? WHERE id = ?').run(t.predicted[0], t.predicted[1], ids[t.title]);
    }
    lib.close();
    mkdirSync(shots, { recursive: true });
    served = await startServe(db);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(r.url().split('/api/')[1]);
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${served.url}/?token=${served.token}`);
    await page.getByTestId('track-row').nth(tracks.length - 1).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('reads the library once as it opens: the rows are shown once, not shown, dropped and shown again', async () => {
    // predictions.status is the library view's last read as it opens
    await expect.poll(() => apiCalls.includes('predictions.status')).toBe(true);
    expect(apiCalls.filter((c) => c === 'library.query')).toHaveLength(1);
  });

  it('shows a low prediction as low: an unsure badge, a grey guess and a short bar', async () => {
    for (const t of tracks) {
      const r = row(t.title);
      expect(await r.locator('.col-predicted .genre-name').innerText()).toBe(t.predicted[0]);
      expect(await r.getByTestId('unsure').count(), t.title).toBe(unsureTitles.includes(t.title) ? 1 : 0);
      // Polled: a row the table re-renders between lookup and measuring is detached and measures 0 / 0.
      const bar = () => r.locator('.conf-fill').evaluate((el) => el.getBoundingClientRect().width / el.parentElement!.getBoundingClientRect().width);
      await expect.poll(bar, { message: t.title }).toBeCloseTo(t.predicted[1], 1);
    }
    const colour = (title: string) => row(title).locator('.conf-fill').evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(await colour('Bravo')).not.toBe(await colour('Alpha'));
    await page.screenshot({ path: join(shots, 'review-table-1920.png') });
  });

  it('bulk-accepts the unsure view with Ctrl+A, shows the labels with their source, and undoes it', async () => {
    await page.getByTestId('filter-unsure').click();
    await expect.poll(async () => (await rowTitles()).sort()).toEqual(unsureTitles);
    await page.keyboard.press('Control+A');
    await expect.poll(() => page.getByTestId('selection-bar').innerText()).toMatch(/^All 3 tracks in this view selected/);
    // Ctrl+A selected the tracks, not the page's text.
    expect(await page.evaluate(() => String(window.getSelection()))).toBe('');
    await page.getByTestId('bulk-accept').click();
    await expect.poll(() => page.getByTestId('bulk-result').innerText()).toMatch(/^Accepted the predictions of 3 tracks\./);
    expect(await labels()).toEqual({ Bravo: 'rock (accepted)', Charlie: 'jazz (accepted)', Echo: 'blues (accepted)' });
    await expect.poll(() => row('Bravo').locator('.col-label').innerText()).toMatch(/^rock\s*accepted$/);
    await page.screenshot({ path: join(shots, 'review-bulk-accepted.png') });

    await page.getByTestId('bulk-undo').click();
    await expect.poll(() => page.getByTestId('bulk-result').innerText()).toMatch(/^Undone: 3 labels put back\./);
    expect(await labels()).toEqual({});
    await expect.poll(() => row('Bravo').locator('.col-label').innerText()).toBe('');
  });

  it('filters unlabelled and labelled, and sets genres on a Ctrl-click selection', async () => {
    await page.getByTestId('filter-unsure').click(); // off
    await row('Alpha').click();
    await row('Delta').click({ modifiers: ['Control'] });
    await page.getByTestId('bulk-set').click();
    await page.locator('[data-testid=bulk-genres] input').fill('Krautrock');
    await page.keyboard.press('Enter');
    await page.getByTestId('bulk-set-apply').click();
    await expect.poll(labels).toEqual({ Alpha: 'Krautrock (corrected)', Delta: 'Krautrock (corrected)' });
    await page.getByTestId('filter-labelled').click();
    await expect.poll(async () => (await rowTitles()).sort()).toEqual(['Alpha', 'Delta']);
    await page.getByTestId('filter-unlabelled').click();
    await expect.poll(async () => (await rowTitles()).length).toBe(4);
    await page.getByTestId('filter-unlabelled').click(); // off
    await page.getByTestId('folder-all').click();
  });

  it('writes genres from a filtered view into exactly the files of that view', async () => {
    // The view: predicted rock or, by the confidence filter, under 50% (unsure): Bravo only.
    await page.getByTestId('predicted-genre').filter({ hasText: 'rock' }).click();
    await page.getByTestId('filter-unsure').click();
    await expect.poll(rowTitles).toEqual(['Bravo']);
    const before = Object.fromEntries(tracks.map((t) => [t.title, sha256(join(music, t.rel))]));
    await page.getByTestId('write-view').click();
    await page.getByTestId('scope-view').check();
    expect(await page.getByTestId('write-tags').innerText()).toContain('Tracks in the library view: predicted rock, unsure');
    // A confidence floor is offered and on by default; Bravo's 31% guess would be left out by it.
    expect(await page.getByTestId('use-threshold').isChecked()).toBe(true);
    await page.getByTestId('use-threshold').uncheck();
    await page.getByRole('radio', { name: 'The predicted genre', exact: true }).check();
    await page.getByTestId('mode-replace').check();
    await page.getByTestId('tag-preview-button').click();
    await expect.poll(() => page.getByTestId('tag-preview-summary').innerText()).toMatch(/^1 file to write/);
    await page.getByTestId('tag-apply').click();
    await page.getByTestId('tag-confirm').click();
    await expect.poll(() => page.getByTestId('tag-outcome').innerText(), { timeout: 30_000 }).toMatch(/1 file written/);
    expect((await parseFile(join(music, 'b.flac'))).common.genre).toEqual(['Rock']);
    for (const t of tracks) {
      if (t.title !== 'Bravo') expect(sha256(join(music, t.rel)), t.title).toBe(before[t.title]);
    }
    expect(sha256(join(music, 'b.flac'))).not.toBe(before.Bravo);
    await page.screenshot({ path: join(shots, 'review-write-view.png'), fullPage: true });
    // Undo asks in the page.
    await page.getByTestId('tag-undo').click();
    await page.getByTestId('tag-undo-confirm').waitFor();
    await page.getByTestId('tag-undo-yes').click();
    await expect.poll(async () => (await parseFile(join(music, 'b.flac'))).common.genre, { timeout: 30_000 }).toEqual(['Old']);
    expect(dialogs).toEqual([]);
    await page.getByTestId('nav-library').click();
    await page.getByTestId('folder-all').click();
  });

  for (const [width, height] of [[1024, 768], [1920, 1080]] as const) {
    it(`keeps the title readable with the detail panel open at ${width}x${height}`, async () => {
      await page.setViewportSize({ width, height });
      await row('Foxtrot').click();
      await page.getByTestId('track-detail').waitFor();
      const title = await row('Foxtrot').locator('.col-title').evaluate((el) => el.getBoundingClientRect().width);
      expect(title).toBeGreaterThanOrEqual(160);
      const header = await page.getByTestId('sort-title').evaluate((el) => el.getBoundingClientRect().width);
      expect(Math.abs(header - title)).toBeLessThan(2);
      // The panel does not push the table off the window.
      const table = await page.getByTestId('track-table').evaluate((el) => el.getBoundingClientRect().right);
      expect(table).toBeLessThanOrEqual(width);
      // Where the label column is shown, a one-word label is whole beside its badge ("Krautrock", corrected above).
      const label = row('Alpha').locator('.col-label .label-genres');
      if ((await label.count()) > 0) expect(await label.evaluate((el) => el.scrollWidth <= el.clientWidth), `the label is whole at ${width} px`).toBe(true);
      if (width === 1920) expect(await label.count()).toBe(1);
      // The label editor is at the top of the panel, focused, empty, with the prediction as a suggestion.
      const input = page.locator('[data-testid=label-input] input');
      await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await input.inputValue()).toBe('');
      expect(await page.getByTestId('label-suggestion').innerText()).toMatch(/^Suggestion:\s*metal\s*66%$/);
      const editorTop = await page.getByTestId('label-editor').evaluate((el) => el.getBoundingClientRect().top);
      const predictionsTop = await page.getByTestId('track-predictions').evaluate((el) => el.getBoundingClientRect().top);
      expect(editorTop).toBeLessThan(predictionsTop);
      expect(await page.getByTestId('label-accept').innerText()).toBe('Accept “metal”');
      await page.screenshot({ path: join(shots, `review-panel-${width}x${height}.png`) });
      await page.getByRole('button', { name: 'Close details' }).click();
      await page.getByTestId('track-detail').waitFor({ state: 'detached' });
    });
  }

  it('accepts with Enter when nothing is typed, and saves a correction once something is', async () => {
    await row('Foxtrot').click();
    const input = page.locator('[data-testid=label-input] input');
    await input.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('label-current').innerText()).toBe('metal (accepted prediction)');
    await page.keyboard.type('Doom');
    expect(await page.getByTestId('label-save').innerText()).toBe('Save');
    expect(await page.getByTestId('label-accept').count()).toBe(0);
    await page.keyboard.press('Enter'); // adds "Doom" as a chip
    await page.keyboard.press('Enter'); // saves
    await expect.poll(() => page.getByTestId('label-current').innerText()).toBe('Doom (your correction)');
    expect((await labels())['Foxtrot with a rather long title that needs room']).toBe('Doom (corrected)');
    expect(pageErrors).toEqual([]);
  });

  it('cuts a long predicted genre short, in the table and in the sidebar, and keeps its unsure badge and its count whole', async () => {
    const genre = 'Progressive Melodic Death Metal';
    const lib = openDatabase(db);
    lib.prepare('UPDATE tracks SET predicted_genre = ? WHERE id = ?').run(genre, ids.Charlie);
    lib.close();
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.reload();
    await row('Charlie').waitFor();
    const inside = async (inner: Locator, outer: Locator): Promise<boolean> => {
      const [a, b] = await Promise.all([inner.boundingBox(), outer.boundingBox()]);
      return a!.width > 0 && a!.x >= b!.x - 0.5 && a!.x + a!.width <= b!.x + b!.width + 0.5;
    };
    const cell = row('Charlie').locator('.col-predicted');
    // Polled: the table sets its columns from its width, which the ResizeObserver reports once the sidebar and the
    // detail area have loaded; under load the first rows can be drawn before that.
    await expect.poll(() => cell.locator('.genre-name').evaluate((e) => e.scrollWidth > e.clientWidth), { message: 'the genre is cut short' }).toBe(true);
    await expect.poll(() => inside(row('Charlie').getByTestId('unsure'), cell), { message: 'the unsure badge is whole' }).toBe(true);
    const item = page.locator(`[data-testid=predicted-genre][data-genre="${genre}"]`);
    await expect.poll(() => item.locator('.name').evaluate((e) => e.scrollWidth > e.clientWidth), { message: 'the sidebar name is cut short' }).toBe(true);
    await expect.poll(() => inside(item.locator('.n'), item), { message: 'its count is in view' }).toBe(true);
    expect(await item.locator('.n').innerText()).toBe('1');
    // cut short, the whole name is still there to read on hover
    expect(await cell.getAttribute('title')).toContain(genre);
    expect(await item.locator('.name').getAttribute('title')).toBe(genre);
    await page.screenshot({ path: join(shots, 'review-long-genre-1024.png') });
    expect(pageErrors).toEqual([]);
  });

  it("shows a certain prediction's 100% whole, at the table's narrowest and widest", async () => {
    const lib = openDatabase(db);
    lib.prepare('UPDATE tracks SET predicted_confidence = 1 WHERE id = ?').run(ids.Delta);
    lib.close();
    // The text of the number, measured, lies inside its cell (the cell cuts off whatever overflows it).
    const whole = (el: Element): boolean => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const text = range.getBoundingClientRect();
      const cell = el.closest('.cell')!.getBoundingClientRect();
      return text.width > 0 && text.left >= cell.left - 0.5 && text.right <= cell.right + 0.5;
    };
    for (const [width, height] of [[1024, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width, height });
      await page.reload();
      const num = row('Delta').locator('.conf-num');
      await expect.poll(() => num.innerText()).toBe('100%');
      await expect.poll(() => num.evaluate(whole), { message: `100% is whole at ${width} px` }).toBe(true);
    }
    expect(pageErrors).toEqual([]);
  });
});
