// /ready and /metrics as an operator and Prometheus meet them, and the periodic drift job's
// gauges, through the real app, a SQLite file and the real report worker.
import { describe, expect, it } from 'vitest';
import { appsPerTest } from '../helpers/testApp';
import { loadDriftReference } from '../../server/models';
import { alkanes, chain, logRecord, methane } from '../helpers/molecules';
import { metricValue } from '../helpers/metricsText';
import { getWithBearer } from '../helpers/inject';
import { createMetrics } from '../../server/metrics';
import { runDriftJob } from '../../server/driftJob';
import { ReportRunner } from '../../server/report/reportRunner';

const graphs = alkanes(100);
const { startApp } = appsPerTest(
  'qm9-metrics-',
  graphs,
  graphs.map((_, i) => 9 + (i % 20) / 10),
);

describe('GET /ready', () => {
  it('is 503 naming what is missing while the model loads, and while shutting down', async () => {
    let closing = false;
    const { app } = await startApp({}, { shuttingDown: () => closing });
    const loading = await app.inject({ method: 'GET', url: '/ready' });
    expect(loading.statusCode).toBe(503);
    expect(loading.json()).toEqual({ status: 'not ready', problems: ['model not loaded'] });
    closing = true;
    const draining = await app.inject({ method: 'GET', url: '/ready' });
    expect(draining.json().problems).toEqual(['shutting down', 'model not loaded']);
    // Liveness is unaffected.
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('is 503 when the store does not answer', async () => {
    const { app, store } = await startApp();
    await store.close();
    const res = await app.inject({ method: 'GET', url: '/ready' });
    expect(res.json().problems).toContain('storage unreachable');
  });
});

describe('GET /metrics', () => {
  it('counts ingested, duplicate and rejected records and requests by route pattern', async () => {
    const { app } = await startApp();
    const records = [logRecord('m-000001', methane(), 9), logRecord('m-000002', chain('CC'), 9)];
    await app.inject({ method: 'POST', url: '/log', payload: { records } });
    await app.inject({ method: 'POST', url: '/log', payload: { records } });
    await app.inject({
      method: 'POST',
      url: '/log',
      payload: { records: [{ ...records[0], prediction: 'x' }] },
    });
    await app.inject({ method: 'GET', url: '/report?n=1&token=wrong' });
    await app.inject({ method: 'GET', url: '/no/such/path/123' });
    const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metricValue(text, 'qm9_log_records_ingested_total')).toBe(2);
    expect(metricValue(text, 'qm9_log_records_duplicate_total')).toBe(2);
    expect(metricValue(text, 'qm9_log_records_rejected_total{reason="invalid"}')).toBe(1);
    expect(metricValue(text, 'qm9_log_last_ingest_timestamp_seconds')).toBeGreaterThan(1.7e9);
    expect(
      metricValue(text, 'http_requests_total{method="POST",route="/log",status_code="200"}'),
    ).toBe(2);
    expect(
      metricValue(text, 'http_requests_total{method="GET",route="/report",status_code="401"}'),
    ).toBe(1);
    // Unknown paths share one label value, so a scanner cannot explode the series count.
    expect(
      metricValue(text, 'http_requests_total{method="GET",route="unmatched",status_code="404"}'),
    ).toBe(1);
    expect(text).not.toContain('/no/such/path');
    expect(metricValue(text, 'qm9_model_loaded')).toBe(0);
    expect(metricValue(text, 'qm9_storage_bytes')).toBeGreaterThan(0);
  });

  it('needs METRICS_TOKEN when one is set', async () => {
    const { app } = await startApp({ METRICS_TOKEN: 'scrape' });
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    const ok = await getWithBearer(app, '/metrics', 'scrape');
    expect(ok.statusCode).toBe(200);
  });
});

describe('periodic drift job', () => {
  it('sets one gauge per column and the dataset verdict from the last logged molecules', async () => {
    const { store, config } = await startApp();
    // Fluorides and amines with low gaps: far from the alkane reference.
    await store.insert(
      Array.from({ length: 80 }, (_, i) =>
        logRecord(`job-${String(i).padStart(4, '0')}`, chain('N'.repeat(1 + (i % 3)) + 'F'), 4),
      ),
    );
    const metrics = createMetrics();
    const runner = new ReportRunner({ concurrency: 1, queue: 1, workerMemoryMb: 256 });
    const warnings: string[] = [];
    const ok = await runDriftJob(
      runner,
      () => loadDriftReference(config),
      metrics,
      {
        intervalS: 60,
        records: 50,
        maxBytes: 1e7,
        location: {
          sqliteFile: config.sqliteFile,
          statementTimeoutMs: 1000,
          connectTimeoutMs: 1000,
        },
      },
      { warn: (m: string) => warnings.push(m) } as never,
    );
    expect(ok).toBe(true);
    const text = await metrics.registry.metrics();
    expect(metricValue(text, 'qm9_dataset_drift')).toBe(1);
    expect(metricValue(text, 'qm9_drift_detected{table="molecules",column="prediction"}')).toBe(1);
    expect(text.match(/^qm9_drift_detected\{/gm)).toHaveLength(14 + 11);
    expect(metricValue(text, 'qm9_drift_job_last_success_timestamp_seconds')).toBeGreaterThan(
      1.7e9,
    );
    expect(warnings).toEqual([]);
  });
});
