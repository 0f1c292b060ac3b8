import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chiSquareTest,
  chiSquaredSurvival,
  jensenShannonDistance,
  ksTwoSample,
  normalizedWasserstein,
  wassersteinDistance,
  normalTwoSided,
  tableDrift,
  zTestProportions,
} from '../../src/stats';

type Sample = { values: number[] } | { counts: [number, number][] };
interface PairCase {
  name: string;
  reference: Sample;
  current: Sample;
}
interface ExpectedColumn {
  method: string;
  statistic: number;
  pValue?: number;
  drift: boolean;
}
interface Fixture {
  scipy: string;
  numpy: string;
  special: {
    chi2: { x: number; df: number; sf: number }[];
    normal: { z: number; twoSided: number }[];
  };
  ks: (PairCase & { statistic: number; pValue: number })[];
  chiSquare: (PairCase & { statistic: number | null; pValue: number })[];
  zTest: (PairCase & { statistic: number; pValue: number })[];
  wasserstein: (PairCase & { distance: number; normalized: number })[];
  jensenShannon: (PairCase & { distance: number })[];
  datasets: {
    name: string;
    reference: Record<string, number[]>;
    current: Record<string, number[]>;
    columns: Record<string, ExpectedColumn>;
    driftedColumns: number;
    datasetDrift: boolean;
  }[];
}
const fixture: Fixture = JSON.parse(
  readFileSync(new URL('../fixtures/scipyDriftReference.json', import.meta.url), 'utf8'),
);

function expand(sample: Sample): number[] {
  if ('values' in sample) return sample.values;
  return sample.counts.flatMap(([value, count]) => Array<number>(count).fill(value));
}

/** Relative agreement with SciPy, with an absolute floor for values near zero. */
function expectClose(actual: number, expected: number, rel = 1e-9, abs = 1e-14): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(abs, rel * Math.abs(expected)));
}

describe('special functions against SciPy', () => {
  it.each(fixture.special.chi2)('chi2.sf($x, $df)', ({ x, df, sf }) => {
    expectClose(chiSquaredSurvival(x, df), sf, 1e-11);
  });
  it.each(fixture.special.normal)('two-sided normal p at z=$z', ({ z, twoSided }) => {
    // SciPy's 2*(1-cdf) form loses ~1e-16 absolute; we compare at that level.
    expectClose(normalTwoSided(z), twoSided, 1e-9, 1e-15);
  });
});

describe('two-sample KS against scipy.stats.ks_2samp', () => {
  it.each(fixture.ks)('$name', ({ reference, current, statistic, pValue }) => {
    const result = ksTwoSample(expand(reference), expand(current));
    expectClose(result.statistic, statistic, 1e-12);
    expectClose(result.pValue, pValue, 1e-9, 1e-15);
  });
  it('is symmetric in its samples', () => {
    const [c] = fixture.ks;
    const ab = ksTwoSample(expand(c.reference), expand(c.current));
    const ba = ksTwoSample(expand(c.current), expand(c.reference));
    expectClose(ab.pValue, ba.pValue, 1e-12);
  });
  it('rejects an empty sample with a message', () => {
    expect(() => ksTwoSample([], [1, 2])).toThrow(/reference sample is empty/);
  });
});

describe('chi-squared and Z-test against SciPy', () => {
  it.each(fixture.chiSquare)('$name', ({ reference, current, statistic, pValue }) => {
    const result = chiSquareTest(expand(reference), expand(current));
    if (statistic === null) expect(result.statistic).toBe(Infinity);
    else expectClose(result.statistic, statistic, 1e-11);
    expectClose(result.pValue, pValue, 1e-9, 1e-15);
  });
  it.each(fixture.zTest)('$name', ({ reference, current, statistic, pValue }) => {
    const result = zTestProportions(expand(reference), expand(current));
    expectClose(result.statistic, statistic, 1e-11);
    expectClose(result.pValue, pValue, 1e-7, 1e-15);
  });
});

describe('distances against SciPy', () => {
  it.each(fixture.wasserstein)(
    'Wasserstein: $name',
    ({ reference, current, distance, normalized }) => {
      expectClose(wassersteinDistance(expand(reference), expand(current)), distance, 1e-10);
      expectClose(normalizedWasserstein(expand(reference), expand(current)), normalized, 1e-10);
    },
  );
  it.each(fixture.jensenShannon)('Jensen-Shannon: $name', ({ reference, current, distance }) => {
    expectClose(jensenShannonDistance(expand(reference), expand(current)), distance, 1e-10);
  });
});

describe('Evidently method selection and dataset drift', () => {
  it.each(fixture.datasets)(
    '$name',
    ({ reference, current, columns, driftedColumns, datasetDrift }) => {
      const result = tableDrift(reference, current);
      for (const [name, expected] of Object.entries(columns)) {
        const actual = result.columns[name];
        expect(actual.method, name).toBe(expected.method);
        expectClose(actual.statistic, expected.statistic, 1e-9);
        if (expected.pValue !== undefined)
          expectClose(actual.pValue!, expected.pValue, 1e-8, 1e-15);
        expect(actual.drift, name).toBe(expected.drift);
      }
      expect(result.driftedColumns).toBe(driftedColumns);
      expect(result.datasetDrift).toBe(datasetDrift);
    },
  );
});

const hasScipy = spawnSync('/usr/bin/python3', ['-c', 'import scipy']).status === 0;
if (!hasScipy)
  console.warn(
    'twoSample.test.ts: fixture regeneration check SKIPPED: /usr/bin/python3 has no scipy (apt-get install python3-scipy)',
  );

// Needs Debian's python3-scipy, which .ci/run installs; without it the fixture cannot be re-derived.
describe.skipIf(!hasScipy)('the committed fixture', () => {
  it('is what scripts/drift_reference.py computes with this SciPy', () => {
    const output = execFileSync('/usr/bin/python3', ['scripts/drift_reference.py'], {
      encoding: 'utf8',
    });
    const fresh = JSON.parse(output);
    // Versions may differ between machines; the numbers must not.
    expect({ ...fresh, scipy: fixture.scipy, numpy: fixture.numpy }).toEqual(fixture);
  });
});
