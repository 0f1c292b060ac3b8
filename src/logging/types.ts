/** What the user agreed to. Nothing leaves the browser unless `enabled`. */
export interface LoggingSettings {
  enabled: boolean;
  /** The server's POST /log: an absolute http(s) URL, or a path on the app's own origin. */
  endpoint: string;
  /** A second, separate consent: SMILES identify a molecule, graphs alone are less telling. */
  includeSmiles: boolean;
}

export const DEFAULT_LOGGING_SETTINGS: LoggingSettings = {
  enabled: false,
  endpoint: '/log',
  includeSmiles: false,
};

/**
 * One logged prediction in the server's POST /log format: the original service's record
 * (`node_features`, `edge_index`, `prediction` = [HOMO-LUMO gap in eV]) plus model version,
 * timestamp and an idempotency key. The server refuses unknown fields.
 */
export interface LogRecord {
  idempotency_key: string;
  node_features: number[][];
  edge_index: [number[], number[]];
  prediction: number[];
  model_version: string;
  /** ISO 8601, when the prediction was made (not when it was sent). */
  timestamp: string;
  smiles?: string;
}

/** A record the server refused as malformed: kept in the browser with the server's reason. */
export interface RejectedRecord {
  record: LogRecord;
  reason: string;
  /** ISO 8601. */
  rejectedAt: string;
}

export interface OutboxCounts {
  /** Waiting in IndexedDB to be sent. */
  queued: number;
  /** Acknowledged by the server (200), counted in this browser across visits. */
  sent: number;
  /** Refused by the server (400 naming the record, or too large alone), kept aside, not resent. */
  rejected: number;
}

export interface OutboxStatus extends OutboxCounts {
  online: boolean;
  /** A batch is on its way. */
  sending: boolean;
  /** Why the last attempt failed; null after a success or when nothing failed yet. */
  lastError: string | null;
  /** When the next attempt is due after a failure (ms since epoch), or null. */
  nextRetryAt: number | null;
  /** When the server last acknowledged a batch (ms since epoch), or null. */
  lastSentAt: number | null;
}
