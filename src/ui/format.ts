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
