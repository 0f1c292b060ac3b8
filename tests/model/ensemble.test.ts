import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles, type MoleculeGraph } from '../../src/chem/index';
import type { DomainWarning } from '../../src/chem/types';
import { setupBackend } from '../../src/model';
import { averagePredictions } from '../../src/model/ensemble';
import { ENSEMBLE_FORMAT } from '../../src/model/ensembleManifest';
import { createModel, type Architecture } from '../../src/model/gnn';
import { loadPredictor } from '../../src/model/predictor';
import { TARGETS, type MoleculePrediction } from '../../src/model/types';
import type { WeightPrecision } from '../../src/model/weightsIO';
import { writeModelFiles } from '../../training/modelFiles';

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

describe('an ensemble directory', () => {
  const multiTask: Architecture = {
    kind: 'product',
    hidden: 16,
    layers: 2,
    targets: TARGETS.map((t) => t.key),
  };
  const gapOnly: Architecture = { kind: 'product', hidden: 16, layers: 2, targets: ['gap'] };
  let tmp: string;
  let molecules: MoleculeGraph[];

  async function writeMember(name: string, arch: Architecture, seed: number): Promise<void> {
    const model = createModel(arch, seed);
    const id = {
      name,
      version: '0.0.1',
      architecture: arch,
      outputTransform: {
        targets: arch.targets,
        mean: arch.targets.map(() => 5),
        std: arch.targets.map(() => 2),
        calibration: arch.targets.map(() => 1),
      },
    };
    for (const precision of ['float32', 'float16'] as WeightPrecision[])
      await writeModelFiles(path.join(tmp, name), id, model.variables, precision);
    model.dispose();
  }

  async function writeEnsemble(name: string, manifest: Record<string, unknown>): Promise<string> {
    const dir = path.join(tmp, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'model.json'), JSON.stringify(manifest));
    return dir;
  }

  const ensembleManifest = (precision: WeightPrecision) => ({
    format: ENSEMBLE_FORMAT,
    formatVersion: 1,
    name: 'test-ensemble',
    version: '2.0.0',
    precision,
    members: ['../multi/', '../gap'],
    stdScale: { gap: 0.5 },
  });

  beforeAll(async () => {
    await initChem();
    await setupBackend({ backend: 'wasm' });
    tmp = await mkdtemp(path.join(tmpdir(), 'ensemble-test-'));
    molecules = ['C', 'CCO', 'c1ccccc1', 'CC(=O)Oc1ccccc1C(=O)O'].map((smiles) => {
      const r = parseSmiles(smiles, { molblock: false });
      if (!r.ok) throw new Error(r.error.message);
      return r.molecule;
    });
    await writeMember('multi', multiTask, 1);
    await writeMember('gap', gapOnly, 2);
    await writeEnsemble('ens', ensembleManifest('float32'));
    await writeFile(
      path.join(tmp, 'ens', 'model-card.json'),
      // The shipped ensemble's card under this test's name: loadPredictor checks its format.
      JSON.stringify({
        ...JSON.parse(
          await readFile('public/models/qm9-gnn-ensemble-v1.1/model-card.json', 'utf8'),
        ),
        name: 'test-ensemble',
      }),
    );
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it("loads like one model and predicts the members' average with the validation std factor", async () => {
    const ensemble = await loadPredictor(path.join(tmp, 'ens'));
    const multi = await loadPredictor(path.join(tmp, 'multi'));
    const gap = await loadPredictor(path.join(tmp, 'gap'));
    expect(ensemble.name).toBe('test-ensemble');
    expect(ensemble.card?.name).toBe('test-ensemble');
    expect(ensemble.members.map((m) => m.name)).toEqual(['multi', 'gap']);
    expect(ensemble.needsBondTypes).toBe(true);
    expect(ensemble.targets).toEqual(TARGETS.map((t) => t.key));

    const got = await ensemble.predict(molecules);
    const expected = averagePredictions([
      await multi.predict(molecules),
      await gap.predict(molecules),
    ]);
    got.forEach((p, i) => {
      expect(p.values).toEqual(expected[i].values);
      expect(p.std.gap).toBeCloseTo(0.5 * expected[i].std.gap!, 12);
      expect(p.std.homo).toBe(expected[i].std.homo);
    });
    [ensemble, multi, gap].forEach((p) => p.dispose());
  });

  it('loads every member in the precision its manifest names', async () => {
    const dir = await writeEnsemble('ens16', ensembleManifest('float16'));
    const ensemble = await loadPredictor(dir);
    const members = await Promise.all(
      ['multi', 'gap'].map((m) => loadPredictor(path.join(tmp, m), { precision: 'float16' })),
    );
    const expected = averagePredictions(
      await Promise.all(members.map((m) => m.predict(molecules))),
    );
    expect((await ensemble.predict(molecules)).map((p) => p.values)).toEqual(
      expected.map((p) => p.values),
    );
    [ensemble, ...members].forEach((p) => p.dispose());
  });

  it('averages atom contributions over the members that predict the target', async () => {
    const ensemble = await loadPredictor(path.join(tmp, 'ens'));
    const multi = await loadPredictor(path.join(tmp, 'multi'));
    const gap = await loadPredictor(path.join(tmp, 'gap'));
    const ethanol = molecules[1];
    const [prediction] = await ensemble.predict([ethanol]);
    const c = await ensemble.contributions(ethanol, 'gap', { steps: 8 });
    const a = await multi.contributions(ethanol, 'gap', { steps: 8 });
    const b = await gap.contributions(ethanol, 'gap', { steps: 8 });
    expect(c.value).toBeCloseTo(prediction.values.gap!, 4);
    c.atoms.forEach((v, i) => expect(v).toBeCloseTo((a.atoms[i] + b.atoms[i]) / 2, 10));
    // Only the multi-task member predicts the HOMO: its contributions are the ensemble's.
    expect((await ensemble.contributions(ethanol, 'homo', { steps: 8 })).atoms).toEqual(
      (await multi.contributions(ethanol, 'homo', { steps: 8 })).atoms,
    );
    [ensemble, multi, gap].forEach((p) => p.dispose());
  });

  it('names the file and the problem for a broken ensemble', async () => {
    const empty = await writeEnsemble('empty', { ...ensembleManifest('float32'), members: [] });
    await expect(loadPredictor(empty)).rejects.toThrow(/empty.model\.json: "members" must list/);
    const missing = await writeEnsemble('missing', {
      ...ensembleManifest('float32'),
      members: ['../multi/', '../nowhere/'],
    });
    await expect(loadPredictor(missing)).rejects.toThrow(/nowhere.*no model\.json found/);
    const badScale = await writeEnsemble('bad-scale', {
      ...ensembleManifest('float32'),
      stdScale: { gap: -1 },
    });
    await expect(loadPredictor(badScale)).rejects.toThrow(/stdScale\.gap must be a positive/);
  });
});
