import type { AtomContributions } from './attribution';
import { withIntervals } from './bounds';
import type { EnsembleManifest } from './ensembleManifest';
import type { ModelCard } from './modelCard';
import type { Predictor } from './predictorTypes';
import { TARGETS, type MoleculePrediction, type TargetKey } from './types';

/**
 * Combines the predictions of several models for the same molecules: per target, the mean of the
 * models that predict it, and the standard deviation of the equal-weight mixture
 * sqrt(mean(std^2) + variance of the means) when every one of those models gives a std.
 * Domain warnings, capped uncertainties and values below a bound are the union, so no model's caution is lost.
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
    const capped = new Set(members.flatMap((p) => p.uncertaintyCapped ?? []));
    const below = new Set(members.flatMap((p) => p.belowBound ?? []));
    const order = TARGETS.map((t) => t.key);
    return withIntervals({
      values,
      std,
      uncertaintyCapped: order.filter((k) => capped.has(k)),
      belowBound: order.filter((k) => below.has(k)),
      warnings,
    });
  });
}

/**
 * The members' atom contributions averaged, as the ensemble's value is their average: integrated
 * gradients are linear in the model, so the averaged atoms still sum to the averaged learned part.
 */
export function averageContributions(perModel: AtomContributions[]): AtomContributions {
  if (perModel.length === 0) throw new Error('no model predicts this target');
  const n = perModel.length;
  const meanOf = (pick: (c: AtomContributions) => number) =>
    perModel.reduce((s, c) => s + pick(c), 0) / n;
  const atoms = perModel[0].atoms.map((_, i) => meanOf((c) => c.atoms[i]));
  return {
    target: perModel[0].target,
    atoms,
    learned: meanOf((c) => c.learned),
    reference: meanOf((c) => c.reference),
    offset: meanOf((c) => c.offset),
    value: meanOf((c) => c.value),
    steps: perModel[0].steps,
  };
}

/**
 * One predictor over several loaded models: the mixture of averagePredictions with the
 * ensemble's validation-fitted std factors applied.
 */
export function ensemblePredictor(
  manifest: EnsembleManifest,
  members: Predictor[],
  card: ModelCard | null,
): Predictor {
  const targets = TARGETS.map((t) => t.key).filter((key) =>
    members.some((m) => m.targets.includes(key)),
  );
  return {
    name: manifest.name,
    version: manifest.version,
    card,
    needsBondTypes: members.some((m) => m.needsBondTypes),
    members: members.flatMap((m) => m.members),
    backend: members[0].backend,
    targets,
    async predict(graphs) {
      const perModel = [];
      for (const member of members) perModel.push(await member.predict(graphs));
      return averagePredictions(perModel).map((p) => {
        for (const [key, factor] of Object.entries(manifest.stdScale) as [TargetKey, number][]) {
          if (p.std[key] !== undefined) p.std[key] = p.std[key]! * factor;
        }
        return withIntervals(p);
      });
    },
    async contributions(graph, target, options) {
      const having = members.filter((m) => m.targets.includes(target));
      if (having.length === 0) throw new Error(`${manifest.name} does not predict ${target}`);
      const perModel = [];
      for (const member of having)
        perModel.push(await member.contributions(graph, target, options));
      return averageContributions(perModel);
    },
    dispose() {
      for (const member of members) member.dispose();
    },
  };
}
