// Architecture and loss ablations of the product model at a small, equal budget: every variant
// trains on the same seeded subset for the same epochs, and the table compares test MAE.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runIfMain, UsageError, type Command } from '../cli/command';
import { DEFAULT_CONFIG, parseTrainArgs, type TrainConfig } from './config';
import { loadQm9Dataset } from './dataset';
import { trainRun } from './train';

interface Variant {
  name: string;
  description: string;
  change: (c: TrainConfig) => void;
}

const VARIANTS: Variant[] = [
  {
    name: 'product',
    description: 'product model as shipped (hidden 128, 4 layers, bond types, L1, 12 targets)',
    change: () => {},
  },
  {
    name: 'no-bond-types',
    description: 'messages ignore bond types',
    change: (c) => {
      if (c.architecture.kind === 'product') c.architecture.bondTypes = false;
    },
  },
  {
    name: 'hidden-64',
    description: 'hidden width 64',
    change: (c) => (c.architecture.hidden = 64),
  },
  {
    name: 'layers-2',
    description: '2 message-passing layers',
    change: (c) => (c.architecture.layers = 2),
  },
  { name: 'mse', description: 'MSE instead of L1 for the means', change: (c) => (c.loss = 'mse') },
  {
    name: 'gap-only',
    description: 'single task: the gap alone (mean-variance head kept)',
    change: (c) => (c.architecture.targets = ['gap']),
  },
];

function count(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} needs a positive whole number, got "${raw}"`);
  return n;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      molecules: { type: 'string', default: '10000' },
      epochs: { type: 'string', default: '12' },
      only: { type: 'string' },
    },
  });
  const molecules = count(values.molecules, 'molecules');
  const epochs = count(values.epochs, 'epochs');
  const only = values.only?.split(',');
  const unknown = only?.filter((name) => !VARIANTS.some((v) => v.name === name)) ?? [];
  if (unknown.length)
    throw new UsageError(
      `--only: no variant "${unknown[0]}" (variants: ${VARIANTS.map((v) => v.name).join(', ')})`,
    );
  const { config: base } = await parseTrainArgs(['--config', 'training/configs/product.json']);
  const dataset = await loadQm9Dataset(base.data, base.cacheDir, (m) =>
    process.stderr.write(`${m}\n`),
  );
  const rows: Record<string, unknown>[] = [];
  for (const variant of VARIANTS.filter((v) => !only || only.includes(v.name))) {
    const config: TrainConfig = {
      ...structuredClone(base),
      name: `ablation-${variant.name}`,
      runsDir: path.join(DEFAULT_CONFIG.runsDir, 'ablations'),
      epochs,
      maxTrainMolecules: molecules,
      timeBudgetMinutes: null,
      warmupEpochs: 1,
    };
    variant.change(config);
    process.stderr.write(`\n== ${variant.name}: ${variant.description}\n`);
    const started = Date.now();
    const result = await trainRun(config, dataset, false);
    const gap = result.metrics.test.find((m) => m.key === 'gap');
    rows.push({
      name: variant.name,
      description: variant.description,
      parameters: result.parameters,
      testGapMae: gap?.mae ?? null,
      testMae: Object.fromEntries(result.metrics.test.map((m) => [m.key, m.mae])),
      coverage90: Object.fromEntries(result.metrics.test.map((m) => [m.key, m.coverage90])),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    });
    await writeFile(
      path.join(DEFAULT_CONFIG.runsDir, 'ablations', 'summary.json'),
      JSON.stringify({ molecules, epochs, seed: base.seed, rows }, null, 2),
    );
  }
  process.stderr.write(
    `\n${rows.map((r) => `${String(r.name).padEnd(14)} test gap MAE ${(r.testGapMae as number).toFixed(4)} eV  ${r.parameters} parameters  ${r.wallSeconds} s`).join('\n')}\n`,
  );
}

export const ablationsCommand: Command = {
  name: 'ablations',
  script: 'ablations',
  synopsis: ['[--molecules 10000] [--epochs 12] [--only name,name]'],
  details: `Architecture and loss variants of training/configs/product.json, each trained on the same seeded
subset for the same epochs; the summary goes to training/runs/ablations/summary.json.
Variants: ${VARIANTS.map((v) => v.name).join(', ')}.`,
  run: main,
};

runIfMain(import.meta.url, ablationsCommand);
