import { parseArgs } from 'node:util';
import { jobResult } from '../../../shared/api/jobs.ts';
import { LEFT_ELSEWHERE, UNCLASSIFIABLE_BECAUSE } from '../../../shared/api/predictions.ts';
import { FfmpegNotFoundError, locateFfmpegAsync } from '../../core/audio/locate-ffmpeg.ts';
import { activeModels } from '../../core/classify/active-models.ts';
import { scanIssues } from '../../services/library.ts';
import { modelStore, startClassification } from '../../services/predictions.ts';
import { openCliContext } from '../cli-context.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { formatDuration, waitWithProgress } from '../progress-printer.ts';
import { classifiedHeader, classifiedJson, classifiedText, classifiedTrack, classifiedTracks } from './classify-output.ts';
import { parseModelKind } from './model-options.ts';
import { printable } from '../printable.ts';

export const classifyCommand: CliCommand = {
  name: 'classify',
  summary: 'Scan folders, listen to every new or changed track and print its predicted genre (the main job)',
  usage: 'genre-tagger classify <folder…> [--db FILE] [--model cnn|svm|mlfi|ensemble] [--json] [--force] [--workers N] [--compute auto|cpu|gpu] [--quiet]',
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        db: { type: 'string' },
        model: { type: 'string' },
        json: { type: 'boolean' },
        force: { type: 'boolean' },
        workers: { type: 'string' },
        compute: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
    if (positionals.length === 0) throw new UsageError('Name at least one folder to classify.');
    const workers = values.workers === undefined ? undefined : Number(values.workers);
    if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new UsageError('--workers takes a whole number of at least 1');
    const compute = values.compute;
    if (compute !== undefined && compute !== 'auto' && compute !== 'cpu' && compute !== 'gpu') throw new UsageError('--compute takes auto, cpu or gpu');
    const { ctx, api } = openCliContext(values.db);
    const quiet = values.quiet || values.json;
    try {
      const models = activeModels(modelStore(ctx));
      if (models.length === 0) {
        process.stderr.write('No genre model is installed: run `npm run train:defaults`, or `genre-tagger train`.\n');
        return 1;
      }
      const kind = values.model ? parseModelKind(values.model) : models[0].kind;
      if (!models.some((m) => m.kind === kind)) {
        process.stderr.write(`No ${kind} model is installed (active: ${models.map((m) => `${m.kind} ${m.version}`).join(', ')}).\n`);
        return 1;
      }
      // Found while the scan runs, so that the classification's threads inherit it: otherwise each of its workers
      // runs `ffmpeg -version` itself, a fork of this whole process while both cores are busy (about 10,000 more
      // page faults and 0.15 s more for a 4-file run on the 2-core benchmark machine).
      const ffmpegFound = locateFfmpegAsync();
      const roots = [];
      for (const folder of positionals) roots.push(await api['library.addRoot']({ path: folder }));
      const ids = [...new Set(roots.map((r) => r.id))];
      const { jobId } = await api['library.scan']({ rootIds: ids, classify: false });
      const scan = await waitWithProgress(ctx, jobId, quiet);
      if (scan.status === 'failed') {
        process.stderr.write(`Scan failed: ${scan.error}\n`);
        return 1;
      }
      if (jobResult(scan, 'scan')?.cancelled || scan.status === 'cancelled') return 130;
      if (!(await ffmpegFound)) {
        process.stderr.write(`${new FfmpegNotFoundError().message}\n`);
        return 1;
      }
      // Each track is printed as soon as its result is stored (a run over a large library shows its answers as
      // they come, not hours later), then every other track under the folders (unchanged, unreadable) in path order.
      const out = process.stdout;
      if (!values.json) out.write(`${classifiedHeader}\n`);
      const printed = new Set<number>();
      const print = (t: ReturnType<typeof classifiedTrack>): void => {
        if (!t || printed.has(t.trackId)) return;
        printed.add(t.trackId);
        // the live progress line on a terminal is cleared first (the next progress redraws it under the track)
        if (!quiet && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
        out.write(`${values.json ? classifiedJson(t) : classifiedText(t)}\n`);
      };
      const job = startClassification(ctx, { rootIds: ids, force: values.force, workers, commitEachTrack: true, compute });
      const off = ctx.events.on('classify.tracks', (e) => {
        if (e.jobId !== job?.id) return;
        for (const id of e.trackIds) print(classifiedTrack(ctx.db, id, kind));
      });
      let done;
      try {
        done = job ? await waitWithProgress(ctx, job.id, quiet) : null;
      } finally {
        off();
      }
      if (done?.status === 'failed') {
        process.stderr.write(`Classification failed: ${done.error}\n`);
        return 1;
      }
      const summary = done ? jobResult(done, 'classify') : null;
      for (const t of classifiedTracks(ctx.db, ids, kind)) print(t);
      const count = printed.size;
      // What the scan could not list or open is no track, so it is not in the table: say so (on stderr, for people).
      const skipped = scanIssues(ctx, 20, ids);
      if (skipped.total > 0) {
        process.stderr.write(`Skipped ${skipped.total} file${skipped.total === 1 ? '' : 's'} or folder${skipped.total === 1 ? '' : 's'} the scan could not list or open:\n`);
        for (const i of skipped.issues) process.stderr.write(`  ${printable(i.path)}\n    ${i.error}\n`);
        if (skipped.total > skipped.issues.length) process.stderr.write(`  … and ${skipped.total - skipped.issues.length} more (genre-tagger scan --json lists them all)\n`);
      }
      if (!values.json) {
        const model = models.find((m) => m.kind === kind)!;
        const s = summary;
        const did = s
          ? `${s.cancelled ? 'Cancelled after' : 'Listened to'} ${s.classified} of ${s.total} new or changed track${s.total === 1 ? '' : 's'} in ${formatDuration(s.elapsedMs)}` +
            ` (${s.workers} worker${s.workers === 1 ? '' : 's'}${s.compute ? `, models on the ${s.compute.label}` : ''}${s.unreadable ? `; ${s.unreadable} could not be classified: ${UNCLASSIFIABLE_BECAUSE}` : ''}` +
            `${s.skipped ? `; ${s.skipped} vanished or removed meanwhile` : ''}${s.elsewhere ? `; ${s.elsewhere} ${LEFT_ELSEWHERE}` : ''}` +
            `${s.failed ? `; ${s.failed} failed` : ''}); `
          : '';
        process.stderr.write(`${did}${count} track${count === 1 ? '' : 's'}; genres by ${model.kind} ${model.version}.\nLibrary: ${ctx.dbPath}\n`);
      }
      return summary?.cancelled || done?.status === 'cancelled' ? 130 : 0;
    } finally {
      await ctx.close();
    }
  },
};
