// Numeric checks the JSON schema cannot express: the model computes in float32, so a value
// beyond float32's range is refused, and values no QM9 molecule has get a warning.
import { NODE_FEATURE_NAMES } from '../src/chem/types';

export const FLOAT32_MAX = 3.4028234663852886e38;

/** Path (relative, e.g. "node_features[2][5]") of the first value float32 cannot hold, or null. */
export function nonFloat32Path(
  name: string,
  values: readonly (readonly number[])[] | readonly number[],
): string | null {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'number') {
      if (!(Math.abs(v) <= FLOAT32_MAX)) return `${name}[${i}]`;
      continue;
    }
    for (let j = 0; j < v.length; j++) {
      if (!(Math.abs(v[j]) <= FLOAT32_MAX)) return `${name}[${i}][${j}]`;
    }
  }
  return null;
}

export const NOT_FLOAT32 = `is not a finite 32-bit float (largest magnitude ${FLOAT32_MAX.toExponential(6)})`;

/** The range every QM9 atom's features fall in (one-hot and flag columns are 0/1). */
const QM9_FEATURE_RANGE: readonly (readonly [number, number])[] = NODE_FEATURE_NAMES.map((name) =>
  name === 'atomic_number' ? [1, 9] : name === 'num_h' ? [0, 4] : [0, 1],
);

export interface FeatureWarning {
  code: 'feature-outside-qm9';
  message: string;
}

/** One warning per feature column with values outside QM9's range: the answer is extrapolated. */
export function featureRangeWarnings(
  nodeFeatures: readonly (readonly number[])[],
): FeatureWarning[] {
  const warnings: FeatureWarning[] = [];
  QM9_FEATURE_RANGE.forEach(([lo, hi], column) => {
    let worst: number | null = null;
    let atom = -1;
    for (let i = 0; i < nodeFeatures.length; i++) {
      const v = nodeFeatures[i][column];
      if ((v < lo || v > hi) && (worst === null || Math.abs(v) > Math.abs(worst))) {
        worst = v;
        atom = i;
      }
    }
    if (worst !== null) {
      warnings.push({
        code: 'feature-outside-qm9',
        message: `node_features[${atom}][${column}] (${NODE_FEATURE_NAMES[column]}) is ${worst}; QM9 has ${lo} to ${hi}, so the prediction is an extrapolation`,
      });
    }
  });
  return warnings;
}
