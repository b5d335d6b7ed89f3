/**
 * A prediction whose best probability is under this threshold is shown and exported as **unsure** instead of as a
 * genre: a 35% "jazz" is a guess, and a person's library should not be tagged or sorted by guesses. The library
 * setting `unsureThreshold` overrides it (0 turns the notion off).
 */
export const DEFAULT_UNSURE_THRESHOLD = 0.5;

/** True when a prediction's confidence is below the threshold (a track without a prediction is not "unsure"). */
export function isUnsure(confidence: number | null | undefined, threshold: number = DEFAULT_UNSURE_THRESHOLD): boolean {
  return confidence !== null && confidence !== undefined && confidence < threshold;
}
