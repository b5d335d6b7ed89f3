import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { isJobOf } from '../../../shared/api/jobs.ts';
import type { JobInfo, JobInfoOf, JobKind } from '../../../shared/contract.ts';
import { api } from '../lib/api.ts';

/** Every job the main process reports, live from `job.progress` events. */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<Record<string, JobInfo>>({});
  let listening = false;

  function upsert(job: JobInfo): void {
    jobs.value = { ...jobs.value, [job.id]: job };
  }

  async function init(): Promise<void> {
    if (listening) return;
    listening = true;
    api.on('job.progress', upsert);
    for (const job of await api.call('jobs.list', {})) upsert(job);
  }

  const running = computed(() => Object.values(jobs.value).filter((j) => j.status === 'running'));
  /** The job of this kind started last, with its result typed for the kind. */
  const latest = <K extends JobKind>(kind: K): JobInfoOf<K> | null =>
    Object.values(jobs.value)
      .filter((j) => isJobOf(j, kind))
      .sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;

  async function cancel(id: string): Promise<void> {
    upsert(await api.call('jobs.cancel', { id }));
  }

  return { jobs, running, latest, init, upsert, cancel };
});
