// The promotion gate: a candidate may replace production only if no target's test MAE is more
// than 2% worse and every calibrated 90% interval covers 85-95% of the test molecules.
import type { RegistryMetric } from '../src/model';

export interface GateLimits {
  /** Largest allowed relative MAE increase over production, per target. */
  maxMaeIncrease: number;
  coverage90: [number, number];
}

export const GATE_LIMITS: GateLimits = { maxMaeIncrease: 0.02, coverage90: [0.85, 0.95] };

export interface GateResult {
  passed: boolean;
  /** One line per check, failures first, each naming the target and the numbers. */
  lines: string[];
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

export function promotionGate(
  candidate: RegistryMetric[],
  production: RegistryMetric[] | null,
  limits: GateLimits = GATE_LIMITS,
): GateResult {
  const failures: string[] = [];
  const passes: string[] = [];
  const byKey = new Map(candidate.map((m) => [m.key, m]));
  for (const p of production ?? []) {
    const c = byKey.get(p.key);
    if (!c) {
      failures.push(
        `${p.key}: the candidate does not predict it (production MAE ${p.mae.toPrecision(4)} ${p.unit})`,
      );
      continue;
    }
    const change = c.mae / p.mae - 1;
    const line = `${p.key}: test MAE ${c.mae.toPrecision(4)} vs production ${p.mae.toPrecision(4)} ${p.unit} (${change >= 0 ? '+' : ''}${pct(change)}, limit +${pct(limits.maxMaeIncrease)})`;
    (change > limits.maxMaeIncrease ? failures : passes).push(line);
  }
  const [lo, hi] = limits.coverage90;
  for (const c of candidate) {
    if (c.coverage90 === undefined) continue;
    const line = `${c.key}: 90% interval covers ${pct(c.coverage90)} of the test split (allowed ${pct(lo)}-${pct(hi)})`;
    (c.coverage90 < lo || c.coverage90 > hi ? failures : passes).push(line);
  }
  return {
    passed: failures.length === 0,
    lines: [...failures.map((l) => `FAIL ${l}`), ...passes.map((l) => `ok   ${l}`)],
  };
}
