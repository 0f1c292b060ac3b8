import * as tf from '@tensorflow/tfjs-core';
import { NUM_NODE_FEATURES } from '../chem/types';
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

function bondClass(row: number[] | undefined, mol: number, edge: number): number {
  if (!row || row.length !== NUM_BOND_TYPES) {
    throw new Error(`molecule ${mol}: edgeAttr row ${edge} must have ${NUM_BOND_TYPES} entries`);
  }
  const k = row.findIndex((v) => v === 1);
  if (k < 0) throw new Error(`molecule ${mol}: edgeAttr row ${edge} is not a one-hot bond type`);
  return k;
}

/**
 * Checks and concatenates featurized molecules. `requireBonds`: the model uses bond types, so a
 * molecule without edgeAttr is an error rather than a silent "all single bonds".
 */
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

export function batchFromGraphs(graphs: GraphInput[], requireBonds: boolean): GraphBatchArrays {
  let numNodes = 0;
  let numEdges = 0;
  graphs.forEach((g, m) => {
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
    numNodes += g.x.length;
    numEdges += g.edgeIndex[0].length;
  });
  const out = allocateBatch(graphs.length, numNodes, numEdges);
  let nodeBase = 0;
  let edgeBase = 0;
  graphs.forEach((g, m) => {
    const n = g.x.length;
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
        out.x[(nodeBase + a) * NUM_NODE_FEATURES + f] = v;
      }
      for (let e = 0; e < NUM_ELEMENTS; e++) out.elementCounts[m * NUM_ELEMENTS + e] += row[e];
      out.graphIndex[nodeBase + a] = m;
    });
    const [s, d] = g.edgeIndex;
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
      out.src[edgeBase + e] = nodeBase + si;
      out.dst[edgeBase + e] = nodeBase + di;
      out.bond[edgeBase + e] = g.edgeAttr ? bondClass(g.edgeAttr[e], m, e) : 0;
    }
    out.nodeCounts[m] = n;
    nodeBase += n;
    edgeBase += s.length;
  });
  return out;
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
