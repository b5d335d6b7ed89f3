import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PersonalVersionInfo, TrackRow } from '../../src/shared/contract.ts';
import { gtzanFeatureNames } from '../../src/main/core/features/index.ts';
import { embeddingColumnsFor } from '../../src/main/core/personal/embedding-columns.ts';
import { projectRoot } from '../../src/main/project-root.ts';
import { launchBrowser, openAppPage } from '../helpers/browser.ts';
import { labelledLibrary } from '../helpers/labelled-library.ts';
import { runCli } from '../helpers/run-cli.ts';
import { startServe } from '../helpers/serve.ts';
import type { Served } from '../helpers/serve.ts';
import { callServe } from '../helpers/serve-api.ts';
import { buildTaxonomyLibrary } from '../helpers/taxonomy-library.ts';
import type { TaxonomyTrack } from '../helpers/taxonomy-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

const shots = join(projectRoot, 'tests', '.tmp');
const gtzan = ['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock'];

describe('the Models view: retrain, compare, activate, roll back, in a real browser on the real services', () => {
  const tmp = makeTempDir();
  const db = join(tmp.dir, 'lib.sqlite');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  let tracks: TaxonomyTrack[];
  let served: Served;
  let browser: Browser;
  let page: Page;
  let before: TrackRow[];
  let newVersion: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Three genres the base models cannot name, 7 tagged clips each, 2 untagged clips each to predict.
    tracks = await buildTaxonomyLibrary(join(tmp.dir, 'Music'), db, env, {
      perGenre: 9,
      genres: [
        { folder: 'classical', genre: 'Orchestral', tagged: 7 },
        { folder: 'metal', genre: 'Loud Guitars', tagged: 7 },
        { folder: 'reggae', genre: 'Island', tagged: 7 },
      ],
    });
    served = await startServe(db, env);
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1400, height: 900 }, pageErrors);
    mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  const rows = async (): Promise<TrackRow[]> => (await callServe(served, 'library.query', { limit: 1000, sort: 'path' })).rows;
  const untagged = () => tracks.filter((t) => !t.tagged);
  const predictedCell = (title: string) => page.locator('[data-testid=track-row]', { hasText: title }).locator('.col-predicted');

  it('lists the base models with their accuracy, no personal version yet, and the label counts', async () => {
    before = await rows();
    expect(before.every((t) => gtzan.includes(t.predictedGenre!))).toBe(true);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('models-view').waitFor();
    await expect.poll(() => page.getByTestId('base-model').count()).toBe(4);
    const base = await page.getByTestId('base-model').evaluateAll((els) => els.map((e) => [e.getAttribute('data-kind'), (e.querySelector('.acc') as HTMLElement).innerText]));
    expect(base.map(([k]) => k)[0]).toBe('ensemble');
    expect(base.map(([k]) => k).sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);
    for (const [, acc] of base) expect(acc).toMatch(/^\d+%$/);
    expect(await page.getByTestId('base-speaks').count()).toBe(1);
    expect(await page.getByTestId('no-versions').isVisible()).toBe(true);
    expect(await page.getByTestId('rollback').isDisabled()).toBe(true);
    expect(await page.getByTestId('label-count').count()).toBe(3);
    expect(await page.getByTestId('label-needs').count()).toBe(0);
  });

  it('Review, before any personal version: the suggestions are the base models\', which cannot name the person\'s genres, and it says to retrain', async () => {
    await page.getByTestId('nav-review').click();
    await page.getByTestId('review-track').waitFor();
    const suggested = await page.getByTestId('review-suggestion').evaluateAll((els) => els.map((e) => e.getAttribute('data-genre')!));
    expect(suggested.length).toBeGreaterThan(0);
    for (const g of suggested) expect(gtzan).toContain(g);
    const prompt = page.getByTestId('review-retrain-prompt');
    await prompt.waitFor();
    expect(await page.getByTestId('review-retrain-own').innerText()).toBe(
      'The suggestions come from the base models, which cannot name “Island”, “Loud Guitars” or “Orchestral”. Retrain to get suggestions in your genres.',
    );
    expect(await page.getByTestId('review-base-note').innerText()).toBe(
      'These are the base models\' genres: yours join them once you retrain (Retrain now, on the right).',
    );
    await page.screenshot({ path: join(shots, 'review-before-retrain.png'), fullPage: false });
    await page.getByTestId('nav-models').click();
    await page.getByTestId('models-view').waitFor();
  });

  it('retrains: the new version\'s report sits next to the active model\'s, and nothing changes until it is activated', async () => {
    await page.getByTestId('retrain').click();
    const result = page.getByTestId('retrain-result');
    await result.waitFor({ timeout: 60_000 });
    const versions: PersonalVersionInfo[] = await callServe(served, 'personal.versions', {});
    expect(versions).toHaveLength(1);
    const v = versions[0];
    newVersion = v.version;
    expect(v.active).toBe(false);
    // The base models cannot name these genres: their 0% is no measurement, so the report compares nothing and the
    // new version is the one to activate.
    expect(v.report.active!.accuracy).toBe(0);
    expect(v.report.comparable).toEqual([]);
    expect(v.report.better).toBe(true);
    expect(await result.innerText()).toContain(
      `New version ${v.version}, trained on 21 labelled tracks: ${Math.round(v.report.candidate.accuracy * 100)}% accuracy. The active model, ${v.report.active!.name}, names none of these genres, so there is nothing to compare it with.`,
    );
    expect(await result.innerText()).not.toContain('0% for');
    expect(await page.getByTestId('activate-new').getAttribute('class')).not.toContain('secondary');

    const report = page.getByTestId('model-report');
    expect(await report.getByTestId('report-accuracy').innerText()).toBe(`${Math.round(v.report.candidate.accuracy * 100)}%`);
    expect(await report.getByTestId('report-macro-f1').innerText()).toBe(v.report.candidate.macroF1.toFixed(2));
    expect(await report.getByTestId('report-active-none').innerText()).toBe('names none of these genres');
    expect(await report.getByTestId('report-active-accuracy').count()).toBe(0);
    expect(await report.locator('.mark').count()).toBe(0);
    const perGenre = await report.getByTestId('per-genre-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-genre')));
    expect([...perGenre].sort()).toEqual(['Island', 'Loud Guitars', 'Orchestral']);
    // The confusion matrix: 3 × 3 cells whose counts add up to the tracks evaluated, each row to its genre's tracks.
    const cells = (await report.getByTestId('confusion-cell').allInnerTexts()).map(Number);
    expect(cells).toHaveLength(9);
    expect(cells.reduce((s, c) => s + c, 0)).toBe(v.report.evaluated);
    expect(cells).toEqual(v.report.candidate.confusion.flat());

    expect((await rows()).map((t) => [t.id, t.predictedGenre, t.confidence])).toEqual(before.map((t) => [t.id, t.predictedGenre, t.confidence]));

    // With a version to activate, Review no longer asks for a first retrain; it offers the new version instead.
    await page.getByTestId('nav-review').click();
    await page.getByTestId('review-retrain-result').waitFor();
    expect(await page.getByTestId('review-retrain-prompt').count()).toBe(0);
    expect(await page.getByTestId('review-base-note').count()).toBe(0);
    await page.getByTestId('nav-models').click();
    await page.getByTestId('models-view').waitFor();
  });

  it('activates it: the library\'s predictions change live to the person\'s genres', async () => {
    await page.getByTestId('activate-new').click();
    await expect.poll(() => page.locator('[data-testid=personal-version][data-active=true]').count()).toBe(1);
    expect(await page.getByTestId('retrain-result').count()).toBe(0);
    expect(await page.getByTestId('base-speaks').count()).toBe(0);
    const after = await rows();
    for (const t of untagged()) expect(['Orchestral', 'Loud Guitars', 'Island']).toContain(after.find((r) => r.path === t.path)!.predictedGenre);
    const right = untagged().filter((t) => after.find((r) => r.path === t.path)!.predictedGenre === t.genre).length;
    expect(right).toBeGreaterThanOrEqual(4); // of 6; chance is 2

    // The library view, open all along, shows them without a reload.
    await page.getByTestId('nav-library').click();
    for (const t of untagged()) {
      const row = after.find((r) => r.path === t.path)!;
      await expect.poll(() => predictedCell(t.title).innerText(), { timeout: 10_000 }).toContain(row.predictedGenre!);
    }
  });

  it('rolls back to the base models: every prediction is exactly as before', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('rollback').click();
    await expect.poll(() => page.locator('[data-testid=personal-version][data-active=true]').count()).toBe(0);
    expect(await page.getByTestId('base-speaks').count()).toBe(1);
    expect((await rows()).map((t) => [t.id, t.predictedGenre, t.confidence])).toEqual(before.map((t) => [t.id, t.predictedGenre, t.confidence]));
    await page.getByTestId('nav-library').click();
    const first = untagged()[0];
    await expect.poll(() => predictedCell(first.title).innerText(), { timeout: 10_000 }).toContain(before.find((r) => r.path === first.path)!.predictedGenre!);
  });

  it('activates a kept version from the list, keeps the current model after another retrain, and goes back to the base models', async () => {
    await page.getByTestId('nav-models').click();
    await page.locator(`[data-testid=personal-version][data-version="${newVersion}"]`).click();
    await page.getByTestId('activate-shown').click();
    await expect.poll(() => page.locator(`[data-testid=personal-version][data-version="${newVersion}"]`).getAttribute('data-active')).toBe('true');

    // A second retrain is compared with the active personal version; "Keep the current one" leaves it active.
    await page.getByTestId('retrain').click();
    await page.getByTestId('retrain-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('retrain-result').innerText()).toContain(`for ${newVersion}, the active model`);
    await page.getByTestId('keep-current').click();
    expect(await page.getByTestId('retrain-result').count()).toBe(0);
    const versions = await callServe(served, 'personal.versions', {});
    expect(versions).toHaveLength(2);
    expect(versions.find((v) => v.active)?.version).toBe(newVersion);

    for (const [w, h] of [[1024, 768], [1920, 1080]] as const) {
      await page.setViewportSize({ width: w, height: h });
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await page.screenshot({ path: join(shots, `models-${w}x${h}.png`), fullPage: false });
    }

    await page.getByTestId('use-base').click();
    await expect.poll(() => page.locator('[data-testid=personal-version][data-active=true]').count()).toBe(0);
    expect((await rows()).map((t) => [t.id, t.predictedGenre])).toEqual(before.map((t) => [t.id, t.predictedGenre]));
    expect(pageErrors).toEqual([]);
  });

  it('sets the unsure threshold: the library marks every prediction under it as unsure; a value out of range is not taken', async () => {
    await page.getByTestId('nav-models').click();
    const box = page.getByTestId('unsure-threshold');
    expect(await box.inputValue()).toBe('50');
    const unsureUnder = async (): Promise<number> => (await callServe(served, 'library.query', { limit: 1000, unsure: true })).total;
    const all = (await rows()).filter((t) => t.confidence !== null);
    const under = (x: number): number => all.filter((t) => t.confidence! < x).length;
    expect(await unsureUnder()).toBe(under(0.5));
    await box.fill('95');
    await box.press('Enter');
    await expect.poll(async () => (await callServe(served, 'labels.summary', {})).unsureThreshold).toBe(0.95);
    expect(await unsureUnder()).toBe(under(0.95));
    expect(under(0.95)).toBeGreaterThan(under(0.5));
    await box.fill('150');
    await box.press('Enter');
    await expect.poll(() => box.inputValue()).toBe('95');
    expect((await callServe(served, 'labels.summary', {})).unsureThreshold).toBe(0.95);
    await box.fill('50');
    await box.press('Enter');
    await expect.poll(async () => (await callServe(served, 'labels.summary', {})).unsureThreshold).toBe(0.5);
    expect(pageErrors).toEqual([]);
  });
});

describe('the Models view: a long retrain shows its progress and can be cancelled', () => {
  const tmp = makeTempDir();
  const db = join(tmp.dir, 'lib.sqlite');
  let served: Served;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // 20,000 labelled tracks in 25 genres with stored embeddings (no audio): a retrain of several seconds.
    const columns = embeddingColumnsFor({ clip: gtzanFeatureNames, segmentStats: gtzanFeatureNames, models: [{ kind: 'ensemble', labels: gtzan }] });
    labelledLibrary(db, 20_000, columns, Array.from({ length: 25 }, (_, g) => `Genre ${g + 1}`));
    served = await startServe(db, { GENRE_TAGGER_HOME: join(tmp.dir, 'home') });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    await page.goto(`${served.url}/?token=${served.token}`);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('cancels: no version is stored, and Retrain can start again', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('retrain').click();
    const progress = page.locator('[data-testid=job-progress][data-kind=retrain]');
    await progress.waitFor();
    expect(await page.getByTestId('retrain').isDisabled()).toBe(true);
    await progress.getByTestId('job-cancel').click();
    await page.getByTestId('retrain-cancelled').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('retrain-cancelled').innerText()).toBe('Retrain cancelled; nothing changed.');
    expect(await callServe(served, 'personal.versions', {})).toEqual([]);
    expect(await page.getByTestId('retrain').isDisabled()).toBe(false);
  });
});

describe('the Models view: labels from tags on tracks not listened to yet', () => {
  const tmp = makeTempDir();
  const db = join(tmp.dir, 'lib.sqlite');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // Two genres with 5 tagged clips each (enough labels), scanned and their tags imported, not classified.
    await buildTaxonomyLibrary(join(tmp.dir, 'Music'), db, env, {
      perGenre: 5,
      listen: false,
      genres: [
        { folder: 'classical', genre: 'Orchestral', tagged: 5 },
        { folder: 'metal', genre: 'Loud Guitars', tagged: 5 },
      ],
    });
    served = await startServe(db, env);
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1024, height: 768 }, pageErrors);
    mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('does not offer a retrain that would have nothing to learn from, says to classify first, and offers it once classified', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('retrain-waits').waitFor();
    expect(await page.getByTestId('retrain-waits').innerText()).toBe('Retraining learns from labelled tracks once they have been listened to: classify the library first.');
    expect(await page.getByTestId('retrain').isDisabled()).toBe(true);
    expect(await page.getByTestId('label-needs').count()).toBe(0);
    expect(await page.getByTestId('label-unheard').allInnerTexts()).toEqual(['classify first', 'classify first']);
    await page.screenshot({ path: join(shots, 'models-classify-first.png') });
    const cli = await runCli(['labels', '--db', db], { env });
    expect(cli.stdout).toContain('10 of them not listened to yet: `genre-tagger classify` brings them in.');
    expect(cli.stdout).toMatch(/^Orchestral +5 +0 +0 +5 {2}0 listened to: classify before retraining$/m);

    // classified from right here, with its progress shown
    await page.getByTestId('models-classify').click();
    const progress = page.getByTestId('models-view').locator('[data-testid=job-progress][data-kind=classify]');
    await progress.waitFor();
    await page.screenshot({ path: join(shots, 'models-classifying.png') });
    await expect.poll(() => page.getByTestId('retrain').isDisabled(), { timeout: 90_000 }).toBe(false);
    expect(await progress.count()).toBe(0);
    expect(await page.getByTestId('models-classify').count()).toBe(0);
    expect(await page.getByTestId('retrain-waits').count()).toBe(0);
    expect(await page.getByTestId('label-unheard').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});

describe('the Models and Review views: a retrain in a taxonomy the base models name in part', () => {
  const tmp = makeTempDir();
  const db = join(tmp.dir, 'lib.sqlite');
  let served: Served;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // 400 labelled tracks in 4 genres, of which the base models name two (Rock, Jazz), with stored embeddings.
    const columns = embeddingColumnsFor({ clip: gtzanFeatureNames, segmentStats: gtzanFeatureNames, models: [{ kind: 'ensemble', labels: gtzan }] });
    labelledLibrary(db, 400, columns, ['Rock', 'Island', 'Jazz', 'Orchestral']);
    served = await startServe(db, { GENRE_TAGGER_HOME: join(tmp.dir, 'home') });
    browser = await launchBrowser();
    page = await openAppPage(browser, served, { width: 1024, height: 768 }, pageErrors);
  });
  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    tmp.cleanup();
  });

  it('says, beside the two accuracies, that the active model names only 2 of the 4 genres', async () => {
    await page.getByTestId('nav-models').click();
    await page.getByTestId('retrain').click();
    await page.getByTestId('retrain-result').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('report-active-some').innerText()).toBe('The active model names 2 of these 4 genres; on the others it cannot be right.');
    await page.getByTestId('nav-review').click();
    const result = page.getByTestId('review-retrain-result');
    await result.waitFor();
    expect(await result.locator('p').first().innerText()).toMatch(
      /^New version \S+: \d+% accuracy against \d+% for the active one, which names only 2 of these 4 genres\. It is (better\.|not better: compare before activating it\.)$/,
    );
    await page.getByTestId('review-empty').waitFor(); // every track is labelled
    await page.screenshot({ path: join(shots, 'review-retrain-names-some.png') });
    expect(pageErrors).toEqual([]);
  });
});
