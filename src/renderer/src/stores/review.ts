import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { LabelSource, ReviewItem, TrackDetail, TrackLabel, TrackPredictions } from '../../../shared/contract.ts';
import { useApiCall } from '../composables/use-api-call.ts';
import { api } from '../lib/api.ts';
import { stopReviewPlayback } from '../lib/review-playback.ts';
import { useModelsStore } from './models.ts';

/** GTZAN's ten genres: offered by the genre input beside the person's own. */
export const gtzanGenreNames = ['Blues', 'Classical', 'Country', 'Disco', 'Hip-Hop', 'Jazz', 'Metal', 'Pop', 'Reggae', 'Rock'];

const queueSize = 50;
/** New labels since the last retrain after which the view suggests retraining. */
export const retrainAfterLabels = 10;

interface DoneLabel {
  item: ReviewItem;
  genres: string[];
  /** The track's label before (the review queue holds unlabelled tracks, so usually none). */
  previous: TrackLabel | null;
}

/**
 * The review queue, one track at a time: the unlabelled tracks whose label would teach the personal model most
 * (personal.review), refreshed as labels arrive, with this session's labels (for undo and the counter).
 */
export const useReviewStore = defineStore('review', () => {
  const models = useModelsStore();
  const queue = ref<ReviewItem[]>([]);
  const loaded = ref(false);
  const { run, busy, error } = useApiCall();
  const notice = ref<string | null>(null);
  const detail = ref<TrackDetail | null>(null);
  const predictions = ref<TrackPredictions | null>(null);
  const done = ref<DoneLabel[]>([]);
  const skipped = ref<Set<number>>(new Set());
  /** Labels of this session when the last retrain started. */
  const labelsAtRetrain = ref(0);
  /** A genre that has just reached the number of examples the model needs to learn it. */
  const genreJustReady = ref<string | null>(null);

  const current = computed<ReviewItem | null>(() => queue.value[0] ?? null);
  const labelledThisSession = computed(() => done.value.length);
  const sinceRetrain = computed(() => done.value.length - labelsAtRetrain.value);
  /**
   * Before any personal version exists, the suggestions are the base models' genres: the person's genres with
   * enough labels that the base models cannot name ("Dub & Reggae" from the tags) are offered by nothing but typing,
   * and 1-9 would label base genres beside them. A first retrain (once one can run) makes the suggestions theirs.
   */
  const genresOnlyRetrainSuggests = computed(() => {
    const summary = models.summary;
    // a retrain learns from labelled tracks that have been listened to: none yet (a first classification), no prompt
    const listened = summary ? summary.labelled - summary.notListened : 0;
    if (!summary || models.versions.length > 0 || !models.canRetrain || listened < 2 * summary.minExamples) return [];
    return summary.genres.filter((g) => g.listened >= summary.minExamples && g.baseLabel === null).map((g) => g.genre);
  });
  const suggestRetrain = computed(
    () =>
      models.canRetrain &&
      !models.retrainRunning &&
      (sinceRetrain.value >= retrainAfterLabels || genreJustReady.value !== null || genresOnlyRetrainSuggests.value.length > 0),
  );
  /** The person's genres first (most labelled first), then GTZAN's that the person has not used. */
  const knownGenres = computed(() => {
    const own = models.summary?.genres.map((g) => g.genre) ?? [];
    const lower = new Set(own.map((g) => g.toLowerCase().replace(/[\s-]/g, '')));
    return [...own, ...gtzanGenreNames.filter((g) => !lower.has(g.toLowerCase().replace(/[\s-]/g, '')))];
  });

  async function loadCurrent(): Promise<void> {
    const item = current.value;
    detail.value = null;
    predictions.value = null;
    if (!item) return;
    await run(
      async () => {
        const [d, p] = await Promise.all([api.call('library.track', { id: item.trackId }), api.call('predictions.track', { id: item.trackId })]);
        if (current.value?.trackId !== item.trackId) return;
        detail.value = d;
        predictions.value = p;
      },
      { clearError: 'never', busy: false },
    );
  }

  /**
   * Fetches the queue again (the order changes as labels arrive and after a retrain) and keeps the track shown in
   * place when it is still due, so the page does not change under the person's fingers.
   */
  async function refresh(): Promise<void> {
    await run(
      async () => {
        const fresh = await api.call('personal.review', { limit: queueSize });
        const labelled = new Set(done.value.map((d) => d.item.trackId));
        const due = fresh.filter((i) => !labelled.has(i.trackId) && !skipped.value.has(i.trackId));
        const shown = current.value;
        const kept = shown ? due.find((i) => i.trackId === shown.trackId) : undefined;
        queue.value = kept ? [kept, ...due.filter((i) => i !== kept)] : due;
        loaded.value = true;
        if (queue.value[0]?.trackId !== shown?.trackId) {
          stopReviewPlayback();
          await loadCurrent();
        }
      },
      { clearError: 'never', busy: false },
    );
  }

  async function init(): Promise<void> {
    await models.init();
    await refresh();
  }

  async function advance(): Promise<void> {
    stopReviewPlayback();
    queue.value = queue.value.slice(1);
    await loadCurrent();
    // The queue's order depends on what is labelled: ask again every few labels, and before it runs dry.
    if (queue.value.length < 5 || done.value.length % 5 === 0) await refresh();
  }

  /** The person's steps (label, skip, undo) run one after the other, in the order pressed. */
  let steps: Promise<void> = Promise.resolve();
  /** The kinds of step waiting or running: the same kind pressed again meanwhile counts once. */
  const stepsUnderWay = new Set<'label' | 'skip' | 'undo'>();

  /**
   * A step of the person's. A different step pressed while one runs waits for it: Z pressed right after S undoes
   * once the skip has landed, instead of being lost while the next track loads (it was, on a busy machine). The
   * same step pressed again before the first has finished (a double click, a key pressed twice by accident) counts
   * once, as before; a held key's repeats are ignored by the view.
   */
  function guard(kind: 'label' | 'skip' | 'undo', action: () => Promise<void>): Promise<void> {
    if (stepsUnderWay.has(kind)) return Promise.resolve();
    stepsUnderWay.add(kind);
    // run() reports a failure in `error` and never rejects
    const step = steps.then(async () => {
      await run(action);
      stepsUnderWay.delete(kind);
    });
    steps = step;
    return step;
  }

  /** Labels the shown track: 'accepted' when it is the model's top genre, else 'corrected'. */
  function label(genres: string[]): Promise<void> {
    return guard('label', async () => {
      const item = current.value;
      if (!item || genres.length === 0) return;
      const top = item.suggestions[0]?.genre ?? item.predictedGenre;
      const source: Exclude<LabelSource, 'tag'> =
        genres.length === 1 && top !== null && genres[0].toLowerCase() === top.toLowerCase() ? 'accepted' : 'corrected';
      const previous = (await api.call('labels.get', { trackIds: [item.trackId] }))[0] ?? null;
      // what a retrain can learn from: labelled tracks listened to (the review queue's tracks all are)
      const before = new Map(models.summary?.genres.map((g) => [g.genre, g.listened]) ?? []);
      await api.call('labels.set', { trackIds: [item.trackId], genres, source });
      done.value = [...done.value, { item, genres, previous }];
      notice.value = `Labelled “${item.title ?? fileName(item.path)}” as ${genres.join('; ')}${source === 'accepted' ? ' (accepted)' : ''}.`;
      await models.loadSummary();
      const min = models.summary?.minExamples ?? 5;
      const ready = models.summary?.genres.find((g) => genres.includes(g.genre) && g.listened >= min && (before.get(g.genre) ?? 0) < min);
      if (ready) genreJustReady.value = ready.genre;
      await advance();
    });
  }

  function labelSuggestion(n: number): Promise<void> {
    const s = current.value?.suggestions[n - 1];
    return s ? label([s.genre]) : Promise.resolve();
  }

  function skip(): Promise<void> {
    return guard('skip', async () => {
      const item = current.value;
      if (!item) return;
      skipped.value = new Set([...skipped.value, item.trackId]);
      notice.value = `Skipped “${item.title ?? fileName(item.path)}”.`;
      await advance();
    });
  }

  /** Takes back the last label of this session and shows its track again. */
  function undo(): Promise<void> {
    return guard('undo', async () => {
      const last = done.value.at(-1);
      if (!last) {
        notice.value = 'Nothing to undo.';
        return;
      }
      const id = last.item.trackId;
      if (last.previous && last.previous.source !== 'tag') {
        await api.call('labels.set', { trackIds: [id], genres: last.previous.genres, source: last.previous.source });
      } else {
        // A label from a tag comes back with the next "import tags"; the queue holds unlabelled tracks, so this is rare.
        await api.call('labels.clear', { trackIds: [id] });
      }
      done.value = done.value.slice(0, -1);
      if (labelsAtRetrain.value > done.value.length) labelsAtRetrain.value = done.value.length;
      genreJustReady.value = null;
      stopReviewPlayback();
      queue.value = [last.item, ...queue.value.filter((i) => i.trackId !== id)];
      notice.value = `Undone: “${last.item.title ?? fileName(last.item.path)}” is unlabelled again.`;
      await Promise.all([loadCurrent(), models.loadSummary()]);
    });
  }

  /** Starts over with the tracks skipped in this session. */
  function reviewSkipped(): Promise<void> {
    skipped.value = new Set();
    return refresh();
  }

  async function retrain(): Promise<void> {
    if (await models.retrain()) {
      labelsAtRetrain.value = done.value.length;
      genreJustReady.value = null;
    }
  }

  return {
    queue, loaded, error, notice, detail, predictions, done, skipped, busy, current, labelledThisSession, sinceRetrain, suggestRetrain,
    genreJustReady, genresOnlyRetrainSuggests, knownGenres, init, refresh, label, labelSuggestion, skip, undo, reviewSkipped, retrain,
  };
});

function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}
