// The calibration curve's check in parseModelEvaluation against hand-written sections: each broken
// field refused with its exact message, each edge of the allowed ranges accepted.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseModelEvaluation } from '../../src/model/modelCard';

const evaluation = JSON.parse(
  readFileSync('public/models/qm9-gnn-ensemble-v1.1/evaluation.json', 'utf8'),
) as Record<string, unknown> & { name: string; version: string };
const card = { name: evaluation.name, version: evaluation.version };
const good = {
  split: 'test',
  n: 10,
  levels: [0.5, 0.9],
  observed: { gap: [0.4, 0.9], mu: [0.5, 0.5] },
};
const parse = (coverage: unknown) =>
  parseModelEvaluation({ ...evaluation, intervalCoverage: coverage }, card, 'e.json');
const at = 'e.json: intervalCoverage: ';

describe('intervalCoverage in evaluation.json', () => {
  it('accepts increasing levels inside (0, 1) and non-decreasing shares within [0, 1]', () => {
    expect(parse(good).intervalCoverage).toEqual(good);
    for (const split of ['validation', 'train'])
      expect(parse({ ...good, split }).intervalCoverage?.split).toBe(split);
    expect(parse({ ...good, n: 1 }).intervalCoverage?.n).toBe(1);
    expect(parse({ ...good, levels: [0.001], observed: { gap: [0] } })).toBeTruthy();
    expect(parse({ ...good, levels: [0.1, 0.999], observed: { gap: [0, 1] } })).toBeTruthy();
    expect(parse({ ...good, observed: {} })).toBeTruthy();
    expect(parseModelEvaluation({ ...evaluation, intervalCoverage: undefined }, card)).toBeTruthy();
  });

  it('refuses levels that are missing, empty, out of (0, 1), not numbers or not increasing', () => {
    const levels = `${at}"levels" must be increasing nominal levels between 0 and 1`;
    expect(() => parse(null)).toThrow(levels);
    for (const bad of [
      '0.5',
      [],
      [0, 0.5],
      [0.5, 1],
      [0.5, 0.5],
      [0.9, 0.5],
      ['0.5'],
      [1.5],
      [-0.5],
    ])
      expect(() => parse({ ...good, levels: bad }), JSON.stringify(bad)).toThrow(levels);
  });

  it('refuses an unknown split, a count that is not a positive integer, and no observations', () => {
    for (const split of ['training', 'Test', undefined])
      expect(() => parse({ ...good, split })).toThrow(
        `${at}"split" must be test, validation or train`,
      );
    for (const n of [0, -1, 2.5, '10', undefined])
      expect(() => parse({ ...good, n }), String(n)).toThrow(
        `${at}"n" must be a positive molecule count`,
      );
    for (const observed of [undefined, null, 'gap'])
      expect(() => parse({ ...good, observed })).toThrow(
        `${at}"observed" must hold the coverage per target`,
      );
  });

  it('refuses per-target shares of the wrong length, outside [0, 1], falling or not numbers', () => {
    for (const shares of [
      '0.5',
      [0.5],
      [0.5, 0.6, 0.7],
      [-0.1, 0.5],
      [0.5, 1.1],
      [0.9, 0.5],
      ['0.4', '0.9'],
    ])
      expect(() => parse({ ...good, observed: { ...good.observed, gap: shares } })).toThrow(
        `${at}"observed.gap" must be 2 non-decreasing shares between 0 and 1`,
      );
  });
});
