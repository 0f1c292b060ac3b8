import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase } from '../helpers/freshPostgresDatabase';
import { TARGETS, type TargetKey } from '../../src/model/types';
import { RunsStore } from '../../training/runsStore';
import { workerGone } from '../../training/sweep';
import { openSweepQueue } from '../../training/sweepQueue';
import { expandTrials, medianStops, parseSweepConfig } from '../../training/sweepSpace';
import { writeQm9Csv } from '../helpers/qm9CsvFile';
import { TEST_SMILES } from '../helpers/trainingMolecules';

const DATABASE_URL = process.env.DATABASE_URL;
if (!DATABASE_URL)
  console.warn(
    'sweep.test.ts: the two-worker PostgreSQL queue test is SKIPPED because DATABASE_URL is not set (export "$(server/test-pg.sh start)")',
  );

let tmp: string;

function sweepCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'training/sweep.ts', ...args], {
    env: { ...process.env, DATABASE_URL: '', ...env },
    detached: true,
  });
  let err = '';
  let out = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, done, err: () => err, out: () => out };
}

/** Processes of a process group that are neither gone nor zombies (Linux /proc). */
function livingInGroup(pgid: number): number {
  let n = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z') n++;
  }
  return n;
}

async function waitFor(ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > timeoutMs) throw new Error(`not true after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function writeSweep(name: string, trials: number, workers = 1, epochs = 3): Promise<string> {
  const base = path.join(tmp, `${name}-base.json`);
  await writeFile(
    base,
    JSON.stringify({
      name: 'mini',
      data: path.join(tmp, 'made-up.csv.gz'),
      cacheDir: path.join(tmp, 'cache'),
      runsDir: path.join(tmp, 'runs'),
      architecture: { kind: 'product', hidden: 4, layers: 1, targets: ['gap'] },
      epochs,
      batchSize: 16,
    }),
  );
  const file = path.join(tmp, `${name}.json`);
  await writeFile(
    file,
    JSON.stringify({
      name,
      base,
      space: {
        learningRate: { logUniform: [1e-4, 1e-2] },
        'architecture.hidden': { choice: [4, 6] },
      },
      trials,
      metric: 'valMae.gap',
      scheduler: { kind: 'none' },
      workers,
    }),
  );
  return file;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'sweep-test-'));
  await writeQm9Csv(
    path.join(tmp, 'made-up.csv.gz'),
    TEST_SMILES.slice(0, 63).map((smiles, i) => ({
      gdbIdx: i + 1,
      smiles,
      values: Object.fromEntries(
        TARGETS.map((t, k) => [t.key, (k + 1) * smiles.length + 0.1 * (i % 7)]),
      ) as Record<TargetKey, number>,
    })),
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('search space', () => {
  const base = { name: 's', base: 'b.json' };
  it('expands a grid to every combination and a seeded random search reproducibly', () => {
    const grid = parseSweepConfig(
      { ...base, search: 'grid', space: { a: { choice: [1, 2, 3] }, b: { choice: ['x', 'y'] } } },
      's.json',
    );
    expect(expandTrials(grid)).toHaveLength(6);
    const random = parseSweepConfig(
      {
        ...base,
        trials: 20,
        seed: 3,
        space: { lr: { logUniform: [1e-4, 1e-2] }, n: { int: [1, 3] } },
      },
      's.json',
    );
    const trials = expandTrials(random);
    expect(trials).toEqual(expandTrials(random));
    for (const t of trials) {
      expect(t.lr as number).toBeGreaterThanOrEqual(1e-4);
      expect(t.lr as number).toBeLessThanOrEqual(1e-2);
      expect([1, 2, 3]).toContain(t.n);
    }
  });
  it('names the key at fault', () => {
    expect(() => parseSweepConfig({ ...base, space: { lr: { log: [1, 2] } } }, 's.json')).toThrow(
      /s\.json is not a valid sweep config:\n {2}space\.lr: must be one of \{"choice": \[\.\.\.\]\}, \{"uniform"/,
    );
    expect(() =>
      parseSweepConfig({ ...base, search: 'grid', space: { lr: { uniform: [0, 1] } } }, 's.json'),
    ).toThrow('grid search needs choice lists, but space.lr is a range');
    expect(() =>
      parseSweepConfig({ ...base, space: { lr: { uniform: [1, 0] } } }, 's.json'),
    ).toThrow('space.lr: the range must go from low to high');
  });
  it('median stopping stops a trial worse than the median of the others at the same epoch', () => {
    const rule = { graceEpochs: 2, minTrials: 3 };
    expect(medianStops(0.5, [0.3, 0.4, 0.6], 2, rule)).toBe(true);
    expect(medianStops(0.35, [0.3, 0.4, 0.6], 2, rule)).toBe(false);
    expect(medianStops(0.9, [0.3, 0.4, 0.6], 1, rule)).toBe(false); // grace period
    expect(medianStops(0.9, [0.3, 0.4], 2, rule)).toBe(false); // too few to judge
  });
});

describe('a worker that is gone', () => {
  it('is one whose process exited, or a zombie nobody reaped (its trial goes back in the queue)', async () => {
    expect(workerGone(`${hostname()}:${process.pid}`)).toBe(false);
    expect(workerGone(`another-host:${process.pid}`)).toBe(false); // cannot tell from here
    // A parent that never reaps its child, as PID 1 in many containers: the child is a zombie.
    const parent = spawn('python3', [
      '-c',
      'import os,sys,time\npid=os.fork()\nif pid==0: os._exit(0)\nprint(pid,flush=True)\ntime.sleep(30)',
    ]);
    try {
      const pid = await new Promise<number>((resolve) =>
        parent.stdout.once('data', (c: Buffer) => resolve(Number(c.toString().trim()))),
      );
      await waitFor(() => workerGone(`${hostname()}:${pid}`));
      parent.kill('SIGKILL');
      await new Promise((r) => parent.once('exit', r));
      expect(workerGone(`${hostname()}:${parent.pid}`)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
  });
});

describe('npm run sweep (SQLite queue)', () => {
  it('resumes after a kill: the interrupted trial goes back in the queue and every trial finishes once', async () => {
    const db = path.join(tmp, 'resume.sqlite');
    // Enough epochs that the second trial is still training when the kill lands, however fast
    // the machine.
    const config = await writeSweep('resume', 4, 1, 100);
    const first = sweepCli(['--config', config, '--db', db]);
    // Kill the sweep and its worker while the second trial trains.
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/trial 2 /.test(first.err())) {
          clearInterval(timer);
          process.kill(-first.child.pid!, 'SIGKILL');
          resolve();
        }
      }, 50);
      void first.done.then(() => {
        clearInterval(timer);
        reject(new Error(`sweep ended before it could be killed:\n${first.err()}`));
      });
    });
    await first.done;
    // SIGKILL reaches the worker (a grandchild) asynchronously; resume only once it is dead.
    await waitFor(() => livingInGroup(first.child.pid!) === 0);
    const second = sweepCli(['--config', config, '--db', db]);
    expect(await second.done, second.err()).toBe(0);
    expect(second.err()).toMatch(/resumed, 1 interrupted trials back in the queue/);
    expect(second.out()).toMatch(/^rank\s+trial\s+status\s+epochs\s+best valMae\.gap/m);
    const queue = openSweepQueue({ sqliteFile: db });
    const trials = await queue.trials('resume');
    await queue.close();
    expect(trials.map((t) => t.status)).toEqual(['finished', 'finished', 'finished', 'finished']);
    const store = new RunsStore(db);
    const runs = store.list({ sweepId: 'resume' });
    store.close();
    expect(runs.filter((r) => r.status === 'finished')).toHaveLength(4);
    expect(new Set(trials.map((t) => t.runId)).size).toBe(4);
  }, 300_000);
});

describe.skipIf(!DATABASE_URL)('npm run sweep (PostgreSQL queue)', () => {
  it('two worker processes share one queue: every trial runs exactly once', async () => {
    const fresh = await createFreshDatabase(DATABASE_URL!, 'sweep_test');
    try {
      const config = await writeSweep('pg', 6);
      const env = { DATABASE_URL: fresh.url };
      // The coordinator creates the queue and runs one local worker, limited to 3 trials so the
      // test does not depend on how fast the second worker, joining as if from another machine,
      // starts; that one takes whatever is left.
      const coordinator = sweepCli(
        ['--config', config, '--db', path.join(tmp, 'a.sqlite'), '--max-trials', '3'],
        env,
      );
      await new Promise((r) => setTimeout(r, 4000));
      const joiner = sweepCli(
        ['--worker', '--sweep', 'pg', '--db', path.join(tmp, 'b.sqlite')],
        env,
      );
      expect(await joiner.done, joiner.err()).toBe(0);
      expect(await coordinator.done, coordinator.err()).toBe(0);
      const queue = openSweepQueue({ databaseUrl: fresh.url, sqliteFile: ':memory:' });
      const trials = await queue.trials('pg');
      await queue.close();
      expect(trials.map((t) => t.status)).toEqual(Array(6).fill('finished'));
      const workers = new Set(trials.map((t) => t.worker));
      expect(workers.size).toBe(2);
      // Each trial was trained once: the two runs stores hold six trial runs between them.
      const counts = ['a.sqlite', 'b.sqlite'].map((f) => {
        const store = new RunsStore(path.join(tmp, f));
        const n = store.list({ sweepId: 'pg' }).length;
        store.close();
        return n;
      });
      expect(counts[0] + counts[1]).toBe(6);
      expect(Math.min(...counts)).toBeGreaterThan(0);
    } finally {
      await fresh.drop();
    }
  }, 300_000);
});
