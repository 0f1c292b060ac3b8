import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { initChem, readMoleculeFile, type MoleculeGraph } from '../src/chem/index';
import { loadPredictor } from '../src/model/predictor';
import { resolveModelArg } from './registryFiles';
import { TARGETS, type MoleculePrediction } from '../src/model/types';
import type { WeightPrecision } from '../src/model/weightsIO';
import { ProgressBar } from './progress';

export interface PredictCliOptions {
  input: string;
  out: string;
  model: string;
  format: 'csv' | 'sdf';
  precision: WeightPrecision;
}

/** The registry's production model; --model takes an alias, name[@version] or a directory. */
const DEFAULT_MODEL = 'production';

function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function unitTag(unit: string): string {
  return unit.replace(/[^A-Za-z0-9]+/g, '').replace(/³/g, '3');
}

export function parsePredictArgs(argv: string[]): PredictCliOptions {
  let input: string | null = null;
  let out: string | null = null;
  let model = DEFAULT_MODEL;
  let format: 'csv' | 'sdf' | null = null;
  let precision: WeightPrecision = 'float32';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' || a === '-o') out = argv[++i];
    else if (a === '--model') model = argv[++i];
    else if (a === '--format') format = argv[++i] as 'csv' | 'sdf';
    else if (a === '--precision') precision = argv[++i] as WeightPrecision;
    else if (!a.startsWith('-') && !input) input = a;
    else throw new Error(`unexpected argument "${a}"`);
  }
  if (!input || !out)
    throw new Error(
      'usage: npm run predict -- <input file> --out <predictions.csv|.sdf> [--model production|staging|name[@version]|dir] [--format csv|sdf] [--precision float32|float16|uint8]',
    );
  const fmt = format ?? (/\.sdf$/i.test(out) ? 'sdf' : 'csv');
  if (fmt !== 'csv' && fmt !== 'sdf') throw new Error(`--format must be csv or sdf, got "${fmt}"`);
  if (!['float32', 'float16', 'uint8'].includes(precision))
    throw new Error(`--precision must be float32, float16 or uint8`);
  return { input, out, model, format: fmt, precision };
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

if (import.meta.url === `file://${process.argv[1]}`) {
  Promise.resolve()
    .then(() => runPredict(parsePredictArgs(process.argv.slice(2))))
    .catch((err: Error) => {
      process.stderr.write(`predict: ${err.message}\n`);
      process.exit(1);
    });
}
