// Graphs written by hand for the model's unit tests: 11-feature node rows in src/chem's order
// (H C N O F one-hot, atomic number, then aromatic, sp, sp2, sp3, hydrogens) and single bonds.
import type { GraphInput } from '../../src/model/types';

/** Each element's one-hot slot (also its place in per-element arrays) and atomic number. */
export const ELEMENTS = { H: [0, 1], C: [1, 6], N: [2, 7], O: [3, 8], F: [4, 9] } as const;
export type Element = keyof typeof ELEMENTS;
export const SINGLE_BOND = [1, 0, 0, 0];

/** One node row: the element's one-hot slot and atomic number, then the five `rest` features. */
export function atomRow(element: Element, rest: number[]): number[] {
  const [slot, z] = ELEMENTS[element];
  const row = [0, 0, 0, 0, 0, z, ...rest];
  row[slot] = 1;
  return row;
}

/** A graph of these node rows in which each bond [a, b] is single and stands as a→b, then b→a. */
export function singleBonded(x: number[][], bonds: [number, number][]): GraphInput {
  return {
    x,
    edgeIndex: [bonds.flatMap(([a, b]) => [a, b]), bonds.flatMap(([a, b]) => [b, a])],
    edgeAttr: bonds.flatMap(() => [SINGLE_BOND, SINGLE_BOND]),
  };
}
