// JSON schemas of the request bodies (validated by Fastify's Ajv before any handler runs).
import { NUM_NODE_FEATURES } from '../src/chem/types';

/** Generous bounds: QM9 molecules have at most 29 atoms; drug-like ones a few hundred. */
export const MAX_ATOMS = 500;
export const MAX_EDGES = 4000;

const nodeFeatures = {
  type: 'array',
  minItems: 1,
  maxItems: MAX_ATOMS,
  items: {
    type: 'array',
    minItems: NUM_NODE_FEATURES,
    maxItems: NUM_NODE_FEATURES,
    items: { type: 'number' },
  },
} as const;

const edgeIndex = {
  type: 'array',
  minItems: 2,
  maxItems: 2,
  items: { type: 'array', maxItems: MAX_EDGES, items: { type: 'integer', minimum: 0 } },
} as const;

export function logBodySchema(maxRecords: number) {
  return {
    type: 'object',
    required: ['records'],
    additionalProperties: false,
    properties: {
      records: {
        type: 'array',
        minItems: 1,
        maxItems: maxRecords,
        items: {
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
        },
      },
    },
  } as const;
}

export const predictBodySchema = {
  type: 'object',
  required: ['node_features', 'edge_index'],
  properties: {
    node_features: nodeFeatures,
    edge_index: edgeIndex,
    /** Our extension: E x 4 one-hot bond types (single, double, triple, aromatic). */
    edge_attr: {
      type: 'array',
      maxItems: MAX_EDGES,
      items: { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } },
    },
  },
} as const;

/** "/records/3/node_features/0" -> "records[3].node_features[0]" */
export function jsonPointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : `${i ? '.' : ''}${part}`))
    .join('');
}
