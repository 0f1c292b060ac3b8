// Standardization, calibration and metrics against values worked out by hand (in the comments),
// not against the code's own transform: a retrained model inherits whatever these compute.
import { describe, expect, it } from 'vitest';
import { NUM_NODE_FEATURES } from '../../src/chem/types';
import type { GraphInput } from '../../src/model/types';
import { TARGETS } from '../../src/model/types';
import {
  calibrationFactor,
  formatMetricsTable,
  quantile,
  targetMetrics,
} from '../../training/metrics';
import { Z50, Z90 } from '../../src/model/bounds';
import { elementCountsOf, packGraphs } from '../../training/packed';
import { splitOf, SPLIT_RULE } from '../../training/split';
import {
  fitOutputTransform,
  solveLinear,
  standardizedTargets,
  targetColumn,
} from '../../training/standardize';

const ELEMENT_COLUMN = { H: 0, C: 1, N: 2, O: 3, F: 4 } as const;

/** A graph with only the element one-hots set: all that standardization reads. */
function composition(atoms: (keyof typeof ELEMENT_COLUMN)[]): GraphInput {
  return {
    x: atoms.map((a) => {
      const row = new Array<number>(NUM_NODE_FEATURES).fill(0);
      row[ELEMENT_COLUMN[a]] = 1;
      return row;
    }),
    edgeIndex: [[], []],
    edgeAttr: [],
  };
}

const methane = composition(['C', 'H', 'H', 'H', 'H']);
const water = composition(['O', 'H', 'H']);
const hydrogenFluoride = composition(['F', 'H']);

/** Every target column of a molecule set to one value, so any target can be read back. */
const allTargets = (v: number) => TARGETS.map(() => v);

describe('standardized training targets (hand-computed)', () => {
  const packed = packGraphs([methane, water], [1, 2], [allTargets(10), allTargets(5)]);

  it('reads element counts from the one-hot columns', () => {
    expect(elementCountsOf(packed, 0)).toEqual([4, 1, 0, 0, 0]);
    expect(elementCountsOf(packed, 1)).toEqual([2, 0, 0, 1, 0]);
  });

  it('subtract the atom reference, then the mean, then divide by the std', () => {
    // H 1, C 2, O 3 per atom: methane 4*1 + 2 = 6, water 2*1 + 3 = 5.
    // methane (10 - 6 - 0.5) / 2 = 1.75; water (5 - 5 - 0.5) / 2 = -0.25.
    const t = { targets: ['u0' as const], mean: [0.5], std: [2], atomref: [[1, 2, 0, 3, 0]] };
    expect(Array.from(standardizedTargets(packed, [0, 1], t))).toEqual([1.75, -0.25]);
    // Rows follow the ids given, not the packed order.
    expect(Array.from(standardizedTargets(packed, [1], t))).toEqual([-0.25]);
  });

  it('without an atom reference only the mean and std apply, per target column', () => {
    // gap: (10 - 1) / 3 = 3 and (5 - 1) / 3 = 4/3; mu: (10 - 0) / 0.5 = 20 and 10.
    const t = { targets: ['gap' as const, 'mu' as const], mean: [1, 0], std: [3, 0.5] };
    const out = Array.from(standardizedTargets(packed, [0, 1], t));
    expect(out[0]).toBeCloseTo(3, 6);
    expect(out[1]).toBe(20);
    expect(out[2]).toBeCloseTo(4 / 3, 6);
    expect(out[3]).toBe(10);
  });
});

describe('fitted output transform (hand-computed)', () => {
  const packed = packGraphs(
    [methane, water, hydrogenFluoride],
    [1, 2, 3],
    [allTargets(10), allTargets(5), allTargets(3)],
  );
  const all = Int32Array.from([0, 1, 2]);

  it("'standard': population mean and std of the raw targets", () => {
    // mean (10 + 5 + 3) / 3 = 6; variance (16 + 1 + 9) / 3 = 26/3.
    const t = fitOutputTransform(packed, all, ['gap'], 'standard');
    expect(t.mean[0]).toBeCloseTo(6, 12);
    expect(t.std[0]).toBeCloseTo(Math.sqrt(26 / 3), 12);
    expect(t.atomref).toBeUndefined();
  });

  it("'none': identity transform", () => {
    const t = fitOutputTransform(packed, all, ['gap', 'u0'], 'none');
    expect(t).toEqual({ targets: ['gap', 'u0'], mean: [0, 0], std: [1, 1] });
  });

  it('fits only the training ids', () => {
    const t = fitOutputTransform(packed, Int32Array.from([1, 2]), ['gap'], 'standard');
    expect(t.mean[0]).toBeCloseTo(4, 12);
    expect(t.std[0]).toBeCloseTo(1, 12);
  });

  it('a constant target gets std 1, not a division by zero', () => {
    const flat = packGraphs([methane, water], [1, 2], [allTargets(7), allTargets(7)]);
    const t = fitOutputTransform(flat, Int32Array.from([0, 1]), ['cv'], 'standard');
    expect(t).toEqual({ targets: ['cv'], mean: [7], std: [1] });
  });

  it("'atomref': per-element energies that explain the targets exactly leave mean 0", () => {
    // Targets built from H -1, C -30, O -70, F -90 and intercept 2:
    // methane -4 - 30 + 2 = -32; water -2 - 70 + 2 = -70; HF -1 - 90 + 2 = -89. Saturated
    // molecules alone leave H - 2C + F - 2 (intercept) undetermined; ethylene breaks that tie.
    const mols = [
      methane,
      water,
      hydrogenFluoride,
      composition(['O', 'O', 'H', 'H']),
      composition(['C', 'F', 'H', 'H', 'H']),
      composition(['C', 'O', 'H', 'H', 'H', 'H']),
      composition(['C', 'C', 'H', 'H', 'H', 'H']),
    ];
    const energy = (g: GraphInput) =>
      g.x.reduce((s, row) => s + [-1, -30, 0, -70, -90][row.indexOf(1)], 2);
    const p = packGraphs(
      mols,
      mols.map((_, i) => i + 1),
      mols.map((g) => allTargets(energy(g))),
    );
    const t = fitOutputTransform(p, Int32Array.from(mols.keys()), ['u0'], 'atomref');
    // Five per-element values (H, C, N, O, F): the intercept goes into the mean, not the file.
    expect(t.atomref![0]).toHaveLength(5);
    const [h, c, , o, f] = t.atomref![0];
    // The small ridge on the element coefficients moves them by ~1e-3.
    [h, c, o, f].forEach((v, i) => expect(v).toBeCloseTo([-1, -30, -70, -90][i], 2));
    expect(t.mean[0]).toBeCloseTo(2, 2);
    expect(t.std[0]).toBeLessThan(0.01);
  });

  it('names an unknown target', () => {
    expect(() => targetColumn('nope' as never)).toThrow(/unknown target "nope"/);
    expect(targetColumn('mu')).toBe(0);
    expect(targetColumn('cv')).toBe(11);
  });
});

describe('solveLinear', () => {
  it('pivots past a zero on the diagonal', () => {
    // 0x + 1y = 2, 1x + 0y = 3.
    expect(
      solveLinear(
        [
          [0, 1],
          [1, 0],
        ],
        [2, 3],
      ),
    ).toEqual([3, 2]);
  });
  it('solves a 3x3 system', () => {
    // x = 1, y = -2, z = 3.
    const x = solveLinear(
      [
        [2, 1, 1],
        [1, 3, 2],
        [1, 0, 0],
      ],
      [3, 1, 1],
    );
    x.forEach((v, i) => expect(v).toBeCloseTo([1, -2, 3][i], 12));
  });
  it('refuses a singular system', () => {
    expect(() =>
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toThrow(/singular/);
  });
});

describe('quantile and calibration factor (hand-computed)', () => {
  it('interpolates linearly between order statistics', () => {
    const s = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // position (n-1) q: 0.9 -> 8.1 -> 9 + 0.1 = 9.1; 0.5 -> 4.5 -> 5.5; 0 -> 1; 1 -> 10.
    expect(quantile(s, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile(s, 0.5)).toBe(5.5);
    expect(quantile(s, 0)).toBe(1);
    expect(quantile(s, 1)).toBe(10);
    expect(quantile([4], 0.9)).toBe(4);
    expect(quantile([], 0.9)).toBeNaN();
  });

  it('scales the std so the central 90% interval covers 90% of the residuals', () => {
    // Ratios |residual| / std sorted are 1 2 3 4 5 5 6 7 8 9: the 0.9 quantile sits at position
    // 8.1, 8 + 0.1 * (9 - 8) = 8.1, so the factor is 8.1 / z90 (z90 = 1.6448536...).
    const truth = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const pred = [3, -1, 10, 2, -7, 5, 4, -9, 6, 8];
    // The third residual, 10, has std 2: ratio 5. Sorted ratios 1 2 3 4 5 5 6 7 8 9.
    const std = [1, 1, 2, 1, 1, 1, 1, 1, 1, 1];
    expect(calibrationFactor(pred, truth, std)).toBeCloseTo(8.1 / 1.6448536269514722, 12);
    // Only the residual counts, not where the truth lies.
    const shifted = truth.map((_, i) => 100 + i);
    const moved = pred.map((p, i) => p + shifted[i]);
    expect(calibrationFactor(moved, shifted, std)).toBeCloseTo(8.1 / 1.6448536269514722, 12);
    // The calibrated 90% interval (factor * std * z90) then holds 9 of the 10 residuals.
    const f = calibrationFactor(pred, truth, std);
    const inside = pred.filter((p, i) => Math.abs(p - truth[i]) <= f * std[i] * Z90).length;
    expect(inside).toBe(9);
  });

  it('a well-calibrated model gets a factor of about 1', () => {
    // Residuals at the normal quantiles of (i + 0.5) / n, std 1: the 0.9 quantile of |r| is z90.
    const n = 2001;
    const inverse = (p: number) => {
      // Bisection on erf through the normal cdf; exact enough for 1e-3.
      let lo = -10;
      let hi = 10;
      for (let k = 0; k < 80; k++) {
        const mid = (lo + hi) / 2;
        if (normalCdf(mid) < p) lo = mid;
        else hi = mid;
      }
      return lo;
    };
    const r = Array.from({ length: n }, (_, i) => inverse((i + 0.5) / n));
    const factor = calibrationFactor(r, new Array(n).fill(0), new Array(n).fill(1));
    expect(factor).toBeGreaterThan(0.995);
    expect(factor).toBeLessThan(1.005);
  });
});

/** Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7. */
function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp((-x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

describe('target metrics (hand-computed)', () => {
  it('MAE, RMSE, R2 and interval coverage', () => {
    // residuals 0, -1, -2: MAE 1, RMSE sqrt(5/3); truth mean 3, SS_tot 8, R2 1 - 5/8.
    // |r| <= 0.674 * 1 for one of three; <= 1.645 * 1 for two of three.
    const m = targetMetrics('gap', [1, 2, 3], [1, 3, 5], [1, 1, 1]);
    expect(m).toEqual({
      key: 'gap',
      unit: 'eV',
      n: 3,
      mae: 1,
      rmse: Math.sqrt(5 / 3),
      r2: 0.375,
      coverage50: 1 / 3,
      coverage90: 2 / 3,
    });
  });

  it('counts a residual exactly at the interval edge as inside', () => {
    const m = targetMetrics('mu', [Z90], [0], [1]);
    expect(m.coverage90).toBe(1);
    expect(m.coverage50).toBe(0);
    expect(targetMetrics('mu', [Z50], [0], [1]).coverage50).toBe(1);
  });

  it("scales the intervals by each molecule's std", () => {
    // std 2: the 50% interval is +-1.349, the 90% one +-3.290. Residuals 1.2, 2, 3.2, 3.4.
    const m = targetMetrics('gap', [11.2, 12, 13.2, 13.4], [10, 10, 10, 10], [2, 2, 2, 2]);
    expect(m.coverage50).toBe(1 / 4);
    expect(m.coverage90).toBe(3 / 4);
  });

  it('leaves coverage out without a std', () => {
    const m = targetMetrics('cv', [2, 4], [1, 5]);
    expect(m.coverage50).toBeUndefined();
    expect(m.coverage90).toBeUndefined();
    expect(m.unit).toBe('cal/(mol·K)');
    expect(m.r2).toBe(1 - 2 / 8);
  });

  it('formats a table row per target', () => {
    const rows = [
      targetMetrics('gap', [1, 2, 3], [1, 3, 5], [1, 1, 1]),
      targetMetrics('cv', [2, 4], [1, 5]),
    ];
    expect(formatMetricsTable(rows).split('\n')).toEqual([
      'target  unit         MAE    RMSE   R2      cov50  cov90  n',
      'gap     eV           1.000  1.291  0.3750  33.3%  66.7%  3',
      'cv      cal/(mol·K)  1.000  1.000  0.7500  -      -      2',
    ]);
  });
});

describe('split', () => {
  it('by the last digit of the gdb index, as the rule says', () => {
    // Up to 133880, the last molecule in QM9.
    expect([0, 1, 2, 9, 100, 101, 109, 10, 20, 11, 31, 12, 19, 133880].map(splitOf)).toEqual([
      'test',
      'validation',
      'train',
      'train',
      'test',
      'validation',
      'train',
      'test',
      'test',
      'validation',
      'validation',
      'train',
      'train',
      'test',
    ]);
    expect(SPLIT_RULE).toBe(
      'uncharacterized == 0; gdb_idx % 10 == 0 test, == 1 validation, otherwise train',
    );
  });
});
