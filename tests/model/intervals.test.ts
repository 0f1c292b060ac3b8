// Physical bounds and 90 % intervals against hand-computed numbers, for every target: what the
// page shows as a value and a range must never leave the physically possible side of a bound.
import { describe, expect, it } from 'vitest';
import {
  boundedValue,
  interval90,
  lowerBound,
  withIntervals,
  Z50,
  Z90,
} from '../../src/model/bounds';
import { TARGETS, type MoleculePrediction } from '../../src/model/types';

describe('bounds of every target', () => {
  it('zero for the five non-negative properties, none for the energies', () => {
    expect(Object.fromEntries(TARGETS.map((t) => [t.key, lowerBound(t.key)]))).toEqual({
      mu: 0,
      alpha: 0,
      homo: -Infinity,
      lumo: -Infinity,
      gap: -Infinity,
      r2: 0,
      zpve: 0,
      u0: -Infinity,
      u298: -Infinity,
      h298: -Infinity,
      g298: -Infinity,
      cv: 0,
    });
    // The normal quantiles: P(|Z| < Z50) = 0.5, P(|Z| < Z90) = 0.9.
    expect(Z50).toBe(0.6744897501960817);
    expect(Z90).toBe(1.6448536269514722);
  });

  it('censor only below the bound', () => {
    expect(boundedValue('cv', -3)).toBe(0);
    expect(boundedValue('zpve', 0)).toBe(0);
    expect(boundedValue('r2', 12.5)).toBe(12.5);
    expect(boundedValue('u0', -1000)).toBe(-1000);
  });

  it('clip both ends of an interval to the bound, and leave unbounded ones Gaussian', () => {
    expect(interval90('mu', -1, 0.1)).toEqual([0, 0]); // wholly below: both ends at the bound
    expect(interval90('alpha', 5, 1)).toEqual([5 - Z90, 5 + Z90]);
    expect(interval90('zpve', 0.1, 0.1)).toEqual([0, 0.1 + Z90 * 0.1]);
    expect(interval90('gap', -1, 0.1)).toEqual([-1 - Z90 * 0.1, -1 + Z90 * 0.1]);
    expect(interval90('homo', -7, 0)).toEqual([-7, -7]);
  });
});

describe('withIntervals', () => {
  it('adds an interval for each target with a std, keeping the rest of the prediction', () => {
    const p: MoleculePrediction = {
      values: { mu: 0.05, gap: 6, u0: -1000 },
      std: { mu: 0.5, gap: 0.25 },
      uncertaintyCapped: ['gap'],
      belowBound: [],
      warnings: [{ code: 'charged', message: 'net charge +1' }],
    };
    const out = withIntervals(p);
    expect(out).toEqual({
      ...p,
      interval90: {
        mu: [0, 0.05 + Z90 * 0.5],
        gap: [6 - Z90 * 0.25, 6 + Z90 * 0.25],
      },
    });
    expect(p.interval90).toBeUndefined(); // a new object: the input is left as it was
    // An earlier interval is replaced, not merged.
    expect(withIntervals({ ...out, std: {} }).interval90).toEqual({});
  });
});
