import { beforeAll, describe, expect, it } from 'vitest';
import { initChem, parseSmiles } from '../../src/chem/index';
import type { TargetMetrics } from '../../src/model/modelCard';
import type { MoleculePrediction } from '../../src/model/types';
import { packGraphs, type PackedGraphs } from '../../training/packed';
import { checkSmallMolecules, errorsBySize, smallMoleculeIds } from '../../training/sizeErrors';

// Made-up targets for hand-written molecules; only the gap (column 4) matters here.
const MOLECULES: [string, number, number][] = [
  ['C', 10, 13.7], // 1 heavy atom, gdb 10 -> test split
  ['O', 21, 8.0], // 1 heavy atom, gdb 21 -> validation split
  ['CCO', 32, 8.5], // 3 heavy atoms, train
  ['CCCCO', 40, 8.1], // 5 heavy atoms, test
];
const pred = (gap: number, std: number): MoleculePrediction => ({
  values: { gap },
  std: { gap: std },
  warnings: [],
});

describe('errors by molecule size', () => {
  let p: PackedGraphs;
  beforeAll(async () => {
    await initChem();
    const graphs = MOLECULES.map(([smi]) => {
      const r = parseSmiles(smi, { molblock: false });
      if (!r.ok) throw new Error(r.error.message);
      return r.molecule;
    });
    p = packGraphs(
      graphs,
      MOLECULES.map((m) => m[1]),
      MOLECULES.map(([, , gap]) => [0, 0, 0, 0, gap, 0, 0, 0, 0, 0, 0, 0]),
    );
  });

  it('groups the MAE by heavy-atom count and lists the worst molecules first', () => {
    const ids = Int32Array.from([0, 1, 2, 3]);
    const preds = [pred(12.7, 0.5), pred(8.5, 0.5), pred(8.4, 0.5), pred(8.1, 0.5)];
    const table = errorsBySize(p, ids, preds, ['gap']);
    expect(table.rows.map((r) => [r.heavyAtoms, r.n])).toEqual([
      [1, 2],
      [3, 1],
      [5, 1],
    ]);
    // heavy atoms 1: (|12.7-13.7| + |8.5-8.0|) / 2 = 0.75
    expect(table.rows[0].mae.gap).toBeCloseTo(0.75, 6);
    expect(table.rows[1].mae.gap).toBeCloseTo(0.1, 6);
    expect(table.worst.gap!.map((w) => w.gdbIdx)).toEqual([10, 21, 32, 40]);
    expect(table.worst.gap![0]).toMatchObject({ heavyAtoms: 1, std: 0.5 });
    expect(table.worst.gap![0].absError).toBeCloseTo(1, 6);
  });

  it('passes a small molecule within 3x MAE or inside its 90 % interval, and names the failures', () => {
    const small = smallMoleculeIds(p, 3);
    expect(Array.from(small)).toEqual([0, 1, 2]);
    const mae: TargetMetrics[] = [{ key: 'gap', unit: 'eV', n: 1, mae: 0.1, rmse: 0.1, r2: 1 }];
    // methane: off by 1.0 with std 0.5 -> allowed max(0.3, 0.822) -> fails
    // water: off by 0.5 with std 0.4 -> allowed 0.658 -> inside its interval
    // ethanol: off by 0.25 with std 0.01 -> allowed 3 x 0.1 -> within 3x MAE
    const check = checkSmallMolecules(
      p,
      small,
      [pred(12.7, 0.5), pred(8.5, 0.4), pred(8.25, 0.01)],
      mae,
      3,
    );
    expect(check).toMatchObject({ molecules: 3, checks: 3, passed: 2, maeMultiple: 3 });
    expect(check.failures).toHaveLength(1);
    expect(check.failures[0]).toMatchObject({ gdbIdx: 10, split: 'test', target: 'gap' });
    expect(check.failures[0].allowed).toBeCloseTo(1.6448536 * 0.5, 6);
  });
});
