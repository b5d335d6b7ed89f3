import { describe, expect, it } from 'vitest';
import { modelInputSources } from '../../../src/main/core/models/inference/model-input-sources.ts';
import { ensembleMemberKinds, kindNamesByPreference, kindsWithRole, modelKind, segmentModelKind } from '../../../src/main/core/models/kinds/registry.ts';
import { modelKinds } from '../../../src/main/core/models/store/model-kinds.ts';

describe('the model kind registry', () => {
  it('has a descriptor for every kind the manifests and the database accept, under its own name', () => {
    for (const name of modelKinds) expect(modelKind(name).name).toBe(name);
    expect(() => modelKind('rnn')).toThrow(/Unknown model kind rnn \(known: svm, cnn, mlfi, ensemble\)/);
  });

  it('orders and groups the kinds as the app always has', () => {
    expect(kindNamesByPreference).toEqual(['ensemble', 'cnn', 'mlfi', 'svm']);
    expect(kindsWithRole('segment').map((k) => k.name)).toEqual(['cnn', 'mlfi']);
    expect(kindsWithRole('window').map((k) => k.name)).toEqual(['svm']);
    expect(kindsWithRole('combiner').map((k) => k.name)).toEqual(['ensemble']);
    expect(ensembleMemberKinds).toEqual(['svm', 'cnn', 'mlfi']);
    expect(() => segmentModelKind('svm')).toThrow(/svm is not a segment model \(cnn, mlfi are\)/);
  });

  it("gives every segment kind a recipe whose model the analysis engine can feed, in each recipe's variant", () => {
    for (const kind of kindsWithRole('segment')) {
      for (const options of [{}, { interaction: 'none' as const, mode: 'A' as const, epochs: 2, seed: 5 }]) {
        const recipe = kind.training.recipe(options);
        expect(recipe.kind).toBe(kind.name);
        expect(recipe.epochs).toBe(options.epochs ?? recipe.epochs);
        const inputs = kind.training.inputs(recipe);
        const sources = modelInputSources({ kind: kind.name, version: recipe.architecture, inputs });
        expect(sources.map((s) => s.name)).toEqual(inputs.map((i) => i.name));
        expect(Object.keys(recipe.normalization).sort()).toEqual(inputs.map((i) => i.name).sort());
        // A stored version of the recipe gives the same recipe again.
        const manifest = { training: { params: { recipe } } } as unknown as Parameters<typeof kind.training.optionsOf>[0];
        expect(kind.training.recipe({ ...options, ...kind.training.optionsOf(manifest) })).toEqual(recipe);
      }
    }
    expect(segmentModelKind('mlfi').training.recipe({ interaction: 'none', mode: 'A' }).architecture).not.toBe(segmentModelKind('mlfi').training.recipe({}).architecture);
  });
});
