import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TARGETS, type TargetKey } from '../../src/model/types';
import { DEFAULT_CONFIG, parseTrainArgs } from '../../training/config';
import { RunsStore } from '../../training/runsStore';
import { writeQm9Csv } from '../helpers/qm9CsvFile';
import { TEST_SMILES } from '../helpers/trainingMolecules';

const run = promisify(execFile);

let tmp: string;
let db: string;
let data: string;

async function cli(script: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, RUNS_DB: db },
      maxBuffer: 1 << 24,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout, err: e.stderr };
  }
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'runs-test-'));
  db = path.join(tmp, 'runs.sqlite');
  // Made-up values that grow with the molecule (not QM9 rows); gdb 1..63 spread over the splits.
  await writeQm9Csv(
    (data = path.join(tmp, 'made-up.csv.gz')),
    TEST_SMILES.slice(0, 63).map((smiles, i) => {
      const heavy = smiles.replace(/[^A-Z]/g, '').length;
      return {
        gdbIdx: i + 1,
        smiles,
        values: Object.fromEntries(
          TARGETS.map((t, k) => [t.key, (k + 1) * heavy + 0.1 * (i % 7)]),
        ) as Record<TargetKey, number>,
      };
    }),
  );
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('training configs', () => {
  it('names the key at fault and takes --set overrides', async () => {
    await expect(
      parseTrainArgs(['--set', 'architecture.hidden=0', '--loss', 'l3']),
    ).rejects.toThrow(
      /config is not a valid training config:\n {2}architecture\.hidden: must be >= 1\n {2}loss: must be one of "mse", "l1"/,
    );
    await expect(parseTrainArgs(['--set', 'architecture.hiden=64'])).rejects.toThrow(
      'unknown key "architecture.hiden"',
    );
    await expect(parseTrainArgs(['--set', 'architecture.hidden'])).rejects.toThrow(
      '--set needs key=value, got "architecture.hidden"',
    );
    const { config } = await parseTrainArgs([
      '--set',
      'architecture.hidden=64',
      '--set=architecture.bondTypes=false',
    ]);
    expect(config.architecture).toMatchObject({
      hidden: 64,
      layers: DEFAULT_CONFIG.architecture.layers,
    });
    expect((config.architecture as { bondTypes?: boolean }).bondTypes).toBe(false);
  });
});

describe('npm run runs', () => {
  it('lists the shipped models runs from their cards in a fresh store', async () => {
    const listed = await cli('training/runs.ts', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(
      /card-qm9-gnn@1\.0\.0\s+card\s+qm9-gnn\s+finished\s+\S+ \S+\s+94\s+3h33m\s+0\.1351 eV\s+fe0896a/,
    );
    const shown = await cli('training/runs.ts', 'show', 'card-qm9-gnn-gap@1.0.0');
    expect(shown.out).toMatch(/data sha256\s+49e0356d5f00/);
    expect(shown.out).toMatch(/^96\s+\S+\s+\S+\s+\S+\s+\d+$/m);
  });

  it('records a training run with its resolved config, epochs, data checksum and test metrics', async () => {
    const trained = await cli(
      'training/train.ts',
      '--set',
      `data=${data}`,
      '--set',
      `cacheDir=${path.join(tmp, 'cache')}`,
      '--set',
      `runsDir=${path.join(tmp, 'runs')}`,
      '--set',
      `exportDir=${path.join(tmp, 'models')}`,
      '--set',
      'name=tiny',
      '--set',
      'architecture.hidden=8',
      '--set',
      'architecture.layers=1',
      '--set',
      'epochs=2',
      '--set',
      'batchSize=16',
    );
    expect(trained.err).toMatch(/run [0-9a-f]{8} \(train tiny\) recorded/);
    expect(trained.code).toBe(0);
    const id = /run ([0-9a-f]{8})/.exec(trained.err)![1];
    const store = new RunsStore(db);
    const rec = store.get(id)!;
    store.close();
    expect(rec).toMatchObject({ kind: 'train', name: 'tiny', status: 'finished' });
    expect(rec.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(rec.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(rec.test?.map((m) => m.key)).toEqual(TARGETS.map((t) => t.key));
    expect(rec.outputDir).toBe(path.join(tmp, 'models', 'tiny'));
    expect(rec.machine?.cores).toBeGreaterThan(0);
    const resolved = JSON.parse(
      await readFile(path.join(tmp, 'runs', 'tiny', 'config.resolved.json'), 'utf8'),
    );
    expect(resolved.architecture.hidden).toBe(8);
    expect(rec.config).toEqual(resolved);

    const compared = await cli('training/runs.ts', 'compare', 'card-qm9-gnn@1.0.0', id.slice(0, 6));
    expect(compared.out).toMatch(/architecture\.hidden\s+128\s+8/);
    expect(compared.out).toMatch(/gap\s+eV\s+0\.1351\s+\S+\s+[+-]\d+\.\d%/);
  }, 300_000);

  it('refuses unknown ids and commands with a clear message', async () => {
    const missing = await cli('training/runs.ts', 'show', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no run "nope"');
    const bad = await cli('training/runs.ts', 'frobnicate');
    expect(bad.err).toContain('unknown command "frobnicate"');
    expect(existsSync(db)).toBe(true);
  });
});
