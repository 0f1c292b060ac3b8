import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFreshDatabase, testDatabaseUrl } from '../helpers/freshPostgresDatabase';
import { TARGETS, type TargetKey } from '../../src/model/types';
import { RunsStore } from '../../training/runsStore';
import { workerGone } from '../../training/sweep';
import { openSweepQueue } from '../../training/sweepQueue';
import { expandTrials, medianStops, parseSweepConfig } from '../../training/sweepSpace';
import { writeQm9Csv } from '../helpers/qm9CsvFile';
import { TEST_SMILES } from '../helpers/trainingMolecules';

const DATABASE_URL = testDatabaseUrl('sweep.test.ts: the two-worker PostgreSQL queue test');

let tmp: string;

function sweepCli(
  args: string[],
  env: Record<string, string> = {},
  script = 'training/sweep.ts',
  scriptArgs: string[] = [],
) {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args, ...scriptArgs], {
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
    const store = new RunsStore(db, null);
    const runs = await store.list({ sweepId: 'resume' });
    await store.close();
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
      // Each trial was trained once, and its run is in PostgreSQL beside the queue, whichever
      // worker trained it; the --db SQLite files are not made at all.
      const store = new RunsStore(':memory:', fresh.url);
      const runs = await store.list({ sweepId: 'pg' });
      await store.close();
      expect(runs.map((r) => r.name).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `pg-t${n}`));
      expect(new Set(runs.map((r) => r.id))).toEqual(new Set(trials.map((t) => t.runId)));
      for (const r of runs) {
        expect(r.status).toBe('finished');
        expect(r.epochs).toHaveLength(3);
        expect(r.wallSeconds).toBeGreaterThan(0);
        expect(r.test?.find((m) => m.key === 'gap')?.mae).toBeGreaterThan(0);
      }
      expect(existsSync(path.join(tmp, 'a.sqlite'))).toBe(false);
      expect(existsSync(path.join(tmp, 'b.sqlite'))).toBe(false);
      // The leaderboard, printed from the shared database on any machine once both are done,
      // shows every trial's test MAE and wall time, the joiner's too. (The coordinator's own
      // print comes when its 3 trials end, which may be before the joiner's last one.)
      const printed = sweepCli(
        ['--leaderboard', '--sweep', 'pg', '--db', path.join(tmp, 'c.sqlite')],
        env,
      );
      expect(await printed.done, printed.err()).toBe(0);
      const board = printed
        .out()
        .split('\n')
        .filter((l) => /^\d+\s+\d+\s+finished/.test(l));
      expect(board, printed.out()).toHaveLength(6);
      for (const run of runs) {
        const gap = run.test!.find((m) => m.key === 'gap')!.mae.toPrecision(4);
        const line = board.find((l) => l.endsWith(run.id));
        expect(line, printed.out()).toMatch(
          new RegExp(`\\s${gap.replace('.', '\\.')}\\s+(\\d+m)?\\d+s\\s+${run.id}$`),
        );
      }
      // And npm run runs on the same database lists all six.
      const listed = sweepCli([], env, 'training/runs.ts', ['list', '--sweep', 'pg']);
      expect(await listed.done, listed.err()).toBe(0);
      for (const run of runs)
        expect(listed.out()).toMatch(
          new RegExp(`^${run.id}\\s+trial\\s+${run.name}\\s+finished`, 'm'),
        );
    } finally {
      await fresh.drop();
    }
  }, 300_000);
});

describe('trial leases', () => {
  it('a trial whose worker stopped renewing its lease is claimable by another; the old worker can no longer renew or finish it', async () => {
    const queue = openSweepQueue({ sqliteFile: path.join(tmp, 'lease.sqlite') });
    try {
      await queue.ensureSweep('lease', { any: 1 }, [{ a: 1 }, { a: 2 }]);
      const first = (await queue.claim('lease', 'elsewhere:1'))!;
      const second = (await queue.claim('lease', 'elsewhere:2'))!;
      expect([first.trialNo, second.trialNo]).toEqual([1, 2]);
      // Both leases are fresh: nothing to take, whatever host asks.
      expect(await queue.claim('lease', 'here:3', 60)).toBeNull();
      await new Promise((r) => setTimeout(r, 1100));
      expect(await queue.heartbeat(second.id, 'elsewhere:2')).toBe(true);
      // One second later with a one-second lease: trial 1 has expired, trial 2 was just renewed.
      const taken = (await queue.claim('lease', 'here:3', 1))!;
      expect(taken).toMatchObject({ trialNo: 1, worker: 'here:3', previousWorker: 'elsewhere:1' });
      expect(await queue.claim('lease', 'here:4', 1)).toBeNull();
      expect(await queue.heartbeat(first.id, 'elsewhere:1')).toBe(false);
      expect(await queue.finish(first.id, 'elsewhere:1', 'finished', 0.5)).toBe(false);
      expect(await queue.finish(taken.id, 'here:3', 'finished', 0.25)).toBe(true);
      const trials = await queue.trials('lease');
      expect(trials.map((t) => [t.status, t.worker, t.metric])).toEqual([
        ['finished', 'here:3', 0.25],
        ['running', 'elsewhere:2', null],
      ]);
    } finally {
      await queue.close();
    }
  });
});

describe.skipIf(!DATABASE_URL)(
  'npm run sweep (PostgreSQL queue), a worker on another host gone',
  () => {
    it('its trial is taken over by one of two workers once its lease runs out, and trained exactly once', async () => {
      const fresh = await createFreshDatabase(DATABASE_URL!, 'sweep_lease');
      try {
        const file = await writeSweep('gone', 2, 1, 1);
        const sweep = parseSweepConfig(JSON.parse(readFileSync(file, 'utf8')), file);
        const queue = openSweepQueue({ databaseUrl: fresh.url, sqliteFile: ':memory:' });
        await queue.ensureSweep('gone', sweep, expandTrials(sweep));
        // Two workers on another machine hold both trials; the first one's stopped renewing an
        // hour ago (its pid means nothing here), the second is alive.
        const lost = (await queue.claim('gone', 'elsewhere:1'))!;
        await queue.claim('gone', 'elsewhere:2');
        // The silent worker had started its run in the shared store.
        const before = new RunsStore(':memory:', fresh.url);
        await before.start({ id: 'abandoned', kind: 'trial', name: 'gone-t1', sweepId: 'gone' });
        await before.close();
        await queue.attachRun(lost.id, 'abandoned');
        await queue.close();
        const client = new pg.Client({ connectionString: fresh.url });
        await client.connect();
        await client.query(
          'UPDATE sweep_trials SET heartbeat_at = heartbeat_at - 3600 WHERE id = $1',
          [lost.id],
        );
        await client.end();
        const env = { DATABASE_URL: fresh.url };
        const workers = [0, 1].map(() =>
          sweepCli(['--worker', '--sweep', 'gone', '--db', path.join(tmp, 'gone.sqlite')], env),
        );
        for (const w of workers) expect(await w.done, w.err()).toBe(0);
        const took = workers.filter((w) => /worker \S+: 1 trials/.test(w.err()));
        expect(took, workers.map((w) => w.err()).join('\n---\n')).toHaveLength(1);
        expect(took[0].err()).toContain('trial 1 {');
        expect(took[0].err()).toContain('taken over from elsewhere:1');
        const after = openSweepQueue({ databaseUrl: fresh.url, sqliteFile: ':memory:' });
        const trials = await after.trials('gone');
        await after.close();
        expect(trials.map((t) => [t.trialNo, t.status])).toEqual([
          [1, 'finished'],
          [2, 'running'],
        ]);
        expect(trials[0].worker).toMatch(new RegExp(`^${hostname()}:\\d+$`));
        expect(trials[1].worker).toBe('elsewhere:2');
        const store = new RunsStore(':memory:', fresh.url);
        const runs = await store.list({ sweepId: 'gone' });
        await store.close();
        expect(runs.map((r) => [r.name, r.status, r.id])).toEqual([
          ['gone-t1', 'failed', 'abandoned'],
          ['gone-t1', 'finished', trials[0].runId],
        ]);
        expect(runs[0].note).toMatch(
          /^worker elsewhere:1 went silent past its lease; trial 1 taken over by /,
        );
      } finally {
        await fresh.drop();
      }
    }, 300_000);
  },
);

describe('npm run sweep (SQLite queue), a trial taken over while its worker still trains', () => {
  it('the worker stops at its next epoch, records its run as failed and leaves the trial to the new holder', async () => {
    const db = path.join(tmp, 'stolen.sqlite');
    const file = await writeSweep('stolen', 1, 1, 200);
    const sweep = parseSweepConfig(JSON.parse(readFileSync(file, 'utf8')), file);
    const queue = openSweepQueue({ sqliteFile: db });
    await queue.ensureSweep('stolen', sweep, expandTrials(sweep));
    const worker = sweepCli(['--worker', '--sweep', 'stolen', '--db', db]);
    try {
      await waitFor(() => /trial 1 \{/.test(worker.err()), 60_000);
      // As if the worker had been silent past a lease of 0 s: any worker may take the trial.
      const taken = await queue.claim('stolen', 'elsewhere:9', 0);
      expect(taken?.previousWorker).toBe(`${hostname()}:${worker.child.pid}`);
      expect(await worker.done, worker.err()).toBe(0);
      expect(worker.err()).toContain('trial 1: lease lost to another worker');
      const [trial] = await queue.trials('stolen');
      expect(trial).toMatchObject({ status: 'running', worker: 'elsewhere:9', metric: null });
      const store = new RunsStore(db, null);
      const [run] = await store.list({ sweepId: 'stolen' });
      await store.close();
      expect(run).toMatchObject({
        status: 'failed',
        note: 'trial 1: lease lost to another worker',
      });
      expect(run.epochs.length).toBeLessThan(200);
    } finally {
      if (worker.child.exitCode === null) process.kill(-worker.child.pid!, 'SIGKILL');
      await queue.close();
    }
  }, 300_000);
});
