import { NUM_NODE_FEATURES } from '../src/chem/types';
import { allocateBatch, NUM_ELEMENTS, type GraphBatchArrays } from '../src/model';
import type { GraphInput } from '../src/model';

/** Many featurized molecules in flat typed arrays (compact, cacheable, fast to batch). */
export interface PackedGraphs {
  count: number;
  nodeOffset: Int32Array;
  edgeOffset: Int32Array;
  /** totalNodes x 11 (all features are small integers). */
  x: Uint8Array;
  /** Per-molecule local atom indices. */
  src: Int32Array;
  dst: Int32Array;
  bond: Uint8Array;
  gdbIdx: Int32Array;
  /** count x 12 target values in TARGETS units; NaN where unknown. */
  targets: Float32Array;
}

export const NUM_TARGET_COLUMNS = 12;

/** Packs graphs (all must carry edgeAttr); the caller gives targets and ids per graph. */
export function packGraphs(
  graphs: GraphInput[],
  gdbIdx: number[],
  targets: number[][],
): PackedGraphs {
  const count = graphs.length;
  const nodeOffset = new Int32Array(count + 1);
  const edgeOffset = new Int32Array(count + 1);
  graphs.forEach((g, i) => {
    nodeOffset[i + 1] = nodeOffset[i] + g.x.length;
    edgeOffset[i + 1] = edgeOffset[i] + g.edgeIndex[0].length;
  });
  const p: PackedGraphs = {
    count,
    nodeOffset,
    edgeOffset,
    x: new Uint8Array(nodeOffset[count] * NUM_NODE_FEATURES),
    src: new Int32Array(edgeOffset[count]),
    dst: new Int32Array(edgeOffset[count]),
    bond: new Uint8Array(edgeOffset[count]),
    gdbIdx: Int32Array.from(gdbIdx),
    targets: new Float32Array(count * NUM_TARGET_COLUMNS).fill(NaN),
  };
  graphs.forEach((g, i) => {
    g.x.forEach((row, a) => p.x.set(row, (nodeOffset[i] + a) * NUM_NODE_FEATURES));
    const e0 = edgeOffset[i];
    p.src.set(g.edgeIndex[0], e0);
    p.dst.set(g.edgeIndex[1], e0);
    g.edgeAttr?.forEach((row, e) => (p.bond[e0 + e] = row.indexOf(1)));
    targets[i]?.forEach((v, k) => (p.targets[i * NUM_TARGET_COLUMNS + k] = v));
  });
  return p;
}

/** Gathers the molecules `ids` into one batch graph. */
export function batchFromPacked(p: PackedGraphs, ids: ArrayLike<number>): GraphBatchArrays {
  let numNodes = 0;
  let numEdges = 0;
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k];
    numNodes += p.nodeOffset[i + 1] - p.nodeOffset[i];
    numEdges += p.edgeOffset[i + 1] - p.edgeOffset[i];
  }
  const b = allocateBatch(ids.length, numNodes, numEdges);
  let nb = 0;
  let eb = 0;
  for (let k = 0; k < ids.length; k++) {
    const i = ids[k];
    const n0 = p.nodeOffset[i];
    const n = p.nodeOffset[i + 1] - n0;
    b.x.set(
      p.x.subarray(n0 * NUM_NODE_FEATURES, (n0 + n) * NUM_NODE_FEATURES),
      nb * NUM_NODE_FEATURES,
    );
    b.graphIndex.fill(k, nb, nb + n);
    b.nodeCounts[k] = n;
    for (let a = 0; a < n; a++) {
      for (let e = 0; e < NUM_ELEMENTS; e++)
        b.elementCounts[k * NUM_ELEMENTS + e] += p.x[(n0 + a) * NUM_NODE_FEATURES + e];
    }
    const e0 = p.edgeOffset[i];
    const m = p.edgeOffset[i + 1] - e0;
    for (let e = 0; e < m; e++) {
      b.src[eb + e] = p.src[e0 + e] + nb;
      b.dst[eb + e] = p.dst[e0 + e] + nb;
      b.bond[eb + e] = p.bond[e0 + e];
    }
    nb += n;
    eb += m;
  }
  return b;
}

/** Element counts (H, C, N, O, F) of one packed molecule. */
export function elementCountsOf(p: PackedGraphs, i: number): number[] {
  const c = [0, 0, 0, 0, 0];
  for (let a = p.nodeOffset[i]; a < p.nodeOffset[i + 1]; a++) {
    for (let e = 0; e < NUM_ELEMENTS; e++) c[e] += p.x[a * NUM_NODE_FEATURES + e];
  }
  return c;
}

/** Atoms that are not hydrogen (feature column 0 is the H one-hot). */
export function heavyAtomCountOf(p: PackedGraphs, i: number): number {
  let n = 0;
  for (let a = p.nodeOffset[i]; a < p.nodeOffset[i + 1]; a++) n += 1 - p.x[a * NUM_NODE_FEATURES];
  return n;
}

/** The ids followed by `copies - 1` extra copies of those with at most `maxHeavy` heavy atoms. */
export function withSmallMoleculesRepeated(
  p: PackedGraphs,
  ids: Int32Array,
  maxHeavy: number,
  copies: number,
): Int32Array {
  const small = Array.from(ids).filter((i) => heavyAtomCountOf(p, i) <= maxHeavy);
  const out = Array.from(ids);
  for (let c = 1; c < copies; c++) out.push(...small);
  return Int32Array.from(out);
}

const ARRAY_FIELDS = [
  'nodeOffset',
  'edgeOffset',
  'x',
  'src',
  'dst',
  'bond',
  'gdbIdx',
  'targets',
] as const;

/** Binary form for the featurization cache: a JSON header line, then the arrays back to back. */
export function serializePacked(p: PackedGraphs, meta: Record<string, unknown>): Uint8Array {
  const parts = ARRAY_FIELDS.map((f) => p[f]);
  const header = JSON.stringify({ meta, count: p.count, lengths: parts.map((a) => a.length) });
  const head = new TextEncoder().encode(header + '\n');
  // Pad the header so every array starts 4-byte aligned.
  const pad = (4 - (head.length % 4)) % 4;
  const total =
    head.length +
    pad +
    parts.reduce((s, a) => s + a.byteLength + ((4 - (a.byteLength % 4)) % 4), 0);
  const out = new Uint8Array(total);
  out.set(head);
  out.fill(0x20, head.length - 1, head.length - 1 + pad);
  out[head.length - 1 + pad] = 0x0a;
  let off = head.length + pad;
  for (const a of parts) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += a.byteLength + ((4 - (a.byteLength % 4)) % 4);
  }
  return out;
}

export function deserializePacked(bytes: Uint8Array): {
  packed: PackedGraphs;
  meta: Record<string, unknown>;
} {
  const nl = bytes.indexOf(0x0a);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, nl))) as {
    meta: Record<string, unknown>;
    count: number;
    lengths: number[];
  };
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  let off = nl + 1;
  const ctors = {
    nodeOffset: Int32Array,
    edgeOffset: Int32Array,
    x: Uint8Array,
    src: Int32Array,
    dst: Int32Array,
    bond: Uint8Array,
    gdbIdx: Int32Array,
    targets: Float32Array,
  };
  const arrays: Record<string, ArrayLike<number>> = {};
  ARRAY_FIELDS.forEach((f, k) => {
    const C = ctors[f];
    const n = header.lengths[k];
    arrays[f] = new (C as Int32ArrayConstructor)(buf.slice(off, off + n * C.BYTES_PER_ELEMENT));
    const bytesLen = n * C.BYTES_PER_ELEMENT;
    off += bytesLen + ((4 - (bytesLen % 4)) % 4);
  });
  return {
    packed: { count: header.count, ...(arrays as unknown as Omit<PackedGraphs, 'count'>) },
    meta: header.meta,
  };
}
