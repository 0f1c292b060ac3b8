import type { MoleculePrediction, TargetKey } from './types';

/**
 * Combines the predictions of several models for the same molecules: per target, the mean of the
 * models that predict it, and the standard deviation of the equal-weight mixture
 * sqrt(mean(std^2) + variance of the means) when every one of those models gives a std.
 * Domain warnings are the union, so no model's caution is lost.
 */
export function averagePredictions(perModel: MoleculePrediction[][]): MoleculePrediction[] {
  if (perModel.length === 0) throw new Error('an ensemble needs at least one model');
  const n = perModel[0].length;
  perModel.forEach((p, m) => {
    if (p.length !== n)
      throw new Error(`model ${m + 1} predicted ${p.length} molecules, model 1 predicted ${n}`);
  });
  return Array.from({ length: n }, (_, i) => {
    const members = perModel.map((p) => p[i]);
    const keys = new Set(members.flatMap((p) => Object.keys(p.values) as TargetKey[]));
    const values: MoleculePrediction['values'] = {};
    const std: MoleculePrediction['std'] = {};
    for (const key of keys) {
      const having = members.filter((p) => p.values[key] !== undefined);
      const means = having.map((p) => p.values[key]!);
      const mean = means.reduce((s, v) => s + v, 0) / means.length;
      values[key] = mean;
      if (having.every((p) => p.std[key] !== undefined)) {
        const within = having.reduce((s, p) => s + p.std[key]! ** 2, 0) / having.length;
        const between = means.reduce((s, v) => s + (v - mean) ** 2, 0) / means.length;
        std[key] = Math.sqrt(within + between);
      }
    }
    const seen = new Set<string>();
    const warnings = members
      .flatMap((p) => p.warnings)
      .filter((w) => {
        const id = JSON.stringify(w);
        if (seen.has(id)) return false;
        seen.add(id);
        return true;
      });
    return { values, std, warnings };
  });
}
