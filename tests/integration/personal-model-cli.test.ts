import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackRow } from '../../src/shared/api/library.ts';
import type { ImportTagsResult, LabelSummary, RetrainSummary, ReviewItem } from '../../src/shared/api/personal.ts';
import { requireGtzan } from '../helpers/gtzan.ts';
import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** GTZAN regrouped into a taxonomy the base models have never seen. */
const taxonomy: Record<string, string> = {
  classical: 'Orchestral',
  jazz: 'Smooth',
  blues: 'Smooth',
  country: 'Twang',
  metal: 'Loud Guitars',
  rock: 'Loud Guitars',
  disco: 'Dancefloor',
  pop: 'Dancefloor',
  hiphop: 'Rhymes & Riddims',
  reggae: 'Rhymes & Riddims',
};
const perGenre = 6;

function lines<T>(stdout: string): T[] {
  return stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as T);
}

describe('a personal model in the person\'s own taxonomy (real files, tags, classify, retrain, rollback)', () => {
  const tmp = makeTempDir();
  const music = join(tmp.dir, 'Music');
  const db = join(tmp.dir, 'lib.sqlite');
  const env = { GENRE_TAGGER_HOME: join(tmp.dir, 'home') };
  const cli = (...args: string[]) => runCli([...args, '--db', db], { env });
  const files: { path: string; gtzan: string; genre: string; tagged: boolean }[] = [];

  beforeAll(async () => {
    const gtzan = requireGtzan();
    for (const g of Object.keys(taxonomy)) {
      const dir = join(music, g);
      mkdirSync(dir, { recursive: true });
      const clips = readdirSync(join(gtzan, 'audio', g)).filter((f) => f.endsWith('.opus')).sort();
      for (let i = 0; i < perGenre; i++) {
        const src = join(gtzan, 'audio', g, clips[i]);
        // Every tag format the scanner reads genres from: ID3v2.3 (MP3), Vorbis comments (FLAC, Opus), MP4 ©gen.
        const format = (['mp3', 'flac', 'm4a', 'opus'] as const)[i % 4];
        const codec = { mp3: ['-c:a', 'libmp3lame', '-b:a', '96k', '-id3v2_version', '3'], flac: ['-c:a', 'flac'], m4a: ['-c:a', 'aac', '-b:a', '96k'], opus: ['-c:a', 'libopus', '-b:a', '48k'] }[format];
        const path = join(dir, `${g}-${i}.${format}`);
        // The last clip of every genre carries no genre tag: the model must predict it. One clip has an ID3v1 number, one a placeholder.
        const tagged = i < perGenre - 1;
        const genre = g === 'rock' && i === 0 ? '(17)' : g === 'pop' && i === 0 ? 'Other' : tagged ? taxonomy[g] : '';
        execFileSync('ffmpeg', ['-v', 'error', '-i', src, '-ac', '1', ...codec,
          '-metadata', `title=${g} ${i}`, '-metadata', `artist=${g} band`, '-metadata', `album=${g} ${i < 3 ? 'one' : 'two'}`,
          ...(genre ? ['-metadata', `genre=${genre}`] : []), path]);
        files.push({ path, gtzan: g, genre: taxonomy[g], tagged: tagged && genre === taxonomy[g] });
      }
    }
    // An extra Orchestral file in an Ogg container with two genres in two GENRE comments.
    const ogg = join(music, 'classical', 'two-genres.ogg');
    execFileSync('ffmpeg', ['-v', 'error', '-i', join(gtzan, 'audio/classical/classical.00007.opus'), '-c:a', 'libvorbis', '-q:a', '2',
      '-metadata', 'album=classical three', '-metadata', 'genre=Orchestral;Soundtrack', ogg]);
    const r = await cli('classify', music, '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
  }, 600_000);
  afterAll(() => tmp.cleanup());

  const listRows = async (): Promise<TrackRow[]> => {
    const r = await cli('list', '--json');
    expect(r.code, r.stderr).toBe(0);
    return lines<TrackRow>(r.stdout);
  };

  it('with no labels, behaves as before: the base models speak for every track, and retrain says what it needs', async () => {
    const rows = await listRows();
    expect(rows).toHaveLength(files.length + 1);
    for (const t of rows) {
      expect(t).toMatchObject({ label: null, labelSource: null });
      expect(['blues', 'classical', 'country', 'disco', 'hiphop', 'jazz', 'metal', 'pop', 'reggae', 'rock']).toContain(t.predictedGenre);
      expect(t.unsure).toBe(t.confidence! < 0.5);
    }
    const r = await cli('retrain');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Not enough labels yet: a personal model needs at least two genres with 5 labelled/);
    expect((await cli('models', 'list', '--model', 'personal')).stdout).toBe('');
  });

  it('imports the genre tags as labels: dry run first, numbers mapped, placeholders listed, several genres kept, idempotent', async () => {
    const dry = await cli('labels', 'import-tags', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as ImportTagsResult;
    expect(plan.dryRun).toBe(true);
    expect(plan.junk).toEqual([{ value: 'Other', count: 1 }]);
    expect(plan.genres.find((g) => g.genre === 'Rock')?.count).toBe(1); // "(17)"
    expect(plan.genres.find((g) => g.genre === 'Soundtrack')?.count).toBe(1);
    expect(plan.genres.find((g) => g.genre === 'Orchestral')?.count).toBe(perGenre); // 5 tagged MP3s + the Ogg
    expect(plan.created).toBe(plan.tracks);
    expect((JSON.parse((await cli('labels', '--json')).stdout) as LabelSummary).labelled).toBe(0);

    const first = JSON.parse((await cli('labels', 'import-tags', '--json')).stdout) as ImportTagsResult;
    expect(first.created).toBe(plan.tracks);
    const again = JSON.parse((await cli('labels', 'import-tags', '--json')).stdout) as ImportTagsResult;
    expect(again).toMatchObject({ created: 0, updated: 0, removed: 0, unchanged: plan.tracks });

    const rows = await listRows();
    const ogg = rows.find((t) => t.path.endsWith('two-genres.ogg'))!;
    expect(ogg.label).toEqual(['Orchestral', 'Soundtrack']);
    expect(ogg.labelSource).toBe('tag');
  });

  it("keeps a person's correction over the file's tag", async () => {
    const rock0 = files.find((f) => f.path.endsWith('rock-0.mp3'))!;
    const pop0 = files.find((f) => f.path.endsWith('pop-0.mp3'))!;
    expect((await cli('label', rock0.path, '--genre', 'Loud Guitars')).code).toBe(0);
    expect((await cli('label', pop0.path, '--genre', 'Dancefloor')).code).toBe(0);
    const r = JSON.parse((await cli('labels', 'import-tags', '--json')).stdout) as ImportTagsResult;
    expect(r.keptPersonal).toBe(1); // rock-0's tag says Rock; the person said Loud Guitars
    const rows = await listRows();
    expect(rows.find((t) => t.path === rock0.path)).toMatchObject({ label: ['Loud Guitars'], labelSource: 'corrected' });
    const summary = JSON.parse((await cli('labels', '--json')).stdout) as LabelSummary;
    expect(summary.genres.find((g) => g.genre === 'Soundtrack')).toMatchObject({ count: 1, needed: 4, listened: 1 });
    expect(summary.notListened).toBe(0);
  });

  it('retrains in the new taxonomy, beats the base models on album-grouped folds, predicts unlabelled tracks, rolls back exactly', async () => {
    const before = await listRows();
    const review = lines<ReviewItem>((await cli('review', '--json', '--limit', '5')).stdout);
    expect(review).toHaveLength(5);
    const labelled = new Set(before.filter((t) => t.label).map((t) => t.id));
    for (const item of review) expect(labelled.has(item.trackId)).toBe(false);

    const r = await cli('retrain', '--json');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as RetrainSummary;
    expect([...s.report.genres].sort()).toEqual(['Dancefloor', 'Loud Guitars', 'Orchestral', 'Rhymes & Riddims', 'Smooth', 'Twang']);
    expect(s.report.needMore).toEqual([{ genre: 'Soundtrack', count: 1, needed: 4 }]);
    expect(s.report.active?.name).toMatch(/^base models|^ensemble /);
    // The base models cannot name one of these genres: the new model must be better, and is activated.
    expect(s.report.candidate.accuracy).toBeGreaterThan(s.report.active!.accuracy);
    expect(s.activated).toBe(true);
    expect(s.repredicted).toBe(before.length);

    const after = await listRows();
    const unlabelled = files.filter((f) => !f.tagged && !/rock-0|pop-0/.test(f.path));
    let right = 0;
    for (const f of unlabelled) {
      const row = after.find((t) => t.path === f.path)!;
      expect(Object.values(taxonomy)).toContain(row.predictedGenre);
      if (row.predictedGenre === f.genre) right++;
    }
    // Chance is 1 in 6; the base models' genres could not score at all.
    expect(right).toBeGreaterThanOrEqual(4);

    // Rollback: back to the base models, exactly as before; activating again gives exactly the same predictions.
    expect((await cli('models', 'rollback', '--model', 'personal')).code).toBe(0);
    const rolledBack = await listRows();
    expect(rolledBack.map((t) => [t.id, t.predictedGenre, t.confidence])).toEqual(before.map((t) => [t.id, t.predictedGenre, t.confidence]));
    expect((await cli('models', 'activate', '--model', 'personal', s.version)).code).toBe(0);
    expect((await listRows()).map((t) => [t.id, t.predictedGenre, t.confidence])).toEqual(after.map((t) => [t.id, t.predictedGenre, t.confidence]));
  });

  it('keeps the base models working with a personal model active: a new file is classified and named in the person\'s genres', async () => {
    copyFileSync(join(requireGtzan(), 'audio/metal/metal.00009.opus'), join(music, 'new-metal.opus'));
    const r = await cli('classify', music, '--json', '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const line = lines<{ path: string; models: Record<string, unknown> }>(r.stdout).find((l) => l.path.endsWith('new-metal.opus'))!;
    expect(Object.keys(line.models).sort()).toEqual(['cnn', 'ensemble', 'mlfi', 'svm']);
    const row = (await listRows()).find((t) => t.path.endsWith('new-metal.opus'))!;
    expect(Object.values(taxonomy)).toContain(row.predictedGenre);
  });
});
