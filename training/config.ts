import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  DEFAULT_CACHE_DIR,
  DEFAULT_DATA,
  DEFAULT_MODELS_DIR,
  DEFAULT_RUNS_DIR,
} from '../cli/defaults';
import { UsageError } from '../cli/command';
import { isConfigKey, validateTrainConfig, type TrainConfig } from './configSchema';

export type { TrainConfig };

export const DEFAULT_CONFIG: TrainConfig = {
  name: 'qm9-gnn',
  version: '1.0.0',
  description: '',
  data: DEFAULT_DATA,
  cacheDir: DEFAULT_CACHE_DIR,
  runsDir: DEFAULT_RUNS_DIR,
  exportDir: DEFAULT_MODELS_DIR,
  architecture: {
    kind: 'product',
    hidden: 128,
    layers: 4,
    targets: [
      'mu',
      'alpha',
      'homo',
      'lumo',
      'gap',
      'r2',
      'zpve',
      'u0',
      'u298',
      'h298',
      'g298',
      'cv',
    ],
  },
  normalization: 'atomref',
  loss: 'l1',
  seed: 1,
  epochs: 30,
  batchSize: 64,
  learningRate: 1e-3,
  schedule: 'cosine',
  warmupEpochs: 1,
  minLrFactor: 0.02,
  patience: 0,
  timeBudgetMinutes: null,
  maxTrainMolecules: null,
  logEverySteps: 100,
  initFrom: null,
  oversampleSmall: null,
};

/** Sets a dotted key inside objects the config already has. */
export function assignPath(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null) throw new Error(`unknown key "${dotted}"`);
    cur = cur[k] as Record<string, unknown>;
  }
  // A key the defaults lack may still be optional: the schema check after all overrides decides.
  cur[keys[keys.length - 1]] = value;
}

/** A command-line string as the type of the value it replaces (numbers, booleans, lists, null). */
function coerce(old: unknown, raw: string, dotted: string): unknown {
  if (raw === 'null') return null;
  if (typeof old === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (typeof old === 'number' || (old === null && /^-?[\d.]+(e-?\d+)?$/i.test(raw))) {
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`${dotted} needs a number, got "${raw}"`);
    return value;
  }
  if (Array.isArray(old)) return raw.split(',').map((s) => s.trim());
  if (old === undefined && /^(true|false|-?[\d.]+(e-?\d+)?)$/i.test(raw)) return JSON.parse(raw);
  return raw;
}

function setPath(obj: Record<string, unknown>, dotted: string, raw: string, label: string): void {
  if (!isConfigKey(dotted)) throw new UsageError(`unknown ${label}`);
  let old: unknown = obj;
  for (const k of dotted.split('.'))
    old = old && typeof old === 'object' ? (old as Record<string, unknown>)[k] : undefined;
  assignPath(obj, dotted, coerce(old, raw, dotted));
}

function merge<T>(base: T, over: Partial<T>): T {
  const out = structuredClone(base) as Record<string, unknown>;
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object'
        ? merge(out[k], v)
        : v;
  }
  return out as T;
}

export interface ParsedArgs {
  config: TrainConfig;
  resume: boolean;
  configFile: string | null;
}

/**
 * `--config file.json` first, then overrides (`--set a.b=value`, or `--a.b value`); `--resume`
 * flag. The result is validated against the config schema. Any config key is a flag, so parseArgs
 * only splits the arguments into tokens and each option token takes the next argument as its value.
 */
export async function parseTrainArgs(
  argv: string[],
  base: TrainConfig = DEFAULT_CONFIG,
): Promise<ParsedArgs> {
  let config = structuredClone(base);
  let resume = false;
  let configFile: string | null = null;
  const overrides: [string, string, string][] = [];
  const { tokens } = parseArgs({ args: argv, strict: false, allowPositionals: true, tokens: true });
  const taken = new Set<number>();
  for (const token of tokens) {
    if (taken.has(token.index)) continue;
    if (token.kind !== 'option' || !token.rawName.startsWith('--'))
      throw new UsageError(`unexpected argument "${argv[token.index]}"`);
    if (token.name === 'resume' && token.value === undefined) {
      resume = true;
      continue;
    }
    let value = token.value;
    if (value === undefined && token.index + 1 < argv.length) {
      value = argv[token.index + 1];
      taken.add(token.index + 1);
    }
    if (token.name === 'config') {
      if (value === undefined) throw new UsageError('--config needs a file');
      configFile = value;
    } else if (token.name === 'set') {
      const eq = value?.indexOf('=') ?? -1;
      if (!value || eq <= 0) throw new UsageError(`--set needs key=value, got "${value ?? ''}"`);
      overrides.push([value.slice(0, eq), value.slice(eq + 1), `key "${value.slice(0, eq)}"`]);
    } else {
      if (value === undefined) throw new UsageError(`option --${token.name} needs a value`);
      overrides.push([token.name, value, `option --${token.name}`]);
    }
  }
  if (configFile) {
    let parsed: Partial<TrainConfig>;
    try {
      parsed = JSON.parse(await readFile(configFile, 'utf8')) as Partial<TrainConfig>;
    } catch (err) {
      throw new Error(`config ${configFile}: ${(err as Error).message}`);
    }
    config = merge(config, parsed);
  }
  for (const [k, v, label] of overrides)
    setPath(config as unknown as Record<string, unknown>, k, v, label);
  return { config: validateTrainConfig(config, configFile ?? 'config'), resume, configFile };
}
