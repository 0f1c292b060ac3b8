// The JSON that crosses between the page and the server: one logged prediction (built by
// src/logging, validated by server/schemas.ts, stored by server/storage) and the size limits the
// server enforces on it and on POST /predict. Field names are the original service's (snake_case).

/**
 * One logged prediction in the server's POST /log format: the original service's record
 * (`node_features`, `edge_index`, `prediction` = [HOMO-LUMO gap in eV]) plus model version,
 * timestamp and an idempotency key. The server refuses unknown fields.
 */
export interface LogRecord {
  /** Client-chosen unique key: a record with a key already stored is never stored again. */
  idempotency_key: string;
  node_features: number[][];
  /** Sources, then targets: one entry per directed edge in each. */
  edge_index: [number[], number[]];
  /** prediction[0] is the HOMO-LUMO gap in eV, as the original service returned it. */
  prediction: number[];
  model_version: string;
  /** ISO 8601, when the prediction was made (not when it was sent). */
  timestamp: string;
  /** Only when the user also allowed sending SMILES. */
  smiles?: string;
}

/**
 * Most atoms (rows of node_features) in one logged record or one POST /predict body: a bound on
 * request size that keeps a body cheap to validate and store. It is not the page's featurization
 * limit (MAX_FEATURIZED_ATOMS = 1000 in src/chem), which is about compute: the page predicts a
 * molecule of 501 to 1000 atoms, whose log record the page sets aside unsent (src/logging/record.ts).
 */
export const MAX_REQUEST_ATOMS = 500;
/** Most directed edges in one logged record or one POST /predict body (QM9: at most 56). */
export const MAX_REQUEST_EDGES = 4000;
