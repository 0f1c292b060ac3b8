// Output transforms written by hand for the model's unit tests, one target at a time: a target's
// mean, std, atom reference and calibration stand together, where OutputTransform keeps each in
// an array over the targets.
import type { OutputTransform } from '../../src/model/outputTransform';
import type { TargetKey } from '../../src/model/types';
import { ELEMENTS, type Element } from './graphs';

export interface TargetScale {
  mean: number;
  std: number;
  /** Per-element coefficients; an element left out is 0. */
  atomref?: Partial<Record<Element, number>>;
  calibration?: number;
}

/**
 * The transform over these targets, in the order given. It has an atom reference (calibration)
 * when any target gives one; the targets that do not give one get zeros (a calibration of 1).
 */
export function outputTransform(
  scales: readonly (readonly [TargetKey, TargetScale])[],
): OutputTransform {
  const t: OutputTransform = {
    targets: scales.map(([key]) => key),
    mean: scales.map(([, s]) => s.mean),
    std: scales.map(([, s]) => s.std),
  };
  if (scales.some(([, s]) => s.atomref))
    t.atomref = scales.map(([, s]) => {
      const row = [0, 0, 0, 0, 0];
      for (const [element, value] of Object.entries(s.atomref ?? {}))
        row[ELEMENTS[element as Element][0]] = value;
      return row;
    });
  if (scales.some(([, s]) => s.calibration !== undefined))
    t.calibration = scales.map(([, s]) => s.calibration ?? 1);
  return t;
}
