import { MAX_REQUEST_ATOMS, MAX_REQUEST_EDGES } from '../wire';
import type { LogRecord, LoggingSettings } from './types';

/** What a log record needs of a featurized molecule (a subset of chem's MoleculeGraph). */
export interface LoggableGraph {
  x: number[][];
  edgeIndex: [number[], number[]];
  smiles?: string;
}

/**
 * Unique across tabs, reloads and devices, so the server can drop a resent record. Built from
 * getRandomValues rather than randomUUID, which plain-http origins other than localhost lack.
 * The time prefix only helps people reading the database; order comes from the outbox.
 */
export function newIdempotencyKey(now = Date.now()): string {
  const random = crypto.getRandomValues(new Uint8Array(16));
  const hex = Array.from(random, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${now.toString(36)}-${hex}`;
}

/** The record for one predicted molecule; SMILES only with their own consent, file names never. */
export function makeLogRecord(
  graph: LoggableGraph,
  gapEv: number,
  modelVersion: string,
  settings: Pick<LoggingSettings, 'includeSmiles'>,
  now = new Date(),
): LogRecord {
  if (!Number.isFinite(gapEv)) throw new Error(`cannot log a non-finite gap (${gapEv})`);
  return {
    idempotency_key: newIdempotencyKey(now.getTime()),
    node_features: graph.x,
    edge_index: graph.edgeIndex,
    prediction: [gapEv],
    model_version: modelVersion,
    timestamp: now.toISOString(),
    ...(settings.includeSmiles && graph.smiles ? { smiles: graph.smiles } : {}),
  };
}

/** A consent withdrawn after queueing still holds: SMILES are dropped at sending time too. */
export function recordAsAllowed(record: LogRecord, settings: LoggingSettings): LogRecord {
  if (settings.includeSmiles || record.smiles === undefined) return record;
  const { smiles: _smiles, ...rest } = record;
  return rest;
}

/**
 * Why the server would refuse this record for its size, or null. The page predicts molecules of
 * up to 1000 atoms, the server stores at most MAX_REQUEST_ATOMS: such a record is set aside at
 * once, with this reason, instead of being sent only to be refused.
 */
export function tooLargeToLog(record: LogRecord): string | null {
  const atoms = record.node_features.length;
  if (atoms > MAX_REQUEST_ATOMS)
    return `${atoms} atoms: the logging server stores at most ${MAX_REQUEST_ATOMS} atoms per molecule`;
  const edges = record.edge_index[0].length;
  if (edges > MAX_REQUEST_EDGES)
    return `${edges} directed bonds: the logging server stores at most ${MAX_REQUEST_EDGES} per molecule`;
  return null;
}
