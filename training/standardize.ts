import { NUM_ELEMENTS } from '../src/model';
import type { OutputTransform } from '../src/model';
import { TARGETS, type TargetKey } from '../src/model';
import { elementCountsOf, NUM_TARGET_COLUMNS, type PackedGraphs } from './packed';

export type Normalization = 'none' | 'standard' | 'atomref';

/** Solves the symmetric positive system A x = b (Gaussian elimination with partial pivoting). */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    if (Math.abs(m[c][c]) < 1e-12) throw new Error('singular system in atom-reference fit');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row, i) => row[n] / row[i]);
}

export function targetColumn(key: TargetKey): number {
  const k = TARGETS.findIndex((t) => t.key === key);
  if (k < 0) throw new Error(`unknown target "${key}"`);
  return k;
}

/**
 * Fits the output transform on the training molecules: for 'atomref', a least-squares fit
 * y ~ intercept + sum_e coef_e * count_e per target (a small ridge keeps rare F well-posed),
 * then mean/std of what is left.
 */
export function fitOutputTransform(
  p: PackedGraphs,
  trainIds: Int32Array,
  targets: TargetKey[],
  normalization: Normalization,
): OutputTransform {
  const cols = targets.map(targetColumn);
  const counts = Array.from(trainIds, (i) => elementCountsOf(p, i));
  const atomref: number[][] | undefined = normalization === 'atomref' ? [] : undefined;
  const mean: number[] = [];
  const std: number[] = [];
  cols.forEach((c) => {
    const ys = Array.from(trainIds, (i) => p.targets[i * NUM_TARGET_COLUMNS + c]);
    let coef = [0, 0, 0, 0, 0];
    if (atomref) {
      const d = NUM_ELEMENTS + 1;
      const ata = Array.from({ length: d }, () => new Array<number>(d).fill(0));
      const atb = new Array<number>(d).fill(0);
      counts.forEach((cnt, r) => {
        const row = [...cnt, 1];
        for (let i = 0; i < d; i++) {
          atb[i] += row[i] * ys[r];
          for (let j = 0; j < d; j++) ata[i][j] += row[i] * row[j];
        }
      });
      for (let i = 0; i < NUM_ELEMENTS; i++) ata[i][i] += 1e-6 * ys.length;
      const sol = solveLinear(ata, atb);
      coef = sol.slice(0, NUM_ELEMENTS);
      atomref.push(coef);
    }
    const resid = ys.map((y, r) => y - counts[r].reduce((s, v, e) => s + v * coef[e], 0));
    const mu = normalization === 'none' ? 0 : resid.reduce((s, v) => s + v, 0) / resid.length;
    const sd =
      normalization === 'none'
        ? 1
        : Math.sqrt(resid.reduce((s, v) => s + (v - mu) ** 2, 0) / resid.length) || 1;
    mean.push(mu);
    std.push(sd);
  });
  return { targets, mean, std, ...(atomref ? { atomref } : {}) };
}

/** Standardized targets (ids.length x targets) for training, via the transform. */
export function standardizedTargets(
  p: PackedGraphs,
  ids: ArrayLike<number>,
  t: OutputTransform,
): Float32Array {
  const cols = t.targets.map(targetColumn);
  const out = new Float32Array(ids.length * cols.length);
  for (let r = 0; r < ids.length; r++) {
    const i = ids[r];
    const cnt = t.atomref ? elementCountsOf(p, i) : null;
    cols.forEach((c, k) => {
      const ref = cnt && t.atomref ? t.atomref[k].reduce((s, v, e) => s + v * cnt[e], 0) : 0;
      out[r * cols.length + k] =
        (p.targets[i * NUM_TARGET_COLUMNS + c] - ref - t.mean[k]) / t.std[k];
    });
  }
  return out;
}
