// Golden predictions: ~20 molecules written for this project, in every input format, with the
// shipped model's outputs. tests/model/golden.test.ts (Node) and e2e/golden.spec.ts (the page, on each
// backend) check the model against them; `npm run golden:update` rewrites them on purpose.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMoleculeFile, type MoleculeGraph } from '../../src/chem';
import { resolveRegistryReference } from '../../src/model/registrySource';
import type { Predictor } from '../../src/model/predictor';
import type { MoleculePrediction, TargetKey } from '../../src/model/types';
import { ACETIC_ACID_V3000, ETHANOL_V2000, NITROMETHANE_XYZ } from './chem';

export const GOLDEN_FIXTURE = 'tests/fixtures/goldenPredictions.json';
/** What the page loads (src/ui/engine.ts): the registry's production model. */
export const SHIPPED_MODEL = 'public/models/registry.json#production';
/** |actual - expected| <= GOLDEN_TOLERANCE * max(1, |expected|). */
export const GOLDEN_TOLERANCE = 1e-5;

/** The inputs, one file per format; the molecules are chosen here, never taken from QM9. */
export const GOLDEN_FILES: { name: string; text: string }[] = [
  {
    name: 'golden.smi',
    text: [
      'C methane',
      'O water',
      'N ammonia',
      'F hydrogen-fluoride',
      'CC#N acetonitrile',
      'c1ccccc1 benzene',
      'c1ccncc1 pyridine',
      'c1cc[nH]c1 pyrrole',
      'Oc1ccccc1 phenol',
      'FC(F)F fluoroform',
      'O=C1CCCC1 cyclopentanone',
      'C[NH3+] methylammonium',
      'CC(=O)[O-] acetate',
      '[NH3+]CC(=O)[O-] glycine-zwitterion',
      'CC(=O)Oc1ccccc1C(=O)O aspirin',
      'Cn1cnc2c1c(=O)n(C)c(=O)n2C caffeine',
    ].join('\n'),
  },
  { name: 'golden.csv', text: 'name,smiles\nurea,NC(N)=O\nfuran,c1ccoc1\n' },
  { name: 'golden.tsv', text: 'name\tsmiles\noxirane\tC1CO1\n' },
  { name: 'ethanol.sdf', text: ETHANOL_V2000 },
  { name: 'acetic-acid.mol', text: ACETIC_ACID_V3000 },
  { name: 'nitromethane.xyz', text: NITROMETHANE_XYZ },
];

export interface GoldenMolecule {
  file: string;
  record: number;
  name: string;
  smiles: string;
  prediction: Pick<MoleculePrediction, 'values' | 'std' | 'interval90' | 'uncertaintyCapped'>;
}

export interface GoldenFixture {
  /** registry name@version of the model the predictions came from. */
  model: string;
  /** sha256 over the model's float32 files (manifests and weights), as listed in the registry. */
  modelFiles: string;
  backend: string;
  generatedBy: string;
  files: { name: string; text: string }[];
  molecules: GoldenMolecule[];
}

export interface ShippedModel {
  id: string;
  location: string;
  fingerprint: string;
}

/** The production model's id and a hash of the files it predicts with (float32, as the page loads). */
export async function shippedModel(root = '.'): Promise<ShippedModel> {
  const { entry, location } = await resolveRegistryReference(join(root, SHIPPED_MODEL));
  const modelsDir = join(root, 'public/models');
  const predicting = Object.keys(entry.files)
    .filter((f) => /(^|\/)(model\.json|group\d+-shard\d+of\d+\.bin)$/.test(f))
    .sort();
  if (predicting.length === 0) throw new Error(`${entry.name}: the registry lists no model files`);
  const hash = createHash('sha256');
  for (const f of predicting) {
    hash.update(`${f}\0`);
    hash.update(readFileSync(join(modelsDir, f)));
  }
  return { id: `${entry.name}@${entry.version}`, location, fingerprint: hash.digest('hex') };
}

export function readGoldenFixture(): GoldenFixture {
  return JSON.parse(readFileSync(GOLDEN_FIXTURE, 'utf8')) as GoldenFixture;
}

/** Why the fixture cannot be compared with this model, or null when it can. */
export function modelMismatch(fixture: GoldenFixture, model: ShippedModel): string | null {
  if (fixture.model === model.id && fixture.modelFiles === model.fingerprint) return null;
  const what =
    fixture.model === model.id
      ? `the files of ${model.id} changed (sha256 ${fixture.modelFiles.slice(0, 12)} -> ${model.fingerprint.slice(0, 12)})`
      : `the shipped model is ${model.id}, the fixture holds ${fixture.model}`;
  return (
    `golden predictions are for another model: ${what}. If the model changed on purpose, ` +
    `run \`npm run golden:update\` and commit ${GOLDEN_FIXTURE}; if not, the shipped model was ` +
    `changed by accident.`
  );
}

/** Every golden file read as a user's file would be: each record must be a molecule. */
export function goldenGraphs(
  files: { name: string; text: string }[],
): { file: string; molecule: MoleculeGraph }[] {
  return files.flatMap((f) =>
    readMoleculeFile(f.name, new TextEncoder().encode(f.text)).map((r) => {
      if (!r.ok) throw new Error(`${f.name} record ${r.error.record}: ${r.error.message}`);
      return { file: f.name, molecule: r.molecule };
    }),
  );
}

/** The parts of a prediction the fixture pins; optional fields only when the model gives them. */
export function pinned(p: MoleculePrediction): GoldenMolecule['prediction'] {
  return {
    values: p.values,
    std: p.std,
    ...(p.interval90 ? { interval90: p.interval90 } : {}),
    ...(p.uncertaintyCapped ? { uncertaintyCapped: p.uncertaintyCapped } : {}),
  };
}

export async function goldenMolecules(
  predictor: Predictor,
  files = GOLDEN_FILES,
): Promise<GoldenMolecule[]> {
  const graphs = goldenGraphs(files);
  const predictions = await predictor.predict(graphs.map((g) => g.molecule));
  return graphs.map(({ file, molecule }, i) => ({
    file,
    record: molecule.record,
    name: molecule.name,
    smiles: molecule.smiles,
    prediction: pinned(predictions[i]),
  }));
}

/**
 * Within the tolerance, relative to `scale` beyond 1. An interval end is value - 1.645 std: it
 * carries the float32 rounding of the value, so it is judged at the value's scale, not its own.
 */
export const closeEnough = (actual: number, expected: number, scale = expected): boolean =>
  Math.abs(actual - expected) <= GOLDEN_TOLERANCE * Math.max(1, Math.abs(scale));

/** Each number that differs beyond the tolerance, as "molecule target: actual vs expected". */
export function goldenDifferences(
  expected: GoldenMolecule,
  actual: GoldenMolecule['prediction'],
): string[] {
  const out: string[] = [];
  const where = `${expected.file}#${expected.record} ${expected.name}`;
  const compare = (label: string, a: number | undefined, e: number, scale = e) => {
    if (a === undefined || !closeEnough(a, e, scale)) out.push(`${where} ${label}: ${a} vs ${e}`);
  };
  const e = expected.prediction;
  for (const [key, v] of Object.entries(e.values) as [TargetKey, number][])
    compare(key, actual.values[key], v);
  for (const [key, v] of Object.entries(e.std) as [TargetKey, number][])
    compare(`${key} std`, actual.std[key], v);
  for (const [key, [lo, hi]] of Object.entries(e.interval90 ?? {}) as [
    TargetKey,
    [number, number],
  ][]) {
    const scale = Math.max(Math.abs(lo), Math.abs(hi), Math.abs(e.values[key] ?? 0));
    compare(`${key} interval90 low`, actual.interval90?.[key]?.[0], lo, scale);
    compare(`${key} interval90 high`, actual.interval90?.[key]?.[1], hi, scale);
  }
  const capped = (list?: TargetKey[]) => [...(list ?? [])].sort().join(',');
  if (capped(actual.uncertaintyCapped) !== capped(e.uncertaintyCapped))
    out.push(
      `${where} uncertaintyCapped: [${capped(actual.uncertaintyCapped)}] vs [${capped(e.uncertaintyCapped)}]`,
    );
  if (Object.keys(actual.values).length !== Object.keys(e.values).length)
    out.push(`${where}: targets ${Object.keys(actual.values)} vs ${Object.keys(e.values)}`);
  return out;
}
