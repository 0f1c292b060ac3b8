import { checkReadout, type Architecture } from './gnn';
import type { OutputTransform } from './outputTransform';
import type { WeightPrecision, WeightsManifestGroup } from './weightsIO';

export const MANIFEST_FORMAT = 'qm9-gnn';

/** model.json: TF.js weights manifest plus what is needed to rebuild and un-standardize the model. */
export interface ModelManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: 1;
  name: string;
  version: string;
  precision: WeightPrecision;
  architecture: Architecture;
  outputTransform: OutputTransform;
  weightsManifest: WeightsManifestGroup[];
}

/** The header every manifest shares: a JSON object of the expected format, version 1. */
export function checkFormat<T>(value: unknown, where: string, format: string): Partial<T> {
  const m = value as { format?: unknown; formatVersion?: unknown } | null;
  if (!m || typeof m !== 'object') throw new Error(`${where}: not a JSON object`);
  if (m.format !== format)
    throw new Error(`${where}: format is "${String(m.format)}", expected "${format}"`);
  if (m.formatVersion !== 1)
    throw new Error(`${where}: unsupported formatVersion ${String(m.formatVersion)}`);
  return m as Partial<T>;
}

export function checkManifest(value: unknown, where: string): ModelManifest {
  const m = checkFormat<ModelManifest>(value, where, MANIFEST_FORMAT);
  if (!m.architecture || !m.outputTransform || !Array.isArray(m.weightsManifest)) {
    throw new Error(`${where}: missing architecture, outputTransform or weightsManifest`);
  }
  if (m.outputTransform.targets.length !== m.architecture.targets.length) {
    throw new Error(`${where}: outputTransform and architecture disagree on the targets`);
  }
  // Absent means the default readout (every manifest written before the setting); a value the
  // code does not know would build a network the weights were not trained for.
  const readout = (m.architecture as { readout?: unknown }).readout;
  if (readout !== undefined && m.architecture.kind !== 'product')
    throw new Error(`${where}: architecture.readout is a setting of the product model only`);
  checkReadout(readout, where);
  return m as ModelManifest;
}
