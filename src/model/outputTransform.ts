import { NUM_ELEMENTS } from './batch';
import type { TargetKey } from './types';

/**
 * Maps the network's standardized outputs back to target units:
 * value = atomref(counts of H,C,N,O,F) + mean + std * z, and std_value = std * exp(logVar/2) * calibration.
 * The atom reference is a least-squares fit on the training set; it takes the size-extensive part
 * (U0 grows ~linearly with atom counts) out of what the network must learn.
 */
export interface OutputTransform {
  targets: TargetKey[];
  mean: number[];
  std: number[];
  /** Per target, 5 coefficients (H, C, N, O, F); absent means no atom reference. */
  atomref?: number[][];
  /** Per target multiplier of the predicted std, fitted on the validation split. */
  calibration?: number[];
}

export function atomrefValue(
  t: OutputTransform,
  target: number,
  counts: ArrayLike<number>,
  offset = 0,
): number {
  if (!t.atomref) return 0;
  const c = t.atomref[target];
  let s = 0;
  for (let e = 0; e < NUM_ELEMENTS; e++) s += c[e] * counts[offset + e];
  return s;
}

/** Standardized network output -> target unit, for one molecule and target. */
export function toTargetUnits(
  t: OutputTransform,
  target: number,
  z: number,
  counts: ArrayLike<number>,
  offset = 0,
): number {
  return atomrefValue(t, target, counts, offset) + t.mean[target] + t.std[target] * z;
}

/** Target unit -> standardized space the network is trained in. */
export function toStandardized(
  t: OutputTransform,
  target: number,
  y: number,
  counts: ArrayLike<number>,
  offset = 0,
): number {
  return (y - atomrefValue(t, target, counts, offset) - t.mean[target]) / t.std[target];
}

export function predictiveStd(t: OutputTransform, target: number, logVar: number): number {
  return t.std[target] * Math.exp(0.5 * logVar) * (t.calibration?.[target] ?? 1);
}
