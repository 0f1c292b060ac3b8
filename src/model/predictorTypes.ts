import type { AtomContributions } from './attribution';
import type { LoadedCard } from './modelCard';
import type { BackendName } from './runtime/backends';
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
  predict(graphs: GraphInput[]): Promise<MoleculePrediction[]>;
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
