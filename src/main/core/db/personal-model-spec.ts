/**
 * The stored form of a person's own genre model: softmax regression on the standardised track embedding, in the
 * person's own taxonomy (core/personal/personal-model.ts trains and applies it). Defined here, beside the table
 * that holds it as JSON, so that core/db needs nothing from core/personal.
 */
export interface PersonalModelSpec {
  format: 'genre-tagger-personal';
  formatVersion: 1;
  genres: string[];
  /** The embedding columns the model reads, in order. */
  featureNames: string[];
  mean: number[];
  scale: number[];
  /** [genres, featureNames + 1] row-major: weights, then bias. */
  params: number[];
  hyper: PersonalHyperParameters;
  /** For each genre, the embedding column of the base model's log-probability it was pulled towards, or null. */
  priorColumns: (string | null)[];
  /** Labelled tracks per genre it learned from. */
  examples: number[];
}

export interface PersonalHyperParameters {
  /**
   * Strength of the penalty per labelled track: the loss is the mean cross-entropy plus (l2 / n) / 2 ||W - W0||^2,
   * so the prior counts for much with a few labels and fades as they accumulate (as a Bayesian prior does).
   */
  l2: number;
  priorStrength: number;
  /** Genres with fewer labelled tracks are not predicted (listed as "needs N more examples"). */
  minExamples: number;
}
