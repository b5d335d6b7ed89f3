import { parseArgs } from 'node:util';
import { ModelStore } from '../../core/models/store/model-store.ts';
import { shippedModelsDir, userModelsDir } from '../../core/models/store/shipped-models-dir.ts';
import { userDataDir } from '../../services/user-data-dir.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseModelKind } from './model-options.ts';
import { activatePersonal, personalVersions, rollbackPersonal } from '../../services/personal.ts';
import { openCliContext } from '../cli-context.ts';

/** `models … --model personal`, or a version named personal-…: the library's personal versions. */
async function personalAction(action: string, version: string | undefined, db: string | undefined, json: boolean): Promise<number> {
  const { ctx } = openCliContext(db);
  const out = process.stdout;
  try {
    if (action === 'list') {
      for (const v of personalVersions(ctx)) {
        if (json) out.write(`${JSON.stringify({ kind: 'personal', version: v.version, active: v.active, createdAt: new Date(v.createdAt).toISOString(), genres: v.genres, metrics: { crossValidation: { folds: v.report.folds, grouping: v.report.grouping, accuracy: v.report.candidate.accuracy, macroF1: v.report.candidate.macroF1, n: v.report.evaluated } } })}\n`);
        else {
          out.write(`${v.active ? '*' : ' '} ${'personal'.padEnd(8)} ${v.version.padEnd(34)} library ${new Date(v.createdAt).toISOString().slice(0, 10)}  ` +
            `${v.report.folds}-fold album CV ${(100 * v.report.candidate.accuracy).toFixed(1)}% of ${v.report.evaluated}, ${v.genres.length} genres\n`);
        }
      }
      return 0;
    }
    if (action === 'activate') {
      if (!version) throw new UsageError('Name the version to activate (or `none` for the base models)');
      const r = activatePersonal(ctx, version === 'none' ? null : version);
      out.write(r.version ? `Active personal model: ${r.version} (${r.predicted} tracks re-predicted)\n` : 'No personal model is active: the base models speak for every track.\n');
      return 0;
    }
    if (action === 'rollback') {
      const r = rollbackPersonal(ctx);
      out.write(r.version ? `Active personal model: ${r.version} (${r.predicted} tracks re-predicted)\n` : 'No personal model is active now: the base models speak for every track.\n');
      return 0;
    }
    throw new UsageError(`Unknown action ${action} for personal models`);
  } finally {
    await ctx.close();
  }
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List model versions, choose the active one, roll back',
  usage:
    'genre-tagger models [list [--model KIND]] | activate --model KIND VERSION | rollback --model KIND | remove --model KIND VERSION  [--json]\n' +
    '       KIND: cnn, svm, mlfi, ensemble, or personal (the library\'s personal versions; with --db FILE; `activate --model personal none` returns to the base models)',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, json: { type: 'boolean' }, db: { type: 'string' } } });
    const [action = 'list', version] = positionals;
    if (values.model === 'personal' || (action === 'activate' && !values.model && version?.startsWith('personal-'))) {
      return personalAction(action, version, values.db, values.json ?? false);
    }
    const store = new ModelStore({ userDir: userModelsDir(userDataDir()), shippedDir: shippedModelsDir() });
    const out = process.stdout;
    if (action === 'list') {
      const kind = values.model ? parseModelKind(values.model) : undefined;
      const versions = store.list(kind);
      if (values.json) {
        for (const v of versions) out.write(`${JSON.stringify({ kind: v.manifest.kind, version: v.manifest.version, active: v.active, source: v.source, dir: v.dir, createdAt: v.manifest.createdAt, metrics: v.manifest.metrics })}\n`);
        return kind ? 0 : personalAction('list', undefined, values.db, true);
      }
      if (versions.length === 0) out.write('No models installed.\n');
      for (const v of versions) {
        const m = v.manifest.metrics;
        const acc = m.test
          ? `test ${(100 * m.test.accuracy).toFixed(1)}% of ${m.test.n}`
          : m.crossValidation
            ? `${m.crossValidation.folds}-fold CV ${(100 * m.crossValidation.pooled.accuracy).toFixed(1)}%`
            : '';
        out.write(`${v.active ? '*' : ' '} ${v.manifest.kind.padEnd(8)} ${v.manifest.version.padEnd(34)} ${v.source.padEnd(7)} ${v.manifest.createdAt.slice(0, 10)}  ${acc}\n`);
      }
      // The library's personal versions (they live in the library database, not in the model store).
      if (!kind) return personalAction('list', undefined, values.db, values.json ?? false);
      return 0;
    }
    const kind = parseModelKind(values.model);
    if (action === 'activate' || action === 'remove') {
      if (!version) throw new UsageError(`Name the version to ${action}`);
      if (action === 'remove') {
        store.remove(kind, version);
        out.write(`Removed ${kind} ${version}.\n`);
      } else out.write(`Active ${kind} model: ${store.setActive(kind, version).manifest.version}\n`);
      return 0;
    }
    if (action === 'rollback') {
      out.write(`Active ${kind} model: ${store.rollback(kind).manifest.version}\n`);
      return 0;
    }
    throw new UsageError(`Unknown action ${action}`);
  },
};
