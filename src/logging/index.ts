// Opt-in logging of predictions to the drift server: IndexedDB outbox, batching, retry with
// backoff, idempotency keys. Pure TypeScript (no React); runs in the page and in workers.
export * from './types';
export { retryDelayMs, type BackoffOptions } from './backoff';
export { LOGGING_CHANNEL, announce, listen, type LoggingNotice } from './channel';
export { LoggingController, pageLogging, type LoggingSnapshot } from './controller';
export { Outbox, OUTBOX_DB_NAME, type QueuedRecord } from './outbox';
export { queuePredictions, type PredictedGraph } from './queue';
export { makeLogRecord, newIdempotencyKey, recordAsAllowed, type LoggableGraph } from './record';
export { normalizeSettings, resolveEndpoint } from './settings';
export {
  LogShipper,
  SERVER_MAX_RECORDS,
  DEFAULT_MAX_BATCH_BYTES,
  type ShipperOptions,
} from './shipper';
export { classifyResponse, postBatch, retryAfterMs, type BatchOutcome } from './transport';
