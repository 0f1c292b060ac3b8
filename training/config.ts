import { readFile } from 'node:fs/promises';
import type { Architecture } from '../src/model/gnn';
import type { Normalization } from './standardize';

export interface TrainConfig {
  /** Model name: the run directory training/runs/<name> and the export directory public/models/<name>. */
  name: string;
  version: string;
  description: string;
  data: string;
  cacheDir: string;
  runsDir: string;
  exportDir: string;
  architecture: Architecture;
  normalization: Normalization;
  loss: 'mse' | 'l1';
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Cosine decay from learningRate to learningRate * minLrFactor, after warmupEpochs of linear warm-up. */
  schedule: 'constant' | 'cosine';
  warmupEpochs: number;
  minLrFactor: number;
  /** Stop when the validation metric has not improved for this many epochs (0 = never). */
  patience: number;
  /** If set, the epoch count is cut after the first epoch so the run fits in this many minutes. */
  timeBudgetMinutes: number | null;
  /** Use at most this many training molecules (null = all); for smoke runs. */
  maxTrainMolecules: number | null;
  /** Log a progress record every this many steps. */
  logEverySteps: number;
  /**
   * An exported model directory (public/models/<name>) whose float32 weights and output transform
   * start the run: a fine-tune instead of a run from random weights. The architecture must match.
   */
  initFrom: string | null;
  /**
   * Training molecules with at most this many heavy atoms appear `copies` times per epoch.
   * QM9 holds a few dozen of them among 70k, so without this the readout never learns the small
   * end of the size range, which is exactly what people type first (methane, water, ethanol).
   */
  oversampleSmall: { maxHeavyAtoms: number; copies: number } | null;
}

export const DEFAULT_CONFIG: TrainConfig = {
  name: 'qm9-gnn',
  version: '1.0.0',
  description: '',
  data: '../shared/data/qm9/qm9.csv.gz',
  cacheDir: 'training/runs/cache',
  runsDir: 'training/runs',
  exportDir: 'public/models',
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

function setPath(obj: Record<string, unknown>, dotted: string, raw: string): void {
  const keys = dotted.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null)
      throw new Error(`unknown option --${dotted}`);
    cur = cur[k] as Record<string, unknown>;
  }
  const last = keys[keys.length - 1];
  if (!(last in cur)) throw new Error(`unknown option --${dotted}`);
  const old = cur[last];
  let value: unknown = raw;
  if (raw === 'null') value = null;
  else if (typeof old === 'number' || (old === null && /^-?[\d.]+(e-?\d+)?$/i.test(raw))) {
    value = Number(raw);
    if (!Number.isFinite(value)) throw new Error(`--${dotted} needs a number, got "${raw}"`);
  } else if (Array.isArray(old)) value = raw.split(',').map((s) => s.trim());
  cur[last] = value;
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

/** `--config file.json` first, then `--key value` / `--a.b value` overrides; `--resume` flag. */
export async function parseTrainArgs(
  argv: string[],
  base: TrainConfig = DEFAULT_CONFIG,
): Promise<ParsedArgs> {
  let config = structuredClone(base);
  let resume = false;
  let configFile: string | null = null;
  const overrides: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--resume') resume = true;
    else if (a === '--config') configFile = argv[++i];
    else if (a.startsWith('--')) {
      const [k, inline] = a.slice(2).split('=', 2);
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`option --${k} needs a value`);
      overrides.push([k, v]);
    } else throw new Error(`unexpected argument "${a}"`);
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
  for (const [k, v] of overrides) setPath(config as unknown as Record<string, unknown>, k, v);
  return { config, resume, configFile };
}
