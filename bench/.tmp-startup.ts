import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { createAppContext } from '../src/main/services/app-context.ts';
import { addRoot, startScan } from '../src/main/services/library.ts';
import { startClassification } from '../src/main/services/predictions.ts';
for (let r = 0; r < 3; r++) {
  rmSync('/tmp/st/db.sqlite', { force: true }); rmSync('/tmp/st/db.sqlite-wal', { force: true }); rmSync('/tmp/st/db.sqlite-shm', { force: true });
  const ctx = createAppContext({ shell: 'cli', dbPath: '/tmp/st/db.sqlite', dataDir: '/tmp/st/data' });
  const root = addRoot(ctx, '/tmp/st/music');
  await ctx.jobs.wait(startScan(ctx, [root.id], { classify: false }).jobId);
  const t0 = performance.now();
  process.stderr.write(`T ${Date.now()%100000} start\n`);
  const job = startClassification(ctx, { workers: 2 })!;
  const done = await ctx.jobs.wait(job.id);
  console.log('classify 1 x 3 s file:', (performance.now() - t0).toFixed(0), 'ms', done.status);
  await ctx.close();
}
