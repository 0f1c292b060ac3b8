/**
 * Load test of the real server process on loopback (autocannon, bounded time per scenario):
 * ingest records/s and latency for SQLite (and PostgreSQL when DATABASE_URL is set),
 * /predict requests/s, and the original project's Locust profile (mixed valid predictions,
 * tiny graphs, 10-feature rows, empty rows) where every invalid request must get 422; and
 * GET /report?n=10000 over 10,000 maximum-size records (time, server peak memory, /health
 * latency while it runs), alone and two at once.
 * Usage: npm run bench:server [-- --duration 8] [-- --report-only] -> bench/results/server.json
 */
import autocannon from 'autocannon';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServerProcess, type ServerProcess } from '../tests/helpers/serverProcess';
import { chain, logRecord } from '../tests/helpers/molecules';
import { createFreshDatabase } from '../tests/helpers/freshPostgresDatabase';
import { listModelDirs } from '../server/models';
import { writeUntrainedModel } from '../tests/helpers/modelDir';
import { TARGETS } from '../src/model';
import { MAX_REQUEST_ATOMS as MAX_ATOMS, MAX_REQUEST_EDGES as MAX_EDGES } from '../src/wire';
import type { LogRecord } from '../server/storage';

const { values: args } = parseArgs({
  args: process.argv.slice(2),
  options: {
    duration: { type: 'string', default: '8' },
    'report-only': { type: 'boolean', default: false },
  },
});
const DURATION_S = Number(args.duration);
if (!(DURATION_S > 0)) throw new Error(`--duration needs seconds, got "${args.duration}"`);
const CONNECTIONS = 10;
const BATCH = 20;
const molecules = ['CCO', 'CCCN', 'CCCCCCC', 'COC', 'CCCCF', 'CC(C)C'.replace(/[()]/g, '')].map(
  chain,
);

interface Scenario {
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  errors: number;
  timeouts: number;
  durationS: number;
  connections: number;
}

function summarize(result: autocannon.Result): Scenario {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stat.count ?? 0;
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    statusCodes,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    connections: result.connections,
  };
}

/** One unmeasured second first, so JIT warm-up and connection set-up stay out of the numbers. */
async function run(options: autocannon.Options): Promise<autocannon.Result> {
  await autocannon({ connections: CONNECTIONS, ...options, duration: 1 });
  return autocannon({ connections: CONNECTIONS, ...options, duration: DURATION_S });
}

async function ingest(server: ServerProcess, label: string) {
  let batchNo = 0;
  const prefix = `${label}-${Date.now().toString(36)}`;
  const result = await run({
    url: `${server.url}/log`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest(req) {
          const b = batchNo++;
          const records = Array.from({ length: BATCH }, (_, i) =>
            logRecord(`${prefix}-${b}-${i}`, molecules[(b + i) % molecules.length], 8 + i / 10),
          );
          return { ...req, body: JSON.stringify({ records }) };
        },
      },
    ],
  });
  const s = summarize(result);
  const ok = s.statusCodes['200'] ?? 0;
  return {
    ...s,
    batchSize: BATCH,
    recordsPerSecond: (ok * BATCH) / result.duration,
    failedRequests: s.requests - ok,
  };
}

const predictBody = (withBonds: boolean) => {
  const g = chain('CCCO');
  return JSON.stringify({
    node_features: g.x,
    edge_index: g.edgeIndex,
    ...(withBonds ? { edge_attr: g.edgeAttr } : {}),
  });
};

async function waitForModel(server: ServerProcess, timeoutMs = 120_000): Promise<string | null> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const res = await fetch(`${server.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: predictBody(true),
    });
    const body = await res.json();
    if (res.status === 200) return null;
    if (res.status === 503 && body.detail !== 'Model not ready') return body.detail;
    await new Promise((r) => setTimeout(r, 500));
  }
  return 'model did not load within 120 s';
}

async function predict(server: ServerProcess, withBonds: boolean) {
  const result = await run({
    url: `${server.url}/predict`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: predictBody(withBonds),
  });
  return summarize(result);
}

const randomInt = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));
const path = (n: number) => [
  Array.from({ length: n - 1 }, (_, i) => i),
  Array.from({ length: n - 1 }, (_, i) => i + 1),
];

/** A POST /predict in the original project's request format. */
const locustPredict = (nodeFeatures: number[][], edgeIndex: number[][]) => ({
  method: 'POST' as const,
  path: '/predict',
  body: JSON.stringify({ node_features: nodeFeatures, edge_index: edgeIndex }),
});

/** A chain of lo to hi atoms (picked at random), atom i's features row(i). */
const locustChain = (lo: number, hi: number, row: (i: number) => number[]) => {
  const n = randomInt(lo, hi);
  return locustPredict(
    Array.from({ length: n }, (_, i) => row(i)),
    path(n),
  );
};

/** The original project's Locust tasks with their weights (health 1, predict 5, tiny 2, three invalid 1 each). */
const LOCUST_TASKS: {
  kind: string;
  weight: number;
  expect: number;
  make: () => { method: 'GET' | 'POST'; path: string; body?: string };
}[] = [
  { kind: 'health', weight: 1, expect: 200, make: () => ({ method: 'GET', path: '/' }) },
  {
    kind: 'valid prediction',
    weight: 5,
    expect: 200,
    make: () => locustChain(3, 20, (i) => Array(11).fill(i % 11)),
  },
  {
    kind: 'tiny graph',
    weight: 2,
    expect: 200,
    make: () => locustChain(2, 5, () => Array(11).fill(0)),
  },
  {
    kind: '10-feature rows',
    weight: 1,
    expect: 422,
    make: () => locustPredict([Array(10).fill(1)], [[0], [0]]),
  },
  { kind: 'empty rows', weight: 1, expect: 422, make: () => locustPredict([], [[0], [0]]) },
  {
    kind: 'inconsistent rows',
    weight: 1,
    expect: 422,
    make: () => locustPredict([Array(11).fill(1), Array(10).fill(1)], [[0], [1]]),
  },
];

async function originalProfile(server: ServerProcess) {
  const totalWeight = LOCUST_TASKS.reduce((s, t) => s + t.weight, 0);
  const byKind: Record<
    string,
    { sent: number; statusCodes: Record<string, number>; expected: number }
  > = {};
  for (const t of LOCUST_TASKS) byKind[t.kind] = { sent: 0, statusCodes: {}, expected: t.expect };
  const samples: string[] = [];
  const result = await run({
    url: server.url,
    requests: [
      {
        setupRequest(req, ctx) {
          const context = ctx as Record<string, unknown>;
          let pick = Math.random() * totalWeight;
          const task = LOCUST_TASKS.find((t) => (pick -= t.weight) < 0) ?? LOCUST_TASKS[0];
          context.kind = task.kind;
          byKind[task.kind].sent++;
          const r = task.make();
          const headers = r.body === undefined ? {} : { 'content-type': 'application/json' };
          return { ...req, method: r.method, path: r.path, body: r.body, headers };
        },
        onResponse(status, body, ctx) {
          const kind = (ctx as Record<string, unknown>).kind as string;
          const k = byKind[kind].statusCodes;
          k[status] = (k[status] ?? 0) + 1;
          if (status !== byKind[kind].expected && samples.length < 5)
            samples.push(`${kind}: ${status} ${body.slice(0, 200)}`);
        },
      },
    ],
  });
  const s = summarize(result);
  const serverErrors = Object.entries(s.statusCodes)
    // 503 only means "no model installed"; anything else in 5xx is a crash on bad input.
    .filter(([c]) => Number(c) >= 500 && Number(c) !== 503)
    .reduce((n, [, v]) => n + v, 0);
  const unexpected = Object.entries(byKind).flatMap(([kind, k]) =>
    Object.entries(k.statusCodes)
      .filter(([code]) => Number(code) !== k.expected)
      .map(([code, count]) => `${kind}: ${count} x HTTP ${code} (expected ${k.expected})`),
  );
  // byKind and unexpected cover the warm-up second too: every answer must be right.
  return { ...s, byKind, serverErrors, unexpected, unexpectedSamples: samples };
}

/** The largest record POST /log accepts: 500 atoms, 4,000 directed edges (about 42 KB of JSON). */
function maximumRecord(key: string, seed: number): LogRecord {
  const nodeFeatures = Array.from({ length: MAX_ATOMS }, (_, i) => {
    const heavy = (i + seed) % 3 !== 0;
    const slot = heavy ? 1 + ((i + seed) % 4) : 0;
    const row = [0, 0, 0, 0, 0, [1, 6, 7, 8, 9][slot], 0, 0, 0, heavy ? 1 : 0, heavy ? i % 4 : 0];
    row[slot] = 1;
    return row;
  });
  const src = Array.from({ length: MAX_EDGES }, (_, e) => (e * 7 + seed) % MAX_ATOMS);
  const dst = Array.from({ length: MAX_EDGES }, (_, e) => (e * 13 + 1 + seed) % MAX_ATOMS);
  return {
    idempotency_key: key,
    node_features: nodeFeatures,
    edge_index: [src, dst],
    prediction: [4 + (seed % 50) / 10],
    model_version: 'bench 1.0.0',
    timestamp: new Date().toISOString(),
  };
}

/** Peak resident memory of a process since the last reset (Linux /proc; root may reset it). */
function peakRssBytes(pid: number): number | null {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function fillWithMaximumRecords(server: ServerProcess, count: number) {
  const perBatch = 20; // about 850 KB: under the default 1 MiB body limit
  const start = performance.now();
  for (let b = 0; b * perBatch < count; b++) {
    const records = Array.from({ length: Math.min(perBatch, count - b * perBatch) }, (_, i) =>
      maximumRecord(`maxsize-${b}-${i}`, b * perBatch + i),
    );
    const res = await fetch(`${server.url}/log`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ records }),
    });
    if (res.status !== 200) throw new Error(`filling: HTTP ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }
  const bytesPerRecord = JSON.stringify(maximumRecord('x', 0)).length;
  return { records: count, bytesPerRecord, seconds: (performance.now() - start) / 1000 };
}

/** GET /report?n=10000 `parallel` times at once while a client polls /health back to back. */
async function reportUnderLoad(server: ServerProcess, n: number, parallel: number) {
  const pid = server.child.pid!;
  const peakResettable = resetPeakRss(pid);
  const rssBefore = peakRssBytes(pid);
  const start = performance.now();
  let running = true;
  const reports = Promise.all(
    Array.from({ length: parallel }, async () => {
      const res = await fetch(`${server.url}/report?n=${n}`, {
        headers: { authorization: 'Bearer bench' },
      });
      const body = await res.json();
      return { status: res.status, seconds: (performance.now() - start) / 1000, body };
    }),
  ).finally(() => (running = false));
  const health: number[] = [];
  while (running) {
    const t = performance.now();
    const res = await fetch(`${server.url}/health`);
    await res.arrayBuffer();
    health.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  const done = await reports;
  health.sort((a, b) => a - b);
  return {
    n,
    parallel,
    statusCodes: done.map((d) => d.status),
    seconds: done.map((d) => Number(d.seconds.toFixed(2))),
    moleculesInReport: done.map((d) => d.body.molecules),
    truncated: done.map((d) => d.body.truncated ?? null),
    serverPeakRssBytes: peakResettable ? peakRssBytes(pid) : null,
    serverRssBeforeBytes: rssBefore,
    peakNote: peakResettable
      ? 'VmHWM of the server process (main thread and report worker), reset just before'
      : 'could not reset VmHWM (not root): peak not measured',
    healthDuringReport: {
      requests: health.length,
      p50Ms: Number(percentile(health, 50).toFixed(1)),
      p99Ms: Number(percentile(health, 99).toFixed(1)),
      maxMs: Number(health[health.length - 1].toFixed(1)),
    },
  };
}

/** Starts a server on env, hands it to work, and stops it (waiting for its exit) however work ends. */
async function withServer<T>(
  env: Record<string, string>,
  work: (server: ServerProcess) => Promise<T>,
): Promise<T> {
  const server = await startServerProcess(env);
  try {
    return await work(server);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

async function reportScenario(baseEnv: Record<string, string>, dir: string) {
  const env = {
    ...baseEnv,
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'report.sqlite'),
    // The shipped model is loaded, as in production; its card holds the drift reference.
    MODELS_DIR: 'public/models',
    DRIFT_JOB_INTERVAL_S: '0',
  };
  return withServer(env, async (server) => {
    console.log('filling 10,000 maximum-size records...');
    const fill = await fillWithMaximumRecords(server, 10_000);
    console.log('/report?n=10000 alone...');
    const alone = await reportUnderLoad(server, 10_000, 1);
    console.log('/report?n=10000 twice at once...');
    const twice = await reportUnderLoad(server, 10_000, 2);
    return { storage: 'SQLite', fill, alone, twice };
  });
}

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'qm9-bench-'));
  const baseEnv = {
    LOG_LEVEL: 'warn',
    LOG_RATE_LIMIT: '1000000000',
    PREDICT_RATE_LIMIT: '1000000000',
    CLIENT_QUOTA_BYTES_PER_DAY: '0',
    REPORT_TOKEN: 'bench',
  };
  const reportOnly = args['report-only'];
  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadAvgAtStart: os.loadavg(),
      // One-minute load above the core count means other jobs shared the CPU with this run.
      note:
        os.loadavg()[0] > os.cpus().length
          ? 'shared machine: other jobs used the cores while this ran; single figures move by up to 2x'
          : 'no other job running at the start',
    },
    settings: {
      durationPerScenarioS: DURATION_S,
      connections: CONNECTIONS,
      ingestBatchRecords: BATCH,
      client: 'autocannon in the bench process; server is a separate process on 127.0.0.1',
    },
  };

  if (reportOnly) {
    const previous = existsSync('bench/results/server.json')
      ? JSON.parse(readFileSync('bench/results/server.json', 'utf8'))
      : {};
    const merged = {
      ...previous,
      reportGeneratedAt: results.generatedAt,
      reportMachine: results.machine,
    };
    merged.report10000 = await reportScenario(baseEnv, dir);
    rmSync(dir, { recursive: true, force: true });
    writeFileSync('bench/results/server.json', `${JSON.stringify(merged, null, 2)}\n`);
    console.log(JSON.stringify(merged.report10000, null, 2));
    return;
  }

  // /predict speed depends on the architecture, not on the weights: without a trained model
  // in public/models, seeded untrained models of the training configs' sizes stand in.
  let modelsDir = 'public/models';
  const installed = await listModelDirs(modelsDir);
  if (installed.length) {
    results.models = installed.map((m) => `${m.name} (${m.kind})`);
  } else {
    modelsDir = join(dir, 'models');
    const targets = TARGETS.map((t) => t.key);
    await writeUntrainedModel(modelsDir, 'qm9-gnn', {
      kind: 'product',
      hidden: 128,
      layers: 4,
      targets,
    });
    await writeUntrainedModel(modelsDir, 'qm9-baseline-gap', {
      kind: 'baseline',
      hidden: 128,
      layers: 3,
      dropout: 0.1,
      targets: ['gap'],
    });
    results.models =
      'no trained model in public/models: untrained stand-ins, product hidden 128 x 4 layers, baseline 128 x 3';
  }
  const sqliteEnv = {
    ...baseEnv,
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'bench.sqlite'),
    MODELS_DIR: modelsDir,
  };
  await withServer(sqliteEnv, async (sqlite) => {
    console.log('ingest (SQLite, synchronous=FULL)...');
    results.ingestSqlite = await ingest(sqlite, 'sqlite');
    const modelProblem = await waitForModel(sqlite);
    if (!modelProblem) {
      const res = await fetch(`${sqlite.url}/predict`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: predictBody(true),
      });
      results.servedModel = (await res.json()).model;
    }
    if (modelProblem) {
      results.predict = { skipped: modelProblem };
      console.log(`/predict skipped: ${modelProblem}`);
    } else {
      console.log('/predict (with bond types)...');
      results.predict = await predict(sqlite, true);
      console.log('/predict (original contract, no bond types)...');
      results.predictOriginalContract = await predict(sqlite, false);
    }
    console.log('original load profile...');
    results.originalLoadProfile = await originalProfile(sqlite);
  });

  // For comparison: synchronous=NORMAL keeps acknowledged records through a process kill
  // but not through a power cut.
  const normalEnv = {
    ...baseEnv,
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'bench-normal.sqlite'),
    SQLITE_SYNCHRONOUS: 'NORMAL',
    MODELS_DIR: join(dir, 'none'),
  };
  results.ingestSqliteSynchronousNormal = await withServer(normalEnv, (normal) => {
    console.log('ingest (SQLite, synchronous=NORMAL)...');
    return ingest(normal, 'sqlite-normal');
  });

  if (process.env.DATABASE_URL) {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL, 'bench');
    try {
      const pgEnv = { ...baseEnv, DATABASE_URL: fresh.url, MODELS_DIR: join(dir, 'none') };
      results.ingestPostgres = await withServer(pgEnv, (pg) => {
        console.log('ingest (PostgreSQL)...');
        return ingest(pg, 'pg');
      });
    } finally {
      await fresh.drop();
    }
  } else {
    results.ingestPostgres = { skipped: 'DATABASE_URL not set (start one with server/test-pg.sh)' };
  }
  results.report10000 = await reportScenario(baseEnv, dir);
  rmSync(dir, { recursive: true, force: true });

  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/server.json', `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  const profile = results.originalLoadProfile as { serverErrors: number; unexpected: string[] };
  if (profile.serverErrors > 0) {
    console.error(`original load profile: ${profile.serverErrors} server errors`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
