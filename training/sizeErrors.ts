import { Z90 } from '../src/model';
import type { ErrorsBySize, SmallMoleculeCheck, TargetMetrics } from '../src/model';
import type { MoleculePrediction, TargetKey } from '../src/model';
import { heavyAtomCountOf, NUM_TARGET_COLUMNS, type PackedGraphs } from './packed';
import { splitOf } from './split';
import { targetColumn } from './standardize';

const WORST_PER_TARGET = 5;

function truthOf(p: PackedGraphs, i: number, key: TargetKey): number {
  return p.targets[i * NUM_TARGET_COLUMNS + targetColumn(key)];
}

/** Test MAE per heavy-atom count and the worst molecules per target. */
export function errorsBySize(
  p: PackedGraphs,
  ids: Int32Array,
  preds: MoleculePrediction[],
  targets: TargetKey[],
): ErrorsBySize {
  const sizes = Array.from(ids, (i) => heavyAtomCountOf(p, i));
  const byCount = new Map<number, number[]>();
  sizes.forEach((n, r) => {
    const rows = byCount.get(n);
    if (rows) rows.push(r);
    else byCount.set(n, [r]);
  });
  const rows = [...byCount.keys()]
    .sort((a, b) => a - b)
    .map((heavyAtoms) => {
      const members = byCount.get(heavyAtoms)!;
      const mae: Partial<Record<TargetKey, number>> = {};
      for (const key of targets) {
        const sum = members.reduce(
          (s, r) => s + Math.abs(preds[r].values[key]! - truthOf(p, ids[r], key)),
          0,
        );
        mae[key] = sum / members.length;
      }
      return { heavyAtoms, n: members.length, mae };
    });
  const worst: ErrorsBySize['worst'] = {};
  for (const key of targets) {
    worst[key] = Array.from(ids, (i, r) => ({
      gdbIdx: p.gdbIdx[i],
      heavyAtoms: sizes[r],
      absError: Math.abs(preds[r].values[key]! - truthOf(p, i, key)),
      ...(preds[r].std[key] !== undefined ? { std: preds[r].std[key] } : {}),
    }))
      .sort((a, b) => b.absError - a.absError)
      .slice(0, WORST_PER_TARGET);
  }
  return { rows, worst };
}

/** Ids of every molecule (any split) with at most `maxHeavy` heavy atoms. */
export function smallMoleculeIds(p: PackedGraphs, maxHeavy: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < p.count; i++) if (heavyAtomCountOf(p, i) <= maxHeavy) out.push(i);
  return Int32Array.from(out);
}

/**
 * Checks each small molecule and target: the error is within `maeMultiple` x the test MAE, or the
 * truth lies inside the stated 90 % interval (an honest uncertainty is acceptable, a confident
 * wrong number is not).
 */
export function checkSmallMolecules(
  p: PackedGraphs,
  ids: Int32Array,
  preds: MoleculePrediction[],
  testMetrics: TargetMetrics[],
  maxHeavyAtoms: number,
  maeMultiple = 3,
): SmallMoleculeCheck {
  const failures: SmallMoleculeCheck['failures'] = [];
  let checks = 0;
  ids.forEach((i, r) => {
    for (const m of testMetrics) {
      const value = preds[r].values[m.key];
      if (value === undefined) continue;
      checks++;
      const absError = Math.abs(value - truthOf(p, i, m.key));
      const std = preds[r].std[m.key];
      const allowed = Math.max(maeMultiple * m.mae, std === undefined ? 0 : Z90 * std);
      if (absError > allowed)
        failures.push({
          gdbIdx: p.gdbIdx[i],
          split: splitOf(p.gdbIdx[i]),
          target: m.key,
          absError,
          allowed,
          ...(std !== undefined ? { std } : {}),
        });
    }
  });
  return {
    maxHeavyAtoms,
    maeMultiple,
    molecules: ids.length,
    checks,
    passed: checks - failures.length,
    failures,
  };
}
