import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles, type MoleculeGraph } from '../../src/chem/index';
import { setupBackend } from '../../src/model';
import { TARGETS } from '../../src/model/types';
import { DEFAULT_CONFIG, parseTrainArgs, type TrainConfig } from '../../training/config';
import { splitIndices } from '../../training/dataset';
import { writeModelFiles } from '../../training/modelFiles';
import {
  deserializePacked,
  packGraphs,
  serializePacked,
  type PackedGraphs,
} from '../../training/packed';
import { predictPacked } from '../../training/predictPacked';
import { parsePredictArgs, runPredict } from '../../cli/predict';
import {
  fetchQm9Table,
  HARTREE_TO_EV,
  hartreeToEv,
  parseQm9Csv,
  readQm9Table,
} from '../../training/qm9Csv';
import { fitOutputTransform, standardizedTargets } from '../../training/standardize';
import { TEST_SMILES } from '../helpers/trainingMolecules';
import { createModel } from '../../src/model/gnn';
import { Trainer } from '../../training/trainer';

const HEADER =
  'gdb_idx,smiles,smiles_molnet,A,B,C,mu,alpha,homo,lumo,gap,r2,zpve,u0,u298,h298,g298,cv,uncharacterized,has_xyz,n_sources';
// Made-up values in the table's units (Hartree for energies), not QM9 rows.
const ROWS = [
  '10,C,C,100,100,100,0,12.5,-0.4,0.1,0.5,35,0.04,-40.5,-40.4,-40.3,-40.6,6.5,0,1,1',
  '21,CO,CO,10,5,4,1.5,16,-0.3,0.05,0.35,80,0.05,-115.7,-115.6,-115.5,-115.8,10.1,0,1,2',
  '32,CCO,CCO,20,8,6,1.4,30,-0.28,0.06,0.34,200,0.08,-155,-154.9,-154.8,-155.1,15.5,1,1,1',
];

let tmp: string;
let graphs: MoleculeGraph[];
let packed: PackedGraphs;

/** Made-up but learnable targets: smooth functions of the molecule's composition and bonds. */
function syntheticTargets(g: MoleculeGraph): number[] {
  const count = (col: number) => g.x.reduce((s, r) => s + r[col], 0);
  const [h, c, n, o, f] = [0, 1, 2, 3, 4].map(count);
  const multiple = g.edgeAttr.filter((b) => b[0] !== 1).length / 2;
  return TARGETS.map(
    (_, k) =>
      (k + 1) * 0.1 * c +
      0.3 * n -
      0.2 * o +
      0.05 * h * ((k % 3) - 1) +
      0.4 * f +
      Math.sin(multiple + k) +
      2,
  );
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'training-test-'));
  await initChem();
  graphs = TEST_SMILES.map((s) => {
    const r = parseSmiles(s, { molblock: false });
    if (!r.ok) throw new Error(`${s}: ${r.error.message}`);
    return r.molecule;
  });
  packed = packGraphs(
    graphs,
    graphs.map((_, i) => i + 1),
    graphs.map(syntheticTargets),
  );
  await setupBackend({ backend: 'wasm' });
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('QM9 csv', () => {
  it('parses rows, converts Hartree columns to eV and keeps the others', () => {
    const recs = parseQm9Csv([HEADER, ...ROWS].join('\n') + '\n', 'mini.csv');
    expect(recs).toHaveLength(3);
    const gap = TARGETS.findIndex((t) => t.key === 'gap');
    const mu = TARGETS.findIndex((t) => t.key === 'mu');
    const u0 = TARGETS.findIndex((t) => t.key === 'u0');
    const cv = TARGETS.findIndex((t) => t.key === 'cv');
    expect(recs[0]).toMatchObject({ line: 2, gdbIdx: 10, smiles: 'C', uncharacterized: false });
    expect(recs[0].targets[gap]).toBeCloseTo(0.5 * 27.211386, 10);
    expect(recs[1].targets[u0]).toBeCloseTo(-115.7 * HARTREE_TO_EV, 8);
    expect(recs[1].targets[mu]).toBe(1.5);
    expect(recs[2].targets[cv]).toBe(15.5);
    expect(recs[2].uncharacterized).toBe(true);
    expect(hartreeToEv(1)).toBe(27.211386);
  });

  it('reads the DeepChem layout (mol_id, no uncharacterized column) with a separate id list', () => {
    const header = 'mol_id,smiles,A,B,C,mu,alpha,homo,lumo,gap,r2,zpve,u0,u298,h298,g298,cv';
    const text = `${header}\ngdb_7,CC,1,2,3,0,20,-0.4,0.1,0.5,100,0.07,-79.7,-79.6,-79.5,-79.8,8.1\n`;
    const recs = parseQm9Csv(text, 'deepchem.csv', new Set([7]));
    expect(recs[0]).toMatchObject({ gdbIdx: 7, smiles: 'CC', uncharacterized: true });
  });

  it('names file, line and column for bad input', () => {
    expect(() => parseQm9Csv('gdb_idx,smiles\n1,C\n', 'x.csv')).toThrow(
      /x.csv: header lacks column\(s\) mu, alpha/,
    );
    const bad = ROWS[1].replace('1.5,16', 'oops,16');
    expect(() => parseQm9Csv([HEADER, ROWS[0], bad].join('\n'), 'y.csv')).toThrow(
      /y.csv: line 3 \(gdb 21\): column mu is not a number \("oops"\)/,
    );
    expect(() => parseQm9Csv([HEADER, '5,C,C'].join('\n'), 'z.csv')).toThrow(
      /z.csv: line 2 has 3 fields, the header has 21/,
    );
  });

  it('reads a gzip file and records its checksum', async () => {
    const file = path.join(tmp, 'mini.csv.gz');
    await writeFile(file, gzipSync(new TextEncoder().encode([HEADER, ...ROWS].join('\n'))));
    const table = await readQm9Table(file);
    expect(table.records.map((r) => r.gdbIdx)).toEqual([10, 21, 32]);
    expect(table.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('downloads a table only when its sha256 matches', async () => {
    const body = [HEADER, ...ROWS].join('\n');
    const server = createServer((_, res) => res.end(body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/qm9.csv`;
    try {
      const { sha256Hex } = await import('../../training/qm9Csv');
      const good = sha256Hex(new TextEncoder().encode(body));
      const dest = path.join(tmp, 'fetched.csv');
      await fetchQm9Table(url, good, dest);
      expect((await readQm9Table(dest)).records).toHaveLength(3);
      await expect(fetchQm9Table(url, '0'.repeat(64), path.join(tmp, 'bad.csv'))).rejects.toThrow(
        /does not match the expected/,
      );
    } finally {
      server.close();
    }
  });
});

describe('split', () => {
  it('is fixed by gdb index alone', () => {
    const a = splitIndices(packed);
    const b = splitIndices(deserializePacked(serializePacked(packed, {})).packed);
    expect(a).toEqual(b);
    expect(a.test.length + a.validation.length + a.train.length).toBe(64);
    expect(Array.from(a.test, (i) => packed.gdbIdx[i] % 10)).toEqual(
      new Array(a.test.length).fill(0),
    );
  });
});

describe('standardization', () => {
  it('recovers a linear atom reference and standardizes the rest', () => {
    const p = packGraphs(
      graphs,
      graphs.map((_, i) => i + 1),
      graphs.map((g) => {
        const c = [0, 1, 2, 3, 4].map((col) => g.x.reduce((s, r) => s + r[col], 0));
        return TARGETS.map(() => 2 * c[0] - 3 * c[1] + 0.5 * c[2] + 7 * c[3] + 1);
      }),
    );
    const ids = Int32Array.from({ length: p.count }, (_, i) => i);
    const t = fitOutputTransform(p, ids, ['u0'], 'atomref');
    expect(t.atomref![0].slice(0, 4).map((v) => Number(v.toFixed(3)))).toEqual([2, -3, 0.5, 7]);
    expect(t.mean[0]).toBeCloseTo(1, 3);
  });
});

describe('config', () => {
  it('applies a config file, then command-line overrides', async () => {
    const file = path.join(tmp, 'c.json');
    await writeFile(file, JSON.stringify({ name: 'x', epochs: 3, architecture: { hidden: 64 } }));
    const { config, resume } = await parseTrainArgs([
      '--config',
      file,
      '--epochs',
      '40',
      '--architecture.layers',
      '5',
      '--resume',
    ]);
    expect(config).toMatchObject({
      name: 'x',
      epochs: 40,
      architecture: { kind: 'product', hidden: 64, layers: 5 },
    });
    expect(resume).toBe(true);
    await expect(parseTrainArgs(['--epochz', '3'])).rejects.toThrow(/unknown option --epochz/);
  });
});

function testConfig(over: Partial<TrainConfig>): TrainConfig {
  return {
    ...DEFAULT_CONFIG,
    name: 'test',
    runsDir: tmp,
    epochs: 2,
    batchSize: 16,
    schedule: 'constant',
    logEverySteps: 1000,
    ...over,
  };
}

async function trainingMse(trainer: Trainer, ids: Int32Array): Promise<number> {
  const p = await predictPacked(trainer.model, trainer.transform, packed, ids);
  const y = standardizedTargets(packed, ids, trainer.transform);
  return p.standardized.reduce((s, v, i) => s + (v - y[i]) ** 2, 0) / y.length;
}

describe('training', () => {
  const all = () => Int32Array.from({ length: 64 }, (_, i) => i);

  it('overfits 64 hand-written molecules: loss falls at least 10x', async () => {
    const config = testConfig({
      architecture: { kind: 'baseline', hidden: 32, layers: 3, dropout: 0.1, targets: ['gap'] },
      normalization: 'standard',
      loss: 'mse',
      learningRate: 5e-3,
    });
    const transform = fitOutputTransform(packed, all(), ['gap'], 'standard');
    const trainer = new Trainer(config, packed, all(), all(), transform, {
      runDir: null,
      quiet: true,
    });
    const before = await trainingMse(trainer, all());
    for (let s = 0; s < 250; s++) await trainer.step(all(), 5e-3, s);
    const after = await trainingMse(trainer, all());
    expect(after).toBeLessThan(before / 10);
    trainer.dispose();
  });

  it('is deterministic, and a resumed run equals an uninterrupted one', async () => {
    const arch = {
      kind: 'product' as const,
      hidden: 16,
      layers: 2,
      targets: TARGETS.map((t) => t.key),
    };
    const transform = fitOutputTransform(packed, all(), arch.targets, 'atomref');
    const weightsOf = (t: Trainer) =>
      [...t.model.variables.values()].flatMap((v) => Array.from(v.dataSync()));
    // Every run trains on all 64 molecules and checkpoints under tmp/<its name>.
    const trainerFor = (name: string, over: Partial<TrainConfig> = {}) =>
      new Trainer(
        testConfig({ name, architecture: arch, ...over }),
        packed,
        all(),
        all(),
        transform,
        { runDir: path.join(tmp, name), quiet: true },
      );

    const straight = trainerFor('a');
    await straight.run();
    const again = trainerFor('b');
    await again.run();
    expect(weightsOf(again)).toEqual(weightsOf(straight));

    const first = trainerFor('c', { epochs: 1 });
    await first.run();
    first.dispose();
    const resumed = trainerFor('c');
    await resumed.resume();
    await resumed.run();
    // Both runs end by restoring their best epoch; compare the final epoch's checkpointed weights.
    const { loadTensors } = await import('../../training/checkpoint');
    const w1 = await loadTensors(path.join(tmp, 'a', 'checkpoint'), 'weights');
    const w2 = await loadTensors(path.join(tmp, 'c', 'checkpoint'), 'weights');
    for (const k of Object.keys(w1))
      expect(Array.from(w2[k].dataSync())).toEqual(Array.from(w1[k].dataSync()));
    tf.dispose([...Object.values(w1), ...Object.values(w2)]);
    [straight, again, resumed].forEach((t) => t.dispose());
  });
});

describe('predict CLI', () => {
  const mol = (name: string, atoms: string[], bonds: string[]) =>
    [
      name,
      '  handwritten',
      '',
      `${String(atoms.length).padStart(3)}${String(bonds.length).padStart(3)}  0  0  0  0  0  0  0  0999 V2000`,
      ...atoms.map(
        (a) => `    0.0000    0.0000    0.0000 ${a.padEnd(3)} 0  0  0  0  0  0  0  0  0  0  0  0`,
      ),
      ...bonds,
      'M  END',
      '$$$$',
    ].join('\n');

  it('writes two predictions and one clear error line for an SDF with one bad record', async () => {
    const sdf =
      [
        mol('methanol', ['C', 'O'], ['  1  2  1  0']),
        mol('broken', ['C'], ['  1  2  1  0']),
        mol('water', ['O'], []),
      ].join('\n') + '\n';
    const input = path.join(tmp, 'three.sdf');
    await writeFile(input, sdf);
    const modelDir = path.join(tmp, 'cli-model');
    const arch = {
      kind: 'product' as const,
      hidden: 16,
      layers: 2,
      targets: TARGETS.map((t) => t.key),
    };
    const model = createModel(arch, 3);
    const transform = fitOutputTransform(
      packed,
      Int32Array.from({ length: 64 }, (_, i) => i),
      arch.targets,
      'atomref',
    );
    await writeModelFiles(
      modelDir,
      { name: 'cli-test', version: '0', architecture: arch, outputTransform: transform },
      model.variables,
      'float32',
    );
    model.dispose();

    const lines: string[] = [];
    const out = path.join(tmp, 'pred.csv');
    const res = await runPredict(
      parsePredictArgs([input, '--out', out, '--model', modelDir]),
      (s) => lines.push(s),
    );
    expect(res).toEqual({ predicted: 2, errors: 1 });
    const errors = lines.filter((l) => l.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: three\.sdf record 2 \(broken\): .+/);
    const csv = (await readFile(out, 'utf8')).trim().split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[0].split(',').slice(0, 6)).toEqual([
      'record',
      'name',
      'smiles',
      'formula',
      'mu_D',
      'mu_std',
    ]);
    expect(csv[1].split(',').slice(0, 4)).toEqual(['1', 'methanol', 'CO', 'CH4O']);
    expect(csv[2].split(',').slice(0, 4)).toEqual(['3', 'water', 'O', 'H2O']);
    const gapCol = csv[0].split(',').indexOf('gap_eV');
    expect(Number.isFinite(Number(csv[1].split(',')[gapCol]))).toBe(true);
    expect(() => parsePredictArgs(['in.sdf'])).toThrow(/usage: npm run predict/);
  });
});
