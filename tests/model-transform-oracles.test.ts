// The output transform and interval arithmetic against hand-computed numbers: every prediction
// and every "90 %" interval the app shows goes through these few lines.
import { describe, expect, it } from 'vitest';
import { interval90, lowerBound, boundedValue, withIntervals, Z50, Z90 } from '../src/model/bounds';
import {
  atomrefValue,
  predictiveStd,
  toStandardized,
  toTargetUnits,
  type OutputTransform,
} from '../src/model/outputTransform';

// Target 0 with an atom reference (H 1, C 2, N 0, O 3, F 0), mean 0.5, std 2, calibration 1.5;
// target 1 without calibration.
const t: OutputTransform = {
  targets: ['u0', 'gap'],
  mean: [0.5, 7],
  std: [2, 0.25],
  atomref: [
    [1, 2, 0, 3, 0],
    [0, 0, 0, 0, 0],
  ],
  calibration: [1.5, 1],
};
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

describe('intervals and physical bounds (hand-computed)', () => {
  it('z values of the central 50 % and 90 % of a normal distribution', () => {
    expect(Z50).toBeCloseTo(0.6744897501960817, 15);
    expect(Z90).toBeCloseTo(1.6448536269514722, 15);
  });

  it('the 90 % interval is value +- 1.645 std, clipped at 0 where the property cannot be negative', () => {
    const [lo, hi] = interval90('gap', 8, 1);
    expect(lo).toBeCloseTo(6.355146373, 8);
    expect(hi).toBeCloseTo(9.644853627, 8);
    expect(interval90('mu', 0.5, 1)).toEqual([0, 0.5 + Z90]);
    expect(interval90('homo', -7, 2)).toEqual([-7 - 2 * Z90, -7 + 2 * Z90]);
  });

  it('non-negative targets are mu, alpha, r2, zpve and cv', () => {
    expect(['mu', 'alpha', 'r2', 'zpve', 'cv'].map((k) => lowerBound(k as 'mu'))).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(lowerBound('u0')).toBe(-Infinity);
    expect(boundedValue('zpve', -0.01)).toBe(0);
    expect(boundedValue('homo', -0.01)).toBe(-0.01);
  });

  it('fills an interval per target that has a std', () => {
    const p = withIntervals({ values: { gap: 8, mu: 0.5 }, std: { gap: 1 }, warnings: [] });
    expect(Object.keys(p.interval90!)).toEqual(['gap']);
    expect(p.interval90!.gap![1]).toBeCloseTo(8 + Z90, 12);
  });
});
