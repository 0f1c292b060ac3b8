// Reads registry.json from a directory or URL (the same readers as the model files) and turns a
// registry reference such as "models/registry.json#production" into the model's location.
import { openModelSource } from './modelSource';
import {
  DEFAULT_ALIAS,
  REGISTRY_FILE,
  entryLocation,
  parseRegistry,
  resolveModel,
  type ModelRegistry,
  type RegistryEntry,
} from './registry';

/** A path or URL naming registry.json, optionally followed by #<alias or model id>. */
export function isRegistryReference(source: string): boolean {
  return new RegExp(`(^|[/\\\\])${REGISTRY_FILE.replace('.', '\\.')}(#.*)?$`).test(source);
}

/** The registry in dir, or null when dir has none. */
export async function loadRegistry(
  dir: string,
  fetchImpl?: typeof fetch,
): Promise<ModelRegistry | null> {
  const base = dir.replace(/[/\\]+$/, '') || '.';
  const source = await openModelSource(`${base}/${REGISTRY_FILE}`, 'float32', fetchImpl);
  const text = await source.reader.text(REGISTRY_FILE);
  if (text === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${base}/${REGISTRY_FILE}: ${(error as Error).message}`);
  }
  return parseRegistry(parsed, `${base}/${REGISTRY_FILE}`);
}

/** "dir/registry.json#staging" -> the staging model's entry and directory (production without a #). */
export async function resolveRegistryReference(
  reference: string,
  fetchImpl?: typeof fetch,
): Promise<{ entry: RegistryEntry; location: string }> {
  const [file, ref] = reference.split('#', 2);
  const dir = file.slice(0, -REGISTRY_FILE.length).replace(/[/\\]+$/, '') || '.';
  const registry = await loadRegistry(dir, fetchImpl);
  if (!registry) throw new Error(`${file}: no model registry there`);
  const entry = resolveModel(registry, ref || DEFAULT_ALIAS);
  return { entry, location: entryLocation(dir, entry) };
}
