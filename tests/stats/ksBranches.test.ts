// Each way ksTwoSample computes a p-value, against SciPy (tests/fixtures/scipyDriftReference.json,
// written by scripts/drift_reference.py). The exact-path cases run with the other KS cases in
// twoSample.test.ts; this file covers the asymptotic path and says which case reaches which branch.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ksTwoSample } from '../../src/stats';

interface Grid {
  n: number;
  shift: number;
}
interface AsymptoticCase {
  name: string;
  reference: { grid: Grid };
  current: { grid: Grid };
  statistic: number;
  pValue: number;
  scipyAsympPValue: number;
}
interface KsCase {
  name: string;
  statistic: number;
  pValue: number;
}
const fixture: { ks: KsCase[]; ksAsymptotic: AsymptoticCase[] } = JSON.parse(
  readFileSync(new URL('../fixtures/scipyDriftReference.json', import.meta.url), 'utf8'),
);

/** The same doubles as numpy's (arange(n) + 0.5) / n + shift. */
const grid = ({ n, shift }: Grid) =>
  Float64Array.from({ length: n }, (_, i) => (i + 0.5) / n + shift);

describe('KS p-value branches', () => {
  it('the fixture has a case for each exact branch', () => {
    const names = fixture.ks.map((c) => c.name);
    // D = 0 (no lattice path needed), a band narrower than one step, equal sizes (the
    // closed-form square), unequal sizes (the band recursion).
    expect(names).toEqual(
      expect.arrayContaining([
        'identical samples: D = 0, p = 1',
        'band narrower than one lattice step: p = 1',
        'equal sizes, total separation',
        'same distribution, equal sizes',
        'coprime sizes',
      ]),
    );
  });

  it.each(fixture.ksAsymptotic)(
    'beyond the exact lattice: $name',
    ({ reference, current, statistic, pValue, scipyAsympPValue }) => {
      const result = ksTwoSample(grid(reference.grid), grid(current.grid));
      expect(Math.abs(result.statistic - statistic)).toBeLessThan(1e-12);
      expect(Math.abs(result.pValue - pValue)).toBeLessThan(1e-9 * pValue);
      // Stephens' approximation stays close to what SciPy's own asymptotic mode answers.
      expect(Math.abs(result.pValue - scipyAsympPValue)).toBeLessThan(0.002);
    },
  );
});
