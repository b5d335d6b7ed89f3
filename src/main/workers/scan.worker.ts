import { runInWorker } from './run-in-worker.ts';
import { scanJob } from './scan.job.ts';

runInWorker(scanJob);
