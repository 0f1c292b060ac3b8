// Inference shortcut for the product model's first two message-passing layers. Before the first
// layer an atom's embedding depends only on its 11 features, and after it only on its own features
// and the multiset of (neighbour features, bond type) around it: its first-shell environment. A
// batch of molecules holds few distinct atoms (a few dozen) and few distinct environments (methyl
// hydrogens, aromatic CH, ...: a fraction of its atoms), so the first layer's three matrix products
// and the second layer's root product run on those rows instead of every atom's. The arithmetic is
// the same up to the order of float sums (rel(sum of messages) becomes the sum of rel(message)).
import * as tf from '@tensorflow/tfjs-core';
import { NUM_NODE_FEATURES } from '../chem/types';
import { NUM_BOND_TYPES, type GraphBatchArrays } from './batch';

export interface LayerZeroPlan {
  numTypes: number;
  /** The batch's distinct atom feature rows, numTypes x 11, row-major. */
  typeX: Float32Array;
  numEnvs: number;
  /** Each environment's atom type. */
  envType: Int32Array;
  /** Each node's environment. */
  nodeEnv: Int32Array;
  /** Each edge's source environment (what the second layer's messages start from). */
  srcEnv: Int32Array;
  /**
   * The edges into one representative atom of each environment: the message they carry (source
   * type * NUM_BOND_TYPES + bond class) and the environment they enter.
   */
  envEdgeMessage: Int32Array;
  envEdgeEnv: Int32Array;
}

export interface LayerZeroTensors {
  numEnvs: number;
  typeX: tf.Tensor2D;
  envType: tf.Tensor1D;
  nodeEnv: tf.Tensor1D;
  srcEnv: tf.Tensor1D;
  envEdgeMessage: tf.Tensor1D;
  envEdgeEnv: tf.Tensor1D;
}

/** Groups the batch's atoms by features, then by first-shell environment. */
export function layerZeroPlan(b: GraphBatchArrays): LayerZeroPlan {
  const { numNodes } = b;
  const numEdges = b.src.length;
  const typeIds = new Map<string, number>();
  const nodeType = new Int32Array(numNodes);
  const typeRows: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    const row = b.x.subarray(i * NUM_NODE_FEATURES, (i + 1) * NUM_NODE_FEATURES);
    const key = row.join(',');
    let id = typeIds.get(key);
    if (id === undefined) {
      id = typeIds.size;
      typeIds.set(key, id);
      typeRows.push(i);
    }
    nodeType[i] = id;
  }
  const typeX = new Float32Array(typeRows.length * NUM_NODE_FEATURES);
  typeRows.forEach((node, t) =>
    typeX.set(
      b.x.subarray(node * NUM_NODE_FEATURES, (node + 1) * NUM_NODE_FEATURES),
      t * NUM_NODE_FEATURES,
    ),
  );

  // Incoming edges per node (compressed rows by destination).
  const start = new Int32Array(numNodes + 1);
  for (let e = 0; e < numEdges; e++) start[b.dst[e] + 1]++;
  for (let i = 0; i < numNodes; i++) start[i + 1] += start[i];
  const fill = start.slice(0, numNodes);
  const incoming = new Int32Array(numEdges);
  for (let e = 0; e < numEdges; e++) incoming[fill[b.dst[e]]++] = e;
  const messageOf = (e: number) => nodeType[b.src[e]] * NUM_BOND_TYPES + b.bond[e];

  const envIds = new Map<string, number>();
  const nodeEnv = new Int32Array(numNodes);
  const envType: number[] = [];
  const envEdgeMessage: number[] = [];
  const envEdgeEnv: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    const messages = Array.from(incoming.subarray(start[i], start[i + 1]), messageOf).sort(
      (p, q) => p - q,
    );
    const key = `${nodeType[i]}:${messages.join(',')}`;
    let env = envIds.get(key);
    if (env === undefined) {
      env = envIds.size;
      envIds.set(key, env);
      envType.push(nodeType[i]);
      for (const m of messages) {
        envEdgeMessage.push(m);
        envEdgeEnv.push(env);
      }
    }
    nodeEnv[i] = env;
  }
  const srcEnv = new Int32Array(numEdges);
  for (let e = 0; e < numEdges; e++) srcEnv[e] = nodeEnv[b.src[e]];
  return {
    numTypes: typeRows.length,
    typeX,
    numEnvs: envIds.size,
    envType: Int32Array.from(envType),
    nodeEnv,
    srcEnv,
    envEdgeMessage: Int32Array.from(envEdgeMessage),
    envEdgeEnv: Int32Array.from(envEdgeEnv),
  };
}

export function layerZeroTensors(plan: LayerZeroPlan): LayerZeroTensors {
  return {
    numEnvs: plan.numEnvs,
    typeX: tf.tensor2d(plan.typeX, [plan.numTypes, NUM_NODE_FEATURES]),
    envType: tf.tensor1d(plan.envType, 'int32'),
    nodeEnv: tf.tensor1d(plan.nodeEnv, 'int32'),
    srcEnv: tf.tensor1d(plan.srcEnv, 'int32'),
    envEdgeMessage: tf.tensor1d(plan.envEdgeMessage, 'int32'),
    envEdgeEnv: tf.tensor1d(plan.envEdgeEnv, 'int32'),
  };
}

export function disposeLayerZero(t: LayerZeroTensors): void {
  tf.dispose([t.typeX, t.envType, t.nodeEnv, t.srcEnv, t.envEdgeMessage, t.envEdgeEnv]);
}
