// registry.json on disk: reading, atomic writing under a lock, per-file checksums, and turning
// a --model argument (alias, model id, name or directory) into a directory. Node only.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { open, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_MODELS_DIR } from '../cli/defaults';
import { isEnsembleManifest } from '../src/model';
import { CARD_FILE, DRIFT_REFERENCE_FILE, EVALUATION_FILE } from '../src/model';
import {
  REGISTRY_FILE,
  emptyRegistry,
  entryLocation,
  isAlias,
  loadRegistry,
  modelId,
  resolveModel,
  type ModelRegistry,
  type RegistryEntry,
  type RegistryMetric,
} from '../src/model';
import type { TargetMetrics } from '../src/model';

export function registryPath(modelsDir: string): string {
  return path.join(modelsDir, REGISTRY_FILE);
}

/** The registry in modelsDir; an empty one when the file does not exist yet. */
export async function readRegistryFile(modelsDir: string): Promise<ModelRegistry> {
  return (await loadRegistry(modelsDir)) ?? emptyRegistry();
}

/**
 * Applies change to the registry under an exclusive lock file and replaces registry.json with one
 * rename, so readers (the server's watcher, the app) see the old file or the new one, never half.
 */
export async function updateRegistryFile(
  modelsDir: string,
  change: (registry: ModelRegistry) => ModelRegistry | Promise<ModelRegistry>,
): Promise<ModelRegistry> {
  const file = registryPath(modelsDir);
  const lock = `${file}.lock`;
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(
        `${lock} exists: another registry change is running (delete the file if it was killed)`,
      );
    throw error;
  }
  try {
    const next = await change(await readRegistryFile(modelsDir));
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(next, null, 2) + '\n');
    await rename(tmp, file);
    return next;
  } finally {
    await handle.close();
    await rm(lock, { force: true });
  }
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** A model directory's files and, for an ensemble, its members' directories (relative to modelsDir). */
async function modelDirs(modelsDir: string, dir: string): Promise<string[]> {
  const manifestFile = path.join(dir, 'model.json');
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  } catch (error) {
    throw new Error(`${manifestFile}: ${(error as Error).message}`);
  }
  const own = [path.relative(modelsDir, dir)];
  if (!isEnsembleManifest(manifest)) return own;
  const members = (manifest as { members: string[] }).members.map((m) =>
    path.relative(modelsDir, path.resolve(dir, m)),
  );
  return [...own, ...members];
}

/** sha256 of every file the model's directory (and its members') holds, keyed by path relative to modelsDir. */
export async function modelChecksums(
  modelsDir: string,
  dir: string,
): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const rel of await modelDirs(modelsDir, dir)) {
    if (rel.startsWith('..') || path.isAbsolute(rel))
      throw new Error(`${rel}: model files must lie under ${modelsDir}`);
    const names = (await readdir(path.join(modelsDir, rel), { withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      const key = path.posix.join(rel.split(path.sep).join('/'), name);
      files[key] = await sha256File(path.join(modelsDir, rel, name));
    }
  }
  return files;
}

/** Files whose content no longer matches the registry (changed, missing or added), one line each. */
export async function checksumProblems(modelsDir: string, entry: RegistryEntry): Promise<string[]> {
  let actual: Record<string, string>;
  try {
    actual = await modelChecksums(modelsDir, path.join(modelsDir, entry.path));
  } catch (error) {
    return [(error as Error).message];
  }
  const problems: string[] = [];
  for (const [file, sha] of Object.entries(entry.files)) {
    if (!(file in actual)) problems.push(`${file}: missing`);
    else if (actual[file] !== sha)
      problems.push(`${file}: sha256 ${actual[file]}, registered ${sha}`);
  }
  for (const file of Object.keys(actual))
    if (!(file in entry.files)) problems.push(`${file}: not registered`);
  return problems;
}

export function registryMetrics(metrics: TargetMetrics[]): RegistryMetric[] {
  return metrics.map((m) => ({
    key: m.key,
    unit: m.unit,
    n: m.n,
    mae: m.mae,
    ...(m.coverage90 !== undefined && { coverage90: m.coverage90 }),
  }));
}

/** A registry entry for a model directory under modelsDir, with the given test metrics. */
export async function describeModelDir(
  modelsDir: string,
  dir: string,
  test: TargetMetrics[],
  registeredAt = new Date().toISOString(),
): Promise<RegistryEntry> {
  const rel = path.relative(modelsDir, dir).split(path.sep).join('/');
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel))
    throw new Error(`${dir}: a registered model must be a directory under ${modelsDir}`);
  const manifest = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as {
    name: string;
    version: string;
    architecture?: { kind?: string };
  };
  return {
    name: manifest.name,
    version: manifest.version,
    path: rel,
    kind: isEnsembleManifest(manifest)
      ? 'ensemble'
      : String(manifest.architecture?.kind ?? 'unknown'),
    files: await modelChecksums(modelsDir, dir),
    registeredAt,
    test: registryMetrics(test),
  };
}

/** The files a repackaging may rewrite: the card and the files split from it. */
const CARD_FILES = new Set([CARD_FILE, EVALUATION_FILE, DRIFT_REFERENCE_FILE]);

/**
 * After a registered model's card files were rewritten (same weights, new layout), records their
 * new checksums and the reason in its entry. Refuses when anything else differs from what was
 * registered: the manifests and weights are what the gate measured and promoted.
 */
export async function recordRepackagedCards(
  modelsDir: string,
  id: string,
  note: string,
  at = new Date().toISOString(),
): Promise<RegistryEntry> {
  let updated: RegistryEntry | null = null;
  await updateRegistryFile(modelsDir, async (registry) => {
    const entry = registry.models.find((m) => modelId(m) === id);
    if (!entry) throw new Error(`${id} is not registered in ${registryPath(modelsDir)}`);
    const files = await modelChecksums(modelsDir, path.join(modelsDir, entry.path));
    const names = new Set([...Object.keys(files), ...Object.keys(entry.files)]);
    const changed = [...names].filter(
      (f) => !CARD_FILES.has(path.posix.basename(f)) && files[f] !== entry.files[f],
    );
    if (changed.length)
      throw new Error(`${id}: not only card files changed (${changed.join(', ')})`);
    updated = { ...entry, files, repackaged: [...(entry.repackaged ?? []), { at, note }] };
    return {
      ...registry,
      models: registry.models.map((m) => (m === entry ? updated! : m)),
    };
  });
  return updated!;
}

/**
 * A --model argument as a directory: an existing directory is taken as it is; otherwise an alias
 * (production, staging), a model id (name@version) or a name is looked up in the registry.
 */
export async function resolveModelArg(
  arg: string,
  modelsDir = DEFAULT_MODELS_DIR,
): Promise<string> {
  if (!isAlias(arg) && existsSync(arg) && statSync(arg).isDirectory()) return arg;
  const registry = await readRegistryFile(modelsDir);
  if (registry.models.length === 0)
    throw new Error(
      `"${arg}" is not a directory and ${registryPath(modelsDir)} registers no model`,
    );
  return entryLocation(modelsDir, resolveModel(registry, arg));
}
