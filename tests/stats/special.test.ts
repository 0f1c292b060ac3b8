// The incomplete-gamma branches at their edges. Expected values are scipy.stats.chi2.sf from
// SciPy 1.10.1 (/usr/bin/python3), written out here; chi2.sf(x, df) = Q(df / 2, x / 2).
import { describe, expect, it } from 'vitest';
import { chiSquaredSurvival, logGamma, normalTwoSided } from '../../src/stats';

function expectRelative(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * expected);
}

describe('logGamma', () => {
  it.each([0, -1, NaN])('refuses x = %d', (x) => {
    expect(() => logGamma(x)).toThrow(new RangeError(`logGamma needs x > 0, got ${x}`));
  });
  it('gives log((n-1)!) at integers', () => {
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-15);
    expectRelative(logGamma(5), Math.log(24), 1e-14);
  });
});

describe('chiSquaredSurvival', () => {
  it.each([
    // Far in the tail: only the continued fraction keeps relative precision (1 - P is 0 there).
    [120, 1, 6.326068263677272e-28],
    [100, 2, 1.9287498479639183e-22],
    // Close to 0: only the series converges to full precision.
    [2e-10, 1, 0.9999887162083294],
    [1, 10, 0.9998278843700441],
    [20, 100, 1.0],
  ])('chi2.sf(%d, %d) on the right side of the series / fraction switch', (x, df, sf) => {
    expectRelative(chiSquaredSurvival(x, df), sf, 1e-13);
  });

  it.each([
    // x / 2 = df / 2 + 1 exactly: the switch point, where the continued fraction is used and
    // agrees with SciPy to 1.5e-15 (the series, summed up to there, is off by 1.7e-15 to 2.8e-15).
    [3, 1, 0.08326451666355042],
    [5, 3, 0.1717971442967335],
    [4, 2, 0.1353352832366127],
  ])('chi2.sf(%d, %d) at the switch point', (x, df, sf) => {
    expectRelative(chiSquaredSurvival(x, df), sf, 1.5e-15);
  });

  it('is 1 for x <= 0 and 0 at infinity, NaN for NaN', () => {
    expect(chiSquaredSurvival(-1, 2)).toBe(1);
    expect(chiSquaredSurvival(0, 2)).toBe(1);
    // Zero degrees of freedom (a single category): nothing can differ, so p = 1 (SciPy: NaN).
    expect(chiSquaredSurvival(0, 0)).toBe(1);
    expect(chiSquaredSurvival(Infinity, 3)).toBe(0);
    expect(chiSquaredSurvival(NaN, 3)).toBeNaN();
  });
});

describe('normalTwoSided', () => {
  it('is 1 at z = 0 and symmetric', () => {
    expect(normalTwoSided(0)).toBe(1);
    expect(normalTwoSided(-0)).toBe(1);
    // scipy.stats.norm.sf(1.959963984540054) * 2
    expectRelative(normalTwoSided(-1.959963984540054), 0.05, 1e-14);
  });
});
