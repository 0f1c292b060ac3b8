// A model card's driftReference is untrusted JSON: each malformed shape must be refused with a
// message naming the exact path, and the edge values a valid card may hold must pass.
import { describe, expect, it } from 'vitest';
import {
  computeDriftReference,
  expandColumn,
  parseDriftReference,
  type DriftReference,
} from '../../src/stats';
import { chain } from '../helpers/molecules';

// Three molecules with three distinct gaps: with maxDistinctForCounts 2 the prediction column is
// stored as values, the per-molecule counts (1, 2 and 3 heavy atoms) as counts.
const graphs = [chain('C'), chain('CO'), chain('CCC')];
const gaps = [9, 7.5, 8.25];

/** A fresh, valid reference as it comes out of JSON (so it can be broken freely). */
function card(): DriftReference {
  const ref = computeDriftReference(graphs, gaps, { maxDistinctForCounts: 2 });
  return JSON.parse(JSON.stringify(ref)) as DriftReference;
}

/** The reference with one molecule column replaced by `column` (any shape). */
function withMoleculeColumn(name: string, column: unknown): unknown {
  const ref = card();
  return {
    ...ref,
    molecules: { ...ref.molecules, columns: { ...ref.molecules.columns, [name]: column } },
  };
}

function messageOf(json: unknown, where?: string): string {
  try {
    parseDriftReference(json, where);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('parseDriftReference accepts', () => {
  it('the reference computeDriftReference writes, with values and counts columns', () => {
    const ref = card();
    expect(ref.molecules.columns.prediction).toEqual({ values: [9, 7.5, 8.25] });
    expect(ref.molecules.columns.num_nodes).toEqual({ values: [5, 6, 11] });
    expect(ref.atoms.columns.feature_0).toEqual({
      counts: [
        [0, 6],
        [1, 16],
      ],
    }); // 6 heavy, 16 H
    expect(messageOf(ref)).toBe('accepted');
  });

  it('a one-molecule reference (rows = 1 is the smallest table)', () => {
    const one = JSON.parse(JSON.stringify(computeDriftReference([chain('CO')], [7.5])));
    expect(one.molecules.rows).toBe(1);
    expect(messageOf(one)).toBe('accepted');
  });

  it('a value seen zero times in a counts column', () => {
    const json = withMoleculeColumn('prediction', {
      counts: [
        [9, 1],
        [7.5, 1],
        [8.25, 1],
        [100, 0],
      ],
    });
    expect(messageOf(json)).toBe('accepted');
  });
});

describe('parseDriftReference refuses, naming the first problem', () => {
  it.each([
    ['null', null, 'driftReference: expected an object'],
    ['a string', 'qm9-drift-reference/1', 'driftReference: expected an object'],
    ['a number', 1, 'driftReference: expected an object'],
  ])('%s instead of an object', (_, json, message) => {
    expect(messageOf(json)).toBe(message);
  });

  it('uses the caller’s path in every message', () => {
    expect(messageOf(false, 'card.driftReference')).toBe('card.driftReference: expected an object');
    expect(messageOf({ ...card(), format: 'v0' }, 'card.driftReference')).toBe(
      'card.driftReference.format: expected "qm9-drift-reference/1", got "v0"',
    );
    expect(messageOf({ ...card(), atoms: 3 }, 'card.driftReference')).toBe(
      'card.driftReference.atoms: missing table',
    );
  });

  it('a missing format', () => {
    expect(messageOf({ ...card(), format: undefined })).toBe(
      'driftReference.format: expected "qm9-drift-reference/1", got undefined',
    );
  });

  it.each([
    ['null', null],
    ['a number', 5],
    ['a string', 'molecules'],
  ])('a table that is %s', (_, table) => {
    expect(messageOf({ ...card(), molecules: table })).toBe(
      'driftReference.molecules: missing table',
    );
  });

  it.each([
    ['zero', 0],
    ['negative', -3],
    ['fractional', 2.5],
    ['a string', '3'],
    ['missing', undefined],
  ])('a row count that is %s', (_, rows) => {
    const ref = card();
    expect(messageOf({ ...ref, molecules: { ...ref.molecules, rows } })).toBe(
      'driftReference.molecules.rows: expected a positive integer',
    );
  });

  it('a table without columns', () => {
    expect(messageOf({ ...card(), molecules: { rows: 3 } })).toBe(
      'driftReference.molecules.columns.prediction: missing',
    );
  });

  it('a missing atom column', () => {
    const ref = card();
    const { feature_10: _, ...columns } = ref.atoms.columns;
    expect(messageOf({ ...ref, atoms: { ...ref.atoms, columns } })).toBe(
      'driftReference.atoms.columns.feature_10: missing',
    );
  });

  it.each([
    ['counts that are not an array', { counts: 5 }],
    ['values that are not an array', { values: '9,7.5,8.25' }],
    ['neither counts nor values', { value: [9, 7.5, 8.25] }],
    ['counts and values both wrong', { counts: {}, values: null }],
  ])('a column with %s', (_, column) => {
    expect(messageOf(withMoleculeColumn('prediction', column))).toBe(
      'driftReference.molecules.columns.prediction: expected {counts: [[value, count], ...]} or {values: [...]}',
    );
  });

  it.each([
    ['a bare number', [[9, 1], [7.5, 1], 8.25], 2],
    ['an array-like object', [[9, 1], { 0: 7.5, 1: 1, length: 2 }, [8.25, 1]], 1],
    [
      'a string value',
      [
        [9, 1],
        ['7.5', 1],
        [8.25, 1],
      ],
      1,
    ],
    [
      'a NaN value',
      [
        [9, 1],
        [NaN, 1],
        [8.25, 1],
      ],
      1,
    ],
    [
      'an infinite value',
      [
        [Infinity, 1],
        [7.5, 1],
        [8.25, 1],
      ],
      0,
    ],
    [
      'a fractional count',
      [
        [9, 1],
        [7.5, 0.5],
        [8.25, 1.5],
      ],
      1,
    ],
    [
      'a negative count (the total still matches)',
      [
        [9, 2],
        [7.5, -1],
        [8.25, 2],
      ],
      1,
    ],
    ['a missing count', [[9, 1], [7.5], [8.25, 2]], 1],
  ])('a counts entry that is %s', (_, counts, index) => {
    expect(messageOf(withMoleculeColumn('prediction', { counts }))).toBe(
      `driftReference.molecules.columns.prediction.counts[${index}]: expected [value, count]`,
    );
  });

  it.each([
    ['NaN', [NaN, 7.5, 8.25], 0],
    ['a string', [9, '7.5', 8.25], 1],
    ['infinite', [9, 7.5, -Infinity], 2],
    ['null', [9, 7.5, null], 2],
  ])('a value that is %s', (_, values, index) => {
    expect(messageOf(withMoleculeColumn('prediction', { values }))).toBe(
      `driftReference.molecules.columns.prediction.values[${index}]: not a finite number`,
    );
  });

  it.each([
    ['values', { values: [9, 7.5] }, 2],
    [
      'counts',
      {
        counts: [
          [9, 1],
          [7.5, 3],
        ],
      },
      4,
    ],
  ])('%s that do not add up to the table rows', (_, column, total) => {
    expect(messageOf(withMoleculeColumn('prediction', column))).toBe(
      `driftReference.molecules.columns.prediction: holds ${total} values, table has 3 rows`,
    );
  });
});

describe('expandColumn', () => {
  it('returns stored values as they are, in order', () => {
    expect([...expandColumn({ values: [3, -1, 2.5] })]).toEqual([3, -1, 2.5]);
  });
  it('repeats each counted value, skipping zero counts', () => {
    expect([
      ...expandColumn({
        counts: [
          [2, 2],
          [4, 0],
          [5, 1],
        ],
      }),
    ]).toEqual([2, 2, 5]);
  });
});
