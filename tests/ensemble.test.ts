import { describe, expect, it } from 'vitest';
import { averagePredictions } from '../src/model/ensemble';
import type { DomainWarning } from '../src/chem/types';
import type { MoleculePrediction } from '../src/model/types';

const p = (
  values: MoleculePrediction['values'],
  std: MoleculePrediction['std'] = {},
): MoleculePrediction => ({ values, std, warnings: [] });

describe('averaging the predictions of several models', () => {
  it('averages each target over the models that predict it, with the mixture std', () => {
    const multiTask = [p({ gap: 6, homo: -7 }, { gap: 0.3, homo: 0.2 })];
    const gapOnly = [p({ gap: 7 }, { gap: 0.4 })];
    const [combined] = averagePredictions([multiTask, gapOnly]);
    expect(combined.values.gap).toBeCloseTo(6.5, 12);
    expect(combined.values.homo).toBe(-7);
    // within-model variance (0.09 + 0.16) / 2 plus between-model variance 0.25
    expect(combined.std.gap).toBeCloseTo(Math.sqrt(0.125 + 0.25), 12);
    expect(combined.std.homo).toBe(0.2);
  });

  it('gives no std where a member has none, keeps every distinct warning, and rejects mismatched lengths', () => {
    const charged: DomainWarning = { code: 'charged', message: 'net charge -1' };
    const a = [{ ...p({ gap: 1 }, { gap: 0.1 }), warnings: [charged] }];
    const b = [{ ...p({ gap: 3 }), warnings: [charged] }];
    const [combined] = averagePredictions([a, b]);
    expect(combined.std.gap).toBeUndefined();
    expect(combined.warnings).toHaveLength(1);
    expect(() => averagePredictions([a, [...b, ...b]])).toThrow(/model 2 predicted 2 molecules/);
    expect(() => averagePredictions([])).toThrow(/at least one model/);
  });
});
