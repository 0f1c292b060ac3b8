// Edges of the two-sample statistics that the SciPy fixture does not reach: empty samples, a
// single category, disjoint supports, an infinite value, and the KS asymptotic fallback.
// Expected numbers come from SciPy 1.10.1 (/usr/bin/python3) or are worked out in the comments.
import { describe, expect, it } from 'vitest';
import {
  chiSquareTest,
  jensenShannonDistance,
  ksTwoSample,
  wassersteinDistance,
  zTestProportions,
} from '../../src/stats';

const interleaved = (n: number) => ({
  reference: Array.from({ length: n }, (_, i) => 2 * i),
  current: Array.from({ length: n }, (_, i) => 2 * i + 1),
});

describe('empty samples', () => {
  it.each([
    ['ksTwoSample', ksTwoSample],
    ['chiSquareTest', chiSquareTest],
    ['zTestProportions', zTestProportions],
    ['wassersteinDistance', wassersteinDistance],
    ['jensenShannonDistance', jensenShannonDistance],
  ])('%s names the empty side', (_, test) => {
    expect(() => test([], [1])).toThrow(new RangeError('reference sample is empty'));
    expect(() => test([1], [])).toThrow(new RangeError('current sample is empty'));
  });
});

describe('ksTwoSample fallback to the asymptotic p-value', () => {
  it('takes it when the exact sum overshoots 1 by rounding', () => {
    // n = 5 against 5, interleaved: D = 1/5 and the true p is 1, but the closed-form sum gives
    // 1.0000000000000002 (SciPy's too, which then switches to its asymptotic mode). Expected:
    // Stephens' formula (Numerical Recipes' probks) evaluated in Python; SciPy's asymptotic
    // answer is 1.0.
    const { reference, current } = interleaved(5);
    const result = ksTwoSample(reference, current);
    expect(result.statistic).toBe(0.2);
    expect(Math.abs(result.pValue - 0.9996217060535831)).toBeLessThan(1e-15);
  });

  it('keeps the exact sum when it lands inside [0, 1]', () => {
    // n = 6 interleaved: SciPy's exact p is 0.9999999999999998 as well.
    const { reference, current } = interleaved(6);
    expect(ksTwoSample(reference, current).pValue).toBe(0.9999999999999998);
  });

  it('answers p = 1 for a D far below the asymptotic series’ reach', () => {
    // 50000 and 50001 evenly spread points: lcm > 2^31 - 1, so the asymptotic formula is used,
    // with lambda ~ 0.003. Its alternating series does not converge in 100 terms there; the
    // partial sum used to come out as p = 0.18. SciPy (exact and auto): p = 1.0.
    const grid = (n: number) => Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const result = ksTwoSample(grid(50000), grid(50001));
    expect(result.statistic).toBeCloseTo(1.999960000799984e-5, 15);
    expect(result.pValue).toBe(1);
  });
});

describe('categorical edges', () => {
  it('gives a single shared category chi-squared 0 and p = 1', () => {
    // Zero degrees of freedom: SciPy's chisquare answers NaN, Evidently then reports no drift.
    expect(chiSquareTest([3, 3, 3], [3, 3])).toEqual({ statistic: 0, pValue: 1 });
  });

  it('refuses a Z-test on more than two values', () => {
    expect(() => zTestProportions([0, 1, 2], [0, 1])).toThrow(
      new RangeError('Z-test needs a binary column, got 3 values'),
    );
  });

  it('gives disjoint supports the largest Jensen-Shannon distance, sqrt(ln 2)', () => {
    // p = (1, 0), q = (0, 1), m = (1/2, 1/2): each side contributes ln 2 where it is non-zero
    // and nothing where it is 0. scipy.spatial.distance.jensenshannon: 0.8325546111576977.
    expect(jensenShannonDistance([0, 0], [1, 1, 1])).toBeCloseTo(Math.sqrt(Math.LN2), 15);
    expect(jensenShannonDistance([0, 0], [1, 1, 1])).toBeCloseTo(0.8325546111576977, 15);
  });
});

describe('wassersteinDistance', () => {
  it('is infinite when one sample holds an infinite value (as in SciPy)', () => {
    expect(wassersteinDistance([Infinity], [5])).toBe(Infinity);
    expect(wassersteinDistance([5, Infinity], [5, 6])).toBe(Infinity);
  });
});
