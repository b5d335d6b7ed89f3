import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext } from '../../src/main/services/app-context.ts';
import type { AppContext } from '../../src/main/services/app-context.ts';
import { dispatch } from '../../src/main/services/dispatch.ts';
import { createHandlers } from '../../src/main/services/handlers.ts';
import type { Handlers } from '../../src/main/services/handler-set.ts';
import type { BulkLabelResult, TrackLabel } from '../../src/shared/contract.ts';
import { insertSyntheticTracks } from '../helpers/synthetic-library.ts';
import { makeTempDir } from '../helpers/temp-dir.ts';

/** Bulk labels through the API boundary (zod validation, the real services, a real SQLite file). */
describe('bulk labels with undo', () => {
  const tmp = makeTempDir();
  let ctx: AppContext;
  let handlers: Handlers;
  const call = (method: string, input: unknown): Promise<unknown> => dispatch(handlers, method, input);
  const bulk = (input: unknown): Promise<BulkLabelResult> => call('labels.bulk', input) as Promise<BulkLabelResult>;
  const labels = async (): Promise<Record<number, string>> =>
    Object.fromEntries(
      ((await call('labels.get', { trackIds: [1, 2, 3, 4, 5] })) as TrackLabel[]).map((l) => [l.trackId, `${l.genres.join(';')} (${l.source})`]),
    );

  beforeAll(() => {
    ctx = createAppContext({ shell: 'cli', dbPath: join(tmp.dir, 'lib.sqlite'), dataDir: join(tmp.dir, 'home') });
    handlers = createHandlers(ctx);
    insertSyntheticTracks(ctx.db, '/m', [
      { path: '/m/1.mp3', title: 'one', predicted: 'jazz', confidence: 0.3 },
      { path: '/m/2.mp3', title: 'two', predicted: 'rock', confidence: 0.4 },
      { path: '/m/3.mp3', title: 'three', predicted: 'pop', confidence: 0.9 },
      { path: '/m/4.mp3', title: 'four' },
      { path: '/m/5.mp3', title: 'five', predicted: 'metal', confidence: 0.2 },
    ]);
  });
  afterAll(async () => {
    await ctx.close();
    tmp.cleanup();
  });

  it('accepts each track its own prediction over a view resolved as the table resolves it, keeping corrections', async () => {
    await call('labels.set', { trackIds: [5], genres: ['Doom'], source: 'corrected' });
    await call('labels.set', { trackIds: [2], genres: ['rock'], source: 'accepted' });
    const view = { unsure: true };
    const table = (await call('library.query', { ...view, sort: 'title' })) as { total: number };
    const r = await bulk({ target: { view }, action: 'accept' });
    expect(r).toMatchObject({ total: table.total, changed: 1, unchanged: 1, keptCorrections: 1, noPrediction: 0 });
    expect(r.description).toBe('Accepted the predictions of 1 track');
    expect(await labels()).toEqual({ 1: 'jazz (accepted)', 2: 'rock (accepted)', 5: 'Doom (corrected)' });
    // Undo puts back exactly what was there (no label on 1).
    expect(await call('labels.undoBulk', { token: r.undoToken })).toEqual({ restored: 1, kept: 0 });
    expect(await labels()).toEqual({ 2: 'rock (accepted)', 5: 'Doom (corrected)' });
    // Only once.
    await expect(call('labels.undoBulk', { token: r.undoToken })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('sets genres on a selection as corrections, and undo restores each earlier label with its source', async () => {
    const r = await bulk({ target: { trackIds: [1, 2, 4, 5] }, action: 'set', genres: ['Hip-Hop', 'Soul'] });
    expect(r).toMatchObject({ total: 4, changed: 4 });
    expect(await labels()).toEqual({ 1: 'Hip-Hop;Soul (corrected)', 2: 'Hip-Hop;Soul (corrected)', 4: 'Hip-Hop;Soul (corrected)', 5: 'Hip-Hop;Soul (corrected)' });
    await call('labels.undoBulk', { token: r.undoToken });
    expect(await labels()).toEqual({ 2: 'rock (accepted)', 5: 'Doom (corrected)' });
  });

  it('clears labels; a track labelled again after the bulk action keeps its newer label on undo', async () => {
    const r = await bulk({ target: { trackIds: [2, 3, 5] }, action: 'clear' });
    expect(r).toMatchObject({ total: 3, changed: 2, unchanged: 1 });
    expect(await labels()).toEqual({});
    await call('labels.set', { trackIds: [5], genres: ['Sludge'], source: 'corrected' });
    expect(await call('labels.undoBulk', { token: r.undoToken })).toEqual({ restored: 1, kept: 1 });
    expect(await labels()).toEqual({ 2: 'rock (accepted)', 5: 'Sludge (corrected)' });
  });

  it('a newer bulk action replaces the undo of the older one', async () => {
    const first = await bulk({ target: { trackIds: [3] }, action: 'accept' });
    const second = await bulk({ target: { trackIds: [1] }, action: 'accept' });
    await expect(call('labels.undoBulk', { token: first.undoToken })).rejects.toMatchObject({ code: 'conflict' });
    expect(await call('labels.undoBulk', { token: second.undoToken })).toEqual({ restored: 1, kept: 0 });
    expect((await labels())[3]).toBe('pop (accepted)');
  });

  it('refuses bad input at the boundary and changes nothing', async () => {
    const before = await labels();
    await expect(bulk({ target: { trackIds: [1, 999] }, action: 'clear' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(bulk({ target: { trackIds: [1] }, action: 'set' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(bulk({ target: { trackIds: [1] }, action: 'accept', genres: ['x'] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(bulk({ target: { trackIds: [1] }, action: 'set', genres: [' '] })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(bulk({ target: { view: { nope: 1 } }, action: 'clear' })).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(bulk({ target: {}, action: 'clear' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await labels()).toEqual(before);
  });

  it('nothing to change gives no undo token', async () => {
    const r = await bulk({ target: { trackIds: [4] }, action: 'accept' });
    expect(r).toMatchObject({ changed: 0, noPrediction: 1, undoToken: null });
  });
});
