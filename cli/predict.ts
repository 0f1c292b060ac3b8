// npm run predict -- <file> --out <csv|sdf>: the tool a user runs on a file of molecules, with the
// same readers, model loader and warnings as the page.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initChem, readMoleculeFile, SUPPORTED_EXTENSIONS, type MoleculeGraph } from '../src/chem';
import { loadPredictor } from '../src/model';
import { resolveModelArg } from '../training/registryFiles';
import { TARGETS, type MoleculePrediction } from '../src/model';
import type { WeightPrecision } from '../src/model';
import { ProgressBar } from '../training/progress';
import { parseCommandArgs, runIfMain, usageOf, UsageError, type Command } from './command';
import { DEFAULT_MODEL } from './defaults';

export interface PredictCliOptions {
  input: string;
  out: string;
  model: string;
  format: 'csv' | 'sdf';
  precision: WeightPrecision;
}

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function unitTag(unit: string): string {
  return unit.replace(/[^A-Za-z0-9]+/g, '').replace(/³/g, '3');
}

const PRECISIONS: WeightPrecision[] = ['float32', 'float16', 'uint8'];

export function parsePredictArgs(argv: string[]): PredictCliOptions {
  const { values, positionals } = parseCommandArgs(argv, {
    out: { type: 'string', short: 'o' },
    model: { type: 'string', default: DEFAULT_MODEL },
    format: { type: 'string' },
    precision: { type: 'string', default: 'float32' },
  });
  const [input, ...extra] = positionals;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const out = values.out;
  if (!input || !out)
    throw new UsageError(`needs an input file and --out <file>\n${usageOf(predictCommand)}`);
  const format = values.format ?? (/\.sdf$/i.test(out) ? 'sdf' : 'csv');
  if (format !== 'csv' && format !== 'sdf')
    throw new UsageError(`--format must be csv or sdf, got "${format}"`);
  const precision = values.precision as WeightPrecision;
  if (!PRECISIONS.includes(precision))
    throw new UsageError(`--precision must be float32, float16 or uint8`);
  return { input, out, model: values.model, format, precision };
}

interface Row {
  molecule: MoleculeGraph;
  prediction: MoleculePrediction;
}

function toCsv(rows: Row[], targets: string[]): string {
  const unitOf = (k: string) => TARGETS.find((t) => t.key === k)!.unit;
  const head = [
    'record',
    'name',
    'smiles',
    'formula',
    ...targets.flatMap((k) => [`${k}_${unitTag(unitOf(k))}`, `${k}_std`]),
    'warnings',
  ];
  const lines = rows.map(({ molecule: m, prediction: p }) =>
    [
      String(m.record),
      m.name,
      m.smiles,
      m.formula,
      ...targets.flatMap((k) => [
        String(p.values[k as keyof typeof p.values] ?? ''),
        String(p.std[k as keyof typeof p.std] ?? ''),
      ]),
      p.warnings.map((w) => w.code).join(';'),
    ]
      .map(csvField)
      .join(','),
  );
  return [head.join(','), ...lines].join('\n') + '\n';
}

function toSdf(rows: Row[], targets: string[]): string {
  return rows
    .map(({ molecule: m, prediction: p }) => {
      if (!m.molblock)
        throw new Error(`record ${m.record}: the chemistry core gave no molblock for SDF output`);
      const block = m.molblock.replace(/\s*$/, '');
      const fields = targets.flatMap((k) => {
        const unit = TARGETS.find((t) => t.key === k)!.unit;
        const v = p.values[k as keyof typeof p.values];
        const s = p.std[k as keyof typeof p.std];
        return [
          `> <${k} (${unit})>\n${v}\n`,
          ...(s === undefined ? [] : [`> <${k}_std (${unit})>\n${s}\n`]),
        ];
      });
      if (p.warnings.length)
        fields.push(`> <warnings>\n${p.warnings.map((w) => w.message).join('; ')}\n`);
      return `${block}\n${fields.join('\n')}\n$$$$\n`;
    })
    .join('');
}

/** Reads any format the chemistry core reads, predicts, writes CSV or SDF; errors go to stderr, one line each. */
export async function runPredict(
  o: PredictCliOptions,
  stderr: (s: string) => void = (s) => process.stderr.write(s),
): Promise<{ predicted: number; errors: number }> {
  const [bytes] = await Promise.all([readFile(o.input), initChem()]);
  const results = readMoleculeFile(path.basename(o.input), new Uint8Array(bytes), {
    molblock: o.format === 'sdf',
  });
  const predictor = await loadPredictor(await resolveModelArg(o.model), {
    precision: o.precision,
  });
  const molecules: MoleculeGraph[] = [];
  let errors = 0;
  for (const r of results) {
    if (r.ok) molecules.push(r.molecule);
    else {
      errors++;
      const e = r.error;
      stderr(
        `error: ${e.source} record ${e.record}${e.name ? ` (${e.name})` : ''}: ${e.message}\n`,
      );
    }
  }
  const bar = new ProgressBar(process.stderr.isTTY ? 200 : 5000);
  const rows: Row[] = [];
  const chunk = 256;
  for (let s = 0; s < molecules.length; s += chunk) {
    const part = molecules.slice(s, s + chunk);
    const preds = await predictor.predict(part);
    part.forEach((molecule, i) => rows.push({ molecule, prediction: preds[i] }));
    bar.update(rows.length, molecules.length, 'predict', '', true);
  }
  bar.done();
  await writeFile(
    o.out,
    o.format === 'csv' ? toCsv(rows, predictor.targets) : toSdf(rows, predictor.targets),
  );
  stderr(
    `${rows.length} predicted, ${errors} error${errors === 1 ? '' : 's'}; wrote ${o.out} with ${predictor.name} ${predictor.version}\n`,
  );
  predictor.dispose();
  return { predicted: rows.length, errors };
}

export const predictCommand: Command = {
  name: 'predict',
  script: 'predict',
  synopsis: [
    '<input file> --out <predictions.csv|.sdf> [--model production|staging|name[@version]|dir] [--format csv|sdf] [--precision float32|float16|uint8]',
  ],
  details: `Reads what the app reads (.${SUPPORTED_EXTENSIONS.join(', .')}, gzipped or not); writes CSV, or SDF
when --out ends in .sdf or --format sdf. --model defaults to the registry's ${DEFAULT_MODEL} alias.`,
  run: async (argv) => {
    await runPredict(parsePredictArgs(argv));
  },
};

runIfMain(import.meta.url, predictCommand);
