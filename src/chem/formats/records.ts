import type { MoleculeResult } from '../types';

/**
 * The records of one file or text: split and counted up front (cheap string work), parsed one at a
 * time on iteration (RDKit's part, the slow one), so a reader can report progress and stop early.
 */
export interface MoleculeRecords {
  /** How many results iterating `results` gives: one per record, broken ones included. */
  total: number;
  results: Iterable<MoleculeResult>;
}

/** Records from already split items, each parsed only when iteration reaches it. */
export function lazyRecords<T>(
  items: readonly T[],
  parse: (item: T, index: number) => MoleculeResult,
): MoleculeRecords {
  return {
    total: items.length,
    results: {
      *[Symbol.iterator]() {
        for (let i = 0; i < items.length; i++) yield parse(items[i], i);
      },
    },
  };
}
