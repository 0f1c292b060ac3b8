// One diverging scale for the 2D drawing (RDKit, in the worker), the 3D view and the legend, so
// the three always agree: blue lowers the property, red raises it, white is no contribution.

export type Rgb = [number, number, number];

const NEGATIVE: Rgb = [0.19, 0.4, 0.85];
const NEUTRAL: Rgb = [1, 1, 1];
const POSITIVE: Rgb = [0.85, 0.2, 0.17];

/** Colour of `value` on a scale from -range (full blue) to +range (full red); components in 0..1. */
export function contributionColour(value: number, range: number): Rgb {
  const t = range > 0 && Number.isFinite(value) ? Math.max(-1, Math.min(1, value / range)) : 0;
  const end = t < 0 ? NEGATIVE : POSITIVE;
  const w = Math.abs(t);
  return [0, 1, 2].map((c) => NEUTRAL[c] + (end[c] - NEUTRAL[c]) * w) as Rgb;
}

export function rgbToHex([r, g, b]: Rgb): string {
  const hex = (c: number) =>
    Math.round(Math.max(0, Math.min(1, c)) * 255)
      .toString(16)
      .padStart(2, '0');
  return `#${hex(r)}${hex(g)}${hex(b)}`;
}

/** The largest magnitude among the values: the scale is symmetric so white always means zero. */
export function symmetricRange(values: number[]): number {
  return values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
}

/** CSS gradient of the whole scale, for the legend bar. */
export function legendGradient(): string {
  const stops = [-1, -0.5, 0, 0.5, 1].map((t) => rgbToHex(contributionColour(t, 1)));
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
