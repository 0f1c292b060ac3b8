// Inference shortcut for the product model's message passing. Before the first layer an atom's
// embedding depends only on its 11 features; after layer k only on its k-bond environment (its
// features, its neighbours' (k-1)-bond environments and the bonds to them: Weisfeiler-Lehman
// colours). A batch of molecules repeats environments a lot (methyl hydrogens, aromatic CH, ...):
// in a QM9 sample, one atom in ten has a 1-bond environment of its own. So each layer runs its
// matrix products on the batch's distinct environments instead of every atom, and the atoms read
// their row at the end. The arithmetic is the network's, up to the order of float sums: rel of a
// sum of messages becomes the sum of rel of each message, a linear map either way.
import * as tf from '@tensorflow/tfjs-core';
import { NUM_NODE_FEATURES } from '../chem/types';
import { NUM_BOND_TYPES, type GraphBatchArrays } from './batch';

/** One message-passing layer, from the environments before it to those after it. */
export interface LayerPlan {
  /** Environments after the layer. */
  numColors: number;
  /** Each environment's environment before the layer (its own atom's, one bond less). */
  parentColor: Int32Array;
  /** The distinct messages of the layer: source environment and bond class. */
  messageColor: Int32Array;
  messageBond: Int32Array;
  /** The messages into one representative atom of each environment after the layer. */
  receivedMessage: Int32Array;
  receivedBy: Int32Array;
}

export interface EnvironmentPlan {
  numTypes: number;
  /** The batch's distinct atom feature rows, numTypes x 11, row-major: the environments before layer 1. */
  typeX: Float32Array;
  layers: LayerPlan[];
  /** Each atom's environment after the last layer. */
  nodeColor: Int32Array;
}

export interface LayerPlanTensors {
  numColors: number;
  parentColor: tf.Tensor1D;
  messageColor: tf.Tensor1D;
  messageBond: tf.Tensor1D;
  receivedMessage: tf.Tensor1D;
  receivedBy: tf.Tensor1D;
}

export interface EnvironmentPlanTensors {
  typeX: tf.Tensor2D;
  layers: LayerPlanTensors[];
  nodeColor: tf.Tensor1D;
}

/** A 30-bit hash of the integer sequence sequence[offset .. offset + length). */
export function sequenceHash(sequence: ArrayLike<number>, length: number, offset = 0): number {
  let hash = length;
  for (let i = 0; i < length; i++) {
    hash = Math.imul(hash ^ (sequence[offset + i] + 1), 0x9e3779b1);
    hash ^= hash >>> 15;
  }
  // 30 bits: V8 keeps small integers unboxed, and a Map keyed by them hashes fast.
  return hash & 0x3fffffff;
}

/** Distinct integer sequences, numbered in order of first appearance; hashed, compared on a hit. */
export class SequenceNumbering {
  private readonly slots = new Map<number, number>();
  constructor(private readonly hash = sequenceHash) {}
  /** The sequences, back to back: sequence id occupies [starts[id], starts[id + 1]). */
  private readonly items: number[] = [];
  private readonly starts: number[] = [0];

  get size(): number {
    return this.starts.length - 1;
  }

  /**
   * The number of sequence[offset .. offset + length): a new sequence gets the next number, which
   * is `size` before the call. (A number, not a pair: this runs once per atom and layer.)
   */
  of(sequence: ArrayLike<number>, length: number, offset = 0): number {
    const hash = this.hash(sequence, length, offset);
    // Linear probing: a collision moves on to the next slot, so equal hashes never merge sequences.
    for (let slot = hash; ; slot = (slot + 1) & 0x3fffffff) {
      const id = this.slots.get(slot);
      if (id === undefined) {
        const next = this.size;
        this.slots.set(slot, next);
        for (let i = 0; i < length; i++) this.items.push(sequence[offset + i]);
        this.starts.push(this.items.length);
        return next;
      }
      if (this.equals(id, sequence, length, offset)) return id;
    }
  }

  private equals(id: number, sequence: ArrayLike<number>, length: number, offset: number): boolean {
    const start = this.starts[id];
    if (this.starts[id + 1] - start !== length) return false;
    for (let i = 0; i < length; i++)
      if (this.items[start + i] !== sequence[offset + i]) return false;
    return true;
  }
}

/**
 * Groups the batch's atoms by features, then by ever wider environments, one step per layer. Each
 * loop is a function of its own: V8 optimizes a small hot function once, where one big function
 * kept entering and leaving its loops' on-stack-replacement code during a big job.
 */
export function environmentPlan(b: GraphBatchArrays, numLayers: number): EnvironmentPlan {
  const types = atomTypes(b);
  const edges = incomingEdges(b);
  const layers: LayerPlan[] = [];
  let color = types.color;
  for (let k = 0; k < numLayers; k++) {
    const messages = distinctMessages(b, color);
    const step = nextEnvironments(b.numNodes, edges, color, messages.edgeMessage);
    layers.push({
      numColors: step.numColors,
      parentColor: step.parentColor,
      messageColor: messages.messageColor,
      messageBond: messages.messageBond,
      receivedMessage: step.receivedMessage,
      receivedBy: step.receivedBy,
    });
    color = step.next;
  }
  return { numTypes: types.numTypes, typeX: types.typeX, layers, nodeColor: color };
}

/** Atom types by the bits of their 11 features (exact, whatever numbers a client sends). */
function atomTypes(b: GraphBatchArrays): {
  numTypes: number;
  typeX: Float32Array;
  color: Int32Array;
} {
  const { numNodes } = b;
  const bits = new Int32Array(b.x.buffer, b.x.byteOffset, numNodes * NUM_NODE_FEATURES);
  const types = new SequenceNumbering();
  const color = new Int32Array(numNodes);
  const typeRows: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    const id = types.of(bits, NUM_NODE_FEATURES, i * NUM_NODE_FEATURES);
    if (id === typeRows.length) typeRows.push(i);
    color[i] = id;
  }
  const typeX = new Float32Array(typeRows.length * NUM_NODE_FEATURES);
  typeRows.forEach((node, t) =>
    typeX.set(
      b.x.subarray(node * NUM_NODE_FEATURES, (node + 1) * NUM_NODE_FEATURES),
      t * NUM_NODE_FEATURES,
    ),
  );
  return { numTypes: typeRows.length, typeX, color };
}

/** Incoming edges per node, compressed by destination: node i's are incoming[start[i]..start[i+1]). */
interface IncomingEdges {
  start: Int32Array;
  incoming: Int32Array;
  maxDegree: number;
}

function incomingEdges(b: GraphBatchArrays): IncomingEdges {
  const { numNodes } = b;
  const numEdges = b.src.length;
  const start = new Int32Array(numNodes + 1);
  let maxDegree = 0;
  for (let e = 0; e < numEdges; e++) start[b.dst[e] + 1]++;
  for (let i = 0; i < numNodes; i++) {
    maxDegree = Math.max(maxDegree, start[i + 1]);
    start[i + 1] += start[i];
  }
  const fill = start.slice(0, numNodes);
  const incoming = new Int32Array(numEdges);
  for (let e = 0; e < numEdges; e++) incoming[fill[b.dst[e]]++] = e;
  return { start, incoming, maxDegree };
}

/** The layer's distinct messages (source environment, bond class), and each edge's. */
function distinctMessages(
  b: GraphBatchArrays,
  color: Int32Array,
): { edgeMessage: Int32Array; messageColor: Int32Array; messageBond: Int32Array } {
  const numEdges = b.src.length;
  const messages = new Map<number, number>();
  const messageColor: number[] = [];
  const messageBond: number[] = [];
  const edgeMessage = new Int32Array(numEdges);
  for (let e = 0; e < numEdges; e++) {
    const source = color[b.src[e]];
    const key = source * NUM_BOND_TYPES + b.bond[e];
    let id = messages.get(key);
    if (id === undefined) {
      id = messages.size;
      messages.set(key, id);
      messageColor.push(source);
      messageBond.push(b.bond[e]);
    }
    edgeMessage[e] = id;
  }
  return {
    edgeMessage,
    messageColor: Int32Array.from(messageColor),
    messageBond: Int32Array.from(messageBond),
  };
}

/**
 * The environments after a layer: an atom's signature is its colour, then the sorted messages it
 * receives; each distinct signature is one environment, whose messages are listed once.
 */
function nextEnvironments(
  numNodes: number,
  { start, incoming, maxDegree }: IncomingEdges,
  color: Int32Array,
  edgeMessage: Int32Array,
) {
  const signature = new Int32Array(maxDegree + 1);
  const colors = new SequenceNumbering();
  const next = new Int32Array(numNodes);
  const parentColor: number[] = [];
  const receivedMessage: number[] = [];
  const receivedBy: number[] = [];
  for (let i = 0; i < numNodes; i++) {
    const degree = start[i + 1] - start[i];
    signature[0] = color[i];
    // Insertion sort: an atom receives a handful of messages.
    for (let d = 0; d < degree; d++) {
      const m = edgeMessage[incoming[start[i] + d]];
      let j = d;
      while (j > 0 && signature[j] > m) {
        signature[j + 1] = signature[j];
        j--;
      }
      signature[j + 1] = m;
    }
    const id = colors.of(signature, degree + 1);
    if (id === parentColor.length) {
      parentColor.push(color[i]);
      for (let d = 1; d <= degree; d++) {
        receivedMessage.push(signature[d]);
        receivedBy.push(id);
      }
    }
    next[i] = id;
  }
  return {
    numColors: colors.size,
    next,
    parentColor: Int32Array.from(parentColor),
    receivedMessage: Int32Array.from(receivedMessage),
    receivedBy: Int32Array.from(receivedBy),
  };
}

export function environmentPlanTensors(plan: EnvironmentPlan): EnvironmentPlanTensors {
  const int = (a: Int32Array) => tf.tensor1d(a, 'int32');
  return {
    typeX: tf.tensor2d(plan.typeX, [plan.numTypes, NUM_NODE_FEATURES]),
    layers: plan.layers.map((l) => ({
      numColors: l.numColors,
      parentColor: int(l.parentColor),
      messageColor: int(l.messageColor),
      messageBond: int(l.messageBond),
      receivedMessage: int(l.receivedMessage),
      receivedBy: int(l.receivedBy),
    })),
    nodeColor: int(plan.nodeColor),
  };
}

export function disposeEnvironmentPlan(t: EnvironmentPlanTensors): void {
  tf.dispose([
    t.typeX,
    t.nodeColor,
    ...t.layers.flatMap((l) => [
      l.parentColor,
      l.messageColor,
      l.messageBond,
      l.receivedMessage,
      l.receivedBy,
    ]),
  ]);
}
