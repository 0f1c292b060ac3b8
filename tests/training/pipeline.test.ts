import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDriftReference } from '../../src/stats';
import { loadPredictor } from '../../src/model/predictor';
import { TARGETS } from '../../src/model/types';
import { DEFAULT_CONFIG, type TrainConfig } from '../../training/config';
import { readCard, readEvaluation } from '../../training/cardFiles';
import { loadQm9Dataset } from '../../training/dataset';
import { exportRun } from '../../training/export';
import { exportEnsemble } from '../../training/exportEnsemble';
import { graphAt } from '../../src/model';
import { predictPacked } from '../../training/predictPacked';
import { TEST_SMILES } from '../helpers/trainingMolecules';
import { trainRun } from '../../training/train';

let tmp: string;
let csv: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'pipeline-test-'));
  // Made-up property values (Hartree for energies, as in the QM9 table), not QM9 rows.
  const header =
    'gdb_idx,smiles,mu,alpha,homo,lumo,gap,r2,zpve,u0,u298,h298,g298,cv,uncharacterized';
  const rows = TEST_SMILES.map((s, i) => {
    const heavy = s.replace(/[^A-Za-z]/g, '').length;
    const v = [
      0.5 + (i % 5) * 0.3,
      10 + 3 * heavy,
      -0.25 - 0.01 * (i % 7),
      0.02 * (i % 9),
      0,
      40 * heavy,
      0.02 * heavy,
      -40 * heavy,
      -40 * heavy + 0.003,
      -40 * heavy + 0.004,
      -40 * heavy - 0.02,
      5 + 1.5 * heavy,
    ];
    v[4] = v[3] - v[2];
    return [i + 1, s, ...v, i === 63 ? 1 : 0].join(',');
  });
  csv = path.join(tmp, 'mini-qm9.csv.gz');
  await writeFile(csv, gzipSync(new TextEncoder().encode([header, ...rows].join('\n') + '\n')));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('train -> export -> load', () => {
  it('trains, writes weights at three precisions and a model card, and the predictor reproduces the run', async () => {
    const config: TrainConfig = {
      ...DEFAULT_CONFIG,
      name: 'mini',
      data: csv,
      cacheDir: path.join(tmp, 'cache'),
      runsDir: path.join(tmp, 'runs'),
      exportDir: path.join(tmp, 'models'),
      architecture: { kind: 'product', hidden: 16, layers: 2, targets: TARGETS.map((t) => t.key) },
      epochs: 2,
      batchSize: 16,
    };
    const dataset = await loadQm9Dataset(csv, config.cacheDir);
    expect(dataset.characterizedRows).toBe(63);
    expect(
      dataset.split.test.length + dataset.split.validation.length + dataset.split.train.length,
    ).toBe(63);
    const results = await trainRun(config, dataset, false);
    expect(results.state.epochsDone).toBe(2);
    expect(results.transform.calibration).toHaveLength(12);

    const dir = await exportRun(path.join(config.runsDir, 'mini'), {
      notesFile: path.join(tmp, 'none.json'),
    });
    const card = await readCard(dir);
    expect(card.metrics.test.map((m) => m.key)).toEqual(TARGETS.map((t) => t.key));
    expect(card.quantization.map((q) => q.precision)).toEqual(['float32', 'float16', 'uint8']);
    expect(card.quantization[1].weightBytes * 2).toBe(card.quantization[0].weightBytes);
    expect(card.data.split.test).toBe(dataset.split.test.length);
    expect(card.trainingPredictions.sampleSize).toBe(dataset.split.train.length);
    const evaluation = await readEvaluation(dir, card);
    expect(evaluation.trainingHistory[0].epochs).toHaveLength(2);
    expect(Object.keys(evaluation.testResiduals.parity)).toEqual(TARGETS.map((t) => t.key));
    const reference = JSON.parse(await readFile(path.join(dir, 'drift-reference.json'), 'utf8'));
    expect(parseDriftReference(reference).molecules.rows).toBe(dataset.split.train.length);

    const predictor = await loadPredictor(dir);
    const ids = dataset.split.test;
    const viaApi = await predictor.predict(Array.from(ids, (i) => graphAt(dataset.packed, i)));
    const { createModel } = await import('../../src/model/gnn');
    const { loadTensors } = await import('../../training/checkpoint');
    const model = createModel(config.architecture, 0);
    model.setWeights(await loadTensors(path.join(config.runsDir, 'mini'), 'final'));
    const direct = await predictPacked(model, results.transform, dataset.packed, ids);
    viaApi.forEach((p, r) =>
      TARGETS.forEach((t, k) => expect(p.values[t.key]).toBe(direct.values[r * 12 + k])),
    );
    predictor.dispose();
    model.dispose();

    // An ensemble over the exported model writes the same three files; its evaluation carries
    // the member's epochs, read from the member's own evaluation.json.
    const ensembleDir = await exportEnsemble({
      name: 'mini-ensemble',
      version: '0.1.0',
      description: 'one member',
      members: [dir],
      out: path.join(tmp, 'models', 'mini-ensemble'),
      data: csv,
      cacheDir: config.cacheDir,
      notesFile: path.join(tmp, 'none.json'),
    });
    const ensembleCard = await readCard(ensembleDir);
    expect(ensembleCard.ensemble?.members.map((m) => m.training.epochs)).toEqual([2]);
    const ensembleEvaluation = await readEvaluation(ensembleDir, ensembleCard);
    expect(ensembleEvaluation.trainingHistory).toEqual(evaluation.trainingHistory);
    expect(ensembleEvaluation.errorsBySize?.rows.length).toBeGreaterThan(0);
    const ensembleReference = JSON.parse(
      await readFile(path.join(ensembleDir, 'drift-reference.json'), 'utf8'),
    );
    expect(parseDriftReference(ensembleReference).prediction.target).toBe('gap');
  });
});
