import { integratedGradients } from './attribution';
import { batchFromGraphs, batchFromPacked, type GraphBatchArrays } from './batch';
import { packGraphs, type PackedGraphs } from './packedGraphs';
import { setupBackend, type BackendOptions, type BackendName } from './runtime';
import { createModel } from './gnn';
import { predictBatchArrays } from './inference';
import { checkManifest, type ModelManifest } from './manifest';
import { CARD_FILE, parseModelCard, type LoadedCard, type ModelCard } from './modelCard';
import type { MoleculePrediction, TargetKey } from './types';
import { asReported, type Predictor } from './predictorTypes';

export type { Predictor };
import { decodeWeights, type WeightPrecision } from './weightsIO';
import { ensemblePredictor } from './ensemble';
import { checkEnsembleManifest, isEnsembleManifest } from './ensembleManifest';
import { memberSource, openModelSource, type ModelFileReader } from './modelSource';

/** Model files already in memory (e.g. from a bundle, IndexedDB or a test). */
export interface InMemoryModel {
  modelJson: unknown;
  /** The shards named in the manifest, in manifest order. */
  weights: ArrayBuffer | ArrayBuffer[];
  card?: ModelCard | null;
}

export interface LoadOptions extends BackendOptions {
  /** Which stored precision to load (default float32). Ignored for in-memory sources. */
  precision?: WeightPrecision;
  /** Molecules per forward pass (default 256). */
  batchSize?: number;
  /** fetch implementation for URLs (default globalThis.fetch). */
  fetch?: typeof fetch;
}

async function readCard(reader: ModelFileReader, dir: string): Promise<LoadedCard | null> {
  const text = await reader.text(CARD_FILE);
  if (!text) return null;
  const where = `${dir}/${CARD_FILE}`;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  return { ...parseModelCard(json, where), dir };
}

/**
 * Loads a trained model (or an ensemble directory naming member models) from a directory (Node),
 * a URL (browser), or memory, and returns a predictor that gives values and one-sigma
 * uncertainties in the units of TARGETS.
 */
export async function loadPredictor(
  source: string | InMemoryModel,
  options: LoadOptions = {},
): Promise<Predictor> {
  const backend = await setupBackend(options);
  if (typeof source !== 'string') {
    const weights = Array.isArray(source.weights) ? source.weights : [source.weights];
    const manifest = checkManifest(source.modelJson, 'modelJson');
    return singleModel(manifest, weights, source.card ?? null, backend, options);
  }
  return loadFromSource(source, options, backend, true);
}

async function loadFromSource(
  source: string,
  options: LoadOptions,
  backend: BackendName,
  withCard: boolean,
): Promise<Predictor> {
  const { dir, file, reader } = await openModelSource(
    source,
    options.precision ?? 'float32',
    options.fetch,
  );
  const text = await reader.text(file);
  if (text === null) throw new Error(`${source}: no ${file} found`);
  const json: unknown = JSON.parse(text);
  const card = withCard ? readCard(reader, dir) : Promise.resolve(null);
  card.catch(() => undefined); // awaited below; a member's failure may come first
  if (isEnsembleManifest(json)) {
    const manifest = checkEnsembleManifest(json, `${dir}/${file}`);
    const settled = await Promise.allSettled(
      manifest.members.map((m) =>
        loadFromSource(
          memberSource(dir, m),
          { ...options, precision: manifest.precision },
          backend,
          false,
        ),
      ),
    );
    const failed = settled.find((r) => r.status === 'rejected');
    const members = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    if (failed) {
      // The members that did load hold backend memory; a failed ensemble must not keep it.
      for (const member of members) member.dispose();
      throw failed.reason;
    }
    return ensemblePredictor(manifest, members, await card);
  }
  const manifest = checkManifest(json, `${dir}/${file}`);
  const weights = await Promise.all(
    manifest.weightsManifest.flatMap((g) => g.paths).map((p) => reader.bytes(p)),
  );
  return singleModel(manifest, weights, await card, backend, options);
}

/** Batches cut from a pack, by range: an ensemble's members predict the same ones in turn. */
const batches = new WeakMap<PackedGraphs, Map<number, { to: number; batch: GraphBatchArrays }>>();

function batchOf(packed: PackedGraphs, from: number, to: number): GraphBatchArrays {
  let byStart = batches.get(packed);
  if (!byStart) batches.set(packed, (byStart = new Map()));
  const cut = byStart.get(from);
  if (cut?.to === to) return cut.batch;
  const batch = batchFromPacked(packed, { from, to });
  byStart.set(from, { to, batch });
  return batch;
}

function singleModel(
  manifest: ModelManifest,
  weights: ArrayBuffer[],
  card: LoadedCard | null,
  backend: BackendName,
  options: LoadOptions,
): Predictor {
  const model = createModel(manifest.architecture, null);
  const named = decodeWeights(weights, manifest.weightsManifest);
  try {
    model.setWeights(named);
  } finally {
    for (const t of Object.values(named)) t.dispose();
  }
  const targets = manifest.outputTransform.targets;
  const batchSize = options.batchSize ?? 256;
  const requireBonds = manifest.architecture.kind === 'product';
  let disposed = false;

  return {
    name: manifest.name,
    version: manifest.version,
    card,
    needsBondTypes: requireBonds,
    members: [{ name: manifest.name, version: manifest.version }],
    backend,
    targets,
    async predict(graphs) {
      // Errors name the molecule's position in `graphs`.
      const packed = packGraphs(graphs, requireBonds);
      return asReported(await this.predictPacked(packed), graphs);
    },
    async predictPacked(packed) {
      if (disposed) throw new Error(`model ${manifest.name} has been disposed`);
      if (requireBonds && !packed.bondTypes) {
        throw new Error(`model ${manifest.name} needs bond types (edgeAttr) for every molecule`);
      }
      const out: MoleculePrediction[] = [];
      for (let from = 0; from < packed.count; from += batchSize) {
        const to = Math.min(packed.count, from + batchSize);
        const p = await predictBatchArrays(
          model,
          manifest.outputTransform,
          batchOf(packed, from, to),
        );
        for (let i = 0; i < to - from; i++) {
          const values: MoleculePrediction['values'] = {};
          const std: MoleculePrediction['std'] = {};
          const uncertaintyCapped: TargetKey[] = [];
          const belowBound: TargetKey[] = [];
          targets.forEach((key, k) => {
            values[key] = p.values[i * p.numTargets + k];
            if (p.std) std[key] = p.std[i * p.numTargets + k];
            if (p.capped?.[i * p.numTargets + k]) uncertaintyCapped.push(key);
            if (p.belowBound[i * p.numTargets + k]) belowBound.push(key);
          });
          out.push({ values, std, uncertaintyCapped, belowBound, warnings: [] });
        }
      }
      return out;
    },
    async contributions(graph, target, options = {}) {
      if (disposed) throw new Error(`model ${manifest.name} has been disposed`);
      const arrays = batchFromGraphs([graph], requireBonds);
      return integratedGradients(model, manifest.outputTransform, arrays, target, options.steps);
    },
    dispose() {
      disposed = true;
      model.dispose();
    },
  };
}
