// Concurrent /predict requests that arrive in the same event-loop turn share one forward
// pass: the model's per-call overhead dominates for single small molecules.
import type { GraphInput, MoleculePrediction } from '../src/model';

interface PredictFn {
  predict(graphs: GraphInput[]): Promise<MoleculePrediction[]>;
}

interface Waiting {
  graph: GraphInput;
  resolve: (p: MoleculePrediction) => void;
  reject: (e: unknown) => void;
}

export class PredictBatcher {
  private pending: Waiting[] = [];

  constructor(
    private readonly model: PredictFn,
    private readonly maxBatch = 64,
  ) {}

  predict(graph: GraphInput): Promise<MoleculePrediction> {
    return new Promise((resolve, reject) => {
      this.pending.push({ graph, resolve, reject });
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const all = this.pending;
    this.pending = [];
    for (let start = 0; start < all.length; start += this.maxBatch) {
      const group = all.slice(start, start + this.maxBatch);
      try {
        const results = await this.model.predict(group.map((w) => w.graph));
        group.forEach((w, i) => w.resolve(results[i]));
      } catch (error) {
        if (group.length === 1) {
          group[0].reject(error);
          continue;
        }
        // One bad molecule must not fail its neighbours: retry each alone.
        await Promise.all(
          group.map((w) =>
            this.model.predict([w.graph]).then(
              ([r]) => w.resolve(r),
              (e) => w.reject(e),
            ),
          ),
        );
      }
    }
  }
}
