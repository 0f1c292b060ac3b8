import { describe, expect, it } from 'vitest';
import { EVALUATION_FORMAT, parseModelEvaluation, type ModelEvaluation } from '../../src/model';
import { intervalCoverageSection } from '../../training/cardSections';
import { COVERAGE_LEVELS, centralZ, coverageAtLevels, targetMetrics } from '../../training/metrics';
import { Z50, Z90 } from '../../src/model/bounds';

describe('centralZ', () => {
  it('gives the z of the central 50 %, 90 %, 95 % and 99 % normal intervals', () => {
    expect(centralZ(0.5)).toBeCloseTo(Z50, 12);
    expect(centralZ(0.9)).toBeCloseTo(Z90, 12);
    expect(centralZ(0.95)).toBeCloseTo(1.959963984540054, 12);
    expect(centralZ(0.99)).toBeCloseTo(2.5758293035489, 12);
  });

  it('refuses levels outside (0, 1)', () => {
    for (const p of [0, 1, -0.5, 1.5, NaN]) expect(() => centralZ(p)).toThrow(RangeError);
  });
});

describe('coverageAtLevels', () => {
  // Residuals 0.1, 0.5, 1.0, 2.0 with std 1: z(50 %) = 0.674 holds the first two, z(90 %) = 1.645
  // the first three, z(99 %) = 2.576 all four; z(5 %) = 0.063 none of them.
  const truth = [0, 0, 0, 0];
  const pred = [0.1, -0.5, 1.0, -2.0];
  const ones = [1, 1, 1, 1];

  it('counts the molecules inside pred ± z_p·std at each level', () => {
    expect(coverageAtLevels(pred, truth, ones, [0.05, 0.5, 0.9, 0.99])).toEqual([0, 0.5, 0.75, 1]);
  });

  it('scales each interval by its own std', () => {
    // With std 4 for the 2.0 residual it lies within z(50 %)·4 = 2.70; the 0.5 one with std 0.5
    // needs z = 1, outside the 50 % interval, inside the 90 % one.
    expect(coverageAtLevels(pred, truth, [1, 0.5, 1, 4], [0.5, 0.9])).toEqual([0.5, 1]);
  });

  it('is closed at the ends, as the card counts coverage', () => {
    const edge = [Z90, -Z90];
    expect(coverageAtLevels(edge, [0, 0], [1, 1], [0.9])).toEqual([1]);
  });

  it('agrees with the card metrics at 50 % and 90 %', () => {
    const p = [0.3, -1.2, 0.05, 2.4, -0.7, 1.6];
    const t = [0, 0, 0, 0, 0, 0];
    const s = [1, 1, 0.1, 2, 1, 1];
    const m = targetMetrics('gap', p, t, s);
    const at = coverageAtLevels(p, t, s, COVERAGE_LEVELS);
    expect(at[COVERAGE_LEVELS.indexOf(0.5)]).toBe(m.coverage50);
    expect(at[COVERAGE_LEVELS.indexOf(0.9)]).toBe(m.coverage90);
  });

  it('refuses arrays of different lengths', () => {
    expect(() => coverageAtLevels([1, 2], [1], [1])).toThrow(RangeError);
  });
});

describe('intervalCoverageSection', () => {
  const truth = [0, 0, 0, 0];
  const columns = {
    gap: { pred: [0.1, -0.5, 1.0, -2.0], std: [1, 1, 1, 1] },
    mu: { pred: [0, 0, 0, 3], std: null },
  };
  const section = () =>
    intervalCoverageSection(
      'test',
      ['gap', 'mu'],
      (key) => columns[key as 'gap' | 'mu'].pred,
      () => truth,
      (key) => columns[key as 'gap' | 'mu'].std,
    );

  it('holds a curve per target with a std, at the shared levels', () => {
    const coverage = section()!;
    expect(coverage.split).toBe('test');
    expect(coverage.n).toBe(4);
    expect(coverage.levels).toEqual(COVERAGE_LEVELS);
    expect(Object.keys(coverage.observed)).toEqual(['gap']);
    const at = (p: number) => coverage.observed.gap![COVERAGE_LEVELS.indexOf(p)];
    expect([at(0.05), at(0.5), at(0.9), at(0.99)]).toEqual([0, 0.5, 0.75, 1]);
  });

  it('is absent for a model without a std', () => {
    expect(
      intervalCoverageSection(
        'test',
        ['mu'],
        () => [1],
        () => [1],
        () => null,
      ),
    ).toBeUndefined();
  });

  describe('in evaluation.json', () => {
    const card = { name: 'm', version: '1.0.0' };
    const file = (intervalCoverage: unknown): ModelEvaluation =>
      ({
        format: EVALUATION_FORMAT,
        formatVersion: 1,
        ...card,
        testResiduals: { errorHistograms: {}, parity: {} },
        trainingHistory: [],
        intervalCoverage,
      }) as ModelEvaluation;

    it('is read back as written', () => {
      const coverage = section();
      expect(parseModelEvaluation(file(coverage), card).intervalCoverage).toEqual(coverage);
    });

    it('is refused when a curve falls, has the wrong length or a level is out of range', () => {
      const good = section()!;
      const falling = [...good.observed.gap!].reverse();
      expect(() =>
        parseModelEvaluation(file({ ...good, observed: { gap: falling } }), card, 'e'),
      ).toThrow('e: intervalCoverage: "observed.gap" must be 12 non-decreasing shares');
      expect(() =>
        parseModelEvaluation(file({ ...good, observed: { gap: [0.5] } }), card, 'e'),
      ).toThrow('"observed.gap" must be 12');
      expect(() => parseModelEvaluation(file({ ...good, levels: [0.5, 1] }), card, 'e')).toThrow(
        '"levels" must be increasing nominal levels between 0 and 1',
      );
      expect(() => parseModelEvaluation(file({ ...good, levels: [0.9, 0.5] }), card, 'e')).toThrow(
        '"levels" must be increasing',
      );
      expect(() => parseModelEvaluation(file({ ...good, n: 0 }), card, 'e')).toThrow(
        '"n" must be a positive molecule count',
      );
      expect(() => parseModelEvaluation(file({ ...good, split: 'all' }), card, 'e')).toThrow(
        '"split" must be test, validation or train',
      );
    });
  });
});
