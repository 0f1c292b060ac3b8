import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type * as tf from '@tensorflow/tfjs-core';
import { checkManifest, checkReadout, type Architecture } from '../src/model';
import type { ModelCard } from '../src/model';
import { readCard } from './cardFiles';
import type { OutputTransform } from '../src/model';
import { decodeWeights } from '../src/model';
import type { TrainConfig } from './config';

export interface ExportedStart {
  weights: tf.NamedTensorMap;
  /** The exported transform without its calibration: training refits that on validation. */
  transform: OutputTransform;
}

/**
 * An architecture as text for comparison: keys in order, and a product model's readout spelled
 * out, so a config that writes the default readout matches a manifest from before the setting.
 */
export function architectureKey(arch: Architecture): string {
  const full: Record<string, unknown> =
    arch.kind === 'product' ? { ...arch, readout: checkReadout(arch.readout) } : { ...arch };
  return JSON.stringify(
    Object.keys(full)
      .sort()
      .map((key) => [key, full[key]]),
  );
}

/**
 * Reads an exported model directory's float32 weights and output transform so a run can start
 * from them. The targets are standardized with the exported transform, not a refitted one, so the
 * network's outputs keep their meaning.
 */
export async function readExportedStart(dir: string, config: TrainConfig): Promise<ExportedStart> {
  const file = path.join(dir, 'model.json');
  const manifest = checkManifest(JSON.parse(await readFile(file, 'utf8')), file);
  if (architectureKey(manifest.architecture) !== architectureKey(config.architecture)) {
    throw new Error(
      `initFrom ${dir}: its architecture ${JSON.stringify(manifest.architecture)} differs from the configured ${JSON.stringify(config.architecture)}`,
    );
  }
  const shards = await Promise.all(
    manifest.weightsManifest
      .flatMap((g) => g.paths)
      .map(async (p) => {
        const b = await readFile(path.join(dir, p));
        return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
      }),
  );
  const { calibration: _calibration, ...transform } = manifest.outputTransform;
  return { weights: decodeWeights(shards, manifest.weightsManifest), transform };
}

/** What a fine-tuned card says about the model it started from (its own card has the details). */
export async function startedFromSummary(
  dir: string,
): Promise<{ model: string; epochs: unknown; wallSeconds: unknown } | null> {
  try {
    const card = await readCard(dir);
    return {
      model: `${card.name} ${card.version}`,
      epochs: card.training.epochs ?? null,
      wallSeconds: card.training.wallSeconds ?? null,
    };
  } catch {
    return null;
  }
}

/** A fine-tune is compared with the same baseline as the model it started from. */
export async function inheritedBaseline(dir: string | null): Promise<ModelCard['baseline']> {
  if (!dir) return null;
  try {
    return (await readCard(dir)).baseline ?? null;
  } catch {
    return null;
  }
}
