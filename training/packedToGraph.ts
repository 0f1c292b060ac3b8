import { NUM_NODE_FEATURES } from '../src/chem/types';
import type { GraphInput } from '../src/model';
import type { PackedGraphs } from './packed';

/** One packed molecule as the GraphInput a client would send. */
export function packedToGraph(p: PackedGraphs, i: number): GraphInput {
  const n0 = p.nodeOffset[i];
  const n = p.nodeOffset[i + 1] - n0;
  const e0 = p.edgeOffset[i];
  const m = p.edgeOffset[i + 1] - e0;
  const x = Array.from({ length: n }, (_, a) =>
    Array.from(p.x.subarray((n0 + a) * NUM_NODE_FEATURES, (n0 + a + 1) * NUM_NODE_FEATURES)),
  );
  const edgeAttr = Array.from({ length: m }, (_, e) =>
    [0, 0, 0, 0].map((_, k) => (p.bond[e0 + e] === k ? 1 : 0)),
  );
  return {
    x,
    edgeIndex: [Array.from(p.src.subarray(e0, e0 + m)), Array.from(p.dst.subarray(e0, e0 + m))],
    edgeAttr,
  };
}
