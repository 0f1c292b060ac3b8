import type { LogRecord } from '../../src/wire';

/** One logged prediction: the wire record, as the page sent it and the schema checked it. */
export type { LogRecord };

export interface StoredRecord extends LogRecord {
  id: number;
  /** Server-side ISO 8601 time of ingestion. */
  received_at: string;
}

export interface InsertResult {
  inserted: number;
  /** Records whose idempotency key was already stored (or repeated in the batch). */
  duplicates: number;
}

/** The same interface over SQLite and PostgreSQL; every statement is parameterized. */
export interface LogStore {
  readonly kind: 'sqlite' | 'postgres';
  /** Stores the batch atomically and durably before resolving. */
  insert(records: readonly LogRecord[]): Promise<InsertResult>;
  /** The most recently received n records, newest first. */
  latest(n: number): Promise<StoredRecord[]>;
  count(): Promise<number>;
  /** Which of these keys are stored (for clients reconciling and for tests). */
  existingKeys(keys: readonly string[]): Promise<Set<string>>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  /** Bytes the stored data occupies on disk (for the storage limit and its metric). */
  sizeBytes(): Promise<number>;
  /** Applied schema versions, oldest first. */
  schemaVersions(): Promise<number[]>;
  close(): Promise<void>;
}

/** Columns both stores fill from a record, in the order of recordValues. */
export const RECORD_COLUMNS = [
  'idempotency_key',
  'client_timestamp',
  'model_version',
  'node_features',
  'edge_index',
  'prediction',
  'smiles',
] as const;

/** A record's values for RECORD_COLUMNS; graphs and predictions are stored as JSON text. */
export function recordValues(r: LogRecord): (string | null)[] {
  return [
    r.idempotency_key,
    r.timestamp,
    r.model_version,
    JSON.stringify(r.node_features),
    JSON.stringify(r.edge_index),
    JSON.stringify(r.prediction),
    r.smiles ?? null,
  ];
}
