// JSON schemas of the request bodies (validated by Fastify's Ajv before any handler runs). Each
// is typed against the TypeScript type of what it admits, so a field added to the wire record
// without a schema (or the other way round) does not compile.
import type { JSONSchemaType } from 'ajv';
import { NUM_NODE_FEATURES } from '../src/chem/types';
import { MAX_REQUEST_ATOMS, MAX_REQUEST_EDGES, type LogRecord } from '../src/wire';

const nodeFeatures: JSONSchemaType<number[][]> = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_REQUEST_ATOMS,
  items: {
    type: 'array',
    minItems: NUM_NODE_FEATURES,
    maxItems: NUM_NODE_FEATURES,
    items: { type: 'number' },
  },
};

const edgeList: JSONSchemaType<number[]> = {
  type: 'array',
  maxItems: MAX_REQUEST_EDGES,
  items: { type: 'integer', minimum: 0 },
};

const edgeIndex: JSONSchemaType<LogRecord['edge_index']> = {
  type: 'array',
  minItems: 2,
  maxItems: 2,
  items: [edgeList, edgeList],
};

// Required<>: JSONSchemaType would have the optional smiles admit null; the schema lists it
// without `nullable` and leaves it out of `required`, which is what optional means here.
const logRecord: JSONSchemaType<Required<LogRecord>> = {
  type: 'object',
  // Unknown fields are refused, so nothing the user did not agree to send gets stored.
  additionalProperties: false,
  required: [
    'idempotency_key',
    'node_features',
    'edge_index',
    'prediction',
    'model_version',
    'timestamp',
  ],
  properties: {
    idempotency_key: {
      type: 'string',
      minLength: 8,
      maxLength: 128,
      pattern: '^[A-Za-z0-9._:-]+$',
    },
    node_features: nodeFeatures,
    edge_index: edgeIndex,
    prediction: { type: 'array', minItems: 1, maxItems: 32, items: { type: 'number' } },
    model_version: { type: 'string', minLength: 1, maxLength: 100 },
    timestamp: { type: 'string', format: 'date-time' },
    smiles: { type: 'string', minLength: 1, maxLength: 2000 },
  },
};

export function logBodySchema(
  maxRecords: number,
): JSONSchemaType<{ records: Required<LogRecord>[] }> {
  return {
    type: 'object',
    required: ['records'],
    additionalProperties: false,
    properties: {
      records: { type: 'array', minItems: 1, maxItems: maxRecords, items: logRecord },
    },
  };
}
/** A POST /predict body: the original service's graph, plus our optional bond types. */
export interface PredictBody {
  node_features: number[][];
  edge_index: LogRecord['edge_index'];
  /** Our extension: E x 4 one-hot bond types (single, double, triple, aromatic). */
  edge_attr?: number[][];
}

export const predictBodySchema: JSONSchemaType<Required<PredictBody>> = {
  type: 'object',
  required: ['node_features', 'edge_index'],
  properties: {
    node_features: nodeFeatures,
    edge_index: edgeIndex,
    edge_attr: {
      type: 'array',
      maxItems: MAX_REQUEST_EDGES,
      items: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
    },
  },
};

/** "/records/3/node_features/0" -> "records[3].node_features[0]" */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i ? '.' : ''}${part}`))
    .join('');
}
