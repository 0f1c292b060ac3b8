// Two-sample statistics as SciPy computes them (ks_2samp, chisquare, wasserstein_distance,
// jensenshannon) plus Evidently's Z-test for proportions. Pure functions over plain arrays.
import { chiSquaredSurvival, normalTwoSided } from './special';

export interface TestResult {
  statistic: number;
  pValue: number;
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

function requireSamples(reference: ArrayLike<number>, current: ArrayLike<number>): void {
  if (reference.length === 0) throw new RangeError('reference sample is empty');
  if (current.length === 0) throw new RangeError('current sample is empty');
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** Largest gap between the two empirical CDFs (both directions). */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  // Stryker disable next-line ConditionalExpression,LogicalOperator: once either sample is used up the gap only shrinks, so stopping there (&&, or testing one side) gives the same D
  while (i < a.length || j < b.length) {
    const v = Math.min(i < a.length ? a[i] : Infinity, j < b.length ? b[j] : Infinity);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a[a.length] is undefined and undefined <= v is false, so the bound check (or <=) changes nothing
    while (i < a.length && a[i] <= v) i++;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: as above, b[b.length] <= v is false
    while (j < b.length && b[j] <= v) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** Pr(D_{n,n} >= h/n): Horner-like sum that avoids cancellation (SciPy's formulation). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  // Stryker disable next-line ArithmeticOperator: the k = floor(n/h) term is 0 (its j = n - kh factor vanishes) and resets p, so starting higher (n * h) gives the same sum
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * Share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm,
 * kept as probabilities column by column so nothing overflows.
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  // Stryker disable next-line EqualityOperator: only called with m0 !== n0 (equal sizes take probOutsideSquare), so >= and > agree
  const [m, n] = m0 >= n0 ? [m0, n0] : [n0, m0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  // Stryker disable next-line ArithmeticOperator: minj is 0 here
  let curlen = maxj - minj;
  // Stryker disable next-line MethodExpression: every index read or written is below the band width, at most 2 * maxj + 2 and n + 1; a larger buffer holds the same values there
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut: after an empty row every stored value is 1 and every later value is exactly 1 (maxj < minj never happens)
    if (maxj <= minj) return 1;
    // Stryker disable next-line ConditionalExpression: with minj 0 the first step multiplies val by j = 0, so its start value does not matter there
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
      a[jj] = val;
    }
    curlen = maxj - minj;
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: fill(1, x, y) is a no-op for y <= x, and every slot from the band's end on already holds 1 (a point above the band), so a longer fill writes 1 over 1
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1];
}

/** Limiting Kolmogorov distribution, used only if the exact recursion cannot run. */
function kolmogorovSurvival(d: number, n1: number, n2: number): number {
  const en = Math.sqrt((n1 * n2) / (n1 + n2));
  const lambda = (en + 0.12 + 0.11 / en) * d;
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lambda * lambda);
    sum += term;
    if (Math.abs(term) < 1e-16) return Math.min(1, Math.max(0, sum));
  }
  // Not converged in 100 terms only for lambda below ~0.04, where the survival is 1 to double
  // precision; the partial sum of the alternating series there is meaningless (Numerical
  // Recipes' probks returns 1 in the same case).
  return 1;
}

const MAX_EXACT_LCM = 2 ** 31 - 1;

/**
 * Two-sided two-sample Kolmogorov-Smirnov test with SciPy's exact p-value. SciPy's
 * method='auto' switches to an asymptotic p-value above 10,000 rows per sample; we stay
 * exact at every size (what scipy's method='exact' returns), which is cheap here.
 */
export function ksTwoSample(reference: ArrayLike<number>, current: ArrayLike<number>): TestResult {
  requireSamples(reference, current);
  const a = sortedCopy(reference);
  const b = sortedCopy(current);
  const n1 = a.length;
  const n2 = b.length;
  let d = ksStatistic(a, b);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  if (lcm > MAX_EXACT_LCM) return { statistic: d, pValue: kolmogorovSurvival(d, n1, n2) };
  const h = Math.round(d * lcm);
  d = h / lcm;
  if (h === 0) return { statistic: d, pValue: 1 };
  const p = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  if (!(p >= 0 && p <= 1)) return { statistic: d, pValue: kolmogorovSurvival(d, n1, n2) };
  return { statistic: d, pValue: p };
}

/** Value -> count for each distinct value in either sample, keys ascending. */
export function alignedFrequencies(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): { keys: number[]; reference: number[]; current: number[] } {
  const ref = countValues(reference);
  const cur = countValues(current);
  const keys = [...new Set([...ref.keys(), ...cur.keys()])].sort((x, y) => x - y);
  return {
    keys,
    reference: keys.map((k) => ref.get(k) ?? 0),
    current: keys.map((k) => cur.get(k) ?? 0),
  };
}

/** alignedFrequencies of two samples, neither of which may be empty. */
function sampleFrequencies(reference: ArrayLike<number>, current: ArrayLike<number>) {
  requireSamples(reference, current);
  return alignedFrequencies(reference, current);
}

export function countValues(values: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(values[i], (counts.get(values[i]) ?? 0) + 1);
  return counts;
}

/**
 * Evidently's chi-squared test: current counts against reference counts rescaled to the
 * current sample size, k-1 degrees of freedom (scipy.stats.chisquare).
 */
export function chiSquareTest(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): TestResult {
  const f = sampleFrequencies(reference, current);
  const scale = current.length / reference.length;
  let statistic = 0;
  for (let i = 0; i < f.keys.length; i++) {
    const expected = f.reference[i] * scale;
    const diff = f.current[i] - expected;
    // Stryker disable next-line ConditionalExpression: diff * diff / 0 is already Infinity (NaN for 0 / 0), and diff is never 0 where expected is (the key comes from one of the samples)
    statistic += expected === 0 ? (diff === 0 ? NaN : Infinity) : (diff * diff) / expected;
  }
  return { statistic, pValue: chiSquaredSurvival(statistic, f.keys.length - 1) };
}

/** Evidently's two-sided Z-test for the difference of two proportions (binary columns). */
export function zTestProportions(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): TestResult {
  const f = sampleFrequencies(reference, current);
  if (f.keys.length === 1) return { statistic: 0, pValue: 1 };
  if (f.keys.length > 2)
    throw new RangeError(`Z-test needs a binary column, got ${f.keys.length} values`);
  // Proportion of rows that differ from the first key, as Evidently encodes them.
  const n1 = reference.length;
  const n2 = current.length;
  const p1 = f.reference[1] / n1;
  const p2 = f.current[1] / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: normalTwoSided(z) };
}

/** First Wasserstein distance between two empirical distributions. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  requireSamples(u, v);
  const a = sortedCopy(u);
  const b = sortedCopy(v);
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0], b[0]);
  let total = 0;
  while (i < a.length || j < b.length) {
    const next = Math.min(i < a.length ? a[i] : Infinity, j < b.length ? b[j] : Infinity);
    total += Math.abs(i / a.length - j / b.length) * (next - previous);
    previous = next;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a[a.length] <= next is false, as in ksStatistic
    while (i < a.length && a[i] <= next) i++;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: b[b.length] <= next is false
    while (j < b.length && b[j] <= next) j++;
  }
  return total;
}

export function populationStd(values: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < values.length; i++) mean += values[i];
  mean /= values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return Math.sqrt(ss / values.length);
}

/** Wasserstein distance in units of the reference standard deviation (floored at 0.001). */
export function normalizedWasserstein(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
}

/** Jensen-Shannon distance (natural log) between the value frequencies of two samples. */
export function jensenShannonDistance(
  reference: ArrayLike<number>,
  current: ArrayLike<number>,
): number {
  const f = sampleFrequencies(reference, current);
  let divergence = 0;
  // Stryker disable next-line EqualityOperator: one step too far reads undefined, so p and q are NaN and neither term is added
  for (let i = 0; i < f.keys.length; i++) {
    const p = f.reference[i] / reference.length;
    const q = f.current[i] / current.length;
    const m = (p + q) / 2;
    if (p > 0) divergence += p * Math.log(p / m);
    if (q > 0) divergence += q * Math.log(q / m);
  }
  return Math.sqrt(Math.max(divergence, 0) / 2);
}
