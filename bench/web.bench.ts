/**
 * The app in headless Chromium: bytes shipped (gzip), page load to first prediction (cold and warm
 * cache), warm single-molecule latency and batch throughput per backend, measured inside the page's
 * own prediction worker. Needs `vite build` first and a model in public/models/qm9-gnn.
 * Usage: npm run bench:web -> bench/results/web.json
 * While trying start-up changes: BENCH_STARTUP_ONLY=1 (page loads only, prints the warm stages, writes
 * nothing; BENCH_BACKENDS=wasm,... adds those backends' batch runs), BENCH_WARM_RUNS=n (default 3), BENCH_DIST=<vite outDir> (default dist).
 * BENCH_BIG_FILES_ONLY=1 runs only the 10,000-record files through the page (read, featurize,
 * predict, rows in the table) and replaces the "bigFiles" entry of bench/results/web.json;
 * BENCH_BIG_FILE_REPEATS=n (default 3) repeats each; BENCH_TRACE=<path prefix> writes a Chrome
 * trace of each big-file run (thread activity and JavaScript samples) for chrome://tracing.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from 'playwright-core';
import { chromiumArgs } from '../playwright.config';
import type { BenchmarkResult } from '../src/ui/worker/protocol';
import { initChem } from '../src/chem';
import { rdkit } from '../src/chem';
import { DEFAULT_DATA } from '../cli/defaults';
import { readQm9Rows } from '../scripts/qm9Table';
import { fragmentCombinations } from '../tests/helpers/fragmentMolecules';

const PORT = Number(process.env.BENCH_PORT ?? 4175);
const BASE = `http://127.0.0.1:${PORT}`;
const DIST = process.env.BENCH_DIST ?? 'dist';
const STARTUP_ONLY = process.env.BENCH_STARTUP_ONLY === '1';
const WARM_RUNS = Number(process.env.BENCH_WARM_RUNS ?? 3);
const BIG_FILES_ONLY = process.env.BENCH_BIG_FILES_ONLY === '1';
const BIG_FILE_RECORDS = 10_000;
/** The second drop of each big file: after the chemistry worker's idle warm-up has had time. */
const DROP_AFTER_IDLE_MS = 10_000;
/** Each big-file run is repeated: two shared cores move single runs by 10-15 %. */
const BIG_FILE_REPEATS = Number(process.env.BENCH_BIG_FILE_REPEATS ?? 3);

type AssetKind =
  | 'page JS'
  | 'page CSS'
  | 'HTML'
  | 'worker JS'
  | 'wasm'
  | 'service worker'
  | 'lazy JS'
  | 'lazy data';

/** What loads when: the page and prediction worker before the first prediction, the rest on demand. */
function assetKind(name: string): AssetKind {
  if (name.endsWith('.html')) return 'HTML';
  if (name.endsWith('.css')) return 'page CSS';
  if (name.endsWith('.wasm')) return 'wasm';
  if (name.startsWith('predict.worker') || name.startsWith('chem.worker')) return 'worker JS';
  if (name === 'sw.js' || name === 'registerSW.js' || name.startsWith('workbox-'))
    return 'service worker';
  // index- is the small entry chunk that starts the worker; startApp- is React and the app it loads at once.
  if (
    name.startsWith('index-') ||
    name.startsWith('startApp-') ||
    name.startsWith('rolldown-runtime')
  )
    return 'page JS';
  if (name.endsWith('.json') || name.endsWith('.webmanifest')) return 'lazy data';
  // Dynamic chunks: 3Dmol, the model page, the structure worker, tfjs' WebGPU backend.
  return 'lazy JS';
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

function bundleSizes() {
  const files = walk(DIST)
    .filter((path) => !path.includes(`${DIST}/models/`))
    .map((path) => {
      const bytes = readFileSync(path);
      const name = path.slice(path.lastIndexOf('/') + 1);
      return {
        file: path.slice(DIST.length + 1),
        kind: assetKind(name),
        bytes: bytes.length,
        gzipBytes: gzipSync(bytes, { level: 9 }).length,
      };
    })
    .filter((f) => /\.(js|css|html|wasm|json)$/.test(f.file))
    .sort((a, b) => b.gzipBytes - a.gzipBytes);
  const byKind: Record<string, { bytes: number; gzipBytes: number }> = {};
  for (const f of files) {
    byKind[f.kind] ??= { bytes: 0, gzipBytes: 0 };
    byKind[f.kind].bytes += f.bytes;
    byKind[f.kind].gzipBytes += f.gzipBytes;
  }
  const tfWasmVariants = files.filter((f) => f.file.includes('tfjs-backend-wasm'));
  const threaded = tfWasmVariants.find((f) => f.file.includes('threaded-simd'));
  const rdkitWasm = files.find((f) => f.file.includes('RDKit_minimal'));
  // What a first visit downloads before its first prediction: page + worker + RDKit + one tfjs wasm.
  const firstPrediction =
    (byKind['HTML']?.gzipBytes ?? 0) +
    (byKind['page JS']?.gzipBytes ?? 0) +
    (byKind['page CSS']?.gzipBytes ?? 0) +
    (byKind['worker JS']?.gzipBytes ?? 0) +
    (rdkitWasm?.gzipBytes ?? 0) +
    (threaded?.gzipBytes ?? 0);
  const model = walk(join(DIST, 'models')).reduce((sum, path) => sum + statSync(path).size, 0);
  return { files, byKind, firstPredictionGzipBytes: firstPrediction, modelFilesBytes: model };
}

async function startPreview(): Promise<() => void> {
  // Node runs vite itself (no npx wrapper), so stopping the child stops the server.
  const child = spawn(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'preview',
      '--port',
      String(PORT),
      '--strictPort',
      '--host',
      '127.0.0.1',
      '--outDir',
      DIST,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('vite preview did not start within 30 s')),
      30_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes(String(PORT))) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`vite preview exited with ${code}`)));
  });
  return () => child.kill('SIGTERM');
}

/** Start-up marks (page and worker) in ms since navigation, rounded, in the order they happened. */
type Stages = Record<string, number>;

/**
 * The page's performance marks: its own (boot, worker requested, React render) and the worker's
 * (script running, RDKit, each backend's probe/init/model load/warm-up), which engine.ts places on the
 * page's timeline from the model-ready message; plus when the worker script and wasm files arrived.
 */
async function startupStages(page: Page): Promise<Stages> {
  return page.evaluate(() => {
    const stages: Record<string, number> = {};
    for (const mark of performance.getEntriesByType('mark')) {
      stages[mark.name] = Math.round(mark.startTime);
    }
    for (const entry of performance.getEntriesByType('resource')) {
      const file = entry.name.slice(entry.name.lastIndexOf('/') + 1);
      if (/^(predict\.worker|chem\.worker|index|startApp)-.*\.js$/.test(file)) {
        stages[`fetched ${file.replace(/-[\w-]+\.js$/, '.js')}`] = Math.round(
          (entry as PerformanceResourceTiming).responseEnd,
        );
      }
    }
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    stages['page DOMContentLoaded'] = Math.round(nav.domContentLoadedEventEnd);
    return Object.fromEntries(Object.entries(stages).sort((a, b) => a[1] - b[1]));
  });
}

/**
 * Runs in the page before its own scripts: marks when the gap value enters the DOM and the next
 * animation frame after it (the frame that paints it), in the page's own clock. Playwright's
 * polling from Node adds its round trips on top, so the in-page figure is the one reported.
 */
function markGapOnScreen(): void {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid=value-gap]')?.textContent) return;
    observer.disconnect();
    performance.mark('gap in DOM');
    requestAnimationFrame(() => performance.mark('gap painted'));
  });
  document.addEventListener('DOMContentLoaded', () =>
    observer.observe(document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    }),
  );
}

/** Navigation to the first prediction on screen, through a ?smiles= link (parse + featurize + predict). */
async function timeToFirstPrediction(page: Page): Promise<{
  /** Navigation start to the frame that paints the gap value, in the page's clock. */
  firstPredictionMs: number;
  /** The same seen from Node through Playwright's polling (adds its round trips). */
  firstPredictionPolledMs: number;
  pageLongTasks: string[];
  editorReadyMs: number;
  modelReadyMs: number;
  loadAverage1m: number;
  stages: Stages;
}> {
  const start = Date.now();
  await page.goto(`${BASE}/?smiles=CCO&name=ethanol`);
  const editor = page.getByTestId('editor').locator('canvas').first();
  const ready = page.locator('[data-testid=active-backend][data-status=ready]');
  const value = page.getByTestId('value-gap');
  let editorReadyMs = NaN;
  let modelReadyMs = NaN;
  await Promise.all([
    editor.waitFor({ timeout: 120_000 }).then(() => (editorReadyMs = Date.now() - start)),
    ready.waitFor({ timeout: 120_000 }).then(() => (modelReadyMs = Date.now() - start)),
    value.waitFor({ timeout: 120_000 }),
  ]);
  await page.waitForFunction(
    () => (document.querySelector('[data-testid=value-gap]')?.textContent ?? '') !== '',
    null,
    {
      timeout: 120_000,
    },
  );
  const firstPredictionPolledMs = Date.now() - start;
  await page.waitForFunction(() => performance.getEntriesByName('gap painted').length > 0);
  const stages = await startupStages(page);
  return {
    firstPredictionMs: stages['gap painted'],
    firstPredictionPolledMs,
    editorReadyMs,
    modelReadyMs,
    // The CPU is shared (2 cores, a training job): the load says how far a figure is from an idle machine.
    loadAverage1m: os.loadavg()[0],
    stages,
    pageLongTasks: await longTasks(page),
  };
}

/** The page main thread's tasks over 50 ms until now, as "start+duration" in ms since navigation. */
async function longTasks(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        new PerformanceObserver((list, observer) => {
          observer.disconnect();
          resolve(
            list.getEntries().map((e) => `${Math.round(e.startTime)}+${Math.round(e.duration)}`),
          );
        }).observe({ type: 'longtask', buffered: true });
        setTimeout(() => resolve([]), 1000);
      }),
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function benchBackend(page: Page, backend: string, batchSize: number) {
  await page.goto(`${BASE}/?bench=1&backend=${backend}`);
  const status = page.getByTestId('active-backend');
  await page
    .locator('[data-testid=active-backend]:not([data-status=loading])')
    .waitFor({ timeout: 180_000 });
  const active = await status.getAttribute('data-backend');
  if (active !== backend)
    return {
      backend,
      error: `page fell back to ${active || 'nothing'}: ${await page
        .getByTestId('backend-notice')
        .textContent()
        .catch(() => '')}`,
    };
  const result = await page.evaluate(
    ([smiles, size]) =>
      (
        window as unknown as {
          qm9Bench: (s: string[], r: number, b: number) => Promise<BenchmarkResult>;
        }
      ).qm9Bench(smiles, 30, size),
    // Different molecules: the model shares work between identical atom environments in a batch,
    // so a few molecules repeated would flatter its throughput.
    [bigFileMolecules().smiles.slice(0, batchSize), batchSize] as const,
  );
  const warm = result.singleMs.slice(5);
  return {
    backend,
    singleMoleculeMs: {
      median: median(warm),
      min: Math.min(...warm),
      max: Math.max(...warm),
      repeats: warm.length,
    },
    batch: {
      molecules: result.batchMolecules,
      ms: result.batchMs,
      moleculesPerSecond: (result.batchMolecules / result.batchMs) * 1000,
    },
    featurizeMoleculesPerSecond:
      (Math.min(batchSize, BIG_FILE_RECORDS) / result.featurizeMs) * 1000,
    crossOriginIsolated: await page.evaluate(() => self.crossOriginIsolated),
  };
}

/**
 * The big files' molecules, all different: the model's first layers share work between atoms in
 * the same environment across a batch, so a file of a few molecules repeated would flatter it.
 * QM9's own molecules (spread over the table, read at run time, never stored) when its table is
 * here; else the 1,000 fragment combinations of tests/helpers/fragmentMolecules.ts, each 10 times.
 */
let bigFileMoleculesRead: { smiles: string[]; origin: string } | null = null;

function bigFileMolecules(): { smiles: string[]; origin: string } {
  bigFileMoleculesRead ??= readBigFileMolecules();
  return bigFileMoleculesRead;
}

function readBigFileMolecules(): { smiles: string[]; origin: string } {
  if (existsSync(DEFAULT_DATA)) {
    const rows = readQm9Rows(DEFAULT_DATA).filter((r) => r.uncharacterized === '0');
    const step = rows.length / BIG_FILE_RECORDS;
    return {
      smiles: Array.from({ length: BIG_FILE_RECORDS }, (_, i) => rows[Math.floor(i * step)].smiles),
      origin: `${BIG_FILE_RECORDS} different QM9 molecules, every ${step.toFixed(1)}th characterized row`,
    };
  }
  const combos = fragmentCombinations();
  return {
    smiles: Array.from({ length: BIG_FILE_RECORDS }, (_, i) => combos[i % combos.length]),
    origin: `QM9 table not found: ${combos.length} fragment combinations, each ${BIG_FILE_RECORDS / combos.length} times`,
  };
}

/** 10,000 SMILES lines, each named. */
function bigSmilesFile(smiles: string[]): string {
  return smiles.map((s, i) => `${s} m${i + 1}`).join('\n');
}

/** 10,000 SD records with 2D coordinates (RDKit's layout) and an ID data field each. */
async function bigSdFile(smiles: string[]): Promise<string> {
  await initChem();
  return smiles
    .map((s, i) => {
      const mol = rdkit().get_mol(s)!;
      mol.set_new_coords();
      const [, ...rest] = mol.get_molblock().replace(/\n*$/, '\n').split('\n');
      mol.delete();
      return [`m${i + 1}`, ...rest].join('\n') + `> <ID>\nB-${i + 1}\n\n$$$$\n`;
    })
    .join('');
}

/**
 * One big file dropped on a page whose model is loaded, timed in the page's clock from the drop to
 * the frame in which the table counts every record, with the job's switch from reading to
 * predicting on the way. Responsiveness: the longest gap between animation frames and the main
 * thread's long tasks while the job ran.
 */
async function bigFile(page: Page, name: string, content: string, dropAfterIdleMs: number) {
  // tsx keeps function names with a __name helper that the page does not have.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.goto(`${BASE}/?backend=wasm`);
  await page
    .locator('[data-testid=active-backend][data-status=ready]')
    .waitFor({ timeout: 180_000 });
  await page.waitForTimeout(dropAfterIdleMs);
  const loadAtStart = os.loadavg()[0];
  const trace = process.env.BENCH_TRACE;
  if (trace) {
    await page
      .context()
      .browser()!
      .startTracing(undefined, {
        path: `${trace}-${name}-${dropAfterIdleMs}.json`,
        // BENCH_TRACE_CATEGORIES=toplevel,v8,v8.wasm,disabled-by-default-v8.compile shows compilation.
        categories: process.env.BENCH_TRACE_CATEGORIES?.split(',') ?? [
          'toplevel',
          'devtools.timeline',
          'v8.execute',
          'disabled-by-default-v8.cpu_profiler',
        ],
      });
  }
  // The 8 MB SD file crosses into the page and becomes a File in a task of its own: in the drop's
  // task it was the job's longest main-thread task (1.1-1.3 s) though it happened before the drop.
  await page.evaluate(
    ([fileName, text]) => {
      (globalThis as unknown as { benchFile: File }).benchFile = new File([text], fileName, {
        type: 'text/plain',
      });
    },
    [name, content] as const,
  );
  const cpuBefore = browserCpu();
  const result = await page.evaluate(
    ([records]) =>
      new Promise<{
        readMs: number;
        totalMs: number;
        maxFrameGapMs: number;
        longTasks: number[];
        phase: string;
      }>((resolve) => {
        const longTasks: number[] = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) longTasks.push(Math.round(e.duration));
        }).observe({ type: 'longtask' });
        const transfer = new DataTransfer();
        transfer.items.add((globalThis as unknown as { benchFile: File }).benchFile);
        const main = document.querySelector('main')!;
        const start = performance.now();
        for (const type of ['dragenter', 'dragover', 'drop']) {
          main.dispatchEvent(
            new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }),
          );
        }
        let readMs = NaN;
        let last = start;
        let maxFrameGapMs = 0;
        const frame = () => {
          const now = performance.now();
          maxFrameGapMs = Math.max(maxFrameGapMs, now - last);
          last = now;
          const phase = document.querySelector('[data-testid=job]')?.getAttribute('data-phase');
          if (phase === 'predicting' && Number.isNaN(readMs)) readMs = now - start;
          const counts = document.querySelector('[data-testid=batch-counts]')?.textContent ?? '';
          const finished = phase === 'done' || phase === 'failed' || phase === 'cancelled';
          if (finished && counts.startsWith(`${records} rows`)) {
            resolve({ readMs, totalMs: now - start, maxFrameGapMs, longTasks, phase });
          } else requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      }),
    [BIG_FILE_RECORDS] as const,
  );
  const cpu = cpuSince(cpuBefore);
  if (trace) await page.context().browser()!.stopTracing();
  return {
    file: name,
    dropAfterIdleMs,
    records: BIG_FILE_RECORDS,
    bytes: Buffer.byteLength(content),
    backend: await page.getByTestId('active-backend').getAttribute('data-backend'),
    endToEndMs: Math.round(result.totalMs),
    moleculesPerSecond: Math.round((BIG_FILE_RECORDS / result.totalMs) * 1000),
    readAndFeaturizeMs: Math.round(result.readMs),
    predictAndTableMs: Math.round(result.totalMs - result.readMs),
    maxFrameGapMs: Math.round(result.maxFrameGapMs),
    longTasksOver50Ms: result.longTasks.length,
    longestTaskMs: Math.max(0, ...result.longTasks),
    jobPhase: result.phase,
    cpuMs: cpu,
    // Two shared cores: the figures move with the load of everything else on the machine.
    loadAverage1mAtStart: loadAtStart,
    loadAverage1m: os.loadavg()[0],
  };
}

type CpuMs = {
  total: number;
  mainThreads: number;
  workers: number;
  background: number;
  /** The same time by thread name (Chromium names its threads by role), busiest first. */
  byThread: Record<string, number>;
  /**
   * Each dedicated worker's own time, busiest first: Chromium gives the chemistry worker, the
   * model's and the model helper's threads one name, so byThread adds them up.
   */
  eachWorker: number[];
};
/** A reading to subtract from a later one: also each worker thread's time by its id. */
type CpuReading = CpuMs & { workerTids: Record<string, number> };

/**
 * CPU time of every Chromium thread (Linux /proc), grouped by what runs there: main threads (the
 * page's JavaScript, layout and paint, and the browser's), dedicated workers (chemistry, model,
 * model helper) and everything else (V8's background compilers and garbage collectors,
 * compositor), so far.
 */
function browserCpu(): CpuReading {
  const ms: CpuReading = {
    total: 0,
    mainThreads: 0,
    workers: 0,
    background: 0,
    byThread: {},
    eachWorker: [],
    workerTids: {},
  };
  const tick = 1000 / 100; // USER_HZ
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let tasks: string[];
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').includes('chrom')) continue;
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended meanwhile
    }
    for (const tid of tasks) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const thread = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const used = (Number(fields[11]) + Number(fields[12])) * tick;
      const group = thread.startsWith('DedicatedWorker')
        ? 'workers'
        : tid === pid
          ? 'mainThreads'
          : 'background';
      ms[group] += used;
      ms.total += used;
      const role = tid === pid ? `${thread} (main)` : thread;
      ms.byThread[role] = (ms.byThread[role] ?? 0) + used;
      if (group === 'workers') ms.workerTids[`${pid}/${tid}`] = used;
    }
  }
  return ms;
}

/** The CPU time spent since an earlier reading. */
function cpuSince(since: CpuReading): CpuMs {
  const ms = browserCpu();
  const eachWorker = Object.entries(ms.workerTids)
    .map(([tid, used]) => used - (since.workerTids[tid] ?? 0))
    .filter((used) => used > 0)
    .sort((a, b) => b - a);
  const byThread = Object.entries(ms.byThread)
    .map(([role, used]) => [role, used - (since.byThread[role] ?? 0)] as const)
    .filter(([, used]) => used > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    total: ms.total - since.total,
    mainThreads: ms.mainThreads - since.mainThreads,
    workers: ms.workers - since.workers,
    background: ms.background - since.background,
    byThread: Object.fromEntries(byThread),
    eachWorker,
  };
}

async function bigFiles(page: Page) {
  const molecules = bigFileMolecules();
  const smi = bigSmilesFile(molecules.smiles);
  const sdf = await bigSdFile(molecules.smiles);
  // Every timed run is then a returning visit: the first big job in a browser profile compiles
  // RDKit's optimized code, which Chromium caches for the page's later visits. Each file once: a
  // SMILES job leaves RDKit's molfile reader cold, and the first timed SD file was a first visit.
  const firstJobs = [
    await bigFile(page, 'big.smi', smi, 0),
    await bigFile(page, 'big.sdf', sdf, 0),
  ];
  console.log('first big jobs in this browser', JSON.stringify(firstJobs));
  const runs: Awaited<ReturnType<typeof bigFile>>[] = [];
  for (let repeat = 0; repeat < BIG_FILE_REPEATS; repeat++) {
    for (const idle of [0, DROP_AFTER_IDLE_MS]) {
      runs.push(await bigFile(page, 'big.smi', smi, idle));
      runs.push(await bigFile(page, 'big.sdf', sdf, idle));
    }
  }
  for (const run of runs) console.log(JSON.stringify(run));
  const summary = ['big.smi', 'big.sdf'].flatMap((file) =>
    [0, DROP_AFTER_IDLE_MS].map((dropAfterIdleMs) => {
      const same = runs.filter((r) => r.file === file && r.dropAfterIdleMs === dropAfterIdleMs);
      return {
        file,
        dropAfterIdleMs,
        runs: same.length,
        medianMoleculesPerSecond: median(same.map((r) => r.moleculesPerSecond)),
        medianEndToEndMs: median(same.map((r) => r.endToEndMs)),
        medianCpuMs: median(same.map((r) => r.cpuMs.total)),
        maxFrameGapMs: Math.max(...same.map((r) => r.maxFrameGapMs)),
      };
    }),
  );
  console.table(summary);
  return {
    notes: [
      'A 10,000-record file dropped on the page (wasm backend): from the drop event to the animation frame in which the table counts all 10,000 rows, in the page clock. readAndFeaturizeMs ends when the job switches to predicting.',
      'Responsiveness while the job runs: maxFrameGapMs is the longest time between two animation frames of the page; longTasksOver50Ms counts main-thread tasks over 50 ms.',
      `Molecules: ${molecules.origin}; the SD file carries RDKit 2D coordinates and an ID field.`,
      'The model predicts chunks of 256 to 1,024 rows (whatever has been read, in 256-molecule forward passes) while the chemistry worker reads on, so readAndFeaturizeMs includes predicting what was read so far and predictAndTableMs is only what is left after the read. The 3D view and new 2D drawings wait for the job to end, so neither is in these figures.',
      'loadAverage1mAtStart / loadAverage1m: the 1-minute load average before the drop and after the table is full (2 cores).',
      `Each file and idle time ${BIG_FILE_REPEATS} times; summary holds the medians. cpuMs: CPU time of all Chromium threads from the drop to the full table (Linux /proc): the page's and browser's main threads, the dedicated workers (chemistry, model, model helper) and the background threads (V8's compilers and garbage collectors, the compositor). byThread splits it by thread name (all dedicated workers share one name; ThreadPoolForeg is V8's background compilation and garbage collection), eachWorker gives each dedicated worker's own time, busiest first. Playwright hands the file to the page before the CPU reading and the page clock start.`,
      'Two cores: the model helper (src/ui/worker/modelHelper.ts, a second copy of the model in its own worker, started after 3 s of idle) takes chunks once RDKit has read the file; while RDKit reads, a second model thread would take its core.',
      'firstJobsInThisBrowser: each file dropped once at once before the timed runs (SMILES, then SD file), left out of the summary: every timed run is a returning visit, whose RDKit code (the SMILES parser and the molfile reader alike) Chromium compiled and cached on an earlier visit. In a fresh profile (BENCH_BIG_FILES_ONLY=1) the SMILES job is a first visit; in a full run the startup and backend benchmarks have visited before. Until 2026-12-02 only the SMILES file went first, so the first timed SD file dropped at once was the first visit of the molfile reader.',
      `dropAfterIdleMs: how long the ready page sat before the drop. 0 is a file dropped the moment the model is ready, while RDKit's code is still unoptimized (the first ~1,500 molecules read several times slower); ${DROP_AFTER_IDLE_MS} ms is a user who takes a few seconds to pick the file, time in which the chemistry worker warms RDKit up (src/ui/worker/chemWarmUp.ts) and the prediction worker rehearses a whole job (src/ui/worker/rehearsal.ts), both on molecules other than these.`,
    ],
    date: new Date().toISOString(),
    summary,
    firstJobsInThisBrowser: firstJobs,
    runs,
  };
}

/** Each stage's median over the warm runs (stages missing from a run are left out of its median). */
function printMedianStages(
  runs: { firstPredictionMs: number; stages: Stages; pageLongTasks: string[] }[],
): void {
  const names = [...new Set(runs.flatMap((run) => Object.keys(run.stages)))];
  const rows = names
    .map((name) => {
      const times = runs.flatMap((run) => (name in run.stages ? [run.stages[name]] : []));
      return [name, median(times)] as const;
    })
    .sort((a, b) => a[1] - b[1]);
  for (const [name, ms] of rows) console.log(`${String(ms).padStart(6)}  ${name}`);
  for (const run of runs) console.log(`page long tasks: ${run.pageLongTasks.join(' ')}`);
  console.log(
    `first prediction (warm, median of ${runs.length}): ${median(runs.map((r) => r.firstPredictionMs))} ms; load ${os.loadavg()[0].toFixed(2)}`,
  );
}

async function main(): Promise<void> {
  const sizes = bundleSizes();
  const stop = await startPreview();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: chromiumArgs,
    headless: true,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.addInitScript(markGapOnScreen);
    const page = await context.newPage();
    if (BIG_FILES_ONLY) {
      const previous = existsSync('bench/results/web.json')
        ? (JSON.parse(readFileSync('bench/results/web.json', 'utf8')) as Record<string, unknown>)
        : {};
      const merged = { ...previous, bigFiles: await bigFiles(page) };
      writeFileSync('bench/results/web.json', JSON.stringify(merged, null, 2) + '\n');
      return;
    }
    const cold = await timeToFirstPrediction(page);
    console.log('cold first prediction', JSON.stringify(cold));
    const warmRuns = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      warmRuns.push(await timeToFirstPrediction(page));
      console.log('warm first prediction', JSON.stringify(warmRuns[i]));
    }
    if (STARTUP_ONLY) {
      printMedianStages(warmRuns);
      for (const backend of process.env.BENCH_BACKENDS?.split(',') ?? []) {
        console.log(JSON.stringify(await benchBackend(page, backend, 4096)));
      }
      return;
    }
    const backends = [];
    for (const [backend, batchSize] of [
      // tfjs-cpu loops over every segment in UnsortedSegmentSum, and the GPU backends run on
      // SwiftShader without a GPU: smaller batches keep those runs to seconds.
      ['wasm', 4096],
      ['cpu', 64],
      ['webgl', 128],
      ['webgpu', 64],
    ] as const) {
      backends.push(await benchBackend(page, backend, batchSize));
      console.log(JSON.stringify(backends[backends.length - 1]));
    }
    const adapter = await page.evaluate(async () => {
      const gpu = (
        navigator as unknown as {
          gpu?: {
            requestAdapter(): Promise<{
              info?: { vendor: string; architecture: string; description: string };
            } | null>;
          };
        }
      ).gpu;
      const a = await gpu?.requestAdapter();
      return a?.info
        ? `${a.info.vendor} ${a.info.architecture} ${a.info.description}`.trim()
        : a
          ? 'adapter without info'
          : 'none';
    });
    const result = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      },
      browser: `Chromium ${browser.version()} headless`,
      webgpuAdapter: adapter,
      notes: [
        'Single-molecule latency and batch throughput are predict() calls inside the page worker on the named backend, after warm-up; the batch holds different molecules (the first ones of the big files), and the single-molecule runs take them in turn.',
        'First prediction: navigation to /?smiles=CCO until the gap value is on screen (worker start, RDKit + tfjs wasm, model load, featurize, predict): the “gap painted” mark, the first animation frame after the value enters the DOM, in the page clock (ms since navigation start). firstPredictionPolledMs is the same seen from Node through Playwright polling, including its round trips.',
        'stages: performance marks in ms since navigation, page ("boot", "worker requested", "react render requested") and worker ("worker: ..."; auto answers on wasm first, then probes webgpu/webgl). loadAverage1m: the 1-minute load average when the run ended.',
        'Without a real GPU, Chromium runs WebGPU and WebGL on SwiftShader (CPU): those figures check function, not GPU speed.',
      ],
      bundle: sizes,
      pageLoad: {
        coldCache: cold,
        warmCache: warmRuns,
        warmCacheFirstPredictionMedianMs: median(warmRuns.map((r) => r.firstPredictionMs)),
      },
      backends,
      bigFiles: await bigFiles(page),
    };
    mkdirSync('bench/results', { recursive: true });
    writeFileSync('bench/results/web.json', JSON.stringify(result, null, 2) + '\n');
    console.log(
      JSON.stringify(
        {
          firstPredictionCold: cold.firstPredictionMs,
          firstPredictionWarm: result.pageLoad.warmCacheFirstPredictionMedianMs,
          gzipFirstVisit: sizes.firstPredictionGzipBytes,
        },
        null,
        1,
      ),
    );
  } finally {
    await browser.close();
    stop();
  }
}

await main();
