// How one predicted number is to be read: a value with its 90 % interval when the molecule lies
// inside what the model learned, an extrapolation (no interval) when it does not. Table, detail
// view, plots and exports all ask here, so a molecule never looks inside QM9 in one place and
// outside it in another.
import { interval90 } from '../model/contracts';
import type { TargetKey } from '../model/contracts';
import { propertyInfo } from './properties';
import type { ResultRow } from './worker/protocol';

export interface Reading {
  value: number | undefined;
  /** Central 90 % interval; absent for extrapolations: a ceiling is not an uncertainty. */
  interval?: [number, number];
  extrapolated: boolean;
}

/** The molecule lies outside QM9 (size, charge, radicals, fragments, elements). */
export function outsideDomain(row: ResultRow): boolean {
  return row.warnings.length > 0 || (row.status === 'error' && Boolean(row.smiles));
}

export function readingOf(row: ResultRow, key: TargetKey): Reading {
  const prediction = row.prediction;
  const value = prediction?.values[key];
  if (!prediction || value === undefined) return { value: undefined, extrapolated: false };
  const capped = prediction.uncertaintyCapped?.includes(key) ?? false;
  const belowBound = prediction.belowBound?.includes(key) ?? false;
  if (capped || belowBound || outsideDomain(row)) return { value, extrapolated: true };
  const given = prediction.interval90?.[key];
  if (given) return { value, interval: given, extrapolated: false };
  const std = prediction.std[key];
  if (std === undefined) return { value, extrapolated: false };
  return { value, interval: interval90(key, value, std), extrapolated: false };
}

/** Why the numbers of this row are extrapolations, one reason a line; empty when they are not. */
export function extrapolationReasons(row: ResultRow): string[] {
  const reasons = row.warnings.map((w) => w.message);
  const capped = row.prediction?.uncertaintyCapped ?? [];
  if (capped.length > 0) {
    reasons.push(
      `the model's uncertainty hit its ceiling for ${capped.map((k) => propertyInfo(k).name).join(', ')}: the molecule is unlike its training data`,
    );
  }
  const below = row.prediction?.belowBound ?? [];
  if (below.length > 0) {
    reasons.push(
      `the model's estimate of ${below.map((k) => propertyInfo(k).name).join(', ')} lay wholly below zero, which is impossible: shown at zero, as an extrapolation`,
    );
  }
  return reasons;
}

export type DomainVerdict = 'inside' | 'extrapolation' | 'not predicted';

/** One word on whether to trust this row's numbers, the same in the table and the exports. */
export function domainVerdict(row: ResultRow): DomainVerdict {
  if (!row.prediction) return 'not predicted';
  // A value below a bound marks that value only: the molecule itself may be well inside QM9.
  return outsideDomain(row) || (row.prediction.uncertaintyCapped?.length ?? 0) > 0
    ? 'extrapolation'
    : 'inside';
}

/** The status as a person reads it (the DOM keeps the machine status in data-status). */
export function statusLabel(row: ResultRow): string {
  if (row.status === 'error') return row.smiles ? 'outside the model' : 'unreadable';
  if (row.status === 'parsed') return 'not predicted';
  return domainVerdict(row) === 'extrapolation' ? 'extrapolation' : 'predicted';
}

/** The one-line reason shown next to the status; the full text is in the detail view. */
export function statusReason(row: ResultRow): string {
  if (row.status === 'error') return row.message ?? 'could not be read';
  return extrapolationReasons(row).join('; ');
}
