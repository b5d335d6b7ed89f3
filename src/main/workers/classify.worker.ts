import { classifyJob } from './classify.job.ts';
import { runInWorker } from './run-in-worker.ts';

runInWorker(classifyJob);
