// The registry's production model must reproduce its card on the test split: a registry change or
// a model file that does not hold up fails the test command. Needs the QM9 table (CI has it).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA as DATA } from '../../cli/defaults';
import { loadPredictor } from '../../src/model/predictor';
import { TARGETS } from '../../src/model/types';
import { resolveRegistryReference } from '../../src/model/registrySource';
import { loadQm9Dataset } from '../../training/dataset';
import { evaluateOnSplit } from '../../training/evaluateOnSplit';
import { readCard } from '../../training/cardFiles';

const TOLERANCE = 0.005;

describe('production model', () => {
  it(`reproduces its model card's test MAEs within ${100 * TOLERANCE}%`, async () => {
    if (!existsSync(DATA))
      throw new Error(`${DATA} not found: this check needs the QM9 table (set QM9_CSV)`);
    const { entry, location } = await resolveRegistryReference(
      'public/models/registry.json#production',
    );
    const card = await readCard(location);
    const predictor = await loadPredictor(location);
    const dataset = await loadQm9Dataset(DATA, path.join('training', 'runs', 'cache'));
    const { metrics, predictions } = await evaluateOnSplit([predictor], dataset, 'test');
    predictor.dispose();
    // Physically impossible values: none of the five non-negative properties below zero, on
    // any test molecule, in the value or its interval.
    const bounded = TARGETS.filter((t) => t.min !== null);
    const negative = predictions.flatMap((p, i) =>
      bounded.flatMap((t) =>
        p.values[t.key]! < t.min! || p.interval90![t.key]![0] < t.min!
          ? [`test molecule ${i} ${t.key} ${p.values[t.key]}`]
          : [],
      ),
    );
    expect(negative).toEqual([]);
    const drift = card.metrics.test.map((c) => {
      const now = metrics.find((m) => m.key === c.key);
      return { key: c.key, card: c.mae, now: now?.mae, n: now?.n, cardN: c.n };
    });
    for (const d of drift) {
      expect(d.n, `${entry.name} ${d.key}: test molecules`).toBe(d.cardN);
      expect(
        Math.abs(d.now! / d.card - 1),
        `${d.key}: MAE ${d.now} vs card ${d.card}`,
      ).toBeLessThanOrEqual(TOLERANCE);
    }
    // The registry's numbers are the ones the promotion gate compares against.
    for (const r of entry.test) {
      const c = card.metrics.test.find((m) => m.key === r.key);
      expect(r.mae, `registry ${r.key}`).toBeCloseTo(c!.mae, 12);
    }
  }, 600_000);
});
