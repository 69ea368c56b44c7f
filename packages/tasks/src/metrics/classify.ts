/** 1 when the predicted label equals the expected one; an unparsed prediction (undefined) scores 0. */
export function labelMatch<L extends string | number>(prediction: L | undefined, expected: L): number {
  return prediction !== undefined && prediction === expected ? 1 : 0;
}

/** Mean of per-sample scores; 0 for an empty list (callers report the count alongside). */
export function mean(scores: readonly number[]): number {
  return scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
}

/** Fraction of predictions equal to their label. */
export function accuracy<L extends string | number>(
  predictions: readonly (L | undefined)[],
  labels: readonly L[],
): number {
  if (predictions.length !== labels.length) {
    throw new Error(`accuracy: ${predictions.length} predictions for ${labels.length} labels`);
  }
  return mean(predictions.map((p, i) => labelMatch(p, labels[i]!)));
}
