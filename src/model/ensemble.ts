import type { AtomContributions } from './attribution';
import type { EnsembleManifest } from './ensembleManifest';
import type { ModelCard } from './modelCard';
import { packGraphs } from './packedGraphs';
import { asReported, type Predictor } from './predictorTypes';
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
  const order = TARGETS.map((t) => t.key);
  // Plain loops, no per-target arrays: this runs for every molecule of every job.
  return Array.from({ length: n }, (_, i) => {
    const values: MoleculePrediction['values'] = {};
    const std: MoleculePrediction['std'] = {};
    for (const key of order) {
      let count = 0;
      let sum = 0;
      let everyStd = true;
      for (const p of perModel) {
        const v = p[i].values[key];
        if (v === undefined) continue;
        count++;
        sum += v;
        if (p[i].std[key] === undefined) everyStd = false;
      }
      if (count === 0) continue;
      const mean = sum / count;
      values[key] = mean;
      if (!everyStd) continue;
      let within = 0;
      let between = 0;
      for (const p of perModel) {
        const v = p[i].values[key];
        if (v === undefined) continue;
        within += p[i].std[key]! ** 2;
        between += (v - mean) ** 2;
      }
      std[key] = Math.sqrt(within / count + between / count);
    }
    return {
      values,
      std,
      uncertaintyCapped: unionOfTargets(perModel, i, 'uncertaintyCapped', order),
      belowBound: unionOfTargets(perModel, i, 'belowBound', order),
      warnings: unionOfWarnings(perModel.map((p) => p[i].warnings)),
    };
  });
}

/** The targets any member lists under `field` for molecule i, in target order. */
function unionOfTargets(
  perModel: MoleculePrediction[][],
  i: number,
  field: 'uncertaintyCapped' | 'belowBound',
  order: TargetKey[],
): TargetKey[] {
  // Most molecules have none: no set to build.
  if (perModel.every((p) => !p[i][field]?.length)) return [];
  const listed = new Set(perModel.flatMap((p) => p[i][field] ?? []));
  return order.filter((k) => listed.has(k));
}

/** Every distinct warning of the members, in the order first seen. */
function unionOfWarnings(lists: MoleculePrediction['warnings'][]): MoleculePrediction['warnings'] {
  if (lists.every((list) => list.length === 0)) return [];
  const seen = new Set<string>();
  return lists.flat().filter((w) => {
    const id = JSON.stringify(w);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
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
  const needsBondTypes = members.some((m) => m.needsBondTypes);
  const targets = TARGETS.map((t) => t.key).filter((key) =>
    members.some((m) => m.targets.includes(key)),
  );
  const stdScale = Object.entries(manifest.stdScale) as [TargetKey, number][];
  return {
    name: manifest.name,
    version: manifest.version,
    card,
    needsBondTypes,
    members: members.flatMap((m) => m.members),
    backend: members[0].backend,
    targets,
    async predict(graphs) {
      return asReported(await this.predictPacked(packGraphs(graphs, needsBondTypes)), graphs);
    },
    async predictPacked(packed) {
      const perModel = [];
      for (const member of members) perModel.push(await member.predictPacked(packed));
      return averagePredictions(perModel).map((p) => {
        for (const [key, factor] of stdScale) {
          if (p.std[key] !== undefined) p.std[key] = p.std[key]! * factor;
        }
        return p;
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
