import type { TargetMetrics } from '../src/model';
import { TARGETS, type TargetKey } from '../src/model';
import { formatTable } from './table';
import { Z50, Z90 } from '../src/model';
import { normalTwoSided } from '../src/stats';

export function targetMetrics(
  key: TargetKey,
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  std?: ArrayLike<number> | null,
): TargetMetrics {
  const n = truth.length;
  let ae = 0;
  let se = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i] / n;
  let ss = 0;
  let in50 = 0;
  let in90 = 0;
  for (let i = 0; i < n; i++) {
    const r = pred[i] - truth[i];
    ae += Math.abs(r);
    se += r * r;
    ss += (truth[i] - mean) ** 2;
    if (std) {
      if (Math.abs(r) <= Z50 * std[i]) in50++;
      if (Math.abs(r) <= Z90 * std[i]) in90++;
    }
  }
  const unit = TARGETS.find((t) => t.key === key)?.unit ?? '';
  return {
    key,
    unit,
    n,
    mae: ae / n,
    rmse: Math.sqrt(se / n),
    r2: 1 - se / ss,
    ...(std ? { coverage50: in50 / n, coverage90: in90 / n } : {}),
  };
}

/** The nominal levels of the calibration curve in evaluation.json; 50 % and 90 % are the card's. */
export const COVERAGE_LEVELS = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

/** z such that a standard normal lies within ±z with probability p (0 < p < 1), by bisection. */
export function centralZ(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`central probability ${p} is not between 0 and 1`);
  // normalTwoSided(z) = P(|Z| >= z) falls from 1 at z = 0; 1 - p of it lies outside ±z.
  let lo = 0;
  let hi = 40;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (normalTwoSided(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * Share of molecules whose truth lies in the central interval pred ± z_p·std, at each nominal
 * level p: the points of a calibration curve. The interval is closed, as in targetMetrics.
 */
export function coverageAtLevels(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  std: ArrayLike<number>,
  levels: readonly number[] = COVERAGE_LEVELS,
): number[] {
  const n = truth.length;
  if (pred.length !== n || std.length !== n)
    throw new RangeError(`${pred.length} predictions and ${std.length} stds for ${n} truths`);
  const z = levels.map(centralZ);
  const inside = new Array<number>(levels.length).fill(0);
  for (let i = 0; i < n; i++) {
    const r = Math.abs(pred[i] - truth[i]);
    z.forEach((zp, k) => {
      if (r <= zp * std[i]) inside[k]++;
    });
  }
  return inside.map((c) => c / n);
}

export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Per-target std multiplier so that the central 90% interval covers 90% of the validation set
 * (split-conformal scaling of the predicted std).
 */
export function calibrationFactor(
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  std: ArrayLike<number>,
): number {
  const ratios = Float64Array.from(
    { length: truth.length },
    (_, i) => Math.abs(pred[i] - truth[i]) / std[i],
  ).sort();
  return quantile(ratios, 0.9) / Z90;
}

export function formatMetricsTable(rows: TargetMetrics[]): string {
  const head = ['target', 'unit', 'MAE', 'RMSE', 'R2', 'cov50', 'cov90', 'n'];
  const body = rows.map((m) => [
    m.key,
    m.unit,
    m.mae.toPrecision(4),
    m.rmse.toPrecision(4),
    m.r2.toFixed(4),
    m.coverage50 === undefined ? '-' : (100 * m.coverage50).toFixed(1) + '%',
    m.coverage90 === undefined ? '-' : (100 * m.coverage90).toFixed(1) + '%',
    String(m.n),
  ]);
  return formatTable(head, body);
}
