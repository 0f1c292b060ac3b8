// The output transform against hand-computed numbers: every prediction and every std the app
// shows goes through these few lines.
import { describe, expect, it } from 'vitest';
import {
  atomrefValue,
  predictiveStd,
  toStandardized,
  toTargetUnits,
} from '../../src/model/outputTransform';
import { outputTransform } from '../helpers/outputTransform';

// Target 0 with an atom reference and a calibration; target 1 with neither (an atom reference of
// zeros, a calibration of 1).
const t = outputTransform([
  ['u0', { mean: 0.5, std: 2, atomref: { H: 1, C: 2, O: 3 }, calibration: 1.5 }],
  ['gap', { mean: 7, std: 0.25 }],
]);
const methaneCounts = [4, 1, 0, 0, 0];

describe('output transform (hand-computed)', () => {
  it('atom reference: the sum of per-element values', () => {
    expect(atomrefValue(t, 0, methaneCounts)).toBe(6); // 4 * 1 + 1 * 2
    // Counts read at an offset, as in a batch's flat count array: water after methane.
    expect(atomrefValue(t, 0, [...methaneCounts, 2, 0, 0, 1, 0], 5)).toBe(5);
    expect(atomrefValue({ ...t, atomref: undefined }, 0, methaneCounts)).toBe(0);
  });

  it('standardized output to units: reference + mean + std * z, and back', () => {
    expect(toTargetUnits(t, 0, 1.75, methaneCounts)).toBe(10); // 6 + 0.5 + 2 * 1.75
    expect(toStandardized(t, 0, 10, methaneCounts)).toBe(1.75);
    expect(toTargetUnits(t, 1, -4, methaneCounts)).toBe(6); // 7 + 0.25 * -4
  });

  it('predictive std: std * exp(logVar / 2) * calibration', () => {
    // logVar = 2 ln 3: exp(ln 3) = 3, so 2 * 3 * 1.5 = 9.
    expect(predictiveStd(t, 0, 2 * Math.log(3))).toBeCloseTo(9, 12);
    expect(predictiveStd(t, 1, 0)).toBe(0.25);
    expect(predictiveStd({ ...t, calibration: undefined }, 0, 0)).toBe(2);
  });
});
