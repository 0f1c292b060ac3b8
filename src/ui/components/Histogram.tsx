import type { Histogram as HistogramData } from '../../model/contracts';

interface Props {
  histogram: HistogramData;
  /** Marked with a line; clamped to the plot with an arrow when outside the training range. */
  value?: number;
  width?: number;
  height?: number;
  label: string;
  /** The value is an extrapolation: its marker is dashed, as the number is shown in italics. */
  extrapolated?: boolean;
}

/** A small bar histogram of the training distribution with the molecule's value marked. */
export function Histogram({
  histogram,
  value,
  width = 120,
  height = 28,
  label,
  extrapolated = false,
}: Props) {
  const { edges, counts } = histogram;
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  const max = Math.max(1, ...counts);
  const bar = width / counts.length;
  const x = (v: number) => ((v - lo) / (hi - lo)) * width;
  const outside = value !== undefined && (value < lo || value > hi);
  const marker = value === undefined ? null : Math.min(width - 1, Math.max(1, x(value)));
  return (
    <svg width={width} height={height} role="img" aria-label={label} className="histogram">
      <title>{label}</title>
      {counts.map((count, i) => {
        const h = (count / max) * (height - 2);
        return (
          <rect
            key={i}
            x={i * bar}
            y={height - h}
            width={Math.max(0.5, bar - 0.5)}
            height={h}
            className="bar"
          />
        );
      })}
      {marker !== null && (
        <line
          x1={marker}
          x2={marker}
          y1={0}
          y2={height}
          className={`marker${outside ? ' outside' : ''}${extrapolated ? ' extrapolated' : ''}`}
        />
      )}
    </svg>
  );
}
