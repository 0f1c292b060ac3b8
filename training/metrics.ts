import type { TargetMetrics } from '../src/model';
import { TARGETS, type TargetKey } from '../src/model';
import { formatTable } from './table';
import { Z50, Z90 } from '../src/model';

export { Z50, Z90 };

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
