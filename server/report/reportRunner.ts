// Drift reports are computed in a worker thread, one fresh worker per report with a heap
// limit: the server's event loop keeps answering while a large report runs, and the memory a
// report used is returned when its worker ends. Reports beyond the concurrency limit wait in
// a bounded queue; beyond that the caller is told to come back later.
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DriftReference } from '../../src/stats';
import type { DriftReport } from '../drift/report';
import type { StorageLocation } from '../storage/graphReader';

export interface ReportJob {
  location: StorageLocation;
  reference: DriftReference;
  n: number;
  maxBytes: number;
}

export type ReportOutcome =
  | { kind: 'report'; report: DriftReport; bytesRead: number }
  | { kind: 'empty' }
  | { kind: 'error'; message: string; outOfMemory?: boolean };

export class ReportQueueFullError extends Error {
  constructor(readonly waiting: number) {
    super(`${waiting} drift reports are already waiting; try again shortly`);
  }
}

/** The ESM file a package exports under `subpath` (require.resolve would give the CJS one). */
function esmEntry(pkg: string, subpath: string): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${pkg}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  return pathToFileURL(join(dirname(manifestPath), manifest.exports[subpath].import.default)).href;
}

const workerFile = fileURLToPath(new URL('./reportWorker.ts', import.meta.url));
// The worker is TypeScript: it loads itself through tsx's API, the same loader the server runs
// under, so it also works where the parent was started without `--import tsx` (vitest).
const tsxApi = esmEntry('tsx', './esm/api');
const BOOTSTRAP = `(async () => {
  const { tsImport } = await import(${JSON.stringify(tsxApi)});
  await tsImport(${JSON.stringify(pathToFileURL(workerFile).href)}, ${JSON.stringify(import.meta.url)});
})().catch((error) => { throw error; });`;

export class ReportRunner {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly options: { concurrency: number; queue: number; workerMemoryMb: number },
  ) {}

  get active(): number {
    return this.running;
  }

  async run(job: ReportJob): Promise<ReportOutcome> {
    await this.acquire();
    try {
      return await this.inWorker(job);
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.queue) {
      return Promise.reject(new ReportQueueFullError(this.waiting.length));
    }
    // The slot is handed over directly in release(), so no newcomer can overtake the queue.
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private inWorker(job: ReportJob): Promise<ReportOutcome> {
    return new Promise((resolve) => {
      const worker = new Worker(BOOTSTRAP, {
        eval: true,
        workerData: { job },
        resourceLimits: { maxOldGenerationSizeMb: this.options.workerMemoryMb },
        // The worker only computes; its stdout/stderr go to the server's.
        stdout: false,
        stderr: false,
      });
      let settled = false;
      const settle = (outcome: ReportOutcome) => {
        if (settled) return;
        settled = true;
        resolve(outcome);
        void worker.terminate();
      };
      worker.once('message', (outcome: ReportOutcome) => settle(outcome));
      worker.once('error', (error: Error & { code?: string }) =>
        settle(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? {
                kind: 'error',
                outOfMemory: true,
                message: `the report needed more than ${this.options.workerMemoryMb} MB; ask for fewer molecules (smaller n)`,
              }
            : { kind: 'error', message: error.message },
        ),
      );
      worker.once('exit', (code) =>
        settle({ kind: 'error', message: `report worker exited with code ${code}` }),
      );
    });
  }
}
