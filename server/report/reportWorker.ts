// Runs in a worker thread (see reportRunner.ts): streams the newest stored graphs, newest first,
// into the drift tables until n rows or maxBytes of stored JSON, and builds the drift report.
import { parentPort, workerData } from 'node:worker_threads';
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { DriftTableBuilder } from '../../src/stats';
import { buildDriftReportFromTables } from '../drift/report';
import { openGraphReader } from '../storage/graphReader';
import type { ReportJob, ReportOutcome } from './reportRunner';

export async function computeReport(job: ReportJob): Promise<ReportOutcome> {
  const reader = await openGraphReader(job.location);
  const tables = new DriftTableBuilder();
  let bytes = 0;
  let truncated = false;
  try {
    for await (const row of reader.newest(job.n)) {
      const size = row.node_features.length + row.edge_index.length + row.prediction.length;
      if (tables.rows > 0 && bytes + size > job.maxBytes) {
        truncated = true;
        break;
      }
      bytes += size;
      const prediction = JSON.parse(row.prediction) as unknown[];
      tables.add({
        x: JSON.parse(row.node_features),
        edgeIndex: JSON.parse(row.edge_index),
        prediction: prediction[0] as number,
      });
    }
  } finally {
    await reader.close();
  }
  if (tables.rows === 0) return { kind: 'empty' };
  const report = buildDriftReportFromTables(job.reference, tables, job.n);
  if (truncated) report.truncated = { reason: 'bytes', maxBytes: job.maxBytes };
  return { kind: 'report', report, bytesRead: bytes };
}

/**
 * Lowers this thread's scheduling priority (nice 10), so on a busy machine the server's main
 * thread (/health, /log, /predict) wins the CPU over a report. Linux applies setpriority to a
 * single thread when given its thread id; elsewhere this is skipped.
 */
function yieldToMainThread(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // No /proc (not Linux) or not permitted: the report runs at normal priority.
  }
}

if (parentPort && workerData?.job) {
  const port = parentPort;
  yieldToMainThread();
  computeReport(workerData.job as ReportJob).then(
    (outcome) => port.postMessage(outcome),
    (error: Error) => port.postMessage({ kind: 'error', message: error.message }),
  );
}
