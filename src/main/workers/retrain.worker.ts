import { activeNamesNone } from '../../shared/api/personal.ts';
import type { RetrainSummary } from '../../shared/api/personal.ts';
import { openDatabase } from '../core/db/database.ts';
import { activePersonalVersion, insertPersonalVersion, newPersonalVersionId } from '../core/db/personal-models.ts';
import { basePredictionsInTaxonomy, libraryTrainingData } from '../core/personal/library-training-data.ts';
import { genreCounts, defaultPersonalHyperParameters } from '../core/personal/personal-model.ts';
import { activatePersonalVersion } from '../core/personal/refresh-personal-predictions.ts';
import type { ActiveForComparison } from '../core/personal/retrain-personal.ts';
import { retrainPersonal } from '../core/personal/retrain-personal.ts';
import { runInWorker } from './run-in-worker.ts';

export interface RetrainPayload {
  activate: 'if-better' | 'always' | 'never';
  folds?: number;
  /** The active base models' kinds in order of preference, and the first one's name (for the comparison). */
  basePreference: string[];
  baseName: string;
  /** The genres the active base models name (their labels). */
  baseLabels: string[];
}

// Trains a personal model from the library's labels and stored embeddings, compares it with the active model on
// the same album-grouped folds, stores it, and activates it (re-predicting every track) when it is better.
runInWorker<RetrainPayload, RetrainSummary>({
  run: async ({ data, signal, progress, libraryChanged }) => {
    const p = data.payload;
    const db = openDatabase(data.dbPath, { migrate: false });
    try {
      progress(0, null, null, 'Reading labels and embeddings');
      const t = libraryTrainingData(db);
      const { genres, needMore } = genreCounts(t.labelled.labels, defaultPersonalHyperParameters.minExamples);
      if (genres.length < 2) {
        const waiting = needMore.map((g) => `${g.genre} needs ${g.needed} more`).join(', ');
        throw new Error(
          `Not enough labels yet: a personal model needs at least two genres with ${defaultPersonalHyperParameters.minExamples} labelled, ` +
            `listened-to tracks each (${t.labelled.trackIds.length} labelled tracks usable${t.notListened ? `, ${t.notListened} not listened to yet: run classify` : ''}` +
            `${waiting ? `; ${waiting}` : ''}).`,
        );
      }
      const current = activePersonalVersion(db);
      const active: ActiveForComparison = current
        ? { kind: 'personal', version: current.version, spec: current.spec, labels: current.labels }
        : { kind: 'base', version: p.baseName, predicted: basePredictionsInTaxonomy(db, t.labelled.trackIds, genres, p.basePreference), names: p.baseLabels };
      const { spec, report } = retrainPersonal(t.labelled, {
        folds: p.folds,
        priorColumn: t.priorColumn,
        reference: { rows: t.all.rows, n: t.all.trackIds.length },
        active,
        signal,
        progress: (done, total, message) => progress(done, total, null, message),
      });
      const version = newPersonalVersionId(db);
      const labels = new Map(t.labelled.trackIds.map((id, i) => [id, [...t.labelled.labels[i]]]));
      insertPersonalVersion(db, { version, spec, report, labels });
      const activate = p.activate === 'always' || (p.activate === 'if-better' && report.better);
      const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
      const comparison = !report.active
        ? `${pct(report.candidate.accuracy)} on ${report.folds} album-grouped folds`
        : activeNamesNone(report)
          ? `${pct(report.candidate.accuracy)} on ${report.folds} album-grouped folds; ${report.active.name}, the active model, names none of these genres`
          : `${pct(report.candidate.accuracy)} against ${pct(report.active.accuracy)} for ${report.active.name} on the same ${report.folds} album-grouped folds`;
      const reason =
        p.activate === 'always'
          ? `Activated as asked (${comparison}).`
          : p.activate === 'never'
            ? `Kept inactive as asked (${comparison}).`
            : report.better
              ? `Activated: it is better (${comparison}).`
              : `Not activated: it is not better (${comparison}); activate it with \`genre-tagger models activate ${version}\`.`;
      let repredicted = 0;
      let repredictMs = 0;
      if (activate) {
        progress(report.folds * 2 + 2, report.folds * 2 + 2, null, 'Re-predicting the library');
        const started = performance.now();
        repredicted = activatePersonalVersion(db, version, p.basePreference).predicted;
        repredictMs = Math.round(performance.now() - started);
        libraryChanged('predictions');
      }
      return { version, activated: activate, reason, report, repredicted, repredictMs, labelled: t.labelledTotal, notListened: t.notListened };
    } finally {
      db.close();
    }
  },
});
