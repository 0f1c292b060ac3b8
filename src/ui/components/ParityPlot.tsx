import type { ParityGrid } from '../../model/modelCard';
import { formatValue } from '../format';

interface Props {
  grid: ParityGrid;
  unit: string;
  label: string;
  size?: number;
}

const MARGIN = 36;

/**
 * Predicted against true value on the test split as a density grid (the card stores counts, not
 * one point per molecule). Shading is logarithmic so the sparse tails stay visible.
 */
export function ParityPlot({ grid, unit, label, size = 260 }: Props) {
  const { edges, counts } = grid;
  const bins = counts.length;
  const plot = size - MARGIN;
  const cell = plot / bins;
  const max = Math.log1p(Math.max(1, ...counts.flat()));
  const lo = edges[0];
  const hi = edges[edges.length - 1];
  return (
    <svg
      width={size}
      height={size}
      role="img"
      aria-label={label}
      className="parity"
      data-testid="parity-plot"
    >
      <title>{label}</title>
      <g transform={`translate(${MARGIN},0)`}>
        {counts.map((row, r) =>
          row.map((count, c) =>
            count === 0 ? null : (
              <rect
                key={`${r}-${c}`}
                x={c * cell}
                y={plot - (r + 1) * cell}
                width={cell}
                height={cell}
                fillOpacity={0.15 + (0.85 * Math.log1p(count)) / max}
                className="cell"
              >
                <title>
                  {count} molecules: true {formatValue(edges[r])}…{formatValue(edges[r + 1])},
                  predicted {formatValue(edges[c])}…{formatValue(edges[c + 1])} {unit}
                </title>
              </rect>
            ),
          ),
        )}
        <line x1={0} y1={plot} x2={plot} y2={0} className="diagonal" />
        <rect x={0} y={0} width={plot} height={plot} className="frame" />
      </g>
      <text x={MARGIN} y={size - 20} className="tick">
        {formatValue(lo)}
      </text>
      <text x={size} y={size - 20} textAnchor="end" className="tick">
        {formatValue(hi)}
      </text>
      <text x={MARGIN + plot / 2} y={size - 4} textAnchor="middle">
        predicted ({unit})
      </text>
      <text x={12} y={plot / 2} textAnchor="middle" transform={`rotate(-90 12 ${plot / 2})`}>
        true ({unit})
      </text>
    </svg>
  );
}
