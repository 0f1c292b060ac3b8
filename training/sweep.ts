// npm run sweep -- --config <sweep.json>        create (or resume) a sweep, run its trials, print the leaderboard
// npm run sweep -- --worker --sweep <name>      take trials from an existing sweep's queue (another machine: DATABASE_URL)
// npm run sweep -- --leaderboard --sweep <name>
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { runIfMain, usageOf, UsageError, type Command } from '../cli/command';
import { DEFAULT_RUNS_DB } from '../cli/defaults';
import { assignPath, parseTrainArgs, type TrainConfig } from './config';
import { validateTrainConfig } from './configSchema';
import { loadQm9Dataset, type Qm9Dataset } from './dataset';
import { formatDuration } from './progress';
import { epochMetrics, withRun } from './runRecording';
import { RunsStore } from './runsStore';
import {
  expandTrials,
  medianStops,
  metricOf,
  parseSweepConfig,
  type SweepConfig,
} from './sweepSpace';
import {
  DEFAULT_LEASE_SECONDS,
  HEARTBEAT_SECONDS,
  openSweepQueue,
  type SweepQueue,
  type Trial,
} from './sweepQueue';
import { formatTable } from './table';
import { gitCommit } from './provenance';
import { trainRun } from './train';

/** A worker's trial limit (a machine lent for a while takes a few trials, then leaves). */
function maxTrialsOf(raw: string | undefined): number {
  if (raw === undefined) return Infinity;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--max-trials needs a whole number of at least 1, got "${raw}"`);
  return n;
}

/** How long a silent worker keeps its trial; a few heartbeats at least. */
function leaseOf(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LEASE_SECONDS;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 3 * HEARTBEAT_SECONDS)
    throw new UsageError(
      `--lease needs seconds, at least ${3 * HEARTBEAT_SECONDS} (3 heartbeats), got "${raw}"`,
    );
  return n;
}

/** JSON with sorted keys: PostgreSQL's jsonb does not keep the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

const WORKER_ID = `${os.hostname()}:${process.pid}`;

/**
 * A worker on this host whose process has exited (its trial goes back in the queue at once,
 * without waiting for its lease to run out, which covers workers on other hosts). A killed
 * worker whose coordinator died too stays a zombie where PID 1 does not reap orphans (many
 * containers and CI runners), and a zombie still answers signal 0, so its state is read too.
 */
export function workerGone(worker: string): boolean {
  const [host, pid] = worker.split(':');
  if (host !== os.hostname()) return false;
  try {
    process.kill(Number(pid), 0);
  } catch {
    return true;
  }
  return processState(Number(pid)) === 'Z';
}

/** The one-letter state from /proc/<pid>/stat (Linux), or null where there is none. */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in parentheses may itself hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export async function trialConfig(sweep: SweepConfig, trial: Trial): Promise<TrainConfig> {
  const { config } = await parseTrainArgs(['--config', sweep.base]);
  const c = config as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries({ ...sweep.set, ...trial.params })) assignPath(c, k, v);
  c.name = `${sweep.name}-t${trial.trialNo}`;
  c.runsDir = path.join(config.runsDir, 'sweeps', sweep.name);
  return validateTrainConfig(c, `${sweep.name} trial ${trial.trialNo}`);
}

/** The run of a worker that went silent stays 'running' forever unless the next one closes it. */
async function closeAbandonedRun(store: RunsStore, trial: Trial): Promise<void> {
  const run = await store.get(trial.runId!);
  if (run?.status !== 'running') return;
  await store.finish(run.id, {
    status: 'failed',
    wallSeconds: run.epochs.reduce((sum, e) => sum + e.seconds, 0),
    note: `worker ${trial.previousWorker} went silent past its lease; trial ${trial.trialNo} taken over by ${WORKER_ID}`,
  });
}

async function runTrial(
  sweep: SweepConfig,
  trial: Trial,
  dataset: Qm9Dataset,
  queue: SweepQueue,
  store: RunsStore,
): Promise<void> {
  const config = await trialConfig(sweep, trial);
  const runDir = path.join(config.runsDir, config.name);
  const resume = existsSync(path.join(runDir, 'checkpoint', 'state.json'));
  let best = Infinity;
  let stopped = false;
  let leaseLost = false;
  const renew = () =>
    queue.heartbeat(trial.id, WORKER_ID).then(
      (held) => {
        leaseLost ||= !held;
      },
      (error: Error) =>
        process.stderr.write(`trial ${trial.trialNo}: heartbeat: ${error.message}\n`),
    );
  const heartbeat = setInterval(() => void renew(), HEARTBEAT_SECONDS * 1000);
  heartbeat.unref();
  if (trial.previousWorker && trial.runId) await closeAbandonedRun(store, trial);
  process.stderr.write(
    `trial ${trial.trialNo} ${JSON.stringify(trial.params)}${resume ? ' (resuming)' : ''}${trial.previousWorker ? ` (taken over from ${trial.previousWorker}, whose lease ran out)` : ''}\n`,
  );
  try {
    await withRun(
      store,
      {
        kind: 'trial',
        name: config.name,
        config,
        gitCommit: gitCommit(),
        dataSha256: dataset.sha256,
        outputDir: runDir,
        sweepId: sweep.name,
        note: JSON.stringify(trial.params),
      },
      async (runId) => {
        await queue.attachRun(trial.id, runId);
        const results = await trainRun(config, dataset, resume, {
          onEpoch: (r) => store.epoch(runId, epochMetrics(r)),
          shouldStop: async (history) => {
            await renew();
            // Another worker took the trial over (this one was silent past its lease): its
            // result is that worker's to record.
            if (leaseLost) throw new Error(`trial ${trial.trialNo}: lease lost to another worker`);
            const last = history[history.length - 1];
            best = Math.min(...history.map((h) => metricOf(h, sweep.metric)));
            await queue.reportEpoch(trial.id, last.epoch, metricOf(last, sweep.metric));
            if (sweep.scheduler.kind !== 'median') return false;
            const others = await queue.othersBestAt(sweep.name, trial.id, last.epoch);
            stopped = medianStops(best, others, last.epoch, sweep.scheduler);
            if (stopped)
              process.stderr.write(
                `trial ${trial.trialNo}: stopped at epoch ${last.epoch}, best ${best.toPrecision(4)} worse than the median of ${others.length} trials\n`,
              );
            return stopped;
          },
        });
        return {
          value: undefined,
          test: results.metrics.test,
          status: stopped ? 'stopped' : 'finished',
        };
      },
    );
    await queue.finish(trial.id, WORKER_ID, stopped ? 'stopped' : 'finished', best);
  } catch (error) {
    await queue.finish(
      trial.id,
      WORKER_ID,
      'failed',
      Number.isFinite(best) ? best : null,
      (error as Error).message,
    );
    process.stderr.write(`trial ${trial.trialNo} failed: ${(error as Error).message}\n`);
  } finally {
    clearInterval(heartbeat);
    tf.disposeVariables();
  }
}

async function loadSweep(queue: SweepQueue, name: string): Promise<SweepConfig> {
  const row = await queue.getSweep(name);
  if (!row)
    throw new Error(`no sweep "${name}" in the ${queue.kind} queue (start it with --config)`);
  return parseSweepConfig(row.config, `sweep ${name}`);
}

async function work(
  queue: SweepQueue,
  store: RunsStore,
  name: string,
  maxTrials = Infinity,
  leaseSeconds = DEFAULT_LEASE_SECONDS,
): Promise<number> {
  const sweep = await loadSweep(queue, name);
  const { config: base } = await parseTrainArgs(['--config', sweep.base]);
  let dataset: Qm9Dataset | null = null;
  let done = 0;
  while (done < maxTrials) {
    const trial = await queue.claim(name, WORKER_ID, leaseSeconds);
    if (!trial) break;
    dataset ??= await loadQm9Dataset(base.data, base.cacheDir, (m) =>
      process.stderr.write(`${m}\n`),
    );
    await runTrial(sweep, trial, dataset, queue, store);
    done++;
  }
  return done;
}

async function leaderboard(queue: SweepQueue, store: RunsStore, name: string): Promise<string> {
  const sweep = await loadSweep(queue, name);
  const trials = await queue.trials(name);
  const keys = Object.keys(sweep.space).sort();
  const ranked = [...trials].sort((a, b) => (a.metric ?? Infinity) - (b.metric ?? Infinity));
  const runs = await Promise.all(ranked.map((t) => (t.runId ? store.get(t.runId) : null)));
  const rows = ranked.map((t, i) => {
    const run = runs[i];
    const gap = run?.test?.find((m) => m.key === 'gap');
    return [
      t.metric === null ? '-' : String(i + 1),
      String(t.trialNo),
      t.status,
      String(t.epochs),
      t.metric === null ? '-' : t.metric.toPrecision(4),
      ...keys.map((k) => String(t.params[k])),
      gap ? gap.mae.toPrecision(4) : '-',
      run?.wallSeconds ? formatDuration(run.wallSeconds) : '-',
      t.runId ?? '-',
    ];
  });
  return formatTable(
    [
      'rank',
      'trial',
      'status',
      'epochs',
      `best ${sweep.metric}`,
      ...keys,
      'test gap MAE',
      'wall',
      'run',
    ],
    rows,
  );
}

/** Starts n worker processes on this machine and waits for them. */
async function runWorkers(
  n: number,
  name: string,
  db: string,
  maxTrials: string | undefined,
  lease: string | undefined,
): Promise<void> {
  const limit = [
    ...(maxTrials === undefined ? [] : ['--max-trials', maxTrials]),
    ...(lease === undefined ? [] : ['--lease', lease]),
  ];
  const children = Array.from({ length: n }, () =>
    spawn(
      process.execPath,
      ['--import', 'tsx', 'training/sweep.ts', '--worker', '--sweep', name, '--db', db, ...limit],
      {
        stdio: ['ignore', 'inherit', 'inherit'],
        env: process.env,
      },
    ),
  );
  const codes = await Promise.all(
    children.map((c) => new Promise<number | null>((r) => c.on('exit', r))),
  );
  const failed = codes.filter((c) => c !== 0).length;
  if (failed) process.stderr.write(`${failed} of ${n} workers exited with an error\n`);
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      sweep: { type: 'string' },
      worker: { type: 'boolean', default: false },
      leaderboard: { type: 'boolean', default: false },
      workers: { type: 'string' },
      'max-trials': { type: 'string' },
      lease: { type: 'string' },
      db: { type: 'string', default: DEFAULT_RUNS_DB },
    },
  });
  if (!values.config && !values.sweep) {
    console.log(usageOf(sweepCommand));
    return;
  }
  const queue = openSweepQueue({ databaseUrl: process.env.DATABASE_URL, sqliteFile: values.db });
  const leaseSeconds = leaseOf(values.lease);
  // With DATABASE_URL, runs go to PostgreSQL beside the queue, so every worker's are seen here.
  const store = new RunsStore(values.db);
  try {
    if (values.worker || values.leaderboard) {
      if (!values.sweep) throw new UsageError('--worker and --leaderboard need --sweep <name>');
      if (values.worker) {
        const n = await work(
          queue,
          store,
          values.sweep,
          maxTrialsOf(values['max-trials']),
          leaseSeconds,
        );
        process.stderr.write(`worker ${WORKER_ID}: ${n} trials\n`);
      } else console.log(await leaderboard(queue, store, values.sweep));
      return;
    }
    const file = values.config!;
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
    const sweep = parseSweepConfig(raw, file);
    const trials = expandTrials(sweep);
    // Every trial's config is checked before the first one trains.
    for (const [i, params] of trials.entries())
      await trialConfig(sweep, {
        id: 0,
        sweepId: sweep.name,
        trialNo: i + 1,
        params,
        status: 'queued',
        worker: null,
        runId: null,
        metric: null,
        epochs: 0,
        note: null,
      });
    const existing = await queue.getSweep(sweep.name);
    if (existing && canonical(existing.config) !== canonical(sweep))
      throw new Error(
        `sweep "${sweep.name}" exists with another config; rename it to start a new one`,
      );
    await queue.ensureSweep(sweep.name, sweep, trials);
    const requeued = await queue.requeue(sweep.name, workerGone);
    const left = (await queue.trials(sweep.name)).filter((t) => t.status === 'queued').length;
    process.stderr.write(
      `sweep ${sweep.name} (${queue.kind} queue): ${trials.length} trials, ${left} to run${existing ? ` (resumed, ${requeued} interrupted trials back in the queue)` : ''}\n`,
    );
    const workers = Math.max(
      1,
      Math.min(Number(values.workers ?? sweep.workers), os.cpus().length),
    );
    maxTrialsOf(values['max-trials']); // refuse a bad value before any worker starts
    if (left > 0)
      await runWorkers(workers, sweep.name, values.db, values['max-trials'], values.lease);
    console.log(await leaderboard(queue, store, sweep.name));
  } finally {
    await store.close();
    await queue.close();
  }
}

export const sweepCommand: Command = {
  name: 'sweep',
  script: 'sweep',
  synopsis: [
    '--config <sweep.json> [--workers N] [--max-trials N] [--lease S]',
    '--worker --sweep <name> [--max-trials N] [--lease S]',
    '--leaderboard --sweep <name>',
  ],
  details: `The first form creates or resumes the sweep, runs it and prints the leaderboard; --worker works on
an existing sweep's queue (set DATABASE_URL to share one) until it is empty or --max-trials N are done.
A worker renews its trial's lease every ${HEARTBEAT_SECONDS} s and after each epoch; a trial whose worker was
silent for --lease S seconds (default ${DEFAULT_LEASE_SECONDS}) is taken over by the next worker, on any host.
options: --db ${DEFAULT_RUNS_DB} (runs store and queue without DATABASE_URL; with it, both are in PostgreSQL)`,
  run: main,
};

runIfMain(import.meta.url, sweepCommand);
