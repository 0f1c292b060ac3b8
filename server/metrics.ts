// Prometheus metrics (prom-client), one registry per app so tests can run several apps in one
// process. Names follow Prometheus conventions: base units, _total for counters; the qm9_
// prefix marks this service's own metrics. server/alerts/ holds the rules that read them.
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  // Process CPU, memory, file descriptors, GC and event-loop lag (nodejs_eventloop_lag_*).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request start to response sent, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    recordsIngested: new Counter({
      name: 'qm9_log_records_ingested_total',
      help: 'Log records stored for the first time',
      registers,
    }),
    recordsDuplicate: new Counter({
      name: 'qm9_log_records_duplicate_total',
      help: 'Log records whose idempotency key was already stored (retries)',
      registers,
    }),
    recordsRejected: new Counter({
      name: 'qm9_log_records_rejected_total',
      help: 'Log records refused, by reason (invalid, quota, storage_full)',
      labelNames: ['reason'],
      registers,
    }),
    lastIngest: new Gauge({
      name: 'qm9_log_last_ingest_timestamp_seconds',
      help: 'Unix time of the last POST /log that stored at least one record',
      registers,
    }),
    predictions: new Counter({
      name: 'qm9_predictions_total',
      help: 'Predictions answered, by model name and version',
      labelNames: ['model', 'model_version'],
      registers,
    }),
    predictionGap: new Histogram({
      name: 'qm9_prediction_gap_ev',
      help: 'Predicted HOMO-LUMO gap in eV',
      buckets: [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 16],
      registers,
    }),
    modelLoaded: new Gauge({
      name: 'qm9_model_loaded',
      help: '1 when the /predict model is loaded, 0 while loading or after a failed load',
      registers,
    }),
    // The info-metric pattern: the labels carry the facts, the value is always 1.
    modelInfo: new Gauge({
      name: 'qm9_model_info',
      help: 'The /predict model being served, by name and version (value 1); no series while none is',
      labelNames: ['model', 'version'],
      registers,
    }),
    modelLoadSeconds: new Gauge({
      name: 'qm9_model_load_seconds',
      help: 'Time the last model load took',
      registers,
    }),
    driftDetected: new Gauge({
      name: 'qm9_drift_detected',
      help: '1 when the periodic drift job found drift in this column, else 0',
      labelNames: ['table', 'column'],
      registers,
    }),
    datasetDrift: new Gauge({
      name: 'qm9_dataset_drift',
      help: '1 when the periodic drift job found dataset drift (either table), else 0',
      registers,
    }),
    driftJobLastSuccess: new Gauge({
      name: 'qm9_drift_job_last_success_timestamp_seconds',
      help: 'Unix time the periodic drift job last finished',
      registers,
    }),
    driftJobFailures: new Counter({
      name: 'qm9_drift_job_failures_total',
      help: 'Periodic drift job runs that failed',
      registers,
    }),
    storageBytes: new Gauge({
      name: 'qm9_storage_bytes',
      help: 'Bytes the log store occupies (SQLite file or PostgreSQL database)',
      registers,
    }),
    storageLimitBytes: new Gauge({
      name: 'qm9_storage_limit_bytes',
      help: 'STORAGE_MAX_BYTES; 0 means no limit',
      registers,
    }),
  };
}

/**
 * Records which model /predict serves: qm9_model_loaded 1 and exactly one qm9_model_info series
 * for it (a replaced model's series goes, so a dashboard never sees two), or 0 and none.
 */
export function setServedModel(
  metrics: Metrics,
  model: { name: string; version: string } | null,
): void {
  metrics.modelInfo.reset();
  if (model) metrics.modelInfo.set({ model: model.name, version: model.version }, 1);
  metrics.modelLoaded.set(model ? 1 : 0);
}

/** Counts and times every response by its route pattern (never the raw URL: bounded labels). */
export function registerHttpMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    metrics.httpRequests.inc(labels);
    metrics.httpDuration.observe(labels, reply.elapsedTime / 1000);
  });
}
