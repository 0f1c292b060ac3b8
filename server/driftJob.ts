// The periodic drift job: every DRIFT_JOB_INTERVAL_S the last DRIFT_JOB_RECORDS molecules go
// through the same report worker as GET /report, and the verdicts become gauges that the
// "drift detected" alert reads.
import type { FastifyBaseLogger } from 'fastify';
import type { DriftReference } from '../src/stats';
import type { Metrics } from './metrics';
import type { ReportJob, ReportRunner } from './report/reportRunner';
import { ReportQueueFullError } from './report/reportRunner';

export interface DriftJobOptions {
  intervalS: number;
  records: number;
  maxBytes: number;
  location: ReportJob['location'];
}

/** One run; resolves false when there was nothing to judge or the run failed. */
export async function runDriftJob(
  runner: ReportRunner,
  reference: () => Promise<{ reference: DriftReference }>,
  metrics: Metrics,
  options: DriftJobOptions,
  log: FastifyBaseLogger,
): Promise<boolean> {
  try {
    const outcome = await runner.run({
      location: options.location,
      reference: (await reference()).reference,
      n: options.records,
      maxBytes: options.maxBytes,
    });
    if (outcome.kind === 'error') throw new Error(outcome.message);
    if (outcome.kind === 'empty') return false;
    const { report } = outcome;
    for (const [table, t] of Object.entries(report.tables)) {
      for (const [column, c] of Object.entries(t.columns)) {
        metrics.driftDetected.set({ table, column }, c.drift ? 1 : 0);
      }
    }
    metrics.datasetDrift.set(report.datasetDrift ? 1 : 0);
    metrics.driftJobLastSuccess.setToCurrentTime();
    return true;
  } catch (error) {
    // A busy report queue is not a failure: the next run will try again.
    if (error instanceof ReportQueueFullError) return false;
    metrics.driftJobFailures.inc();
    log.warn(`drift job failed: ${(error as Error).message}`);
    return false;
  }
}

/** Starts the periodic job; the returned function stops it. */
export function startDriftJob(
  runner: ReportRunner,
  reference: () => Promise<{ reference: DriftReference }>,
  metrics: Metrics,
  options: DriftJobOptions,
  log: FastifyBaseLogger,
): () => void {
  if (options.intervalS <= 0) return () => undefined;
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void runDriftJob(runner, reference, metrics, options, log).finally(() => (running = false));
  }, options.intervalS * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
