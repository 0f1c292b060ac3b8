// Batching against hand-built molecules: every array of the batch written out by hand, and every
// malformed input refused with the molecule, the atom or edge, and the problem named.
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import {
  allocateBatch,
  batchFromGraphs,
  batchToTensors,
  disposeBatch,
  NUM_BOND_TYPES,
  NUM_ELEMENTS,
} from '../../src/model/batch';
import type { GraphInput } from '../../src/model/types';

/** An 11-feature atom row: element one-hot (H C N O F) then six made-up feature values. */
function atom(element: number, tail: number[] = [1, 2, 3, 4, 5, 6]): number[] {
  const row = [0, 0, 0, 0, 0, ...tail];
  row[element] = 1;
  return row;
}
const H = 0;
const C = 1;
const N = 2;
const O = 3;
const F = 4;
const bond = (k: number) => [0, 1, 2, 3].map((i) => (i === k ? 1 : 0));

/** Hydrogen cyanide H-C#N: a single and a triple bond, both directions. */
const hcn: GraphInput = {
  x: [atom(H, [0, 0, 0, 0, 0, 1]), atom(C, [0, 2, 0, 0, 1, 0]), atom(N, [3, 0, 0, 0, 0, 0])],
  edgeIndex: [
    [0, 1, 1, 2],
    [1, 0, 2, 1],
  ],
  edgeAttr: [bond(0), bond(0), bond(2), bond(2)],
};
/** Fluoromethanol's heavy atoms only: F-C-O with aromatic and double bond classes for coverage. */
const fco: GraphInput = {
  x: [atom(F), atom(C), atom(O), atom(C)],
  edgeIndex: [
    [0, 1, 2],
    [1, 2, 3],
  ],
  edgeAttr: [bond(1), bond(3), bond(0)],
};

describe('batchFromGraphs', () => {
  it('writes every array of a two-molecule batch', () => {
    const b = batchFromGraphs([hcn, fco], true);
    expect(b.numGraphs).toBe(2);
    expect(b.numNodes).toBe(7);
    expect(Array.from(b.x)).toEqual([...hcn.x, ...fco.x].flat());
    expect(Array.from(b.src)).toEqual([0, 1, 1, 2, 3, 4, 5]);
    expect(Array.from(b.dst)).toEqual([1, 0, 2, 1, 4, 5, 6]);
    expect(Array.from(b.bond)).toEqual([0, 0, 2, 2, 1, 3, 0]);
    expect(Array.from(b.graphIndex)).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(b.nodeCounts)).toEqual([3, 4]);
    expect(Array.from(b.elementCounts)).toEqual([1, 1, 1, 0, 0, 0, 2, 0, 1, 1]);
  });

  it('counts fractional or repeated element columns as they are (the sum, not a flag)', () => {
    const b = batchFromGraphs(
      [{ x: [atom(C), atom(C), atom(C), atom(H)], edgeIndex: [[], []] }],
      false,
    );
    expect(Array.from(b.elementCounts)).toEqual([1, 3, 0, 0, 0]);
    expect(Array.from(b.bond)).toEqual([]);
  });

  it('gives bond class 0 to every edge of a molecule without edgeAttr when bonds are optional', () => {
    const b = batchFromGraphs([{ ...hcn, edgeAttr: undefined }, fco], false);
    expect(Array.from(b.bond)).toEqual([0, 0, 0, 0, 1, 3, 0]);
  });

  it('handles no molecules at all', () => {
    const b = batchFromGraphs([], true);
    expect(b.numGraphs).toBe(0);
    expect(b.numNodes).toBe(0);
    expect(b.x.length).toBe(0);
  });

  it('names the molecule and the problem for malformed molecules', () => {
    const bad =
      (g: unknown, requireBonds = true) =>
      () =>
        batchFromGraphs([hcn, g as GraphInput], requireBonds);
    expect(bad(null)).toThrow('molecule 1: x has no atoms');
    expect(bad({ ...hcn, x: [] })).toThrow('molecule 1: x has no atoms');
    expect(bad({ ...hcn, x: 'CCO' })).toThrow('molecule 1: x has no atoms');
    const edges = 'molecule 1: edgeIndex must be two index lists of equal length';
    expect(bad({ ...hcn, edgeIndex: undefined })).toThrow(edges);
    expect(bad({ ...hcn, edgeIndex: [[0, 1]] })).toThrow(edges);
    expect(bad({ ...hcn, edgeIndex: [[0], [1], [2]] })).toThrow(edges);
    expect(bad({ ...hcn, edgeIndex: [[0, 1], [1]] })).toThrow(edges);
    expect(bad({ ...hcn, edgeAttr: undefined })).toThrow(
      'molecule 1: this model needs edgeAttr (bond types)',
    );
    expect(bad({ ...hcn, edgeAttr: [bond(0)] }, false)).toThrow(
      'molecule 1: edgeAttr has 1 rows for 4 edges',
    );
  });

  it('names the atom and the feature at fault', () => {
    const bad = (x: unknown[]) => () => batchFromGraphs([{ ...hcn, x } as GraphInput], true);
    expect(bad([atom(H), atom(C).slice(1), atom(N)])).toThrow(
      'molecule 0: atom 1 has 10 features, expected 11',
    );
    expect(bad([atom(H), [...atom(C), 0], atom(N)])).toThrow('atom 1 has 12 features, expected 11');
    expect(bad([atom(H), atom(C), null])).toThrow('molecule 0: atom 2 has 0 features, expected 11');
    expect(bad([atom(H), atom(C), 'N'.repeat(11)])).toThrow('atom 2 has 11 features, expected 11');
    for (const v of [NaN, Infinity, -Infinity, '1', undefined]) {
      const row: unknown[] = atom(C);
      row[7] = v;
      expect(bad([atom(H), atom(C), row])).toThrow(
        'molecule 0: atom 2 feature 7 is not a finite number',
      );
    }
  });

  it('names the edge whose atoms lie outside the molecule', () => {
    const bad = (s: number, d: number) => () =>
      batchFromGraphs(
        [
          fco,
          {
            ...hcn,
            edgeIndex: [
              [0, s],
              [1, d],
            ],
            edgeAttr: [bond(0), bond(0)],
          },
        ],
        true,
      );
    expect(bad(3, 0)).toThrow('molecule 1: edge 1 (3 -> 0) refers to an atom outside 0..2');
    expect(bad(0, 3)).toThrow('molecule 1: edge 1 (0 -> 3) refers to an atom outside 0..2');
    expect(bad(-1, 0)).toThrow('edge 1 (-1 -> 0) refers to an atom outside 0..2');
    expect(bad(0, -1)).toThrow('edge 1 (0 -> -1) refers to an atom outside 0..2');
    expect(bad(0.5, 1)).toThrow('edge 1 (0.5 -> 1) refers to an atom outside');
    expect(bad(1, 1.5)).toThrow('edge 1 (1 -> 1.5) refers to an atom outside');
    // The last atom is inside.
    expect(
      Array.from(
        batchFromGraphs([{ ...hcn, edgeIndex: [[2], [2]], edgeAttr: [bond(3)] }], true).src,
      ),
    ).toEqual([2]);
  });

  it('names the bond row that is not a one-hot of the four bond types', () => {
    const bad = (row: unknown) => () =>
      batchFromGraphs([{ ...hcn, edgeAttr: [bond(0), bond(0), row, bond(2)] } as GraphInput], true);
    expect(bad([0, 0, 0, 0])).toThrow('molecule 0: edgeAttr row 2 is not a one-hot bond type');
    expect(bad([0, 0, 0, 0.5])).toThrow('edgeAttr row 2 is not a one-hot bond type');
    expect(bad([0, 0, 1])).toThrow('molecule 0: edgeAttr row 2 must have 4 entries');
    expect(bad([0, 0, 0, 1, 0])).toThrow('edgeAttr row 2 must have 4 entries');
    expect(bad(undefined)).toThrow('molecule 0: edgeAttr row 2 must have 4 entries');
    // The first 1 decides, as a one-hot has only one.
    const b = batchFromGraphs(
      [{ ...hcn, edgeAttr: [bond(0), bond(0), [0, 1, 1, 0], bond(3)] }],
      true,
    );
    expect(Array.from(b.bond)).toEqual([0, 0, 1, 3]);
  });
});

describe('allocateBatch', () => {
  it('sizes every array from the counts and zeroes it', () => {
    const b = allocateBatch(2, 5, 7);
    expect(b.numGraphs).toBe(2);
    expect(b.numNodes).toBe(5);
    expect(b.x).toEqual(new Float32Array(55));
    expect(b.src).toEqual(new Int32Array(7));
    expect(b.dst).toEqual(new Int32Array(7));
    expect(b.bond).toEqual(new Int32Array(7));
    expect(b.graphIndex).toEqual(new Int32Array(5));
    expect(b.nodeCounts).toEqual(new Int32Array(2));
    expect(b.elementCounts).toEqual(new Float32Array(2 * NUM_ELEMENTS));
    expect(NUM_ELEMENTS).toBe(5);
    expect(NUM_BOND_TYPES).toBe(4);
  });
});

describe('batchToTensors', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  it('carries the arrays over with their shapes and the reciprocal atom counts', () => {
    const t = batchToTensors(batchFromGraphs([hcn, fco], true));
    expect(t.numGraphs).toBe(2);
    expect(t.numNodes).toBe(7);
    expect(t.x.shape).toEqual([7, 11]);
    expect(Array.from(t.x.dataSync())).toEqual([...hcn.x, ...fco.x].flat());
    expect(t.src.dtype).toBe('int32');
    expect(Array.from(t.src.dataSync())).toEqual([0, 1, 1, 2, 3, 4, 5]);
    expect(t.dst.dtype).toBe('int32');
    expect(Array.from(t.dst.dataSync())).toEqual([1, 0, 2, 1, 4, 5, 6]);
    expect(t.bond.dtype).toBe('int32');
    expect(Array.from(t.bond.dataSync())).toEqual([0, 0, 2, 2, 1, 3, 0]);
    expect(t.graphIndex.dtype).toBe('int32');
    expect(Array.from(t.graphIndex.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(t.invCounts.shape).toEqual([2, 1]);
    expect(Array.from(t.invCounts.dataSync())).toEqual([Math.fround(1 / 3), 0.25]);
    disposeBatch(t);
    for (const tensor of [t.x, t.src, t.dst, t.bond, t.graphIndex, t.invCounts])
      expect(tensor.isDisposed).toBe(true);
  });
});
