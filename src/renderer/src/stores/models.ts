import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import type { ActiveModelInfo, JobInfoOf, LabelSummary, PersonalVersionInfo, RetrainSummary } from '../../../shared/contract.ts';
import { useApiCall } from '../composables/use-api-call.ts';
import { api } from '../lib/api.ts';
import { coalesced } from '../../../shared/coalesced.ts';
import { useJobsStore } from './jobs.ts';

/**
 * The models that speak for the library: the base models, the personal versions, the label counts they learn
 * from, and the retrain job. Shared by the Models view and the Review view's "Retrain now" prompt.
 */
export const useModelsStore = defineStore('models', () => {
  const jobs = useJobsStore();
  const baseModels = ref<ActiveModelInfo[]>([]);
  const versions = ref<PersonalVersionInfo[]>([]);
  const summary = ref<LabelSummary | null>(null);
  const { run: runCall, busy, error } = useApiCall();
  /** Retrain results the person already decided on ("Keep the current one" or activated): their panel closes. */
  const decided = ref<Set<string>>(new Set());
  let listening = false;

  const active = computed(() => versions.value.find((v) => v.active) ?? null);
  const retrainJob = computed<JobInfoOf<'retrain'> | null>(() => jobs.latest('retrain'));
  const retrainRunning = computed(() => retrainJob.value?.status === 'running');
  /** The finished retrain whose new version waits for the person's decision, if any. */
  const pendingResult = computed<RetrainSummary | null>(() => {
    const j = retrainJob.value;
    const r = j?.status === 'done' ? j.result : null;
    return !r || decided.value.has(r.version) ? null : r;
  });
  /** Genres a retrain would learn (enough labelled tracks listened to); a personal model needs two. */
  const trainableGenres = computed(() => summary.value?.genres.filter((g) => g.listened >= summary.value!.minExamples).length ?? 0);
  const canRetrain = computed(() => trainableGenres.value >= 2);
  /** Enough labels for a retrain, but too few of those tracks listened to: classifying the library comes first. */
  const retrainWaitsForListening = computed(() => !canRetrain.value && (summary.value?.genres.filter((g) => g.needed === 0).length ?? 0) >= 2);
  const needMore = computed(() => summary.value?.genres.filter((g) => g.needed > 0) ?? []);

  async function loadSummary(): Promise<void> {
    summary.value = await api.call('labels.summary', {});
  }

  async function load(): Promise<void> {
    await runCall(
      async () => {
        const [status, list] = await Promise.all([api.call('predictions.status', {}), api.call('personal.versions', {}), loadSummary()]);
        baseModels.value = status.models;
        versions.value = [...list].sort((a, b) => b.createdAt - a.createdAt);
      },
      { busy: false },
    );
  }

  async function init(): Promise<void> {
    await jobs.init();
    if (!listening) {
      listening = true;
      const reload = coalesced(() => void load(), 200);
      api.on('library.changed', () => reload.trigger());
      // A retrain that ends stores a new version.
      watch(() => retrainJob.value?.status, (status, before) => {
        if (before === 'running' && status !== 'running') void load();
      });
    }
    await load();
  }

  /** An action of the person's: busy while it runs, then the models are loaded again. */
  function run(action: () => Promise<unknown>): Promise<boolean> {
    return runCall(async () => {
      await action();
      await load();
    });
  }

  /** Trains a new version and keeps it inactive: the person compares and decides. */
  function retrain(): Promise<boolean> {
    return run(async () => {
      const { jobId } = await api.call('personal.retrain', { activate: 'never' });
      jobs.upsert(await api.call('jobs.get', { id: jobId }));
    });
  }

  function activate(version: string | null): Promise<boolean> {
    if (version) decided.value = new Set([...decided.value, version]);
    return run(() => api.call('personal.activate', { version }));
  }

  function rollback(): Promise<boolean> {
    return run(() => api.call('personal.rollback', {}));
  }

  function keepCurrent(version: string): void {
    decided.value = new Set([...decided.value, version]);
  }

  /** The confidence under which a prediction is shown as unsure (0..1). */
  function setUnsureThreshold(threshold: number): Promise<boolean> {
    return run(() => api.call('personal.setUnsureThreshold', { threshold }));
  }

  async function cancelRetrain(): Promise<void> {
    if (retrainJob.value) await jobs.cancel(retrainJob.value.id);
  }

  return {
    baseModels, versions, summary, error, busy, active, retrainJob, retrainRunning, pendingResult, trainableGenres, canRetrain, retrainWaitsForListening, needMore,
    init, load, loadSummary, retrain, activate, rollback, keepCurrent, cancelRetrain, setUnsureThreshold,
  };
});
