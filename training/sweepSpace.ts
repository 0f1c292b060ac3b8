// A sweep's description (search space, search kind, scheduler, budget), its validation, the
// trials it expands to, and the median-stopping rule. Pure functions: the runner does the I/O.
import { Ajv } from 'ajv';
import { Rng } from '../src/stats';

export type ParamSpec =
  | { choice: (number | string | boolean)[] }
  | { uniform: [number, number] }
  | { logUniform: [number, number] }
  | { int: [number, number] };

export interface SweepConfig {
  /** The sweep's id in the queue; run it again with the same name to resume. */
  name: string;
  /** Training config file the trials start from. */
  base: string;
  /** Fixed overrides for every trial (dotted keys, as --set names them). */
  set: Record<string, unknown>;
  space: Record<string, ParamSpec>;
  search: 'random' | 'grid';
  /** Random search: how many trials (grid: every combination). */
  trials: number;
  seed: number;
  /** Lower is better: valScore (mean over targets of MAE / std) or valMae.<target>. */
  metric: string;
  scheduler: { kind: 'median'; graceEpochs: number; minTrials: number } | { kind: 'none' };
  /** Parallel worker processes on this machine. */
  workers: number;
}

const range = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'base', 'space'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    base: { type: 'string' },
    set: { type: 'object' },
    space: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['choice'],
            properties: { choice: { type: 'array', minItems: 1 } },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['uniform'],
            properties: { uniform: range },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['logUniform'],
            properties: { logUniform: range },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['int'],
            properties: { int: range },
          },
        ],
      },
    },
    search: { enum: ['random', 'grid'] },
    trials: { type: 'integer', minimum: 1 },
    seed: { type: 'integer' },
    metric: { type: 'string', pattern: '^(valScore|valMae\\.[a-z0-9]+)$' },
    scheduler: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: {
            kind: { const: 'median' },
            graceEpochs: { type: 'integer', minimum: 1 },
            minTrials: { type: 'integer', minimum: 1 },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind'],
          properties: { kind: { const: 'none' } },
        },
      ],
    },
    workers: { type: 'integer', minimum: 1 },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

export function parseSweepConfig(value: unknown, where: string): SweepConfig {
  if (!validate(value)) {
    const lines = (validate.errors ?? [])
      .filter((e) => e.keyword !== 'oneOf')
      .map((e) => {
        const key = e.instancePath.slice(1).replace(/\//g, '.') || '(sweep)';
        // A parameter matches none of the four shapes: say which shapes exist.
        if (/^space\.[^.]+$/.test(key) && e.schemaPath.includes('/oneOf/'))
          return `${key}: must be one of {"choice": [...]}, {"uniform": [lo, hi]}, {"logUniform": [lo, hi]}, {"int": [lo, hi]}`;
        return e.keyword === 'additionalProperties'
          ? `${key}: unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`
          : `${key}: ${e.message}`;
      });
    throw new Error(`${where} is not a valid sweep config:\n  ${[...new Set(lines)].join('\n  ')}`);
  }
  const v = value as Partial<SweepConfig>;
  for (const [key, spec] of Object.entries(v.space!)) {
    const bounds =
      'uniform' in spec
        ? spec.uniform
        : 'logUniform' in spec
          ? spec.logUniform
          : 'int' in spec
            ? spec.int
            : null;
    if (bounds && !(bounds[0] < bounds[1]))
      throw new Error(`${where}: space.${key}: the range must go from low to high`);
    if ('logUniform' in spec && spec.logUniform[0] <= 0)
      throw new Error(`${where}: space.${key}: a log range must be positive`);
  }
  const config = {
    set: {},
    search: 'random',
    trials: 8,
    seed: 1,
    metric: 'valScore',
    scheduler: { kind: 'median', graceEpochs: 2, minTrials: 3 },
    workers: 1,
    ...(v as Partial<SweepConfig>),
  } as SweepConfig;
  if (config.search === 'grid') {
    const ranged = Object.entries(config.space).filter(([, s]) => !('choice' in s));
    if (ranged.length)
      throw new Error(
        `${where}: grid search needs choice lists, but ${ranged.map(([k]) => `space.${k}`).join(', ')} is a range`,
      );
  }
  if (config.scheduler.kind === 'median')
    config.scheduler = {
      ...{ graceEpochs: 2, minTrials: 3 },
      ...config.scheduler,
    } as SweepConfig['scheduler'];
  return config;
}

function sample(spec: ParamSpec, rng: Rng): number | string | boolean {
  if ('choice' in spec) return spec.choice[rng.int(spec.choice.length)];
  if ('uniform' in spec) return spec.uniform[0] + rng.next() * (spec.uniform[1] - spec.uniform[0]);
  if ('int' in spec) return spec.int[0] + rng.int(spec.int[1] - spec.int[0] + 1);
  const [lo, hi] = spec.logUniform.map(Math.log);
  // Three significant digits: a leaderboard of 3.000e-4 reads better than 0.00029981...
  return Number(Math.exp(lo + rng.next() * (hi - lo)).toPrecision(3));
}

/** Each trial's parameter values (dotted keys), in trial order. */
export function expandTrials(config: SweepConfig): Record<string, unknown>[] {
  const keys = Object.keys(config.space).sort();
  if (config.search === 'grid') {
    let combos: Record<string, unknown>[] = [{}];
    for (const key of keys) {
      const values = (config.space[key] as { choice: unknown[] }).choice;
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
    }
    return combos;
  }
  const rng = new Rng(config.seed);
  return Array.from({ length: config.trials }, () =>
    Object.fromEntries(keys.map((k) => [k, sample(config.space[k], rng)])),
  );
}

/**
 * Median stopping (Golovin et al., Google Vizier): after the grace epochs, a trial stops when its
 * best value so far is worse than the median of the other trials' best values at the same epoch.
 */
export function medianStops(
  best: number,
  othersBest: number[],
  epoch: number,
  rule: { graceEpochs: number; minTrials: number },
): boolean {
  if (epoch < rule.graceEpochs || othersBest.length < rule.minTrials) return false;
  const sorted = [...othersBest].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return best > median;
}

/** The sweep metric of one epoch record. */
export function metricOf(
  record: { valScore: number; valMae: Record<string, number> },
  metric: string,
): number {
  if (metric === 'valScore') return record.valScore;
  const value = record.valMae[metric.slice('valMae.'.length)];
  if (value === undefined)
    throw new Error(`metric ${metric}: the trial does not predict that target`);
  return value;
}
