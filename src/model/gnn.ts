import * as tf from '@tensorflow/tfjs-core';
import { NUM_NODE_FEATURES } from '../chem/types';
import { NUM_BOND_TYPES, type GraphBatchTensors } from './batch';
import { segmentMean, segmentSum, stopGradient } from './graphOps';
import type { EnvironmentPlanTensors } from './environmentPlan';
import type { TargetKey } from './types';

/** The original project's model: GraphConv (sum aggregation) x 3, mean pool, MLP 128-128-64-1. */
export interface BaselineArchitecture {
  kind: 'baseline';
  hidden: number;
  layers: number;
  dropout: number;
  targets: TargetKey[];
}

/**
 * How the product model pools atom embeddings into one vector per molecule: the scaled sum
 * (extensive: grows with the atom count), the mean (intensive), or both side by side.
 */
export const READOUTS = ['sum+mean', 'sum', 'mean'] as const;
export type Readout = (typeof READOUTS)[number];
/** The readout of every model trained before it was a setting: a manifest without one means this. */
export const DEFAULT_READOUT: Readout = 'sum+mean';

/** An architecture's readout: absent is the default, an unknown value an error naming the key. */
export function checkReadout(value: unknown, where?: string): Readout {
  if (value === undefined) return DEFAULT_READOUT;
  if ((READOUTS as readonly unknown[]).includes(value)) return value as Readout;
  throw new Error(
    `${where ? `${where}: ` : ''}architecture.readout must be one of ${READOUTS.map((r) => `"${r}"`).join(', ')}, got ${JSON.stringify(value)}`,
  );
}

/**
 * Product model: GINE-style messages act(h_j + bondEmbedding) summed per atom, residual updates,
 * a readout (sum+mean unless set), a mean head and a log-variance head per target.
 */
export interface ProductArchitecture {
  kind: 'product';
  hidden: number;
  layers: number;
  targets: TargetKey[];
  /** false: messages ignore the bond type (an ablation; the embedding tables stay, unused). */
  bondTypes?: boolean;
  /** Absent: DEFAULT_READOUT, so the manifests written before the setting load unchanged. */
  readout?: Readout;
}

export type Architecture = BaselineArchitecture | ProductArchitecture;

export interface ForwardOutput {
  /** [numGraphs, numTargets], standardized target space. */
  mean: tf.Tensor2D;
  /** [numGraphs, numTargets] log variance in standardized space; product model only. */
  logVar?: tf.Tensor2D;
}

/** What pooling needs of a batch: which graph each node belongs to, and the graphs' sizes. */
export type PoolingIndex = Pick<GraphBatchTensors, 'graphIndex' | 'numGraphs' | 'invCounts'>;

/** Readout sums over up to 29 atoms; scaling keeps them on the scale of the mean pool at init. */
const SUM_POOL_SCALE = 0.1;
/** The variance head's clip: a log variance at this limit is a ceiling, not an estimate. */
export const LOG_VAR_LIMIT = 8;

/**
 * Named trainable weights with PyTorch's default Linear init, seeded for reproducibility; with a
 * null seed, zeros: the weights come from a file, and drawing half a million random numbers in
 * JavaScript only to overwrite them delayed every model load.
 */
class ParamStore {
  readonly vars = new Map<string, tf.Variable>();
  private next = 0;
  constructor(private readonly seed: number | null) {}

  private add(name: string, shape: number[], bound: number): tf.Variable {
    const init =
      this.seed === null
        ? tf.zeros(shape)
        : tf.randomUniform(shape, -bound, bound, 'float32', this.seed * 7919 + this.next++);
    // Engine-wide variable names must be unique; our own names live in the map (two models may coexist).
    const v = tf.variable(init, true);
    init.dispose();
    this.vars.set(name, v);
    return v;
  }

  linear(name: string, fanIn: number, fanOut: number, bias = true): Linear {
    const bound = 1 / Math.sqrt(fanIn);
    return {
      w: this.add(`${name}/kernel`, [fanIn, fanOut], bound),
      b: bias ? this.add(`${name}/bias`, [fanOut], bound) : null,
    };
  }

  table(name: string, rows: number, cols: number): tf.Variable {
    return this.add(name, [rows, cols], 1 / Math.sqrt(cols));
  }
}

interface Linear {
  w: tf.Variable;
  b: tf.Variable | null;
}

function apply(l: Linear, x: tf.Tensor2D): tf.Tensor2D {
  const y = tf.matMul(x, l.w);
  return (l.b ? tf.add(y, l.b) : y) as tf.Tensor2D;
}

export abstract class GraphModel<A extends Architecture = Architecture> {
  protected readonly params: ParamStore;
  /** Atom features to the hidden width; created first, so both models draw the same init for it. */
  protected readonly embed: Linear;
  constructor(
    readonly architecture: A,
    seed: number | null,
  ) {
    this.params = new ParamStore(seed);
    this.embed = this.params.linear('embed', NUM_NODE_FEATURES, architecture.hidden);
  }

  /** One entry per message-passing layer, its weights created in layer order. */
  protected perLayer<T>(make: (layer: number) => T): T[] {
    return Array.from({ length: this.architecture.layers }, (_, l) => make(l));
  }

  get numTargets(): number {
    return this.architecture.targets.length;
  }

  /** Trainable variables by name; names are stable across runs and are the weight-file names. */
  get variables(): Map<string, tf.Variable> {
    return this.params.vars;
  }

  /**
   * `dropoutSeed` set means training mode (dropout active); undefined means inference.
   * `plan`: the batch's environments (environmentPlan.ts), for models that can use them.
   */
  abstract forward(
    batch: GraphBatchTensors,
    dropoutSeed?: number,
    plan?: EnvironmentPlanTensors,
  ): ForwardOutput;

  setWeights(weights: tf.NamedTensorMap): void {
    for (const [name, v] of this.params.vars) {
      const t = weights[name];
      if (!t) throw new Error(`weights file has no tensor "${name}"`);
      if (t.shape.join('x') !== v.shape.join('x')) {
        throw new Error(`weight "${name}" has shape [${t.shape}], the model expects [${v.shape}]`);
      }
      v.assign(t.dtype === 'float32' ? t : tf.cast(t, 'float32'));
    }
  }

  countParameters(): number {
    let n = 0;
    for (const v of this.params.vars.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.params.vars.values()) v.dispose();
    this.params.vars.clear();
  }
}

function dropout(
  x: tf.Tensor2D,
  rate: number,
  seed: number | undefined,
  salt: number,
): tf.Tensor2D {
  return seed === undefined || rate === 0
    ? x
    : (tf.dropout(x, rate, undefined, seed * 31 + salt) as tf.Tensor2D);
}

export class BaselineModel extends GraphModel<BaselineArchitecture> {
  private readonly convs: { rel: Linear; root: Linear }[];
  private readonly mlp: Linear[];

  constructor(arch: BaselineArchitecture, seed: number | null) {
    super(arch, seed);
    const h = arch.hidden;
    // PyG GraphConv: lin_rel carries the bias, lin_root has none.
    this.convs = this.perLayer((l) => ({
      rel: this.params.linear(`conv${l}/rel`, h, h),
      root: this.params.linear(`conv${l}/root`, h, h, false),
    }));
    this.mlp = [
      this.params.linear('mlp0', h, h),
      this.params.linear('mlp1', h, h / 2),
      this.params.linear('mlp2', h / 2, arch.targets.length),
    ];
  }

  forward(b: GraphBatchTensors, dropoutSeed?: number): ForwardOutput {
    const rate = this.architecture.dropout;
    let h = tf.relu(apply(this.embed, b.x));
    this.convs.forEach((c, l) => {
      const agg = segmentSum(tf.gather(h, b.src) as tf.Tensor2D, b.dst, b.numNodes);
      h = tf.relu(tf.add(apply(c.rel, agg), apply(c.root, h))) as tf.Tensor2D;
      h = dropout(h, rate, dropoutSeed, l);
    });
    let g = segmentMean(h, b.graphIndex, b.numGraphs, b.invCounts);
    g = dropout(tf.relu(apply(this.mlp[0], g)), rate, dropoutSeed, 10);
    g = dropout(tf.relu(apply(this.mlp[1], g)), rate, dropoutSeed, 11);
    return { mean: apply(this.mlp[2], g) };
  }
}

export class ProductModel extends GraphModel<ProductArchitecture> {
  private readonly layers: { bond: tf.Variable; root: Linear; rel: Linear; out: Linear }[];
  private readonly meanHead: Linear[];
  private readonly varHead: Linear[];
  private readonly readoutKind: Readout;

  constructor(arch: ProductArchitecture, seed: number | null) {
    super(arch, seed);
    // Checked here too: an architecture built in code never passes the manifest check.
    this.readoutKind = checkReadout(arch.readout);
    const h = arch.hidden;
    const t = arch.targets.length;
    const pooledWidth = this.readoutKind === 'sum+mean' ? 2 * h : h;
    this.layers = this.perLayer((l) => ({
      bond: this.params.table(`mp${l}/bond_embedding`, NUM_BOND_TYPES, h),
      root: this.params.linear(`mp${l}/root`, h, h),
      rel: this.params.linear(`mp${l}/rel`, h, h, false),
      out: this.params.linear(`mp${l}/out`, h, h),
    }));
    this.meanHead = [
      this.params.linear('mean0', pooledWidth, h),
      this.params.linear('mean1', h, h / 2),
      this.params.linear('mean2', h / 2, t),
    ];
    this.varHead = [this.params.linear('var0', pooledWidth, h), this.params.linear('var1', h, t)];
  }

  forward(
    b: GraphBatchTensors,
    _dropoutSeed?: number,
    plan?: EnvironmentPlanTensors,
  ): ForwardOutput {
    return this.readout(this.embedAtoms(b, plan), b);
  }

  /**
   * Final node embeddings [numNodes, hidden], after the last ReLU: what the readout pools. With an
   * environment plan (environmentPlan.ts) each layer runs on the batch's distinct environments.
   */
  embedAtoms(b: GraphBatchTensors, plan?: EnvironmentPlanTensors): tf.Tensor2D {
    if (plan) return tf.gather(tf.relu(this.embedEnvironments(plan)), plan.nodeColor);
    let h = apply(this.embed, b.x);
    for (const layer of this.layers) {
      const message = tf.relu(
        this.architecture.bondTypes === false
          ? tf.gather(h, b.src)
          : tf.add(tf.gather(h, b.src), tf.gather(layer.bond, b.bond)),
      ) as tf.Tensor2D;
      const agg = segmentSum(message, b.dst, b.numNodes);
      const update = apply(
        layer.out,
        tf.relu(tf.add(apply(layer.root, h), apply(layer.rel, agg))) as tf.Tensor2D,
      );
      h = tf.add(h, update) as tf.Tensor2D;
    }
    return tf.relu(h);
  }

  /**
   * embedAtoms' layers on the plan's environments, one row each, before the last ReLU: the same
   * products, with rel taken of each distinct message before the sum instead of after it.
   */
  private embedEnvironments(plan: EnvironmentPlanTensors): tf.Tensor2D {
    if (plan.layers.length !== this.layers.length) {
      throw new Error(
        `environment plan for ${plan.layers.length} layers, the model has ${this.layers.length}`,
      );
    }
    let h = apply(this.embed, plan.typeX);
    this.layers.forEach((layer, k) => {
      const step = plan.layers[k];
      const source = tf.gather(h, step.messageColor) as tf.Tensor2D;
      const message = tf.relu(
        this.architecture.bondTypes === false
          ? source
          : tf.add(source, tf.gather(layer.bond, step.messageBond)),
      ) as tf.Tensor2D;
      const received = segmentSum(
        tf.gather(apply(layer.rel, message), step.receivedMessage) as tf.Tensor2D,
        step.receivedBy,
        step.numColors,
      );
      const pre = tf.add(tf.gather(apply(layer.root, h), step.parentColor), received);
      h = tf.add(
        tf.gather(h, step.parentColor),
        apply(layer.out, tf.relu(pre) as tf.Tensor2D),
      ) as tf.Tensor2D;
    });
    return h;
  }

  /**
   * Pools node embeddings per graph and runs both heads. Only b.graphIndex, b.numGraphs and
   * b.invCounts are read, so attribution can pass scaled copies of h under a batch of copies.
   */
  readout(h: tf.Tensor2D, b: PoolingIndex): ForwardOutput {
    const pooled = this.pool(h, b);
    let m = tf.relu(apply(this.meanHead[0], pooled));
    m = tf.relu(apply(this.meanHead[1], m));
    // The variance head reads the pooled features without shaping them: the mean loss owns the trunk.
    const v = tf.relu(apply(this.varHead[0], stopGradient(pooled)));
    const logVar = tf.clipByValue(
      apply(this.varHead[1], v),
      -LOG_VAR_LIMIT,
      LOG_VAR_LIMIT,
    ) as tf.Tensor2D;
    return { mean: apply(this.meanHead[2], m), logVar };
  }

  /** [numGraphs, hidden] per readout, [numGraphs, 2 * hidden] for sum+mean (sum first). */
  private pool(h: tf.Tensor2D, b: PoolingIndex): tf.Tensor2D {
    if (this.readoutKind === 'mean') return segmentMean(h, b.graphIndex, b.numGraphs, b.invCounts);
    const summed = tf.mul(segmentSum(h, b.graphIndex, b.numGraphs), SUM_POOL_SCALE) as tf.Tensor2D;
    if (this.readoutKind === 'sum') return summed;
    // sum+mean: the mean from the scaled sum, the shipped models' arithmetic op for op, so their
    // predictions stay bit for bit what they were.
    const mean = tf.mul(summed, tf.mul(b.invCounts, 1 / SUM_POOL_SCALE));
    return tf.concat([summed, mean], 1) as tf.Tensor2D;
  }
}

/** `seed`: the random init's; null for a model whose weights are set from a file next (zeros). */
export function createModel(arch: Architecture, seed: number | null): GraphModel {
  return arch.kind === 'baseline' ? new BaselineModel(arch, seed) : new ProductModel(arch, seed);
}
