import type * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Architecture } from '../src/model';
import { MANIFEST_FORMAT, type ModelManifest } from '../src/model';
import type { OutputTransform } from '../src/model';
import { encodeWeights, MANIFEST_FILES, type WeightPrecision } from '../src/model';

export interface ModelIdentity {
  name: string;
  version: string;
  architecture: Architecture;
  outputTransform: OutputTransform;
}

export interface WrittenModel {
  precision: WeightPrecision;
  manifest: ModelManifest;
  manifestFile: string;
  /** The shard bytes as written. */
  data: Uint8Array;
}

export function shardName(precision: WeightPrecision): string {
  return precision === 'float32' ? 'group1-shard1of1.bin' : `group1-shard1of1.${precision}.bin`;
}

/** Writes <dir>/<manifest> + one shard for the given precision (TF.js weights-manifest layout). */
export async function writeModelFiles(
  dir: string,
  id: ModelIdentity,
  weights: Map<string, tf.Tensor> | tf.NamedTensorMap,
  precision: WeightPrecision,
): Promise<WrittenModel> {
  await mkdir(dir, { recursive: true });
  const { specs, data } = await encodeWeights(weights, precision);
  const manifest: ModelManifest = {
    format: MANIFEST_FORMAT,
    formatVersion: 1,
    name: id.name,
    version: id.version,
    precision,
    architecture: id.architecture,
    outputTransform: id.outputTransform,
    weightsManifest: [{ paths: [shardName(precision)], weights: specs }],
  };
  await writeFile(path.join(dir, shardName(precision)), data);
  await writeFile(path.join(dir, MANIFEST_FILES[precision]), JSON.stringify(manifest, null, 1));
  return { precision, manifest, manifestFile: MANIFEST_FILES[precision], data };
}
