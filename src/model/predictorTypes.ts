import type { AtomContributions } from './attribution';
import { withIntervals } from './bounds';
import type { LoadedCard } from './modelCard';
import type { BackendName } from './runtime/backends';
import type { PackedGraphs } from './packedGraphs';
import type { GraphInput, MoleculePrediction, TargetKey } from './types';

export interface Predictor {
  name: string;
  version: string;
  /** The model card, or null when the source had none. */
  card: LoadedCard | null;
  /** Whether molecules must carry bond types (edgeAttr): product models use them in message passing. */
  needsBondTypes: boolean;
  /** The models behind the predictions: one, or an ensemble's members. */
  members: { name: string; version: string }[];
  backend: BackendName;
  targets: TargetKey[];
  /** One prediction per graph, in order, with its 90 % intervals and the graph's domain warnings. */
  predict(graphs: GraphInput[]): Promise<MoleculePrediction[]>;
  /**
   * Values, stds and flags for molecules already packed (a job's chunk from the chemistry worker),
   * without warnings (they travel with the rows, not the pack) or intervals (the page derives each
   * from the value and std it shows, reading.ts): a big job's hot path, and what a row costs to
   * clone. predict() adds both.
   */
  predictPacked(graphs: PackedGraphs): Promise<MoleculePrediction[]>;
  /**
   * Each atom's learned contribution to one target (integrated gradients on the final node
   * embeddings), in the target's unit; product models only. `steps`: Riemann steps (default 256).
   */
  contributions(
    graph: GraphInput,
    target: TargetKey,
    options?: { steps?: number },
  ): Promise<AtomContributions>;
  dispose(): void;
}

/** predict()'s answer from predictPacked's: each prediction's intervals and its graph's warnings added. */
export function asReported(
  predictions: MoleculePrediction[],
  graphs: GraphInput[],
): MoleculePrediction[] {
  return predictions.map((p, i) => withIntervals({ ...p, warnings: graphs[i].warnings ?? [] }));
}
