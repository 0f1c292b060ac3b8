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

/** A typed array twice as long, the old contents at its start. */
function grown(a: Int32Array): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(a.length * 2);
  bigger.set(a);
  return bigger;
}

/**
 * A reusable Int32Array: the plan's working arrays live from one batch to the next. Allocating
 * typed arrays is what made planning slow in Chromium: there a new 20 KB buffer cost 80-120 us
 * (10 us in Node), and a plan made about forty typed arrays per batch.
 */
class Scratch {
  private array = new Int32Array(1024);

  /** The first `length` elements, zeroed when asked; valid until the next take(). */
  take(length: number, zeroed = false): Int32Array {
    if (this.array.length < length) {
      let size = this.array.length;
      while (size < length) size *= 2;
      this.array = new Int32Array(size);
    } else if (zeroed) {
      this.array.fill(0, 0, length);
    }
    return this.array.subarray(0, length);
  }
}

/**
 * Distinct integer sequences, numbered in order of first appearance; hashed, compared on a hit.
 * Its table and storage are typed arrays that grow and are kept (clear() reuses them): this runs
 * once per atom and layer of every batch.
 */
export class SequenceNumbering {
  /** Open addressing, linear probing: each slot holds a sequence's number + 1, 0 when empty. */
  private slots: Int32Array;
  private hashes: Int32Array;
  /** The sequences, back to back: sequence id occupies [starts[id], starts[id + 1]). */
  private items: Int32Array;
  private starts: Int32Array;
  private count = 0;

  constructor(
    private readonly hash = sequenceHash,
    expected = 64,
  ) {
    let capacity = 16;
    while (capacity < 2 * expected) capacity *= 2;
    this.slots = new Int32Array(capacity);
    this.hashes = new Int32Array(capacity);
    this.items = new Int32Array(4 * expected);
    this.starts = new Int32Array(expected + 1);
  }

  get size(): number {
    return this.count;
  }

  /** Forgets every sequence and keeps the storage: the next plan numbers from 0 again. */
  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }

  /**
   * The number of sequence[offset .. offset + length): a new sequence gets the next number, which
   * is `size` before the call. (A number, not a pair: this runs once per atom and layer.)
   */
  of(sequence: ArrayLike<number>, length: number, offset = 0): number {
    const hash = this.hash(sequence, length, offset);
    const mask = this.slots.length - 1;
    // A collision moves on to the next slot, so equal hashes never merge sequences.
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot];
      if (entry === 0) return this.add(slot, hash, sequence, length, offset);
      if (this.hashes[slot] === hash && this.equals(entry - 1, sequence, length, offset)) {
        return entry - 1;
      }
    }
  }

  private add(
    slot: number,
    hash: number,
    sequence: ArrayLike<number>,
    length: number,
    offset: number,
  ): number {
    const id = this.count++;
    this.slots[slot] = id + 1;
    this.hashes[slot] = hash;
    const start = this.starts[id];
    while (this.items.length < start + length) this.items = grown(this.items);
    for (let i = 0; i < length; i++) this.items[start + i] = sequence[offset + i];
    if (this.starts.length < id + 2) this.starts = grown(this.starts);
    this.starts[id + 1] = start + length;
    // At most half full: probes stay short.
    if (2 * this.count > this.slots.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const { slots, hashes } = this;
    this.slots = new Int32Array(slots.length * 2);
    this.hashes = new Int32Array(slots.length * 2);
    const mask = this.slots.length - 1;
    for (let old = 0; old < slots.length; old++) {
      if (slots[old] === 0) continue;
      let slot = hashes[old] & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = slots[old];
      this.hashes[slot] = hashes[old];
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
 * A plan's output arrays, appended into one buffer kept from plan to plan and copied out once per
 * plan (one allocation).
 */
class PlanOutput {
  private data = new Int32Array(1 << 16);
  private length = 0;
  private parts: [number, number][] = [];

  begin(): void {
    this.length = 0;
    this.parts = [];
  }

  /** Stores a copy of `values` as the next part. */
  add(values: Int32Array): void {
    while (this.data.length < this.length + values.length) this.data = grown(this.data);
    this.data.set(values, this.length);
    this.parts.push([this.length, values.length]);
    this.length += values.length;
  }

  /** The parts as views on one new array. */
  finish(): Int32Array[] {
    const all = this.data.slice(0, this.length);
    return this.parts.map(([start, length]) => all.subarray(start, start + length));
  }
}

/** Working arrays and numberings, shared by the plans one thread makes one after another. */
const work = {
  types: new SequenceNumbering(),
  colors: new SequenceNumbering(sequenceHash, 4096),
  typeColor: new Scratch(),
  colorA: new Scratch(),
  colorB: new Scratch(),
  edgeStart: new Scratch(),
  edgeFill: new Scratch(),
  incoming: new Scratch(),
  seen: new Scratch(),
  edgeMessage: new Scratch(),
  messageColor: new Scratch(),
  messageBond: new Scratch(),
  parentColor: new Scratch(),
  receivedMessage: new Scratch(),
  receivedBy: new Scratch(),
  signature: new Scratch(),
  output: new PlanOutput(),
};

/**
 * Groups the batch's atoms by features, then by ever wider environments, one step per layer. Each
 * loop is a function of its own: V8 optimizes a small hot function once, where one big function
 * kept entering and leaving its loops' on-stack-replacement code during a big job.
 */
export function environmentPlan(b: GraphBatchArrays, numLayers: number): EnvironmentPlan {
  const types = atomTypes(b);
  const edges = incomingEdges(b);
  const output = work.output;
  output.begin();
  const counts: number[] = [];
  let color = types.color;
  let numColors = types.numTypes;
  for (let k = 0; k < numLayers; k++) {
    const messages = distinctMessages(b, color, numColors);
    const step = nextEnvironments(
      b.numNodes,
      edges,
      color,
      messages.edgeMessage,
      k % 2 === 0 ? work.colorA : work.colorB,
    );
    output.add(step.parentColor);
    output.add(messages.messageColor);
    output.add(messages.messageBond);
    output.add(step.receivedMessage);
    output.add(step.receivedBy);
    counts.push(step.numColors);
    color = step.next;
    numColors = step.numColors;
  }
  output.add(color);
  const parts = output.finish();
  const layers: LayerPlan[] = counts.map((count, k) => {
    const [parentColor, messageColor, messageBond, receivedMessage, receivedBy] = parts.slice(
      5 * k,
      5 * k + 5,
    );
    return {
      numColors: count,
      parentColor,
      messageColor,
      messageBond,
      receivedMessage,
      receivedBy,
    };
  });
  return {
    numTypes: types.numTypes,
    typeX: types.typeX,
    layers,
    nodeColor: parts[parts.length - 1],
  };
}

/** Atom types by the bits of their 11 features (exact, whatever numbers a client sends). */
function atomTypes(b: GraphBatchArrays): {
  numTypes: number;
  typeX: Float32Array;
  color: Int32Array;
} {
  const { numNodes } = b;
  const bits = new Int32Array(b.x.buffer, b.x.byteOffset, numNodes * NUM_NODE_FEATURES);
  const types = work.types;
  types.clear();
  const color = work.typeColor.take(numNodes);
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
  const start = work.edgeStart.take(numNodes + 1, true);
  let maxDegree = 0;
  for (let e = 0; e < numEdges; e++) start[b.dst[e] + 1]++;
  for (let i = 0; i < numNodes; i++) {
    maxDegree = Math.max(maxDegree, start[i + 1]);
    start[i + 1] += start[i];
  }
  const fill = work.edgeFill.take(numNodes);
  fill.set(start.subarray(0, numNodes));
  const incoming = work.incoming.take(numEdges);
  for (let e = 0; e < numEdges; e++) incoming[fill[b.dst[e]]++] = e;
  return { start, incoming, maxDegree };
}

/** The layer's distinct messages (source environment, bond class), and each edge's. */
function distinctMessages(
  b: GraphBatchArrays,
  color: Int32Array,
  numColors: number,
): { edgeMessage: Int32Array; messageColor: Int32Array; messageBond: Int32Array } {
  const numEdges = b.src.length;
  // Colours are numbered densely, so a message's key indexes a table (number + 1, 0 when new).
  const seen = work.seen.take(numColors * NUM_BOND_TYPES, true);
  const messageColor = work.messageColor.take(numEdges);
  const messageBond = work.messageBond.take(numEdges);
  const edgeMessage = work.edgeMessage.take(numEdges);
  let count = 0;
  for (let e = 0; e < numEdges; e++) {
    const source = color[b.src[e]];
    const key = source * NUM_BOND_TYPES + b.bond[e];
    let id = seen[key] - 1;
    if (id < 0) {
      id = count++;
      seen[key] = id + 1;
      messageColor[id] = source;
      messageBond[id] = b.bond[e];
    }
    edgeMessage[e] = id;
  }
  return {
    edgeMessage,
    messageColor: messageColor.subarray(0, count),
    messageBond: messageBond.subarray(0, count),
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
  nextColor: Scratch,
) {
  const signature = work.signature.take(maxDegree + 1);
  const colors = work.colors;
  colors.clear();
  // Not the scratch `color` lives in: the previous layer's colours are read while these are written.
  const next = nextColor.take(numNodes);
  const parentColor = work.parentColor.take(numNodes);
  const receivedMessage = work.receivedMessage.take(incoming.length);
  const receivedBy = work.receivedBy.take(incoming.length);
  let received = 0;
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
    const before = colors.size;
    const id = colors.of(signature, degree + 1);
    if (id === before) {
      parentColor[id] = color[i];
      for (let d = 1; d <= degree; d++) {
        receivedMessage[received] = signature[d];
        receivedBy[received++] = id;
      }
    }
    next[i] = id;
  }
  return {
    numColors: colors.size,
    next,
    parentColor: parentColor.subarray(0, colors.size),
    receivedMessage: receivedMessage.subarray(0, received),
    receivedBy: receivedBy.subarray(0, received),
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
