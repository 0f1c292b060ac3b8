import * as tf from '@tensorflow/tfjs-core';
import { NUM_NODE_FEATURES } from '../chem/types';
import { packGraphs, type PackedGraphs } from './packedGraphs';
import type { GraphInput } from './types';

export const NUM_BOND_TYPES = 4;
/** Node-feature columns 0..4 are the one-hot of H, C, N, O, F (chem's NODE_FEATURE_NAMES). */
export const NUM_ELEMENTS = 5;

/** Many molecules concatenated into one disconnected graph, as flat typed arrays. */
export interface GraphBatchArrays {
  numGraphs: number;
  numNodes: number;
  /** numNodes x 11, row-major. */
  x: Float32Array;
  /** Edge j -> i: src = j, dst = i, indices into the batch's nodes. */
  src: Int32Array;
  dst: Int32Array;
  /** Bond class per edge (index into chem's BOND_TYPES); 0 when the input had no edgeAttr. */
  bond: Int32Array;
  /** Molecule of each node. */
  graphIndex: Int32Array;
  nodeCounts: Int32Array;
  /** numGraphs x 5 counts of H, C, N, O, F. */
  elementCounts: Float32Array;
}

export interface GraphBatchTensors {
  numGraphs: number;
  numNodes: number;
  x: tf.Tensor2D;
  src: tf.Tensor1D;
  dst: tf.Tensor1D;
  bond: tf.Tensor1D;
  graphIndex: tf.Tensor1D;
  /** [numGraphs, 1] reciprocal atom counts, for mean pooling. */
  invCounts: tf.Tensor2D;
}

/** Zeroed arrays for a batch of the given size. */
export function allocateBatch(
  numGraphs: number,
  numNodes: number,
  numEdges: number,
): GraphBatchArrays {
  return {
    numGraphs,
    numNodes,
    x: new Float32Array(numNodes * NUM_NODE_FEATURES),
    src: new Int32Array(numEdges),
    dst: new Int32Array(numEdges),
    bond: new Int32Array(numEdges),
    graphIndex: new Int32Array(numNodes),
    nodeCounts: new Int32Array(numGraphs),
    elementCounts: new Float32Array(numGraphs * NUM_ELEMENTS),
  };
}

/** The molecules `from` .. `to` - 1 (or those listed in `ids`) as one batch graph. */
export function batchFromPacked(
  p: PackedGraphs,
  ids: ArrayLike<number> | { from: number; to: number },
): GraphBatchArrays {
  const range = 'from' in ids ? ids : null;
  const length = range ? range.to - range.from : (ids as ArrayLike<number>).length;
  const idAt = range ? (k: number) => range.from + k : (k: number) => (ids as ArrayLike<number>)[k];
  let numNodes = 0;
  let numEdges = 0;
  for (let k = 0; k < length; k++) {
    const i = idAt(k);
    numNodes += p.nodeOffset[i + 1] - p.nodeOffset[i];
    numEdges += p.edgeOffset[i + 1] - p.edgeOffset[i];
  }
  const b = allocateBatch(length, numNodes, numEdges);
  let nb = 0;
  let eb = 0;
  for (let k = 0; k < length; k++) {
    const i = idAt(k);
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

/** Checks and concatenates featurized molecules into one batch graph (see packGraphs). */
export function batchFromGraphs(graphs: GraphInput[], requireBonds: boolean): GraphBatchArrays {
  return batchFromPacked(packGraphs(graphs, requireBonds), { from: 0, to: graphs.length });
}

export function batchToTensors(b: GraphBatchArrays): GraphBatchTensors {
  const inv = new Float32Array(b.numGraphs);
  for (let g = 0; g < b.numGraphs; g++) inv[g] = 1 / b.nodeCounts[g];
  return {
    numGraphs: b.numGraphs,
    numNodes: b.numNodes,
    x: tf.tensor2d(b.x, [b.numNodes, NUM_NODE_FEATURES]),
    src: tf.tensor1d(b.src, 'int32'),
    dst: tf.tensor1d(b.dst, 'int32'),
    bond: tf.tensor1d(b.bond, 'int32'),
    graphIndex: tf.tensor1d(b.graphIndex, 'int32'),
    invCounts: tf.tensor2d(inv, [b.numGraphs, 1]),
  };
}

export function disposeBatch(t: GraphBatchTensors): void {
  tf.dispose([t.x, t.src, t.dst, t.bond, t.graphIndex, t.invCounts]);
}
