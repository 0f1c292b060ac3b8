/** Four significant digits, without exponent noise for the ranges QM9 properties take. */
export function formatValue(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return value.toFixed(1);
  if (magnitude >= 1) return value.toPrecision(4);
  return value.toFixed(4);
}

export function formatMs(ms: number): string {
  return ms < 10
    ? `${ms.toFixed(2)} ms`
    : ms < 1000
      ? `${ms.toFixed(0)} ms`
      : `${(ms / 1000).toFixed(2)} s`;
}

/** 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 33rd: percentiles read as English. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  const suffix = ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${suffix}`;
}

/** A 90 % interval as "lo – hi" with the same digits as the values. */
export function formatInterval([lo, hi]: [number, number]): string {
  return `${formatValue(lo)} – ${formatValue(hi)}`;
}
