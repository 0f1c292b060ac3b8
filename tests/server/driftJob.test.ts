// The periodic drift job as the server runs it: buildApp starts it on DRIFT_JOB_INTERVAL_S, its
// verdicts reach /metrics without anyone calling it, and closing the app stops it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appsPerTest, type TestApp } from '../helpers/testApp';
import { alkanes, chain, logRecord } from '../helpers/molecules';
import { metricValue } from '../helpers/metricsText';
import { loadDriftReference } from '../../server/models';
import { createMetrics } from '../../server/metrics';

// An alkane reference; the logged molecules below (fluorides and amines with low gaps) are far
// from it, so a run that happens must report drift.
const graphs = alkanes(100);
const { startApp } = appsPerTest(
  'qm9-drift-job-',
  graphs,
  graphs.map((_, i) => 9 + (i % 20) / 10),
);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('periodic drift job', () => {
  it('runs every DRIFT_JOB_INTERVAL_S, sets the /metrics drift gauges, and stops with the app', async () => {
    // Every run asks for the reference first, so the calls count the runs that started.
    let runs = 0;
    let started: TestApp | null = null;
    const metrics = createMetrics();
    started = await startApp(
      { DRIFT_JOB_INTERVAL_S: '1', DRIFT_JOB_RECORDS: '50' },
      {
        metrics,
        driftReference: () => {
          runs++;
          return loadDriftReference(started!.config);
        },
      },
    );
    const { app } = started;
    const records = Array.from({ length: 80 }, (_, i) =>
      logRecord(`tick-${String(i).padStart(4, '0')}`, chain('N'.repeat(1 + (i % 3)) + 'F'), 4),
    );
    expect(
      (await app.inject({ method: 'POST', url: '/log', payload: { records } })).statusCode,
    ).toBe(200);

    // Nothing but the timer runs the job here; the worker starts slowly on a busy machine.
    let text = '';
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      if (metricValue(text, 'qm9_drift_job_last_success_timestamp_seconds') > 0) break;
      await sleep(200);
    }
    expect(metricValue(text, 'qm9_drift_job_last_success_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(metricValue(text, 'qm9_dataset_drift')).toBe(1);
    expect(metricValue(text, 'qm9_drift_detected{table="molecules",column="prediction"}')).toBe(1);
    expect(metricValue(text, 'qm9_drift_job_failures_total')).toBe(0);
    // And again one interval later: a timer that repeats, not a single delayed run.
    const again = Date.now() + 15_000;
    while (runs < 2 && Date.now() < again) await sleep(100);
    expect(runs).toBeGreaterThanOrEqual(2);

    await app.close();
    // A run already under way may still finish; none may start after close.
    const runsAtClose = runs;
    await sleep(3_500);
    expect(runs).toBe(runsAtClose);
  });

  it('does not keep the process alive when nobody stops it', async () => {
    // A one-hour interval never fires here; the process must still exit once its work is done.
    const code = `
      const { startDriftJob } = await import('./server/driftJob.ts');
      const { createMetrics } = await import('./server/metrics.ts');
      const { ReportRunner } = await import('./server/report/reportRunner.ts');
      const runner = new ReportRunner({ concurrency: 1, queue: 1, workerMemoryMb: 256 });
      startDriftJob(runner, async () => { throw new Error('not reached'); }, createMetrics(),
        { intervalS: 3600, records: 10, maxBytes: 1e6, location: { sqliteFile: 'none.sqlite',
          statementTimeoutMs: 1000, connectTimeoutMs: 1000 } }, console);
      console.log('job started');
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    // Far below the interval: a timer holding the process would keep it for an hour.
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const exitCode = await exited;
    clearTimeout(killer);
    expect(output).toContain('job started');
    expect(exitCode).toBe(0);
  });
});
