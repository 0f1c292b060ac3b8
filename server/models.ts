// Finds the trained model(s) under public/models and loads them with the app's own
// inference API (src/model), and the drift reference from the model card.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isEnsembleManifest } from '../src/model/ensembleManifest';
import { loadPredictor, type Predictor } from '../src/model/predictor';
import { parseDriftReference, type DriftReference } from './drift/reference';

export interface ModelDirInfo {
  name: string;
  dir: string;
  kind: string;
}

/** Model directories (those with a model.json): ensembles first, then product models. */
export async function listModelDirs(modelsDir: string): Promise<ModelDirInfo[]> {
  let entries: string[];
  try {
    entries = (await readdir(modelsDir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
  } catch {
    return [];
  }
  const found: ModelDirInfo[] = [];
  for (const name of entries.sort()) {
    try {
      const manifest = JSON.parse(await readFile(join(modelsDir, name, 'model.json'), 'utf8'));
      found.push({
        name,
        dir: join(modelsDir, name),
        kind: isEnsembleManifest(manifest)
          ? 'ensemble'
          : String(manifest?.architecture?.kind ?? 'unknown'),
      });
    } catch {
      // Not a model directory.
    }
  }
  const rank = (kind: string) => ['ensemble', 'product'].indexOf(kind) + 1 || 3;
  return found.sort((a, b) => rank(a.kind) - rank(b.kind));
}

export interface ServingModels {
  /** Answers /predict; its card holds the drift reference. */
  primary: Predictor;
  /** A model that needs no bond types, for original-contract requests without edge_attr. */
  bondFree: Predictor | null;
}

export async function loadServingModels(
  modelsDir: string,
  modelName?: string,
): Promise<ServingModels> {
  const dirs = await listModelDirs(modelsDir);
  const chosen = modelName ? dirs.find((d) => d.name === modelName) : dirs[0];
  if (!chosen) {
    throw new Error(
      modelName
        ? `model "${modelName}" not found under ${modelsDir} (have: ${dirs.map((d) => d.name).join(', ') || 'none'})`
        : `no model directory with a model.json under ${modelsDir}`,
    );
  }
  const primary = await loadPredictor(chosen.dir, { backend: ['wasm', 'cpu'] });
  let bondFree: Predictor | null = null;
  if (primary.needsBondTypes) {
    const baseline = dirs.find((d) => d.kind === 'baseline');
    if (baseline) bondFree = await loadPredictor(baseline.dir, { backend: ['wasm', 'cpu'] });
  } else {
    bondFree = primary;
  }
  return { primary, bondFree };
}

/**
 * The drift reference: an explicit file wins; otherwise the "driftReference" field of the
 * chosen model's model-card.json. Errors name the file and the field at fault.
 */
export async function loadDriftReference(options: {
  driftReferenceFile?: string;
  modelsDir: string;
  modelName?: string;
}): Promise<{ reference: DriftReference; from: string }> {
  if (options.driftReferenceFile) {
    const text = await readFile(options.driftReferenceFile, 'utf8');
    return {
      reference: parseDriftReference(JSON.parse(text), options.driftReferenceFile),
      from: options.driftReferenceFile,
    };
  }
  const dirs = await listModelDirs(options.modelsDir);
  const chosen = options.modelName ? dirs.find((d) => d.name === options.modelName) : dirs[0];
  if (!chosen)
    throw new Error(`no model under ${options.modelsDir}, and DRIFT_REFERENCE_FILE is not set`);
  const cardFile = join(chosen.dir, 'model-card.json');
  let card: { driftReference?: unknown };
  try {
    card = JSON.parse(await readFile(cardFile, 'utf8'));
  } catch (error) {
    throw new Error(`${cardFile}: ${(error as Error).message}`);
  }
  if (card.driftReference === undefined) {
    throw new Error(
      `${cardFile} has no driftReference field (set DRIFT_REFERENCE_FILE to use another file)`,
    );
  }
  return {
    reference: parseDriftReference(card.driftReference, `${cardFile}: driftReference`),
    from: cardFile,
  };
}
