/**
 * Load test of the real server process on loopback (autocannon, bounded time per scenario):
 * ingest records/s and latency for SQLite (and PostgreSQL when DATABASE_URL is set),
 * /predict requests/s, and the original project's Locust profile (mixed valid predictions,
 * tiny graphs, 10-feature rows, empty rows) where every invalid request must get 422.
 * Usage: npm run bench:server [-- --duration 8] -> bench/results/server.json
 */
import autocannon from 'autocannon';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { startServerProcess, type ServerProcess } from '../server/testing/serverProcess';
import { chain, logRecord } from '../server/testing/molecules';
import { createFreshDatabase } from '../server/storage/freshPostgresDatabase';
import { listModelDirs } from '../server/models';
import { writeUntrainedModel } from '../server/testing/modelDir';
import { TARGETS } from '../src/model/types';

const durationArg = process.argv.indexOf('--duration');
const DURATION_S = durationArg > 0 ? Number(process.argv[durationArg + 1]) : 8;
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
    make: () => {
      const n = randomInt(3, 20);
      return {
        method: 'POST',
        path: '/predict',
        body: JSON.stringify({
          node_features: Array.from({ length: n }, (_, i) => Array(11).fill(i % 11)),
          edge_index: path(n),
        }),
      };
    },
  },
  {
    kind: 'tiny graph',
    weight: 2,
    expect: 200,
    make: () => {
      const n = randomInt(2, 5);
      return {
        method: 'POST',
        path: '/predict',
        body: JSON.stringify({
          node_features: Array.from({ length: n }, () => Array(11).fill(0)),
          edge_index: path(n),
        }),
      };
    },
  },
  {
    kind: '10-feature rows',
    weight: 1,
    expect: 422,
    make: () => ({
      method: 'POST',
      path: '/predict',
      body: JSON.stringify({ node_features: [Array(10).fill(1)], edge_index: [[0], [0]] }),
    }),
  },
  {
    kind: 'empty rows',
    weight: 1,
    expect: 422,
    make: () => ({
      method: 'POST',
      path: '/predict',
      body: JSON.stringify({ node_features: [], edge_index: [[0], [0]] }),
    }),
  },
  {
    kind: 'inconsistent rows',
    weight: 1,
    expect: 422,
    make: () => ({
      method: 'POST',
      path: '/predict',
      body: JSON.stringify({
        node_features: [Array(11).fill(1), Array(10).fill(1)],
        edge_index: [[0], [1]],
      }),
    }),
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

async function main() {
  const dir = mkdtempSync(join(os.tmpdir(), 'qm9-bench-'));
  const baseEnv = {
    LOG_LEVEL: 'warn',
    LOG_RATE_LIMIT: '1000000000',
    PREDICT_RATE_LIMIT: '1000000000',
    REPORT_TOKEN: 'bench',
  };
  const results: Record<string, unknown> = {
    generatedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      node: process.version,
      loadAvgAtStart: os.loadavg(),
    },
    settings: {
      durationPerScenarioS: DURATION_S,
      connections: CONNECTIONS,
      ingestBatchRecords: BATCH,
      client: 'autocannon in the bench process; server is a separate process on 127.0.0.1',
    },
  };

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
  const sqlite = await startServerProcess({
    ...baseEnv,
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'bench.sqlite'),
    MODELS_DIR: modelsDir,
  });
  try {
    console.log('ingest (SQLite, synchronous=FULL)...');
    results.ingestSqlite = await ingest(sqlite, 'sqlite');
    const modelProblem = await waitForModel(sqlite);
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
  } finally {
    sqlite.child.kill('SIGTERM');
    await sqlite.exited;
  }

  // For comparison: synchronous=NORMAL keeps acknowledged records through a process kill
  // but not through a power cut.
  const normal = await startServerProcess({
    ...baseEnv,
    DATABASE_URL: '',
    SQLITE_FILE: join(dir, 'bench-normal.sqlite'),
    SQLITE_SYNCHRONOUS: 'NORMAL',
    MODELS_DIR: join(dir, 'none'),
  });
  try {
    console.log('ingest (SQLite, synchronous=NORMAL)...');
    results.ingestSqliteSynchronousNormal = await ingest(normal, 'sqlite-normal');
  } finally {
    normal.child.kill('SIGTERM');
    await normal.exited;
  }

  if (process.env.DATABASE_URL) {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL, 'bench');
    const pg = await startServerProcess({
      ...baseEnv,
      DATABASE_URL: fresh.url,
      MODELS_DIR: join(dir, 'none'),
    });
    try {
      console.log('ingest (PostgreSQL)...');
      results.ingestPostgres = await ingest(pg, 'pg');
    } finally {
      pg.child.kill('SIGTERM');
      await pg.exited;
      await fresh.drop();
    }
  } else {
    results.ingestPostgres = { skipped: 'DATABASE_URL not set (start one with server/test-pg.sh)' };
  }
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
