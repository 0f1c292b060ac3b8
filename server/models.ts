// Finds the trained model(s) under public/models and loads them with the app's own
// inference API (src/model), and the drift reference (drift-reference.json beside the card).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { isEnsembleManifest } from '../src/model';
import { DRIFT_REFERENCE_FILE } from '../src/model';
import { loadPredictor, type Predictor } from '../src/model';
import { entryLocation, isAlias, modelId, resolveModel } from '../src/model';
import { loadRegistry } from '../src/model';
import { parseDriftReference, type DriftReference } from '../src/stats';

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

/**
 * The model directory to serve: with a registry (public/models/registry.json), the model its
 * production alias names, or the alias / name@version / name in modelName; without one, the
 * directory called modelName, or the first one (ensembles first).
 */
async function chooseModel(
  modelsDir: string,
  modelName: string | undefined,
  dirs: ModelDirInfo[],
): Promise<{ dir: string; id: string | null } | null> {
  const byName = modelName ? dirs.find((d) => d.name === modelName) : undefined;
  const registry = await loadRegistry(modelsDir);
  if (registry && (!modelName || isAlias(modelName) || !byName)) {
    const entry = resolveModel(registry, modelName);
    return { dir: entryLocation(modelsDir, entry), id: modelId(entry) };
  }
  const chosen = modelName ? byName : dirs[0];
  return chosen ? { dir: chosen.dir, id: null } : null;
}

/** The registry id the server should serve now, or null without a registry. */
export async function servingModelId(
  modelsDir: string,
  modelName?: string,
): Promise<string | null> {
  return (await chooseModel(modelsDir, modelName, await listModelDirs(modelsDir)))?.id ?? null;
}

export async function loadServingModels(
  modelsDir: string,
  modelName?: string,
): Promise<ServingModels> {
  const dirs = await listModelDirs(modelsDir);
  const chosen = await chooseModel(modelsDir, modelName, dirs);
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

/** Frees a replaced model's tensors; the bond-free model may be the primary itself. */
export function disposeServingModels(models: ServingModels): void {
  models.primary.dispose();
  if (models.bondFree && models.bondFree !== models.primary) models.bondFree.dispose();
}

/**
 * The drift reference: an explicit file wins; otherwise the chosen model's drift-reference.json.
 * Errors name the file and the field at fault.
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
  const chosen = await chooseModel(
    options.modelsDir,
    options.modelName,
    await listModelDirs(options.modelsDir),
  );
  if (!chosen)
    throw new Error(`no model under ${options.modelsDir}, and DRIFT_REFERENCE_FILE is not set`);
  const file = join(chosen.dir, DRIFT_REFERENCE_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(
        `${chosen.dir} has no ${DRIFT_REFERENCE_FILE} (set DRIFT_REFERENCE_FILE to use another file)`,
      );
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return { reference: parseDriftReference(json, file), from: file };
}
