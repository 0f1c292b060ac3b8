// Writes a real model directory (manifest, weights, drift reference; no card) with seeded,
// untrained weights, so the server's /predict path runs the app's real inference code before a
// trained model exists.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type Architecture } from '../../src/model/gnn';
import { setupBackend } from '../../src/model';
import { encodeWeights } from '../../src/model/weightsIO';
import { ENSEMBLE_FORMAT, type EnsembleManifest } from '../../src/model/ensembleManifest';
import { MANIFEST_FORMAT, type ModelManifest } from '../../src/model/manifest';
import { DRIFT_REFERENCE_FILE } from '../../src/model/modelCard';
import type { DriftReference } from '../../src/stats';

export async function writeUntrainedModel(
  modelsDir: string,
  name: string,
  architecture: Architecture,
  driftReference?: DriftReference,
): Promise<string> {
  const dir = join(modelsDir, name);
  mkdirSync(dir, { recursive: true });
  await setupBackend({ backend: ['wasm', 'cpu'] });
  const model = createModel(architecture, 7);
  const { specs, data } = await encodeWeights(model.variables, 'float32');
  model.dispose();
  const targets = architecture.targets;
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: 1,
    name,
    version: '0.0.0-untrained',
    precision: 'float32',
    architecture,
    // Gap-like scale so the untrained output lands in a plausible eV range.
    outputTransform: { targets, mean: targets.map(() => 7), std: targets.map(() => 1) },
    weightsManifest: [{ paths: ['weights.bin'], weights: specs }],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'weights.bin'), data);
  if (driftReference)
    writeFileSync(join(dir, DRIFT_REFERENCE_FILE), JSON.stringify(driftReference));
  return dir;
}

/** An ensemble directory over member directories already written beside it. */
export function writeEnsembleDir(
  modelsDir: string,
  name: string,
  members: string[],
  driftReference?: DriftReference,
): string {
  const dir = join(modelsDir, name);
  mkdirSync(dir, { recursive: true });
  const manifest: EnsembleManifest = {
    format: ENSEMBLE_FORMAT,
    formatVersion: 1,
    name,
    version: '0.0.0-untrained',
    precision: 'float32',
    members: members.map((m) => `../${m}/`),
    stdScale: {},
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest));
  if (driftReference)
    writeFileSync(join(dir, DRIFT_REFERENCE_FILE), JSON.stringify(driftReference));
  return dir;
}
