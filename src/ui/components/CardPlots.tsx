// The model page's plots, drawn with Observable Plot (axes, ticks, scales and legends from a library
// made for them). This module is imported only by the lazily loaded model page, so Plot and the d3
// modules it uses arrive with that page, never with the predictor.
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { TARGETS } from '../../model/contracts';
import type {
  Histogram,
  IntervalCoverage,
  ParityGrid,
  TargetKey,
  TargetMetrics,
} from '../../model/contracts';
import type { CurvePoint } from '../cardView';
import { propertyInfo } from '../properties';

/** A Plot chart in a figure: the drawing is an image to assistive tech, with the label as its text. */
function PlotFigure({
  make,
  label,
  testId,
  caption,
  width,
  height,
}: {
  make: () => Element;
  /** The chart's size, kept free before it is drawn so the page does not jump. */
  width: number;
  height: number;
  label: string;
  testId?: string;
  caption?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const target = host.current;
    if (!target) return;
    let chart: Element | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const draw = () => {
      chart = make();
      // Plot labels each mark group ("rect", "line") for screen readers; inside one labelled
      // image those words are noise, and ARIA does not allow a label on an element without a role.
      for (const element of chart.querySelectorAll('[aria-label], [aria-description]')) {
        element.removeAttribute('aria-label');
        element.removeAttribute('aria-description');
      }
      // Plot wraps a chart with a title or a legend in a <figure> of its own, whose default
      // 40 px side margins would shrink the chart inside this one.
      if (chart instanceof HTMLElement && chart.tagName === 'FIGURE') chart.style.margin = '0';
      target.replaceChildren(chart);
    };
    // A chart is drawn when it comes near the screen, each in its own task: opening the model page
    // never holds the main thread for all 14 charts, and a click back to the predict tab is
    // handled at once.
    const observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        observer.disconnect();
        timer = setTimeout(draw, 0);
      },
      { rootMargin: '200px' },
    );
    observer.observe(target);
    return () => {
      observer.disconnect();
      clearTimeout(timer);
      chart?.remove();
    };
  }, [make]);
  return (
    <figure className="plot-figure">
      <div
        ref={host}
        role="img"
        aria-label={label}
        data-testid={testId}
        className="plot-host"
        style={{ width, maxWidth: '100%', minHeight: height }}
      />
      {caption && <figcaption>{caption}</figcaption>}
    </figure>
  );
}

interface Cell {
  predictedLo: number;
  predictedHi: number;
  trueLo: number;
  trueHi: number;
  count: number;
}

function parityCells(grid: ParityGrid): Cell[] {
  const { edges, counts } = grid;
  return counts.flatMap((row, r) =>
    row.flatMap((count, c) =>
      count === 0
        ? []
        : [
            {
              predictedLo: edges[c],
              predictedHi: edges[c + 1],
              trueLo: edges[r],
              trueHi: edges[r + 1],
              count,
            },
          ],
    ),
  );
}

/** Predicted against true on the test split, as a density grid (the card stores counts per cell). */
export function ParityChart({ grid, target }: { grid: ParityGrid; target: TargetMetrics['key'] }) {
  const { name, unit } = propertyInfo(target);
  const label = `${propertyInfo(target).name}: predicted vs true`;
  const make = useCallback(() => {
    const lo = grid.edges[0];
    const hi = grid.edges[grid.edges.length - 1];
    return Plot.plot({
      width: 360,
      height: 330,
      marginLeft: 56,
      marginBottom: 40,
      style: { fontSize: '11px', overflow: 'visible' },
      x: { label: `Predicted ${name} (${unit}) →`, domain: [lo, hi], ticks: 5 },
      y: { label: `↑ True ${name} (${unit})`, domain: [lo, hi], ticks: 5, grid: true },
      color: { type: 'log', scheme: 'blues', legend: true, label: 'molecules per cell' },
      marks: [
        Plot.rect(parityCells(grid), {
          x1: 'predictedLo',
          x2: 'predictedHi',
          y1: 'trueLo',
          y2: 'trueHi',
          fill: 'count',
          title: (d: Cell) => `${d.count} molecules`,
        }),
        Plot.line(
          [
            [lo, lo],
            [hi, hi],
          ],
          { stroke: '#b3261e', strokeDasharray: '4 3' },
        ),
        Plot.frame(),
      ],
    });
  }, [grid, name, unit]);
  return <PlotFigure make={make} label={label} testId="parity-plot" width={360} height={380} />;
}

/** How far off the model is on the test split (predicted − true), with axis values and units. */
export function ErrorHistogramChart({
  histogram,
  target,
}: {
  histogram: Histogram & { clipped: number };
  target: TargetMetrics['key'];
}) {
  const { name, unit } = propertyInfo(target);
  const make = useCallback(
    () =>
      Plot.plot({
        width: 260,
        height: 150,
        marginLeft: 48,
        marginBottom: 36,
        style: { fontSize: '10px' },
        x: { label: `Predicted − true (${unit}) →`, ticks: 4 },
        y: { label: '↑ Molecules', ticks: 3, grid: true },
        marks: [
          Plot.rectY(histogramBins(histogram), {
            x1: 'lo',
            x2: 'hi',
            y: 'count',
            fill: '#6d8cc9',
            insetLeft: 0.5,
          }),
          Plot.ruleX([0], { stroke: '#b3261e' }),
          Plot.ruleY([0]),
        ],
      }),
    [histogram, unit],
  );
  return (
    <PlotFigure
      make={make}
      width={260}
      height={150}
      label={`${name}: test errors, predicted minus true`}
      caption={`${name}${histogram.clipped > 0 ? ` (${histogram.clipped} beyond the range, in the end bins)` : ''}`}
    />
  );
}

function histogramBins(histogram: Histogram): { lo: number; hi: number; count: number }[] {
  return histogram.counts.map((count, i) => ({
    lo: histogram.edges[i],
    hi: histogram.edges[i + 1],
    count,
  }));
}

/** Observed coverage per property at each nominal level, in percent, and where it was measured. */
interface CoverageCurves {
  levels: number[];
  rows: { key: TargetKey; property: string; observed: number[] }[];
  /** The evaluation's many levels, or the card's 50 % and 90 % only (older evaluations). */
  source: 'evaluation' | 'card';
  n: number | null;
}

function coverageCurves(metrics: TargetMetrics[], coverage?: IntervalCoverage): CoverageCurves {
  if (coverage) {
    const keys = TARGETS.map((t) => t.key).filter((k) => coverage.observed[k] !== undefined);
    return {
      // Rounded so a level such as 0.07 reads 7, not 7.000000000000001.
      levels: coverage.levels.map((p) => Math.round(p * 1000) / 10),
      rows: keys.map((key) => ({
        key,
        property: propertyInfo(key).name,
        observed: coverage.observed[key]!.map((v) => v * 100),
      })),
      source: 'evaluation',
      n: coverage.n,
    };
  }
  const withBoth = metrics.filter((m) => m.coverage50 !== undefined && m.coverage90 !== undefined);
  return {
    levels: [50, 90],
    rows: withBoth.map((m) => ({
      key: m.key,
      property: propertyInfo(m.key).name,
      observed: [m.coverage50! * 100, m.coverage90! * 100],
    })),
    source: 'card',
    n: withBoth[0]?.n ?? null,
  };
}

interface CoveragePoint {
  property: string;
  nominal: number;
  observed: number;
}

/** Twelve properties need twelve colours: Tableau 10 and two darker ones. */
const PROPERTY_COLORS = [
  '#4e79a7',
  '#f28e2c',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc949',
  '#af7aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ab',
  '#1f2f5c',
  '#7a7a00',
];

const percent = (v: number) => `${v.toFixed(1)} %`;

/**
 * Observed against nominal coverage of the central predictive interval value ± z·std on the test
 * split, one line per property. A 0 % interval holds nothing and a 100 % one everything, so each
 * line runs from (0, 0) to (100, 100) through the measured levels; a calibrated model stays on the
 * diagonal, an overconfident one below it. The numbers are in a table under the chart as well.
 */
export function CalibrationChart({
  metrics,
  coverage,
}: {
  metrics: TargetMetrics[];
  coverage?: IntervalCoverage;
}) {
  const curves = useMemo(() => coverageCurves(metrics, coverage), [metrics, coverage]);
  const points = useMemo(
    () =>
      curves.rows.flatMap((r) =>
        r.observed.map((observed, i) => ({
          property: r.property,
          nominal: curves.levels[i],
          observed,
        })),
      ),
    [curves],
  );
  const color = useMemo(
    () => ({ domain: curves.rows.map((r) => r.property), range: PROPERTY_COLORS }),
    [curves],
  );
  const measuredAt =
    curves.source === 'evaluation'
      ? `${curves.levels.length} nominal levels`
      : 'the model card’s 50 % and 90 % levels only';
  const molecules = curves.n === null ? '' : `, ${curves.n.toLocaleString('en-US')} molecules`;
  const makeCurve = useCallback(() => {
    const lines = curves.rows.flatMap((r) => [
      { property: r.property, nominal: 0, observed: 0 },
      ...points.filter((p) => p.property === r.property),
      { property: r.property, nominal: 100, observed: 100 },
    ]);
    return Plot.plot({
      width: 420,
      height: 380,
      marginLeft: 48,
      marginBottom: 40,
      style: { fontSize: '11px' },
      title: 'Interval coverage on the test split',
      caption: `Measured at ${measuredAt}${molecules}; dashed: calibrated.`,
      x: { label: 'Nominal coverage of the interval (%) →', domain: [0, 100], ticks: 10 },
      y: { label: '↑ Observed coverage (%)', domain: [0, 100], ticks: 10, grid: true },
      color: { ...color, legend: true },
      marks: [
        Plot.line(
          [
            [0, 0],
            [100, 100],
          ],
          { stroke: '#888', strokeDasharray: '4 3' },
        ),
        Plot.line(lines, { x: 'nominal', y: 'observed', stroke: 'property', strokeOpacity: 0.8 }),
        Plot.dot(points, {
          x: 'nominal',
          y: 'observed',
          fill: 'property',
          r: 2.5,
          title: (p: CoveragePoint) =>
            `${p.property}: ${percent(p.observed)} inside the ${p.nominal} % interval`,
        }),
        Plot.frame(),
      ],
    });
  }, [curves, points, color, measuredAt, molecules]);
  // On the 0-100 scale the lines lie within a few points of the diagonal; the difference from it
  // tells the properties apart.
  const makeDeviation = useCallback(
    () =>
      Plot.plot({
        width: 420,
        height: 240,
        marginLeft: 48,
        marginBottom: 40,
        style: { fontSize: '11px' },
        title: 'Observed minus nominal coverage',
        caption: 'Above zero the intervals are too wide, below too narrow.',
        x: { label: 'Nominal coverage of the interval (%) →', domain: [0, 100], ticks: 10 },
        y: { label: '↑ Difference (percentage points)', grid: true, nice: true },
        color,
        marks: [
          Plot.ruleY([0], { stroke: '#888', strokeDasharray: '4 3' }),
          Plot.line(points, {
            x: 'nominal',
            y: (p: CoveragePoint) => p.observed - p.nominal,
            stroke: 'property',
            strokeOpacity: 0.8,
          }),
          Plot.dot(points, {
            x: 'nominal',
            y: (p: CoveragePoint) => p.observed - p.nominal,
            fill: 'property',
            r: 2,
          }),
          Plot.frame(),
        ],
      }),
    [points, color],
  );
  if (curves.rows.length === 0) {
    return <p className="muted">The model card has no interval coverage.</p>;
  }
  return (
    <>
      <PlotFigure
        make={makeCurve}
        width={420}
        height={520}
        label={`Calibration: observed against nominal interval coverage on the test split at ${measuredAt}, one line per property; the numbers are in the table below`}
        testId="calibration-plot"
      />
      <PlotFigure
        make={makeDeviation}
        width={420}
        height={300}
        label="Calibration error: observed minus nominal coverage in percentage points, one line per property"
        testId="calibration-deviation"
      />
      <details>
        <summary>Coverage table (%)</summary>
        <div className="table-scroll">
          <table className="card-table" data-testid="calibration-table">
            <caption className="muted" style={{ textAlign: 'left' }}>
              Share of test molecules inside the central interval at each nominal level
            </caption>
            <thead>
              <tr>
                <th scope="col">Property</th>
                {curves.levels.map((p) => (
                  <th scope="col" key={p}>
                    {p}&nbsp;%
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {curves.rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.property}</th>
                  {r.observed.map((v, i) => (
                    <td className="num" key={curves.levels[i]}>
                      {v.toFixed(1)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

/** Validation gap MAE against epoch for each model behind the card. */
export function LearningCurveChart({ points }: { points: CurvePoint[] }) {
  const make = useCallback(
    () =>
      Plot.plot({
        width: 380,
        height: 300,
        marginLeft: 52,
        marginBottom: 40,
        style: { fontSize: '11px' },
        x: { label: 'Epoch →' },
        y: { label: '↑ Validation HOMO–LUMO gap MAE (eV)', grid: true },
        color: { legend: true },
        marks: [
          Plot.line(points, { x: 'epoch', y: 'valGapMae', stroke: 'model' }),
          Plot.dot(points, {
            x: 'epoch',
            y: 'valGapMae',
            fill: 'model',
            r: 1.5,
            title: (p: CurvePoint) => `${p.model}, epoch ${p.epoch}: ${p.valGapMae.toFixed(4)} eV`,
          }),
        ],
      }),
    [points],
  );
  if (points.length === 0) return <p className="muted">The evaluation has no training history.</p>;
  return (
    <PlotFigure
      make={make}
      width={380}
      height={360}
      label="Learning curves: validation HOMO–LUMO gap MAE per epoch, one line per model"
      testId="learning-curves"
    />
  );
}
