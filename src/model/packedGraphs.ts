// Many molecules' graphs in a few flat typed arrays: how graphs travel between threads (a transfer
// moves the buffers instead of cloning thousands of small arrays), how training caches the
// featurized dataset, and what batches are cut from.
// No tfjs here: the chemistry worker packs what it reads.
import { BOND_TYPES, NUM_NODE_FEATURES } from '../chem/types';
import type { GraphInput } from './types';

const NUM_BOND_TYPES = BOND_TYPES.length;

export interface PackedGraphs {
  count: number;
  /** Molecule i's atoms are nodeOffset[i] .. nodeOffset[i + 1] - 1 (count + 1 entries). */
  nodeOffset: Int32Array;
  /** Molecule i's edges are edgeOffset[i] .. edgeOffset[i + 1] - 1 (count + 1 entries). */
  edgeOffset: Int32Array;
  /**
   * totalNodes x 11, row-major. Bytes when every feature is an integer 0..255 (always, for
   * molecules RDKit featurized), float32 otherwise (the /predict contract allows any number).
   */
  x: Uint8Array | Float32Array;
  /** Edge j -> i as atom indices within the edge's own molecule. */
  src: Int32Array;
  dst: Int32Array;
  /** Bond class per edge (index into chem's BOND_TYPES); 0 where a molecule had no edgeAttr. */
  bond: Uint8Array;
  /** Whether every molecule came with bond types (edgeAttr). */
  bondTypes: boolean;
}

/** Zeroed arrays for a pack with these offsets; byte features where every feature fits a byte. */
function allocatePacked(
  nodeOffset: Int32Array,
  edgeOffset: Int32Array,
  bytes: boolean,
  bondTypes: boolean,
): PackedGraphs {
  const count = nodeOffset.length - 1;
  const features = nodeOffset[count] * NUM_NODE_FEATURES;
  const edges = edgeOffset[count];
  return {
    count,
    nodeOffset,
    edgeOffset,
    x: bytes ? new Uint8Array(features) : new Float32Array(features),
    src: new Int32Array(edges),
    dst: new Int32Array(edges),
    bond: new Uint8Array(edges),
    bondTypes,
  };
}

function bondClass(row: number[] | undefined, mol: number, edge: number): number {
  if (!row || row.length !== NUM_BOND_TYPES) {
    throw new Error(`molecule ${mol}: edgeAttr row ${edge} must have ${NUM_BOND_TYPES} entries`);
  }
  const k = row.findIndex((v) => v === 1);
  if (k < 0) throw new Error(`molecule ${mol}: edgeAttr row ${edge} is not a one-hot bond type`);
  return k;
}

/** Checks one molecule's shape; returns its atom and edge counts. */
function checkShape(g: GraphInput, m: number, requireBonds: boolean): [number, number] {
  if (!g || !Array.isArray(g.x) || g.x.length === 0)
    throw new Error(`molecule ${m}: x has no atoms`);
  if (
    !Array.isArray(g.edgeIndex) ||
    g.edgeIndex.length !== 2 ||
    g.edgeIndex[0].length !== g.edgeIndex[1].length
  ) {
    throw new Error(`molecule ${m}: edgeIndex must be two index lists of equal length`);
  }
  if (requireBonds && !g.edgeAttr)
    throw new Error(`molecule ${m}: this model needs edgeAttr (bond types)`);
  if (g.edgeAttr && g.edgeAttr.length !== g.edgeIndex[0].length) {
    throw new Error(
      `molecule ${m}: edgeAttr has ${g.edgeAttr.length} rows for ${g.edgeIndex[0].length} edges`,
    );
  }
  return [g.x.length, g.edgeIndex[0].length];
}

/**
 * Checks and packs featurized molecules. `requireBonds`: the model uses bond types, so a molecule
 * without edgeAttr is an error rather than a silent "all single bonds". Errors name the molecule
 * (its index in `graphs`), the atom or edge, and the problem.
 */
export function packGraphs(graphs: GraphInput[], requireBonds = false): PackedGraphs {
  const count = graphs.length;
  const nodeOffset = new Int32Array(count + 1);
  const edgeOffset = new Int32Array(count + 1);
  let bytes = true;
  graphs.forEach((g, m) => {
    const [n, e] = checkShape(g, m, requireBonds);
    nodeOffset[m + 1] = nodeOffset[m] + n;
    edgeOffset[m + 1] = edgeOffset[m] + e;
    g.x.forEach((row, a) => {
      if (!Array.isArray(row) || row.length !== NUM_NODE_FEATURES) {
        throw new Error(
          `molecule ${m}: atom ${a} has ${row?.length ?? 0} features, expected ${NUM_NODE_FEATURES}`,
        );
      }
      for (let f = 0; f < NUM_NODE_FEATURES; f++) {
        const v = row[f];
        if (!Number.isFinite(v))
          throw new Error(`molecule ${m}: atom ${a} feature ${f} is not a finite number`);
        if (!(Number.isInteger(v) && v >= 0 && v <= 255)) bytes = false;
      }
    });
  });
  const p = allocatePacked(
    nodeOffset,
    edgeOffset,
    bytes,
    graphs.every((g) => g.edgeAttr !== undefined),
  );
  graphs.forEach((g, m) => {
    const n = g.x.length;
    for (let a = 0; a < n; a++) p.x.set(g.x[a], (nodeOffset[m] + a) * NUM_NODE_FEATURES);
    const [s, d] = g.edgeIndex;
    const e0 = edgeOffset[m];
    for (let e = 0; e < s.length; e++) {
      const si = s[e];
      const di = d[e];
      if (
        !Number.isInteger(si) ||
        !Number.isInteger(di) ||
        si < 0 ||
        di < 0 ||
        si >= n ||
        di >= n
      ) {
        throw new Error(
          `molecule ${m}: edge ${e} (${si} -> ${di}) refers to an atom outside 0..${n - 1}`,
        );
      }
      p.src[e0 + e] = si;
      p.dst[e0 + e] = di;
      if (g.edgeAttr) p.bond[e0 + e] = bondClass(g.edgeAttr[e], m, e);
    }
  });
  return p;
}

/** Some molecules of several packs, in the order given, as one pack (a job's chunk). */
export function joinPacked(pieces: { packed: PackedGraphs; index: number }[]): PackedGraphs {
  const count = pieces.length;
  const nodeOffset = new Int32Array(count + 1);
  const edgeOffset = new Int32Array(count + 1);
  let bytes = true;
  pieces.forEach(({ packed, index }, k) => {
    nodeOffset[k + 1] = nodeOffset[k] + packed.nodeOffset[index + 1] - packed.nodeOffset[index];
    edgeOffset[k + 1] = edgeOffset[k] + packed.edgeOffset[index + 1] - packed.edgeOffset[index];
    if (!(packed.x instanceof Uint8Array)) bytes = false;
  });
  const width = NUM_NODE_FEATURES;
  const out = allocatePacked(
    nodeOffset,
    edgeOffset,
    bytes,
    pieces.every(({ packed }) => packed.bondTypes),
  );
  pieces.forEach(({ packed: p, index: i }, k) => {
    out.x.set(
      p.x.subarray(p.nodeOffset[i] * width, p.nodeOffset[i + 1] * width),
      nodeOffset[k] * width,
    );
    const [e0, e1] = [p.edgeOffset[i], p.edgeOffset[i + 1]];
    out.src.set(p.src.subarray(e0, e1), edgeOffset[k]);
    out.dst.set(p.dst.subarray(e0, e1), edgeOffset[k]);
    out.bond.set(p.bond.subarray(e0, e1), edgeOffset[k]);
  });
  return out;
}

/** One molecule of a pack as the model's plain input (for logging, which sends node features). */
export function graphAt(p: PackedGraphs, i: number): GraphInput {
  const x: number[][] = [];
  for (let a = p.nodeOffset[i]; a < p.nodeOffset[i + 1]; a++) {
    x.push(Array.from(p.x.subarray(a * NUM_NODE_FEATURES, (a + 1) * NUM_NODE_FEATURES)));
  }
  const [e0, e1] = [p.edgeOffset[i], p.edgeOffset[i + 1]];
  const graph: GraphInput = {
    x,
    edgeIndex: [Array.from(p.src.subarray(e0, e1)), Array.from(p.dst.subarray(e0, e1))],
  };
  if (p.bondTypes) {
    graph.edgeAttr = Array.from(p.bond.subarray(e0, e1), (k) =>
      Array.from({ length: NUM_BOND_TYPES }, (_, j) => (j === k ? 1 : 0)),
    );
  }
  return graph;
}

/** The buffers to transfer with a pack: it is unusable on the sending side afterwards. */
export function packedBuffers(p: PackedGraphs): ArrayBuffer[] {
  return [p.nodeOffset, p.edgeOffset, p.x, p.src, p.dst, p.bond].map(
    (a) => a.buffer as ArrayBuffer,
  );
}
