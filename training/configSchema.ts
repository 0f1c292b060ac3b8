// JSON Schema of a training config (validated with ajv, as the server validates its requests):
// a typo or a wrong type is refused before hours of training, with the key named.
import { Ajv, type ErrorObject } from 'ajv';
import { READOUTS, TARGETS } from '../src/model';
import type { Architecture } from '../src/model';
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

const targetList = {
  type: 'array',
  minItems: 1,
  uniqueItems: true,
  items: { enum: TARGETS.map((t) => t.key) },
};
const positiveInt = { type: 'integer', minimum: 1 };

export const TRAIN_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'version', 'architecture', 'epochs', 'batchSize', 'learningRate'],
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' },
    version: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+' },
    description: { type: 'string' },
    data: { type: 'string', minLength: 1 },
    cacheDir: { type: 'string', minLength: 1 },
    runsDir: { type: 'string', minLength: 1 },
    exportDir: { type: 'string', minLength: 1 },
    architecture: {
      oneOf: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'hidden', 'layers', 'targets'],
          properties: {
            kind: { const: 'product' },
            hidden: positiveInt,
            layers: positiveInt,
            targets: targetList,
            bondTypes: { type: 'boolean' },
            readout: { enum: [...READOUTS] },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['kind', 'hidden', 'layers', 'dropout', 'targets'],
          properties: {
            kind: { const: 'baseline' },
            hidden: positiveInt,
            layers: positiveInt,
            dropout: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
            targets: targetList,
          },
        },
      ],
    },
    normalization: { enum: ['none', 'standard', 'atomref'] },
    loss: { enum: ['mse', 'l1'] },
    seed: { type: 'integer' },
    epochs: positiveInt,
    batchSize: positiveInt,
    learningRate: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    schedule: { enum: ['constant', 'cosine'] },
    warmupEpochs: { type: 'number', minimum: 0 },
    minLrFactor: { type: 'number', minimum: 0, maximum: 1 },
    patience: { type: 'integer', minimum: 0 },
    timeBudgetMinutes: { type: ['number', 'null'], exclusiveMinimum: 0 },
    maxTrainMolecules: { type: ['integer', 'null'], minimum: 1 },
    logEverySteps: positiveInt,
    initFrom: { type: ['string', 'null'] },
    oversampleSmall: {
      oneOf: [
        { type: 'null' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['maxHeavyAtoms', 'copies'],
          properties: { maxHeavyAtoms: positiveInt, copies: positiveInt },
        },
      ],
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true });
const validate = ajv.compile(TRAIN_CONFIG_SCHEMA);

function describe(e: ErrorObject): string {
  const key = e.instancePath.slice(1).replace(/\//g, '.') || '(config)';
  if (e.keyword === 'additionalProperties')
    return `${key === '(config)' ? '' : `${key}.`}${(e.params as { additionalProperty: string }).additionalProperty}: unknown key`;
  if (e.keyword === 'enum')
    return `${key}: must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${key}: ${e.message}`;
}

/** Throws one error listing every problem, each naming its key (e.g. "architecture.hidden: must be integer"). */
export function validateTrainConfig(config: unknown, where = 'config'): TrainConfig {
  if (validate(config)) return config as unknown as TrainConfig;
  let errors = validate.errors ?? [];
  // A oneOf reports every branch; keep the branch that matches the value's kind.
  const kind = (config as { architecture?: { kind?: unknown } })?.architecture?.kind;
  errors = errors.filter((e) => {
    if (!e.schemaPath.includes('/architecture/oneOf/')) return true;
    const branch = e.schemaPath.includes('/oneOf/0/') ? 'product' : 'baseline';
    return kind === branch || (kind !== 'product' && kind !== 'baseline');
  });
  const lines = [
    ...new Set(errors.filter((e) => e.keyword !== 'oneOf' || errors.length === 1).map(describe)),
  ];
  throw new Error(`${where} is not a valid training config:\n  ${lines.join('\n  ')}`);
}

type SchemaNode = { properties?: Record<string, SchemaNode>; oneOf?: readonly SchemaNode[] };

/** Whether a dotted key names a field of the config schema (any architecture kind). */
export function isConfigKey(dotted: string): boolean {
  let nodes: SchemaNode[] = [TRAIN_CONFIG_SCHEMA as unknown as SchemaNode];
  for (const key of dotted.split('.')) {
    nodes = nodes
      .flatMap((n) => [n, ...(n.oneOf ?? [])])
      .map((n) => n.properties?.[key])
      .filter((n): n is SchemaNode => n !== undefined);
    if (nodes.length === 0) return false;
  }
  return true;
}
