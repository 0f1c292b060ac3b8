// Publishes an ensemble directory: manifests naming the member model directories (one per weight
// precision), std factors fitted on the validation split, and a model card measured on the test split
// by loading the written directory through the app's own loader.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runIfMain, UsageError, type Command } from '../cli/command';
import { checkSmallMolecules, errorsBySize, smallMoleculeIds } from './sizeErrors';
import { setupBackend } from '../src/model';
import { ensemblePredictor } from '../src/model';
import { ENSEMBLE_FORMAT, type EnsembleManifest } from '../src/model';
import { type ModelCard, type QuantizationReport, type TargetMetrics } from '../src/model';
import { loadPredictor, type Predictor } from '../src/model';
import { type GraphInput, type MoleculePrediction, type TargetKey } from '../src/model';
import { MANIFEST_FILES, type WeightPrecision } from '../src/model';
import {
  readCardNotes,
  referenceSample,
  referenceSections,
  testSplitSections,
} from './cardSections';
import { readCard, readEvaluation, writeCardFiles } from './cardFiles';
import { writeJsonAtomic } from './checkpoint';
import { cardHeader } from './export';
import { loadQm9Dataset, type Qm9Dataset } from './dataset';
import { calibrationFactor, formatMetricsTable, targetMetrics } from './metrics';
import { graphAt } from '../src/model';
import { truthColumn } from './predictPacked';

export interface EnsembleConfig {
  name: string;
  version: string;
  description: string;
  /** Member model directories (exported by `npm run export`), the multi-task model first. */
  members: string[];
  /** The ensemble's directory; members are referred to relative to it. */
  out: string;
  data: string;
  cacheDir: string;
  /** Seed of the reference sample (the same rule as a single model's export; default 1). */
  seed?: number;
  /** Card notes (ablations, limitations) under the ensemble's name. */
  notesFile?: string;
}

const PRECISIONS: WeightPrecision[] = ['float32', 'float16', 'uint8'];
const COMBINATION =
  'Per target, the mean of the members that predict it; the std is that of the equal-weight mixture of their calibrated Gaussians, sqrt(mean(std^2) + variance of the means), times a per-target factor fitted on the validation split so the central 90% interval covers 90% there.';

async function readJson<T>(file: string): Promise<T> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as T;
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
}

function columnOf(
  preds: MoleculePrediction[],
  key: TargetKey,
  field: 'values' | 'std',
): Float64Array {
  return Float64Array.from(preds, (p) => p[field][key]!);
}

function metricsTable(
  preds: MoleculePrediction[],
  targets: TargetKey[],
  dataset: Qm9Dataset,
  ids: Int32Array,
): TargetMetrics[] {
  return targets.map((key) =>
    targetMetrics(
      key,
      columnOf(preds, key, 'values'),
      truthColumn(dataset.packed, ids, key),
      preds[0]?.std[key] !== undefined ? columnOf(preds, key, 'std') : null,
    ),
  );
}

async function shardBytes(dir: string, precision: WeightPrecision): Promise<number> {
  const manifest = await readJson<{ weightsManifest: { paths: string[] }[] }>(
    path.join(dir, MANIFEST_FILES[precision]),
  );
  const sizes = await Promise.all(
    manifest.weightsManifest
      .flatMap((g) => g.paths)
      .map(async (p) => (await stat(path.join(dir, p))).size),
  );
  return sizes.reduce((s, v) => s + v, 0);
}

/** Molecules people type first (methane, water, ethanol): the card checks them one by one. */
const SMALL_MOLECULE_HEAVY_ATOMS = 3;

export async function exportEnsemble(config: EnsembleConfig): Promise<string> {
  await setupBackend({ backend: 'wasm' });
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const memberCards = await Promise.all(config.members.map((dir) => readCard(dir)));
  // Each member's own epochs, for the ensemble page's learning curves.
  const memberHistories = await Promise.all(
    config.members.map(async (dir, i) => {
      const own = `${memberCards[i].name} ${memberCards[i].version}`;
      const { trainingHistory } = await readEvaluation(dir, memberCards[i]);
      return trainingHistory.filter((h) => h.model === own);
    }),
  );
  const dataset = await loadQm9Dataset(config.data, config.cacheDir, log);
  memberCards.forEach((card, i) => {
    if (card.data.sha256 !== dataset.sha256)
      throw new Error(
        `${config.members[i]} was trained on data with sha256 ${card.data.sha256}, ${config.data} has ${dataset.sha256}`,
      );
  });
  const graphsOf = (ids: Int32Array): GraphInput[] =>
    Array.from(ids, (i) => graphAt(dataset.packed, i));

  // Fit the std factors on validation with the members as they will be loaded (float32).
  const members = await Promise.all(config.members.map((dir) => loadPredictor(dir)));
  const manifestFor = (
    precision: WeightPrecision,
    stdScale: EnsembleManifest['stdScale'],
  ): EnsembleManifest => ({
    format: ENSEMBLE_FORMAT,
    formatVersion: 1,
    name: config.name,
    version: config.version,
    precision,
    members: config.members.map((dir) => `${path.relative(config.out, dir)}/`),
    stdScale,
  });
  const unscaled = ensemblePredictor(manifestFor('float32', {}), members, null);
  const valIds = dataset.split.validation;
  const valRaw = await unscaled.predict(graphsOf(valIds));
  const targets = unscaled.targets;
  const stdScale: EnsembleManifest['stdScale'] = {};
  for (const key of targets) {
    if (valRaw[0]?.std[key] === undefined) continue;
    stdScale[key] = calibrationFactor(
      columnOf(valRaw, key, 'values'),
      truthColumn(dataset.packed, valIds, key),
      columnOf(valRaw, key, 'std'),
    );
  }
  const testIds = dataset.split.test;
  const testGraphs = graphsOf(testIds);
  const alone = await Promise.all(
    members.map(async (m) =>
      metricsTable(await m.predict(testGraphs), m.targets, dataset, testIds),
    ),
  );
  unscaled.dispose();
  for (const precision of PRECISIONS)
    await writeJsonAtomic(
      path.join(config.out, MANIFEST_FILES[precision]),
      manifestFor(precision, stdScale),
    );

  // Measure exactly what was written, through the loader the app and the server use.
  const quantization: QuantizationReport[] = [];
  let float32: { test: TargetMetrics[]; preds: MoleculePrediction[]; predictor: Predictor } | null =
    null;
  for (const precision of PRECISIONS) {
    const predictor = await loadPredictor(config.out, { precision });
    const preds = await predictor.predict(testGraphs);
    const test = metricsTable(preds, targets, dataset, testIds);
    float32 ??= { test, preds, predictor };
    if (float32.predictor !== predictor) predictor.dispose();
    const reference = float32.test;
    const sizes = await Promise.all(config.members.map((dir) => shardBytes(dir, precision)));
    quantization.push({
      precision,
      manifest: MANIFEST_FILES[precision],
      weightBytes: sizes.reduce((s, v) => s + v, 0),
      testMaeDelta: Object.fromEntries(test.map((m, k) => [m.key, m.mae - reference[k].mae])),
    });
    log(`${precision}: gap MAE ${test.find((m) => m.key === 'gap')?.mae.toFixed(4)} eV`);
  }
  const { predictor } = float32!;
  const validation = metricsTable(
    await predictor.predict(graphsOf(valIds)),
    targets,
    dataset,
    valIds,
  );
  const seed = config.seed ?? 1;
  const sample = referenceSample(dataset.split.train, seed);
  const samplePreds = await predictor.predict(graphsOf(sample));
  const smallIds = smallMoleculeIds(dataset.packed, SMALL_MOLECULE_HEAVY_ATOMS);
  const smallMolecules = checkSmallMolecules(
    dataset.packed,
    smallIds,
    await predictor.predict(graphsOf(smallIds)),
    float32!.test,
    SMALL_MOLECULE_HEAVY_ATOMS,
  );
  log(
    `molecules of at most ${SMALL_MOLECULE_HEAVY_ATOMS} heavy atoms: ${smallMolecules.passed} of ${smallMolecules.checks} predictions within 3x MAE or inside the 90 % interval`,
  );
  const predictions = Object.fromEntries(
    targets.map((key) => [key, columnOf(samplePreds, key, 'values')]),
  );
  predictor.dispose();

  const primary = memberCards[0];
  const notes = await readCardNotes(config.name, config.notesFile);
  const wallSeconds = memberCards.reduce(
    (s, c) => s + Number((c.training as { wallSeconds?: number }).wallSeconds ?? 0),
    0,
  );
  const { trainingPredictions, driftReference } = referenceSections(
    dataset.packed,
    sample,
    dataset.split.train.length,
    predictions,
    seed,
  );
  const card: ModelCard = {
    ...cardHeader(config, {
      architecture: primary.architecture,
      parameters: memberCards.reduce((s, c) => s + c.parameters, 0),
      targets,
    }),
    data: primary.data,
    metrics: { test: float32!.test, validation },
    uncertainty: { method: COMBINATION, calibration: stdScale },
    baseline: primary.baseline,
    training: {
      wallSeconds,
      members: memberCards
        .map(
          (c) =>
            `${c.name} ${c.version}: ${c.training.epochs} epochs, ${Math.round(Number(c.training.wallSeconds) / 60)} min`,
        )
        .join('; '),
      note: 'members trained separately, one after the other, each on one core of this 2-core machine; their own cards hold the full training records',
    },
    quantization,
    ablations: [...primary.ablations, ...(notes.ablations ?? [])],
    limitations: notes.limitations ?? primary.limitations,
    ensemble: {
      combination: COMBINATION,
      members: memberCards.map((c, i) => ({
        name: c.name,
        version: c.version,
        path: `${path.relative(config.out, config.members[i])}/`,
        description: c.description,
        architecture: c.architecture,
        parameters: c.parameters,
        test: alone[i],
        training: c.training,
      })),
    },
    trainingPredictions,
  };
  const testPreds = float32!.preds;
  await writeCardFiles(config.out, {
    card,
    evaluation: {
      ...testSplitSections(
        targets,
        (key) => columnOf(testPreds, key, 'values'),
        (key) => truthColumn(dataset.packed, testIds, key),
        (key) => (testPreds[0]?.std[key] !== undefined ? columnOf(testPreds, key, 'std') : null),
      ),
      trainingHistory: memberHistories.flat(),
      errorsBySize: errorsBySize(dataset.packed, testIds, float32!.preds, targets),
      smallMolecules,
    },
    driftReference,
  });
  log(`exported ${config.out}\n${formatMetricsTable(card.metrics.test)}`);
  return config.out;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { config: { type: 'string' } } });
  const file = values.config;
  if (!file) throw new UsageError('needs --config training/configs/<ensemble>.json');
  const config = await readJson<EnsembleConfig>(file);
  for (const key of ['name', 'version', 'description', 'out', 'data', 'cacheDir'] as const)
    if (typeof config[key] !== 'string') throw new Error(`${file}: "${key}" must be a string`);
  if (!Array.isArray(config.members) || config.members.length < 2)
    throw new Error(`${file}: "members" must list at least two model directories`);
  await exportEnsemble(config);
}

export const exportEnsembleCommand: Command = {
  name: 'export-ensemble',
  script: 'export:ensemble',
  synopsis: ['--config training/configs/<ensemble>.json'],
  details: `Writes the ensemble directory named by the config's "out": manifests naming the member
directories, std factors fitted on the validation split and a model card measured on the test split.`,
  run: main,
};

runIfMain(import.meta.url, exportEnsembleCommand);
