import { TARGETS, type MoleculePrediction, type TargetKey } from './types';

/** z such that a normal distribution has the given central probability inside +-z sigma. */
export const Z50 = 0.6744897501960817;
export const Z90 = 1.6448536269514722;

const MINIMUM = new Map<TargetKey, number>(
  TARGETS.flatMap((t) => (t.min === null ? [] : [[t.key, t.min] as [TargetKey, number]])),
);

/** The target's physical lower bound, or -Infinity where it has none. */
export function lowerBound(key: TargetKey): number {
  return MINIMUM.get(key) ?? -Infinity;
}

/**
 * The reported value of a bounded target: the median of the network's Gaussian censored at the
 * bound. Since the truth lies above the bound, this never moves a prediction away from it.
 */
export function boundedValue(key: TargetKey, raw: number): number {
  return Math.max(lowerBound(key), raw);
}

/** The central 90 % interval around a reported value, clipped to the physical bound. */
export function interval90(key: TargetKey, value: number, std: number): [number, number] {
  const min = lowerBound(key);
  return [Math.max(min, value - Z90 * std), Math.max(min, value + Z90 * std)];
}

/** Fills `interval90` from the final values and standard deviations of one prediction. */
export function withIntervals(p: MoleculePrediction): MoleculePrediction {
  const intervals: NonNullable<MoleculePrediction['interval90']> = {};
  for (const [key, value] of Object.entries(p.values) as [TargetKey, number][]) {
    const std = p.std[key];
    if (std !== undefined) intervals[key] = interval90(key, value, std);
  }
  return { ...p, interval90: intervals };
}
