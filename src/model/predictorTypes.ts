import type { AtomContributions } from './attribution';
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
  /** One prediction per graph, in order, carrying the graph's domain warnings. */
  predict(graphs: GraphInput[]): Promise<MoleculePrediction[]>;
  /**
   * The same for molecules already packed (a job's chunk from the chemistry worker): their
   * warnings travel with the rows, not the pack, so these predictions carry none.
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

/** Predictions of packed molecules with each input graph's domain warnings put back. */
export function withInputWarnings(
  predictions: MoleculePrediction[],
  graphs: GraphInput[],
): MoleculePrediction[] {
  return predictions.map((p, i) => ({ ...p, warnings: graphs[i].warnings ?? [] }));
}
