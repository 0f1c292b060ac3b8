import { integratedGradients, type AtomContributions } from './attribution';
import { batchFromGraphs } from './batch';
import { setupBackend, type BackendOptions, type BackendName } from './backend';
import { createModel } from './gnn';
import { predictBatchArrays } from './inference';
import { checkManifest, type ModelManifest } from './manifest';
import type { ModelCard } from './modelCard';
import type { GraphInput, MoleculePrediction, TargetKey } from './types';
import { decodeWeights, MANIFEST_FILES, type WeightPrecision } from './weightsIO';

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

export interface Predictor {
  name: string;
  version: string;
  /** The model card, or null when the source had none. */
  card: ModelCard | null;
  manifest: ModelManifest;
  backend: BackendName;
  targets: TargetKey[];
  predict(graphs: GraphInput[]): Promise<MoleculePrediction[]>;
  /**
   * Each atom's learned contribution to one target (integrated gradients on the final node
   * embeddings), in the target's unit; product models only. `steps`: Riemann steps (default 256).
   */
  contributions(
    graph: GraphInput,
    target: TargetKey,
    options?: { steps?: number },
  ): Promise<AtomContributions>;
  dispose(): void;
}

interface FileReader {
  text(name: string): Promise<string | null>;
  bytes(name: string): Promise<ArrayBuffer>;
}

function isUrl(source: string): boolean {
  return (
    /^(https?:|blob:|data:)/i.test(source) ||
    typeof process === 'undefined' ||
    !process.versions?.node
  );
}

function urlReader(base: string, fetchImpl: typeof fetch): FileReader {
  const dir = base.endsWith('/') ? base : `${base}/`;
  const get = async (name: string) => {
    const url = new URL(
      name,
      new URL(dir, globalThis.location?.href ?? 'http://localhost/'),
    ).toString();
    const res = await fetchImpl(url);
    return { res, url };
  };
  return {
    async text(name) {
      const { res, url } = await get(name);
      if (res.status === 404) return null;
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.text();
    },
    async bytes(name) {
      const { res, url } = await get(name);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return res.arrayBuffer();
    },
  };
}

async function fileReader(dir: string): Promise<FileReader> {
  // Kept out of the browser bundle: only Node reaches this branch.
  const fsModule = 'node:fs/promises';
  const pathModule = 'node:path';
  const fs = (await import(/* @vite-ignore */ fsModule)) as typeof import('node:fs/promises');
  const path = (await import(/* @vite-ignore */ pathModule)) as typeof import('node:path');
  return {
    async text(name) {
      try {
        return await fs.readFile(path.join(dir, name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async bytes(name) {
      const b = await fs.readFile(path.join(dir, name));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

async function readSource(
  source: string,
  options: LoadOptions,
): Promise<{ manifest: ModelManifest; weights: ArrayBuffer[]; card: ModelCard | null }> {
  const precision = options.precision ?? 'float32';
  const manifestName = MANIFEST_FILES[precision];
  // A path to a manifest file loads that manifest; otherwise the source is the model directory.
  const m = /^(.*?)([^/\\]+\.json)$/.exec(source);
  const [dir, file] = m ? [m[1] || '.', m[2]] : [source, manifestName];
  const reader = isUrl(source)
    ? urlReader(dir, options.fetch ?? globalThis.fetch.bind(globalThis))
    : await fileReader(dir);
  const text = await reader.text(file);
  if (text === null) throw new Error(`${source}: no ${file} found`);
  const manifest = checkManifest(JSON.parse(text), `${dir}/${file}`);
  const weights = await Promise.all(
    manifest.weightsManifest.flatMap((g) => g.paths).map((p) => reader.bytes(p)),
  );
  const cardText = await reader.text('model-card.json');
  return { manifest, weights, card: cardText ? (JSON.parse(cardText) as ModelCard) : null };
}

/**
 * Loads a trained model from a directory (Node), a URL (browser), or memory, and returns a predictor
 * that gives values and one-sigma uncertainties in the units of TARGETS.
 */
export async function loadPredictor(
  source: string | InMemoryModel,
  options: LoadOptions = {},
): Promise<Predictor> {
  const backend = await setupBackend(options);
  const loaded =
    typeof source === 'string'
      ? await readSource(source, options)
      : {
          manifest: checkManifest(source.modelJson, 'modelJson'),
          weights: Array.isArray(source.weights) ? source.weights : [source.weights],
          card: source.card ?? null,
        };
  const { manifest } = loaded;
  const model = createModel(manifest.architecture, 0);
  const named = decodeWeights(loaded.weights, manifest.weightsManifest);
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
    card: loaded.card,
    manifest,
    backend,
    targets,
    async predict(graphs) {
      if (disposed) throw new Error(`model ${manifest.name} has been disposed`);
      const out: MoleculePrediction[] = [];
      for (let start = 0; start < graphs.length; start += batchSize) {
        const chunk = graphs.slice(start, start + batchSize);
        let arrays;
        try {
          arrays = batchFromGraphs(chunk, requireBonds);
        } catch (err) {
          // Report the molecule's position in the caller's list, not in the chunk.
          throw new Error(
            (err as Error).message.replace(
              /^molecule (\d+)/,
              (_, i) => `molecule ${start + Number(i)}`,
            ),
          );
        }
        const p = await predictBatchArrays(model, manifest.outputTransform, arrays);
        chunk.forEach((g, i) => {
          const values: MoleculePrediction['values'] = {};
          const std: MoleculePrediction['std'] = {};
          targets.forEach((key, k) => {
            values[key] = p.values[i * p.numTargets + k];
            if (p.std) std[key] = p.std[i * p.numTargets + k];
          });
          out.push({ values, std, warnings: g.warnings ?? [] });
        });
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
