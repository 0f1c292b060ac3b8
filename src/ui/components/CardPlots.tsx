// The model page's plots, drawn with Observable Plot (axes, ticks, scales and legends from a library
// made for them). This module is imported only by the lazily loaded model page, so Plot and the d3
// modules it uses arrive with that page, never with the predictor.
import * as Plot from '@observablehq/plot';
import { useCallback, useEffect, useRef } from 'react';
import type { Histogram, ParityGrid, TargetMetrics } from '../../model/contracts';
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

interface CoveragePoint {
  property: string;
  nominal: number;
  observed: number;
}

/**
 * Observed against nominal coverage of the central predictive intervals on the test split. A 0 %
 * interval holds nothing and a 100 % one everything, so each property's curve runs from (0, 0) to
 * (100, 100) through the levels the model card measured; a calibrated model stays on the diagonal.
 */
function coveragePoints(metrics: TargetMetrics[]): CoveragePoint[] {
  return metrics.flatMap((m) => {
    const measured = [
      ...(m.coverage50 === undefined ? [] : [{ nominal: 50, observed: m.coverage50 * 100 }]),
      ...(m.coverage90 === undefined ? [] : [{ nominal: 90, observed: m.coverage90 * 100 }]),
    ];
    if (measured.length === 0) return [];
    const property = propertyInfo(m.key).name;
    return [
      { property, nominal: 0, observed: 0 },
      ...measured.map((p) => ({ property, ...p })),
      { property, nominal: 100, observed: 100 },
    ];
  });
}

export function CalibrationChart({ metrics }: { metrics: TargetMetrics[] }) {
  const make = useCallback(() => {
    const points = coveragePoints(metrics);
    const measured = points.filter((p) => p.nominal > 0 && p.nominal < 100);
    return Plot.plot({
      width: 380,
      height: 340,
      marginLeft: 48,
      marginBottom: 40,
      style: { fontSize: '11px' },
      x: { label: 'Nominal coverage of the interval (%) →', domain: [0, 100], ticks: 5 },
      y: { label: '↑ Observed coverage on the test split (%)', domain: [0, 100], grid: true },
      color: { legend: true },
      marks: [
        Plot.line(
          [
            [0, 0],
            [100, 100],
          ],
          { stroke: '#888', strokeDasharray: '4 3' },
        ),
        Plot.line(points, { x: 'nominal', y: 'observed', stroke: 'property', strokeOpacity: 0.6 }),
        Plot.dot(measured, {
          x: 'nominal',
          y: 'observed',
          fill: 'property',
          r: 3,
          title: (p: CoveragePoint) =>
            `${p.property}: ${p.observed.toFixed(1)} % inside the ${p.nominal} % interval`,
        }),
      ],
    });
  }, [metrics]);
  if (coveragePoints(metrics).length === 0) {
    return <p className="muted">The model card has no interval coverage.</p>;
  }
  return (
    <PlotFigure
      make={make}
      width={380}
      height={400}
      label="Calibration: observed against nominal interval coverage, one line per property"
      testId="calibration-plot"
    />
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
