import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { JobInfo, JobKind } from '../../../shared/contract.ts';
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
  const latest = (kind: JobKind): JobInfo | null =>
    Object.values(jobs.value)
      .filter((j) => j.kind === kind)
      .sort((a, b) => b.startedAt - a.startedAt)[0] ?? null;

  async function cancel(id: string): Promise<void> {
    upsert(await api.call('jobs.cancel', { id }));
  }

  return { jobs, running, latest, init, upsert, cancel };
});
