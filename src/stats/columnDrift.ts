// Evidently's default data-drift rules, column by column and for the whole table.
import {
  chiSquareTest,
  jensenShannonDistance,
  ksTwoSample,
  normalizedWasserstein,
  zTestProportions,
} from './twoSample';

export type DriftMethod = 'ks' | 'chisquare' | 'ztest' | 'wasserstein' | 'jensenshannon';

export const DRIFT_RULES = {
  /** A reference with at most this many rows is "small": hypothesis tests with p-values. */
  smallReferenceMaxRows: 1000,
  /** Numeric columns with more distinct values than this are treated as continuous. */
  maxCategoricalValues: 5,
  pValueThreshold: 0.05,
  distanceThreshold: 0.1,
  /** The dataset drifts when at least this share of its columns drift. */
  datasetDriftShare: 0.5,
} as const;

export interface ColumnDrift {
  method: DriftMethod;
  /** KS D, chi-squared, z, or the distance itself for Wasserstein / Jensen-Shannon. */
  statistic: number;
  /** Present for the hypothesis tests (small reference). */
  pValue?: number;
  threshold: number;
  drift: boolean;
  referenceRows: number;
  currentRows: number;
  distinctValues: number;
}

function distinctCount(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const seen = new Set<number>();
  for (let i = 0; i < a.length; i++) seen.add(a[i]);
  for (let i = 0; i < b.length; i++) seen.add(b[i]);
  return seen.size;
}

/** Picks the method Evidently would use for a numeric column and applies it. */
export function columnDrift(reference: ArrayLike<number>, current: ArrayLike<number>): ColumnDrift {
  const distinctValues = distinctCount(reference, current);
  const continuous = distinctValues > DRIFT_RULES.maxCategoricalValues;
  const rows = { referenceRows: reference.length, currentRows: current.length, distinctValues };
  if (reference.length <= DRIFT_RULES.smallReferenceMaxRows) {
    const method: DriftMethod = continuous ? 'ks' : distinctValues > 2 ? 'chisquare' : 'ztest';
    const test =
      method === 'ks' ? ksTwoSample : method === 'chisquare' ? chiSquareTest : zTestProportions;
    const { statistic, pValue } = test(reference, current);
    const threshold = DRIFT_RULES.pValueThreshold;
    return { method, statistic, pValue, threshold, drift: pValue < threshold, ...rows };
  }
  const method: DriftMethod = continuous ? 'wasserstein' : 'jensenshannon';
  const statistic = continuous
    ? normalizedWasserstein(reference, current)
    : jensenShannonDistance(reference, current);
  const threshold = DRIFT_RULES.distanceThreshold;
  return { method, statistic, threshold, drift: statistic >= threshold, ...rows };
}

export interface TableDrift {
  columns: Record<string, ColumnDrift>;
  driftedColumns: number;
  totalColumns: number;
  share: number;
  datasetDrift: boolean;
}

export function tableDrift(
  reference: Record<string, ArrayLike<number>>,
  current: Record<string, ArrayLike<number>>,
): TableDrift {
  const columns: Record<string, ColumnDrift> = {};
  for (const name of Object.keys(reference)) {
    const cur = current[name];
    if (!cur) throw new Error(`current data has no column "${name}"`);
    columns[name] = columnDrift(reference[name], cur);
  }
  const totalColumns = Object.keys(columns).length;
  const driftedColumns = Object.values(columns).filter((c) => c.drift).length;
  const share = totalColumns ? driftedColumns / totalColumns : 0;
  return {
    columns,
    driftedColumns,
    totalColumns,
    share,
    datasetDrift: totalColumns > 0 && share >= DRIFT_RULES.datasetDriftShare,
  };
}
