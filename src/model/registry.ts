// The model registry (public/models/registry.json): which model versions are shipped, their
// checksums and test metrics, and which one each alias (production, staging) names. Pure
// functions only: reading and writing the file is the caller's business, so the app, the server
// and the CLIs share one parser and one resolver.
import { checkFormat } from './manifest';
import type { TargetKey } from './types';

export const REGISTRY_FORMAT = 'qm9-model-registry';
export const REGISTRY_FILE = 'registry.json';
export const ALIASES = ['production', 'staging'] as const;
export type Alias = (typeof ALIASES)[number];
export const DEFAULT_ALIAS: Alias = 'production';

/**
 * The folder the app reads registry.json and the model directories from, under its root:
 * public/models in the source tree, dist/models in a build, and with `--serve-app` the server's
 * live models directory (MODELS_DIR), so a promotion reaches the page without a rebuild.
 */
export const MODELS_PATH = 'models';

/** "<registry dir>/registry.json#<alias or model id>", as registrySource resolves it (the page's default model). */
export function registryReference(registryDir: string, ref: string = DEFAULT_ALIAS): string {
  return `${registryDir.replace(/[/\\]+$/, '')}/${REGISTRY_FILE}#${ref}`;
}

/** One target's test-split numbers, as the promotion gate compares them. */
export interface RegistryMetric {
  key: TargetKey;
  unit: string;
  n: number;
  mae: number;
  /** Share of test molecules inside the central 90% interval; absent without uncertainty. */
  coverage90?: number;
}

export interface RegistryEntry {
  name: string;
  version: string;
  /** The model's directory, relative to the registry file's directory. */
  path: string;
  /** ensemble, product or baseline. */
  kind: string;
  /** sha256 of every file the model loads (an ensemble's members included), keyed by path relative to the registry. */
  files: Record<string, string>;
  registeredAt: string;
  /** Test-split metrics measured through loadPredictor when the version was registered. */
  test: RegistryMetric[];
  /** Each time the card files were rewritten and re-hashed with manifests and weights unchanged. */
  repackaged?: { at: string; note: string }[];
}

export interface RegistryEvent {
  at: string;
  action: 'promote' | 'rollback';
  alias: Alias;
  /** Model ids (name@version); from is null when the alias was unset. */
  from: string | null;
  to: string;
  /** The candidate's test metrics that passed the gate (promote only). */
  test?: RegistryMetric[];
}

export interface ModelRegistry {
  format: typeof REGISTRY_FORMAT;
  formatVersion: 1;
  models: RegistryEntry[];
  aliases: Record<Alias, string | null>;
  /** Every alias move, oldest first. */
  history: RegistryEvent[];
}

export function modelId(entry: { name: string; version: string }): string {
  return `${entry.name}@${entry.version}`;
}

export function isAlias(value: string): value is Alias {
  return (ALIASES as readonly string[]).includes(value);
}

export function emptyRegistry(): ModelRegistry {
  return {
    format: REGISTRY_FORMAT,
    formatVersion: 1,
    models: [],
    aliases: { production: null, staging: null },
    history: [],
  };
}

function fail(where: string, message: string): never {
  throw new Error(`${where}: ${message}`);
}

function checkEntry(value: unknown, where: string): RegistryEntry {
  const e = value as Partial<RegistryEntry> | null;
  if (!e || typeof e !== 'object') fail(where, 'not a JSON object');
  for (const key of ['name', 'version', 'path', 'kind', 'registeredAt'] as const) {
    if (typeof e[key] !== 'string' || !e[key]) fail(where, `"${key}" must be a non-empty string`);
  }
  if (/(^|[/\\])\.\.([/\\]|$)/.test(e.path!) || /^([/\\]|[a-z]+:)/i.test(e.path!))
    fail(where, `"path" must stay inside the registry's directory, got "${e.path}"`);
  if (!e.files || typeof e.files !== 'object') fail(where, '"files" must be an object');
  for (const [file, sha] of Object.entries(e.files)) {
    if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha))
      fail(where, `files["${file}"] is not a sha256 hex digest`);
  }
  if (!Array.isArray(e.test)) fail(where, '"test" must be an array of target metrics');
  e.test.forEach((m, i) => {
    if (typeof m?.key !== 'string' || !Number.isFinite(m.mae) || !Number.isFinite(m.n))
      fail(where, `test[${i}] needs a key, n and a finite mae`);
  });
  if (e.repackaged !== undefined && !Array.isArray(e.repackaged))
    fail(where, '"repackaged" must be an array of { at, note }');
  return e as RegistryEntry;
}

/** Checks a parsed registry.json; errors name the file and the field at fault. */
export function parseRegistry(value: unknown, where = REGISTRY_FILE): ModelRegistry {
  const r = checkFormat<ModelRegistry>(value, where, REGISTRY_FORMAT);
  if (!Array.isArray(r.models)) fail(where, '"models" must be an array');
  const models = r.models.map((m, i) => checkEntry(m, `${where}: models[${i}]`));
  const ids = new Set<string>();
  for (const m of models) {
    if (ids.has(modelId(m))) fail(where, `${modelId(m)} is registered twice`);
    ids.add(modelId(m));
  }
  const aliases = (r.aliases ?? {}) as Partial<Record<string, unknown>>;
  if (typeof aliases !== 'object') fail(where, '"aliases" must be an object');
  for (const [alias, id] of Object.entries(aliases)) {
    if (!isAlias(alias)) fail(where, `unknown alias "${alias}" (known: ${ALIASES.join(', ')})`);
    if (id !== null && (typeof id !== 'string' || !ids.has(id)))
      fail(where, `alias ${alias} names ${String(id)}, which is not registered`);
  }
  if (!Array.isArray(r.history)) fail(where, '"history" must be an array');
  return {
    format: REGISTRY_FORMAT,
    formatVersion: 1,
    models,
    aliases: {
      production: (aliases.production as string | null | undefined) ?? null,
      staging: (aliases.staging as string | null | undefined) ?? null,
    },
    history: r.history as RegistryEvent[],
  };
}

/**
 * The entry a reference names: an alias (production, staging), a model id (name@version), or a
 * name alone (its most recently registered version). No reference means production.
 */
export function resolveModel(registry: ModelRegistry, ref: string = DEFAULT_ALIAS): RegistryEntry {
  if (isAlias(ref)) {
    const id = registry.aliases[ref];
    if (!id) throw new Error(`the registry's ${ref} alias names no model`);
    return resolveModel(registry, id);
  }
  const exact = registry.models.find((m) => modelId(m) === ref);
  if (exact) return exact;
  const byName = registry.models.filter((m) => m.name === ref);
  if (byName.length) return byName[byName.length - 1];
  const known = registry.models.map(modelId).join(', ') || 'none';
  throw new Error(
    `"${ref}" is neither an alias (${ALIASES.join(', ')}) nor a registered model (have: ${known})`,
  );
}

/** The ids an alias has pointed to, oldest first, as promotions and rollbacks left them. */
export function aliasLineage(registry: ModelRegistry, alias: Alias): string[] {
  const stack: string[] = [];
  for (const event of registry.history) {
    if (event.alias !== alias) continue;
    if (event.action === 'promote') {
      if (stack.length === 0 && event.from) stack.push(event.from);
      stack.push(event.to);
    } else if (stack[stack.length - 1] === event.from) stack.pop();
  }
  const current = registry.aliases[alias];
  if (current && stack[stack.length - 1] !== current) stack.push(current);
  return stack;
}

export function withEntry(registry: ModelRegistry, entry: RegistryEntry): ModelRegistry {
  if (registry.models.some((m) => modelId(m) === modelId(entry)))
    throw new Error(
      `${modelId(entry)} is already registered; give the new model another version in its model.json and card`,
    );
  return { ...registry, models: [...registry.models, entry] };
}

export function withPromotion(
  registry: ModelRegistry,
  alias: Alias,
  id: string,
  at: string,
  test?: RegistryMetric[],
): ModelRegistry {
  resolveModel(registry, id);
  const from = registry.aliases[alias];
  if (from === id) throw new Error(`${alias} already names ${id}`);
  const event: RegistryEvent = {
    at,
    action: 'promote',
    alias,
    from,
    to: id,
    ...(test && { test }),
  };
  return {
    ...registry,
    aliases: { ...registry.aliases, [alias]: id },
    history: [...registry.history, event],
  };
}

/** Moves the alias back to the model it named before its last promotion. */
export function withRollback(registry: ModelRegistry, alias: Alias, at: string): ModelRegistry {
  const lineage = aliasLineage(registry, alias);
  if (lineage.length < 2)
    throw new Error(
      `${alias} has no earlier model to go back to (history: ${lineage.join(' -> ') || 'empty'})`,
    );
  const from = lineage[lineage.length - 1];
  const to = lineage[lineage.length - 2];
  return {
    ...registry,
    aliases: { ...registry.aliases, [alias]: to },
    history: [...registry.history, { at, action: 'rollback', alias, from, to }],
  };
}

/** Joins the registry's directory (path or URL, with or without a trailing slash) and an entry's path. */
export function entryLocation(registryDir: string, entry: RegistryEntry): string {
  return `${registryDir.replace(/[/\\]+$/, '')}/${entry.path.replace(/[/\\]+$/, '')}`;
}
