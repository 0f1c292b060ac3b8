// Saturated molecules built by hand for the server tests (no QM9 rows): heavy atoms and
// bonds in, explicit-hydrogen graph with the 11 QM9 node features out.
import type { LogRecord } from '../../server/storage';

const ELEMENTS = { H: [0, 1], C: [1, 6], N: [2, 7], O: [3, 8], F: [4, 9] } as const;
const VALENCE = { C: 4, N: 3, O: 2, F: 1 } as const;
type Heavy = keyof typeof VALENCE;

export interface TestGraph {
  x: number[][];
  edgeIndex: [number[], number[]];
  /** One-hot bond types; all single bonds in a saturated molecule. */
  edgeAttr: number[][];
}

function atomFeatures(element: keyof typeof ELEMENTS, numH: number): number[] {
  const [slot, z] = ELEMENTS[element];
  const oneHot = [0, 0, 0, 0, 0];
  oneHot[slot] = 1;
  // Saturated heavy atoms are sp3; hydrogens carry no hybridization flag.
  const sp3 = element === 'H' ? 0 : 1;
  return [...oneHot, z, 0, 0, 0, sp3, numH];
}

/** e.g. saturated(['C', 'O'], [[0, 1]]) is methanol. */
export function saturated(heavy: Heavy[], bonds: [number, number][]): TestGraph {
  const degree = heavy.map((_, i) => bonds.filter(([a, b]) => a === i || b === i).length);
  const hydrogens = heavy.map((el, i) => VALENCE[el] - degree[i]);
  const x = heavy.map((el, i) => atomFeatures(el, hydrogens[i]));
  const pairs: [number, number][] = [...bonds];
  heavy.forEach((_, i) => {
    for (let k = 0; k < hydrogens[i]; k++) {
      pairs.push([i, x.length]);
      x.push(atomFeatures('H', 0));
    }
  });
  const directed = pairs.flatMap(([a, b]) => [
    [a, b],
    [b, a],
  ]);
  directed.sort((p, q) => p[0] * x.length + p[1] - (q[0] * x.length + q[1]));
  return {
    x,
    edgeIndex: [directed.map((d) => d[0]), directed.map((d) => d[1])],
    edgeAttr: directed.map(() => [1, 0, 0, 0]),
  };
}

/** A chain of heavy atoms, e.g. chain('CCO') is ethanol. */
export function chain(atoms: string): TestGraph {
  const heavy = [...atoms] as Heavy[];
  return saturated(
    heavy,
    heavy.slice(1).map((_, i) => [i, i + 1]),
  );
}

export const methane = () => chain('C');

/** `count` alkanes, methane to `longest` carbons and round again: a drift reference's molecules. */
export function alkanes(count: number, longest = 5): TestGraph[] {
  return Array.from({ length: count }, (_, i) => chain('C'.repeat(1 + (i % longest))));
}

export function logRecord(key: string, graph: TestGraph, gapEv: number): LogRecord {
  return {
    idempotency_key: key,
    node_features: graph.x,
    edge_index: graph.edgeIndex,
    prediction: [gapEv],
    model_version: 'test-model 1.0.0',
    timestamp: '2026-11-29T10:00:00.000Z',
  };
}
