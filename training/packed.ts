import { NUM_NODE_FEATURES } from '../src/chem/types';
import {
  NUM_ELEMENTS,
  packGraphs as packModelGraphs,
  type GraphInput,
  type PackedGraphs as GraphPack,
} from '../src/model';

export { batchFromPacked } from '../src/model';

/**
 * The dataset's molecules (compact, cacheable, fast to batch): the model's packed graphs, with
 * bond types and byte features (RDKit's featurization gives small integers), plus ids and targets.
 */
export interface PackedGraphs extends GraphPack {
  x: Uint8Array;
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
  const p = packModelGraphs(graphs, true);
  if (!(p.x instanceof Uint8Array)) {
    throw new Error('training graphs must have small integer features (RDKit featurization)');
  }
  const packed: PackedGraphs = {
    ...p,
    x: p.x,
    gdbIdx: Int32Array.from(gdbIdx),
    targets: new Float32Array(p.count * NUM_TARGET_COLUMNS).fill(NaN),
  };
  graphs.forEach((_, i) =>
    targets[i]?.forEach((v, k) => (packed.targets[i * NUM_TARGET_COLUMNS + k] = v)),
  );
  return packed;
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
    packed: {
      count: header.count,
      bondTypes: true,
      ...(arrays as unknown as Omit<PackedGraphs, 'count' | 'bondTypes'>),
    },
    meta: header.meta,
  };
}
