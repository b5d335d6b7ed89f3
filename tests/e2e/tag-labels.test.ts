import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/main/project-root.ts';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { callServe } from '../helpers/serve-api.ts';
import { buildTaxonomyLibrary } from '../helpers/taxonomy-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const shots = join(projectRoot, 'tests', '.tmp');

describe('the genre tags of the files become labels from the app: previewed, imported, then the next step', () => {
  const tmp = makeTempDir();
  const db = join(tmp.dir, 'lib.sqlite');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  const music = join(tmp.dir, 'Music');
  const extra = join(tmp.dir, 'Extra');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // The person's own genres in the tags (5 Orchestral, 6 Loud Guitars), one placeholder tag ("Other"), and untagged
    // tracks; scanned, not listened to, nothing imported yet.
    await buildTaxonomyLibrary(music, db, env, {
      perGenre: 7,
      listen: false,
      importTags: false,
      genres: [
        { folder: 'classical', genre: 'Orchestral', tagged: 5 },
        { folder: 'metal', genre: 'Loud Guitars', tagged: 6 },
        { folder: 'jazz', genre: 'Other', tagged: 1 },
      ],
    });
    // A second library folder, one track tagged "Chamber".
    mkdirSync(extra);
    const classical = join(requireGtzan(), 'audio', 'classical');
    const clip = readdirSync(classical).filter((f) => f.endsWith('.opus')).sort()[8];
    execFileSync('ffmpeg', ['-v', 'error', '-t', '12', '-i', join(classical, clip), '-ac', '1', '-c:a', 'libopus', '-b:a', '48k',
      '-metadata', 'title=chamber 0', '-metadata', 'genre=Chamber', join(extra, 'chamber-0.opus')]);
    const scanned = await runCli(['scan', extra, '--db', db, '--no-classify', '--quiet'], { env });
    expect(scanned.code).toBe(0);
    served = await startServe(db, env);
    // The person already said one of the Loud Guitars tracks is Thrash: the import must keep that.
    const metal = (await callServe(served, 'library.query', { limit: 100, sort: 'path' })).rows.filter((t) => t.title === 'metal 0');
    expect(metal).toHaveLength(1);
    await callServe(served, 'labels.set', { trackIds: [metal[0].id], genres: ['Thrash'], source: 'corrected' });
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1024, height: 768 }, pageErrors);
    mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  const text = (testId: string): Promise<string> => page.getByTestId(testId).innerText();

  it('the library says how many tracks carry a genre tag and opens the import from there', async () => {
    await page.getByTestId('tag-hint').waitFor();
    expect(await text('tag-hint-text')).toBe('13 tracks carry a genre tag: as labels, they teach your personal model your genres.');
    await page.getByTestId('tag-hint-open').click();
    await page.getByTestId('models-view').waitFor();
    await page.getByTestId('tag-import-summary').waitFor();
    await page.getByTestId('tag-import-close').click();
    expect(await page.getByTestId('tag-import').count()).toBe(0);
  });

  it('Review says how many tracks carry a genre tag not used yet, and opens the import from there', async () => {
    await page.getByTestId('nav-review').click();
    await page.getByTestId('review-tagged').waitFor();
    expect(await text('review-tagged')).toBe('13 tracks carry a genre tag, not used as a label yet.');
    await page.getByTestId('review-open-tag-import').click();
    await page.getByTestId('models-view').waitFor();
    await page.getByTestId('tag-import-summary').waitFor();
  });

  it('previews the import: the genres with their tracks, what it changes, the label the person gave, the placeholder left out', async () => {
    expect(await text('tag-import-summary')).toBe(
      '12 tracks carry a genre in their tags, 3 genres in all. As labels, they teach your personal model your genres: ' +
        '2 of them name at least 5 tracks, what a genre needs to be learnt.',
    );
    const genres = await page.getByTestId('tag-import-genre').evaluateAll((rows) =>
      rows.map((r) => [r.getAttribute('data-genre'), (r.querySelector('.n') as HTMLElement).innerText, (r.querySelector('.few') as HTMLElement).innerText]),
    );
    expect(genres).toEqual([['Loud Guitars', '6', ''], ['Orchestral', '5', ''], ['Chamber', '1', 'under 5']]);
    expect(await text('tag-import-changes')).toBe('Importing makes 11 new labels.');
    expect(await text('tag-import-kept')).toBe('1 track keeps the label you gave it, whatever its tag says.');
    expect(await text('tag-import-junk')).toBe('Left out as placeholders, not genres: “Other” (1).');
    // a preview changes nothing
    expect((await callServe(served, 'labels.summary', {})).bySource).toEqual({ corrected: 1, accepted: 0, tag: 0 });
    expect(await text('labelled-count')).toBe('1 labelled track (1 corrected, 0 accepted, 0 from tags).');
    await page.screenshot({ path: join(shots, 'tag-import-preview-1024.png') });
  });

  it('takes the tags of one library folder when asked', async () => {
    await page.getByTestId('tag-import-folder').selectOption(extra);
    await expect.poll(() => text('tag-import-summary')).toBe(
      '1 track carries a genre in its tags, 1 genre in all. As a label, it teaches your personal model your genres: ' +
        'it names fewer than the 5 tracks a genre needs to be learnt.',
    );
    expect(await text('tag-import-changes')).toBe('Importing makes 1 new label.');
    expect(await page.getByTestId('tag-import-junk').count()).toBe(0);
    await page.getByTestId('tag-import-folder').selectOption(music);
    await expect.poll(() => text('tag-import-changes')).toBe('Importing makes 10 new labels.');
    expect(await page.getByTestId('tag-import-genre').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-genre')))).toEqual(['Loud Guitars', 'Orchestral']);
  });

  it('imports that folder\'s tags: the labels are counted at once, the person\'s own label stays, and it says what comes next', async () => {
    await page.getByTestId('tag-import-confirm').click();
    await page.getByTestId('tag-import-done').waitFor();
    expect(await text('tag-import-done')).toBe('Imported the genre tags of 11 tracks: 10 new labels; 1 kept as you labelled it.');
    const summary = await callServe(served, 'labels.summary', {});
    expect(summary.bySource).toEqual({ corrected: 1, accepted: 0, tag: 10 });
    expect(summary.genres.map((g) => [g.genre, g.count])).toEqual([['Loud Guitars', 5], ['Orchestral', 5], ['Thrash', 1]]);
    // Enough labels for two genres, but nothing listened to yet; Thrash needs more.
    await expect.poll(() => text('tag-import-next')).toBe('Their tracks are to be listened to before a retrain learns from them: classify the library first.');
    expect(await text('tag-import-need-more')).toBe('1 genre needs more labelled tracks before the model learns it (Thrash): label them in Review.');
    await expect.poll(() => page.getByTestId('label-count').count()).toBe(3);
    expect(await text('labelled-count')).toBe('11 labelled tracks (1 corrected, 0 accepted, 10 from tags).');
    expect(await page.getByTestId('models-classify').isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'tag-import-done-1024.png') });
  });

  it('opened again, it offers what is left (the other folder\'s tag), then nothing; Review and the library no longer point to it', async () => {
    await page.getByTestId('tag-import-close').click();
    expect(await page.getByTestId('tag-import').count()).toBe(0);
    await page.getByTestId('open-tag-import').click();
    await expect.poll(() => text('tag-import-changes')).toBe('Importing makes 1 new label.');
    await page.getByTestId('tag-import-confirm').click();
    await page.getByTestId('tag-import-done').waitFor();
    expect(await text('tag-import-done')).toBe('Imported the genre tags of 12 tracks: 1 new label and 10 unchanged; 1 kept as you labelled it.');
    await page.getByTestId('tag-import-close').click();
    await page.getByTestId('open-tag-import').click();
    await page.getByTestId('tag-import-current').waitFor();
    expect(await text('tag-import-current')).toBe('Every one of them is a label already: nothing to import.');
    expect(await page.getByTestId('tag-import-confirm').count()).toBe(0);
    expect(await text('tag-import-close')).toBe('Close');
    expect((await callServe(served, 'labels.summary', {})).bySource).toEqual({ corrected: 1, accepted: 0, tag: 11 });
    await page.getByTestId('nav-review').click();
    await page.getByTestId('review-view').waitFor();
    expect(await page.getByTestId('review-tagged').count()).toBe(0);
    // nor the library
    await page.getByTestId('nav-library').click();
    await expect.poll(() => page.getByTestId('tag-hint').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
