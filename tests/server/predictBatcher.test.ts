// Requests of one event-loop turn share a forward pass, at most maxBatch at a time; a batch that
// fails is retried molecule by molecule so only the bad molecule fails.
import { describe, expect, it } from 'vitest';
import { PredictBatcher } from '../../server/predictBatcher';
import type { GraphInput, MoleculePrediction } from '../../src/model';
import { chain, methane } from '../helpers/molecules';

/** A model that answers each graph with its atom count and refuses graphs with fluorine. */
function countingModel() {
  const calls: number[][] = [];
  return {
    calls,
    async predict(graphs: GraphInput[]): Promise<MoleculePrediction[]> {
      calls.push(graphs.map((g) => g.x.length));
      if (graphs.some((g) => g.x.some((row) => row[4] === 1))) throw new Error('no fluorine');
      return graphs.map((g) => ({ values: { gap: g.x.length }, std: {} }) as MoleculePrediction);
    },
  };
}
const graph = (atoms: string) => {
  const g = chain(atoms);
  return { x: g.x, edgeIndex: g.edgeIndex };
};

describe('PredictBatcher', () => {
  it('answers each caller of one turn from one call, in order', async () => {
    const model = countingModel();
    const batcher = new PredictBatcher(model);
    const answers = await Promise.all(
      [graph('C'), graph('CC'), graph('CCO')].map((g) => batcher.predict(g)),
    );
    expect(answers.map((a) => a.values.gap)).toEqual([5, 8, 9]);
    expect(model.calls).toEqual([[5, 8, 9]]);
    await batcher.predict({ x: methane().x, edgeIndex: methane().edgeIndex });
    expect(model.calls).toEqual([[5, 8, 9], [5]]);
  });

  it('splits a turn into calls of at most maxBatch', async () => {
    const model = countingModel();
    const batcher = new PredictBatcher(model, 2);
    const answers = await Promise.all(
      ['C', 'CC', 'CCC', 'CCCC', 'CO'].map((a) => batcher.predict(graph(a))),
    );
    expect(answers.map((a) => a.values.gap)).toEqual([5, 8, 11, 14, 6]);
    expect(model.calls).toEqual([[5, 8], [11, 14], [6]]);
  });

  it('retries a failed batch one by one: only the bad molecule fails', async () => {
    const model = countingModel();
    const batcher = new PredictBatcher(model);
    const results = await Promise.allSettled(
      ['C', 'CF', 'CC'].map((a) => batcher.predict(graph(a))),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('no fluorine'));
    expect((results[2] as PromiseFulfilledResult<MoleculePrediction>).value.values.gap).toBe(8);
    expect(model.calls).toEqual([[5, 5, 8], [5], [5], [8]]);
  });

  it('a lone failing molecule fails once, without a retry', async () => {
    const model = countingModel();
    const batcher = new PredictBatcher(model);
    await expect(batcher.predict(graph('F'))).rejects.toThrow('no fluorine');
    expect(model.calls).toEqual([[2]]);
  });

  it('a failed batch does not stop the next one of the same turn', async () => {
    const model = countingModel();
    const batcher = new PredictBatcher(model, 2);
    const results = await Promise.allSettled(
      ['F', 'C', 'CC'].map((a) => batcher.predict(graph(a))),
    );
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(model.calls).toEqual([[2, 5], [2], [5], [8]]);
  });
});
