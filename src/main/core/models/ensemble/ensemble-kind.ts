import type { CombinerModelKind } from '../kinds/model-kind.ts';
import { ensembleMembers } from './ensemble-members.ts';

/** The weighted mean of the other models' probabilities (weights chosen on held-out tracks). */
export const ensembleKind: CombinerModelKind<'ensemble'> = {
  name: 'ensemble',
  title: 'Ensemble',
  role: 'combiner',
  preference: 0,
  open: (model, memberKinds) => ({ role: 'combiner', model, members: ensembleMembers(model, memberKinds) }),
};
