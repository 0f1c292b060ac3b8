import type { LogRecord } from '../wire';

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

/** What a logged prediction looks like on the wire: one type with the server (src/wire). */
export type { LogRecord };

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
