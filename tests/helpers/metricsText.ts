// Reading /metrics (the Prometheus text format) in server tests.

/** The value of an unlabelled series in a /metrics body; NaN when the series is absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : NaN;
}
