// The ensemble's combination rules against hand-computed mixtures, with stand-in members whose
// predictions are written out here: no network involved, so every number is checked exactly.
import { describe, expect, it } from 'vitest';
import type { DomainWarning } from '../../src/chem/types';
import type { AtomContributions } from '../../src/model/attribution';
import { Z90 } from '../../src/model/bounds';
import {
  averageContributions,
  averagePredictions,
  ensemblePredictor,
} from '../../src/model/ensemble';
import type { EnsembleManifest } from '../../src/model/ensembleManifest';
import { packGraphs } from '../../src/model/packedGraphs';
import type { Predictor } from '../../src/model/predictorTypes';
import type { GraphInput, MoleculePrediction, TargetKey } from '../../src/model/types';

const p = (
  values: MoleculePrediction['values'],
  std: MoleculePrediction['std'] = {},
  extra: Partial<MoleculePrediction> = {},
): MoleculePrediction => ({ values, std, warnings: [], ...extra });

const charged: DomainWarning = { code: 'charged', message: 'net charge +1' };
const radical: DomainWarning = { code: 'radical', message: '1 unpaired electron' };
const big: DomainWarning = { code: 'too-many-heavy-atoms', message: '12 heavy atoms' };

describe('averagePredictions', () => {
  it('mixes three models: mean, sqrt(mean of variances + variance of means)', () => {
    const [m] = averagePredictions([
      [p({ homo: -7 }, { homo: 0.1 })],
      [p({ homo: -6 }, { homo: 0.2 })],
      [p({ homo: -8 }, { homo: 0.2 })],
    ]);
    // mean -7; within (0.01 + 0.04 + 0.04) / 3 = 0.03; between (0 + 1 + 1) / 3 = 2/3
    expect(m.values.homo).toBe(-7);
    const std = Math.sqrt(0.03 + 2 / 3);
    expect(m.std.homo).toBeCloseTo(std, 12);
    // Intervals come from the final std, after the ensemble's factors: predict() adds them.
    expect(m).not.toHaveProperty('interval90');
    expect(m.uncertaintyCapped).toEqual([]);
    expect(m.belowBound).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  it('averages a target only over the models that predict it, per molecule', () => {
    const out = averagePredictions([
      [p({ gap: 6, mu: 1 }, { gap: 0.3, mu: 0.1 }), p({ gap: 2 }, { gap: 0 })],
      [p({ gap: 8 }, { gap: 0.5 }), p({ gap: 4, mu: 0.2 }, { gap: 0, mu: 0.4 })],
    ]);
    expect(out).toHaveLength(2);
    expect(out[0].values).toEqual({ gap: 7, mu: 1 });
    expect(out[0].std.gap).toBeCloseTo(Math.sqrt((0.09 + 0.25) / 2 + 1), 12);
    expect(out[0].std.mu).toBeCloseTo(0.1, 12);
    expect(out[1].values).toEqual({ gap: 3, mu: 0.2 });
    expect(out[1].std.gap).toBe(1); // no stated spread: the models' disagreement alone
    expect(out[1].std.mu).toBeCloseTo(0.4, 12);
  });

  it('gives no std when any model predicting the target gives none', () => {
    const [m] = averagePredictions([
      [p({ gap: 6 }, { gap: 0.3 })],
      [p({ gap: 8 })],
      [p({ gap: 7 }, { gap: 0.3 })],
    ]);
    expect(m.values.gap).toBe(7);
    expect(m.std).toEqual({});
  });

  it('keeps each distinct warning once, in order of appearance', () => {
    const [m] = averagePredictions([
      [p({}, {}, { warnings: [charged, radical] })],
      [p({}, {}, { warnings: [big, charged, { ...radical, message: '2 unpaired electrons' }] })],
    ]);
    expect(m.warnings).toEqual([
      charged,
      radical,
      big,
      { code: 'radical', message: '2 unpaired electrons' },
    ]);
  });

  it('flags a capped or out-of-bound target when any model does, in the order of TARGETS', () => {
    const [m] = averagePredictions([
      [p({}, {}, { uncertaintyCapped: ['cv', 'mu'], belowBound: ['zpve'] })],
      [p({}, {}, { uncertaintyCapped: ['mu', 'gap'], belowBound: ['alpha'] })],
      [p({})],
    ]);
    expect(m.uncertaintyCapped).toEqual(['mu', 'gap', 'cv']);
    expect(m.belowBound).toEqual(['alpha', 'zpve']);
  });

  it('refuses no models and models that predicted different numbers of molecules', () => {
    expect(() => averagePredictions([])).toThrow('an ensemble needs at least one model');
    expect(() => averagePredictions([[p({})], [p({})], [p({}), p({})]])).toThrow(
      'model 3 predicted 2 molecules, model 1 predicted 1',
    );
    expect(() => averagePredictions([[p({})], []])).toThrow(
      'model 2 predicted 0 molecules, model 1 predicted 1',
    );
    expect(averagePredictions([[], []])).toEqual([]);
  });
});

const contribution = (scale: number, target: TargetKey = 'gap'): AtomContributions => ({
  target,
  atoms: [1 * scale, 2 * scale, -scale],
  learned: 2 * scale,
  reference: 10 * scale,
  offset: 5,
  value: 15 + 12 * scale,
  steps: 64,
});

describe('averageContributions', () => {
  it('averages every number over the members and keeps the target and steps', () => {
    expect(averageContributions([contribution(1), contribution(2), contribution(6)])).toEqual({
      target: 'gap',
      atoms: [3, 6, -3],
      learned: 6,
      reference: 30,
      offset: 5,
      value: 51,
      steps: 64,
    });
    expect(averageContributions([contribution(2)])).toEqual(contribution(2));
    expect(() => averageContributions([])).toThrow('no model predicts this target');
  });
});

/** A stand-in member predicting fixed numbers per target, recording what it was asked. */
function member(
  name: string,
  targets: TargetKey[],
  value: number,
  std: number | null,
  needsBondTypes = true,
) {
  const calls: string[] = [];
  let disposed = 0;
  const predictor: Predictor = {
    name,
    version: `${name}-v`,
    card: null,
    needsBondTypes,
    members: [{ name, version: `${name}-v` }],
    backend: name === 'a' ? 'wasm' : 'cpu',
    targets,
    async predict(graphs) {
      return this.predictPacked(packGraphs(graphs));
    },
    async predictPacked(graphs) {
      calls.push(`predict ${graphs.count}`);
      return Array.from({ length: graphs.count }, () => {
        const values: MoleculePrediction['values'] = {};
        const stds: MoleculePrediction['std'] = {};
        for (const t of targets) {
          values[t] = value;
          if (std !== null) stds[t] = std;
        }
        return p(values, stds, { warnings: [] });
      });
    },
    async contributions(_graph, target, options) {
      calls.push(`contributions ${target} ${options?.steps}`);
      return contribution(value, target);
    },
    dispose() {
      disposed++;
    },
  };
  return { predictor, calls, disposed: () => disposed };
}

const methane: GraphInput = {
  x: [[0, 1, 0, 0, 0, 6, 0, 0, 0, 1, 4]],
  edgeIndex: [[], []],
  edgeAttr: [],
};

describe('ensemblePredictor', () => {
  const manifest: EnsembleManifest = {
    format: 'qm9-gnn-ensemble',
    formatVersion: 1,
    name: 'ens',
    version: '3.1.0',
    precision: 'float32',
    members: ['../a', '../b'],
    stdScale: { gap: 2, mu: 0.5, homo: 3 },
  };

  it('describes itself from the manifest and its members', () => {
    const a = member('a', ['gap', 'mu'], 1, 0.5, false);
    const b = member('b', ['cv', 'gap'], 3, 0.5, false);
    const e = ensemblePredictor(manifest, [a.predictor, b.predictor], null);
    expect(e.name).toBe('ens');
    expect(e.version).toBe('3.1.0');
    expect(e.card).toBeNull();
    expect(e.needsBondTypes).toBe(false);
    expect(e.members).toEqual([
      { name: 'a', version: 'a-v' },
      { name: 'b', version: 'b-v' },
    ]);
    expect(e.backend).toBe('wasm');
    expect(e.targets).toEqual(['mu', 'gap', 'cv']);
    const c = member('c', ['gap'], 2, null, true);
    expect(ensemblePredictor(manifest, [a.predictor, c.predictor], null).needsBondTypes).toBe(true);
    expect(ensemblePredictor(manifest, [c.predictor, a.predictor], null).backend).toBe('cpu');
  });

  it('predicts the mixture with the std factors of the targets that have a std', async () => {
    const a = member('a', ['gap', 'mu'], 1, 0.5);
    const b = member('b', ['cv', 'gap'], 3, 0.5);
    const e = ensemblePredictor(manifest, [a.predictor, b.predictor], null);
    const [m, m2] = await e.predict([methane, methane]);
    expect(a.calls).toEqual(['predict 2']);
    expect(b.calls).toEqual(['predict 2']);
    expect(m.values).toEqual({ gap: 2, mu: 1, cv: 3 });
    // gap: sqrt(0.25 + 1) * 2; mu: 0.5 * 0.5; cv: no factor; homo has a factor but no prediction.
    expect(m.std.gap).toBeCloseTo(2 * Math.sqrt(1.25), 12);
    expect(m.std.mu).toBe(0.25);
    expect(m.std.cv).toBe(0.5);
    expect(m.std).not.toHaveProperty('homo');
    expect(m.interval90!.gap![1]).toBeCloseTo(2 + Z90 * 2 * Math.sqrt(1.25), 12);
    expect(m.interval90!.mu![1]).toBeCloseTo(1 + Z90 * 0.25, 12);
    expect(m2).toEqual(m);
    // A job's path: the same numbers, without intervals (the page derives them from value and std).
    const [packed] = await e.predictPacked(packGraphs([methane]));
    expect(packed).not.toHaveProperty('interval90');
    expect({ values: packed.values, std: packed.std }).toEqual({ values: m.values, std: m.std });
  });

  it('leaves targets without a std alone', async () => {
    const a = member('a', ['gap'], 1, null);
    const e = ensemblePredictor(manifest, [a.predictor], null);
    const [m] = await e.predict([methane]);
    expect(m.std).toEqual({});
    expect(m.interval90).toEqual({});
  });

  it('averages contributions over the members predicting the target, and names a target none does', async () => {
    const a = member('a', ['gap', 'mu'], 1, 0.5);
    const b = member('b', ['cv', 'gap'], 3, 0.5);
    const e = ensemblePredictor(manifest, [a.predictor, b.predictor], null);
    expect(await e.contributions(methane, 'gap', { steps: 8 })).toEqual(
      averageContributions([contribution(1), contribution(3)]),
    );
    expect(await e.contributions(methane, 'cv')).toEqual(contribution(3, 'cv'));
    expect(a.calls).toEqual(['contributions gap 8']);
    expect(b.calls).toEqual(['contributions gap 8', 'contributions cv undefined']);
    await expect(e.contributions(methane, 'homo')).rejects.toThrow('ens does not predict homo');
    e.dispose();
    expect([a.disposed(), b.disposed()]).toEqual([1, 1]);
  });
});
