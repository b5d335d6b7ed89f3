import { gtzanFeatureNames } from '../../features/index.ts';
import { selectFeatureColumns } from '../feature-columns.ts';
import type { WindowModelKind } from '../kinds/model-kind.ts';
import { loadSvmModel } from '../store/load-svm-model.ts';
import { svmTrackProbabilities } from './svm-track-probabilities.ts';
import { SVM_WINDOW_HOP_SECONDS, SVM_WINDOW_SECONDS } from './svm-windows.ts';

/** The RBF SVM on the 57 GTZAN features of 30 s windows (as the clips of features_30_sec.csv it learnt from). */
export const svmKind: WindowModelKind<'svm'> = {
  name: 'svm',
  title: 'SVM',
  role: 'window',
  preference: 3,
  open(model) {
    const svm = loadSvmModel(model);
    const window = model.manifest.inputs.find((i) => i.window)?.window ?? { seconds: SVM_WINDOW_SECONDS, hopSeconds: SVM_WINDOW_HOP_SECONDS };
    return {
      role: 'window',
      model,
      window: { seconds: window.seconds, hopSeconds: window.hopSeconds },
      predictWindows(rows, count) {
        const input = selectFeatureColumns(rows, gtzanFeatureNames, svm.featureNames);
        return svmTrackProbabilities(svm, { data: input, shape: [count, svm.featureNames.length] }).windows;
      },
    };
  },
};
