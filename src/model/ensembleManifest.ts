import { checkFormat } from './manifest';
import type { TargetKey } from './types';
import type { WeightPrecision } from './weightsIO';

export const ENSEMBLE_FORMAT = 'qm9-gnn-ensemble';

/**
 * model.json of an ensemble directory: it names member model directories instead of weights, so
 * the app, the server and the CLIs load an ensemble exactly as they load one model.
 */
export interface EnsembleManifest {
  format: typeof ENSEMBLE_FORMAT;
  formatVersion: 1;
  name: string;
  version: string;
  /** The precision every member is loaded in (each member has its own manifest per precision). */
  precision: WeightPrecision;
  /** Member directories, relative to the ensemble's directory (e.g. "../qm9-gnn/"). */
  members: string[];
  /**
   * Per-target factor on the mixture's standard deviation, fitted on the validation split so the
   * central 90% interval covers 90% there. Targets not listed keep a factor of 1.
   */
  stdScale: Partial<Record<TargetKey, number>>;
}

export function isEnsembleManifest(value: unknown): boolean {
  return (value as { format?: unknown } | null)?.format === ENSEMBLE_FORMAT;
}

export function checkEnsembleManifest(value: unknown, where: string): EnsembleManifest {
  const m = checkFormat<EnsembleManifest>(value, where, ENSEMBLE_FORMAT);
  if (
    !Array.isArray(m.members) ||
    m.members.length === 0 ||
    !m.members.every((x) => typeof x === 'string' && x.length > 0)
  )
    throw new Error(`${where}: "members" must list at least one model directory`);
  const scale = m.stdScale ?? {};
  for (const [key, factor] of Object.entries(scale)) {
    if (typeof factor !== 'number' || !(factor > 0))
      throw new Error(`${where}: stdScale.${key} must be a positive number`);
  }
  return { ...(m as EnsembleManifest), stdScale: scale };
}
