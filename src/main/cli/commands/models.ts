import { parseArgs } from 'node:util';
import { ModelStore } from '../../core/models/store/model-store.ts';
import { shippedModelsDir, userModelsDir } from '../../core/models/store/shipped-models-dir.ts';
import { userDataDir } from '../../services/user-data-dir.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../command.ts';
import { parseModelKind } from './model-options.ts';

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'List model versions, choose the active one, roll back',
  usage: 'genre-tagger models [list [--model KIND]] | activate --model KIND VERSION | rollback --model KIND | remove --model KIND VERSION  [--json]',
  async run(args) {
    const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { model: { type: 'string' }, json: { type: 'boolean' } } });
    const [action = 'list', version] = positionals;
    const store = new ModelStore({ userDir: userModelsDir(userDataDir()), shippedDir: shippedModelsDir() });
    const out = process.stdout;
    if (action === 'list') {
      const kind = values.model ? parseModelKind(values.model) : undefined;
      const versions = store.list(kind);
      if (values.json) {
        for (const v of versions) out.write(`${JSON.stringify({ kind: v.manifest.kind, version: v.manifest.version, active: v.active, source: v.source, dir: v.dir, createdAt: v.manifest.createdAt, metrics: v.manifest.metrics })}\n`);
        return 0;
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
