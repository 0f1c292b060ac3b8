/**
 * Training throughput (molecules/s) of the baseline and the product model in Node on tfjs-wasm,
 * the same baseline in PyTorch (Debian python3-torch, bench/torch_baseline.py) on the same molecules,
 * and inference throughput / single-molecule latency per backend available in Node.
 * Usage: npm run bench:train [-- path/to/qm9.csv.gz] [--inference-only] -> bench/results/train.json
 */
import * as tf from '@tensorflow/tfjs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initChem, parseSmiles } from '../src/chem';
import { setupBackend, type BackendName } from '../src/model';
import { createModel, type Architecture } from '../src/model';
import { predictBatchArrays } from '../src/model';
import { registryReference, resolveRegistryReference } from '../src/model';
import { loadPredictor } from '../src/model';
import { TARGETS } from '../src/model';
import { DEFAULT_MODEL, DEFAULT_MODELS_DIR } from '../cli/defaults';
import { DEFAULT_CONFIG } from '../training/config';
import { loadQm9Dataset } from '../training/dataset';
import { batchFromPacked, packGraphs, type PackedGraphs } from '../training/packed';
import { graphAt } from '../src/model';
import { Rng } from '../src/stats';
import { fitOutputTransform } from '../training/standardize';
import { TEST_SMILES } from '../tests/helpers/trainingMolecules';
import { Trainer } from '../training/trainer';

const SAMPLE = 4096;
const TIMED_SECONDS = 30;

async function molecules(
  file: string,
): Promise<{ packed: PackedGraphs; ids: Int32Array; origin: string }> {
  if (existsSync(file)) {
    const d = await loadQm9Dataset(file, DEFAULT_CONFIG.cacheDir);
    const ids = new Rng(3).shuffle(Int32Array.from(d.split.train)).subarray(0, SAMPLE).sort();
    return { packed: d.packed, ids, origin: `${SAMPLE} random training-split QM9 molecules` };
  }
  await initChem();
  const graphs = Array.from({ length: SAMPLE }, (_, i) => {
    const r = parseSmiles(TEST_SMILES[i % TEST_SMILES.length], { molblock: false });
    if (!r.ok) throw new Error(r.error.message);
    return r.molecule;
  });
  const packed = packGraphs(
    graphs,
    graphs.map((_, i) => i + 1),
    graphs.map((_, i) => TARGETS.map((__, k) => Math.sin(i + k))),
  );
  return {
    packed,
    ids: Int32Array.from({ length: SAMPLE }, (_, i) => i),
    origin: 'hand-written test molecules, repeated (QM9 table not found)',
  };
}

async function trainThroughput(
  arch: Architecture,
  batchSize: number,
  data: { packed: PackedGraphs; ids: Int32Array },
) {
  const config = { ...DEFAULT_CONFIG, architecture: arch, batchSize };
  const transform = fitOutputTransform(
    data.packed,
    data.ids,
    arch.targets,
    arch.kind === 'baseline' ? 'none' : 'atomref',
  );
  const trainer = new Trainer(config, data.packed, data.ids, data.ids, transform, {
    runDir: null,
    quiet: true,
  });
  const batches = Math.floor(data.ids.length / batchSize);
  for (let s = 0; s < 5; s++)
    await trainer.step(data.ids.subarray(s * batchSize, (s + 1) * batchSize), 1e-3, s);
  const t0 = performance.now();
  let mols = 0;
  let steps = 0;
  while (performance.now() - t0 < TIMED_SECONDS * 1000) {
    const b = steps % batches;
    await trainer.step(data.ids.subarray(b * batchSize, (b + 1) * batchSize), 1e-3, steps);
    mols += batchSize;
    steps++;
  }
  const seconds = (performance.now() - t0) / 1000;
  trainer.dispose();
  return {
    batchSize,
    steps,
    molecules: mols,
    seconds,
    moleculesPerSecond: mols / seconds,
    parameters: trainer.model.countParameters(),
  };
}

function torchThroughput(
  data: { packed: PackedGraphs; ids: Int32Array },
  batchSize: number,
  steps: number,
  threads: number,
) {
  const file = path.join(os.tmpdir(), 'train-bench-molecules.json');
  const p = data.packed;
  const gap = TARGETS.findIndex((t) => t.key === 'gap');
  const mols = Array.from(data.ids, (i) => {
    const n0 = p.nodeOffset[i];
    const n = p.nodeOffset[i + 1] - n0;
    const e0 = p.edgeOffset[i];
    const e1 = p.edgeOffset[i + 1];
    return {
      x: Array.from({ length: n }, (_, a) =>
        Array.from(p.x.subarray((n0 + a) * 11, (n0 + a + 1) * 11)),
      ),
      src: Array.from(p.src.subarray(e0, e1)),
      dst: Array.from(p.dst.subarray(e0, e1)),
      y: p.targets[i * 12 + gap],
    };
  });
  writeFileSync(file, JSON.stringify(mols));
  try {
    const out = execFileSync(
      '/usr/bin/python3',
      ['bench/torch_baseline.py', file, String(batchSize), String(steps), String(threads)],
      { encoding: 'utf8' },
    );
    return JSON.parse(out.trim().split('\n').at(-1)!) as {
      moleculesPerSecond: number;
      threads: number;
      torch: string;
    };
  } catch (err) {
    return { error: `PyTorch reference failed: ${(err as Error).message.split('\n')[0]}` };
  }
}

async function inference(
  backend: BackendName,
  arch: Architecture,
  data: { packed: PackedGraphs; ids: Int32Array },
) {
  try {
    await setupBackend({ backend });
  } catch (err) {
    return { backend, error: (err as Error).message };
  }
  const model = createModel(arch, 1);
  const transform = fitOutputTransform(data.packed, data.ids, arch.targets, 'atomref');
  // tfjs's cpu UnsortedSegmentSum loops over every segment, so the cpu backend gets a smaller batch.
  const batchSize = backend === 'cpu' ? 32 : 256;
  const big = batchFromPacked(data.packed, data.ids.subarray(0, batchSize));
  await predictBatchArrays(model, transform, big);
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 5000) {
    await predictBatchArrays(model, transform, big);
    n += batchSize;
  }
  const batchMolPerSec = n / ((performance.now() - t0) / 1000);
  const one = batchFromPacked(data.packed, data.ids.subarray(0, 1));
  for (let i = 0; i < 5; i++) await predictBatchArrays(model, transform, one);
  const lat: number[] = [];
  for (let i = 0; i < 50; i++) {
    const s = performance.now();
    await predictBatchArrays(model, transform, one);
    lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  model.dispose();
  return {
    backend,
    batch: batchSize,
    batchMoleculesPerSecond: batchMolPerSec,
    singleMoleculeLatencyMs: { median: lat[25], p90: lat[45] },
  };
}

/**
 * The model the app and the server load, through the public API (batching and un-standardizing
 * included): for an ensemble that is one forward pass per member.
 */
async function shippedPredictor(data: { packed: PackedGraphs; ids: Int32Array }) {
  const { location } = await resolveRegistryReference(
    registryReference(DEFAULT_MODELS_DIR, DEFAULT_MODEL),
  );
  if (!existsSync(path.join(location, 'model.json')))
    return { model: location, error: 'not published' };
  const predictor = await loadPredictor(location, { backend: 'wasm' });
  const graphs = Array.from(data.ids.subarray(0, 1024), (i) => graphAt(data.packed, i));
  await predictor.predict(graphs.slice(0, 256));
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < 5000) {
    await predictor.predict(graphs);
    n += graphs.length;
  }
  const batchMolPerSec = n / ((performance.now() - t0) / 1000);
  const lat: number[] = [];
  for (let i = 0; i < 55; i++) {
    const s = performance.now();
    await predictor.predict([graphs[i]]);
    if (i >= 5) lat.push(performance.now() - s);
  }
  lat.sort((a, b) => a - b);
  predictor.dispose();
  return {
    model: `${predictor.name} ${predictor.version}`,
    members: predictor.members.map((m) => m.name),
    backend: 'wasm',
    batchMoleculesPerSecond: batchMolPerSec,
    singleMoleculeLatencyMs: { median: lat[25], p90: lat[45] },
  };
}

async function inferenceOnly(file: string): Promise<void> {
  const out = 'bench/results/train.json';
  const previous = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  const data = await molecules(file);
  const inferenceResults = [];
  for (const b of ['wasm', 'cpu'] as BackendName[])
    inferenceResults.push(await inference(b, DEFAULT_CONFIG.architecture, data));
  const result = {
    ...previous,
    inference: inferenceResults,
    shippedPredictor: await shippedPredictor(data),
    inferenceMeasuredAt: new Date().toISOString(),
    inferenceLoadAverage: os.loadavg(),
  };
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result.shippedPredictor, null, 2) + '\n');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { 'inference-only': { type: 'boolean', default: false } },
  });
  const file = positionals[0] ?? DEFAULT_CONFIG.data;
  // Re-measures inference only (e.g. after publishing a model), keeping the training figures.
  if (values['inference-only']) return inferenceOnly(file);
  const data = await molecules(file);
  await setupBackend({ backend: 'wasm' });
  const loadBefore = os.loadavg();
  const baselineArch: Architecture = {
    kind: 'baseline',
    hidden: 128,
    layers: 3,
    dropout: 0.1,
    targets: ['gap'],
  };
  const productArch = DEFAULT_CONFIG.architecture;
  process.stderr.write('baseline (tfjs-wasm)...\n');
  const baseline = await trainThroughput(baselineArch, 32, data);
  process.stderr.write('product (tfjs-wasm)...\n');
  const product = await trainThroughput(productArch, 128, data);
  process.stderr.write('baseline (PyTorch)...\n');
  const torchSteps = Math.max(20, baseline.steps);
  const torch1 = torchThroughput(data, 32, torchSteps, 1);
  const inferenceResults = [];
  for (const b of ['wasm', 'cpu'] as BackendName[])
    inferenceResults.push(await inference(b, productArch, data));
  const ratio =
    'moleculesPerSecond' in torch1 ? baseline.moleculesPerSecond / torch1.moleculesPerSecond : null;
  const result = {
    benchmark: 'train',
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      tfjs: tf.version.tfjs,
      loadAverageBefore: loadBefore,
      loadAverageAfter: os.loadavg(),
    },
    data: data.origin,
    note: 'Node uses one core (tfjs-wasm has no threads in Node); PyTorch pinned to 1 thread for the same resources. The TypeScript step includes batch collation; the PyTorch script collates before timing. The CPU is shared with other jobs: see loadAverage.',
    training: {
      baselineTfjsWasm: baseline,
      productTfjsWasm: { ...product, architecture: productArch },
      baselinePyTorch: torch1,
      baselineTfjsOverPyTorch: ratio,
      goal: 'TypeScript baseline within 2x of PyTorch (ratio >= 0.5)',
    },
    inference: inferenceResults,
    shippedPredictor: await shippedPredictor(data),
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/train.json', JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(JSON.stringify(result.training, null, 2) + '\n');
}

main().catch((err: Error) => {
  process.stderr.write(`bench:train: ${err.message}\n`);
  process.exit(1);
});
