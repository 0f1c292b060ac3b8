import * as tf from '@tensorflow/tfjs-core';
import { batchToTensors, disposeBatch, type GraphBatchArrays } from './batch';
import { ProductModel, type GraphModel } from './gnn';
import { atomrefValue, type OutputTransform } from './outputTransform';
import type { GraphInput, TargetKey } from './types';

/**
 * Riemann steps of the path integral. The readout's ReLUs make the integrand a step function of
 * alpha, so the sum converges like 1/steps (aspirin, gap: 2% off at 64 steps, 0.6% at 512); the
 * readout is cheap (about 25 ms for 256 steps on wasm), so the default errs on accuracy.
 */
export const DEFAULT_IG_STEPS = 256;

/**
 * One molecule's prediction for one target, split as
 * value = reference + offset + learned, with learned ≈ sum(atoms).
 *
 * Colours show `atoms`: the learned part beyond the per-element reference. The reference is a fixed
 * value per element (a least-squares fit, e.g. about -1030 eV per carbon for U0); adding it per atom
 * would paint every carbon the same and hide what the network learned, so it is reported as one
 * number beside the colours instead.
 */
export interface AtomContributions {
  target: TargetKey;
  /** Per graph node (hydrogens included), in the target's unit. */
  atoms: number[];
  /** y(h) - y(0) in the target's unit, from two forward passes: what `atoms` sum to. */
  learned: number;
  /** Sum of the per-element atom references over the molecule (0 without 'atomref'). */
  reference: number;
  /** mean + std * y(0): the prediction for all-zero embeddings, the same for every molecule. */
  offset: number;
  /** The model's prediction, reference + offset + learned. */
  value: number;
  /** Riemann steps used; sum(atoms) - learned shrinks as they grow. */
  steps: number;
}

let gradients: Promise<unknown> | null = null;

/**
 * tfjs-core registers no gradients by itself (inference never needs them, and the page ships
 * tfjs-core alone); attribution loads them on first use, as a separate chunk in the browser.
 */
function loadGradients(): Promise<unknown> {
  gradients ??= import('@tensorflow/tfjs-core/dist/register_all_gradients');
  return gradients;
}

export function supportsAttribution(model: GraphModel): model is ProductModel {
  return model instanceof ProductModel;
}

/**
 * Integrated gradients on the final node embeddings h with an all-zero baseline:
 * a_i = sum_d h_id * mean_k dy/dh_id(alpha_k * h), alpha_k the midpoints of `steps` equal slices of
 * [0, 1]. All steps run as one batch of scaled copies of the molecule, with one gradient call.
 */
export async function integratedGradients(
  model: GraphModel,
  transform: OutputTransform,
  batch: GraphBatchArrays,
  target: TargetKey,
  steps = DEFAULT_IG_STEPS,
): Promise<AtomContributions> {
  if (!supportsAttribution(model)) {
    throw new Error(
      `atom contributions need the product model; this one is "${model.architecture.kind}"`,
    );
  }
  if (batch.numGraphs !== 1)
    throw new Error(`attribution takes one molecule, got ${batch.numGraphs}`);
  const k = transform.targets.indexOf(target);
  if (k < 0) throw new Error(`the model does not predict "${target}"`);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer`);

  await loadGradients();
  const b = batchToTensors(batch);
  const n = b.numNodes;
  const out = tf.tidy(() => {
    const h = model.embedAtoms(b);
    const hidden = h.shape[1];
    const copies = {
      numGraphs: steps,
      graphIndex: tf.tensor1d(
        Int32Array.from({ length: steps * n }, (_, i) => Math.floor(i / n)),
        'int32',
      ),
      invCounts: tf.tile(b.invCounts, [steps, 1]) as tf.Tensor2D,
    };
    const alphas = tf.tensor3d(
      Float32Array.from({ length: steps }, (_, s) => (s + 0.5) / steps),
      [steps, 1, 1],
    );
    const path = tf.reshape(tf.mul(alphas, tf.expandDims(h, 0)), [steps * n, hidden]);
    const targetOf = (y: tf.Tensor2D) => tf.slice(y, [0, k], [-1, 1]);
    const gradient = tf.grad((x: tf.Tensor) =>
      tf.sum(targetOf(model.readout(x as tf.Tensor2D, copies).mean)),
    )(path);
    const meanGradient = tf.mean(tf.reshape(gradient, [steps, n, hidden]), 0);
    const atoms = tf.sum(tf.mul(h, meanGradient), 1);
    const ends = tf.concat([
      targetOf(model.readout(h, b).mean),
      targetOf(model.readout(tf.zerosLike(h), b).mean),
    ]);
    return { atoms, ends };
  });
  disposeBatch(b);
  const [atoms, ends] = await Promise.all([out.atoms.data(), out.ends.data()]);
  tf.dispose([out.atoms, out.ends]);

  const scale = transform.std[k];
  const reference = atomrefValue(transform, k, batch.elementCounts, 0);
  const offset = transform.mean[k] + scale * ends[1];
  const learned = scale * (ends[0] - ends[1]);
  return {
    target,
    atoms: Array.from(atoms, (a) => scale * a),
    learned,
    reference,
    offset,
    value: reference + offset + learned,
    steps,
  };
}

/** A displayed atom: a heavy atom with its hydrogens' contributions added, or a lone hydrogen. */
export interface FoldedContribution {
  /** Node index in the graph. */
  atom: number;
  value: number;
  /** Hydrogens folded into this atom. */
  hydrogens: number;
}

/**
 * Depictions draw hydrogens implicitly, so each hydrogen's contribution goes to the heavy atom it
 * is bonded to. A hydrogen without a heavy neighbour (H2) stays on its own. Graph order is kept,
 * so the result lines up with the heavy atoms of the molecule as read.
 */
export function foldHydrogens(graph: GraphInput, atoms: number[]): FoldedContribution[] {
  const n = graph.x.length;
  if (atoms.length !== n) {
    throw new Error(`${atoms.length} contributions for a molecule of ${n} atoms`);
  }
  const isH = (i: number) => graph.x[i][0] === 1;
  const owner = Array.from({ length: n }, (_, i) => i);
  const [src, dst] = graph.edgeIndex;
  for (let e = 0; e < src.length; e++) {
    const [h, heavy] = [dst[e], src[e]];
    if (isH(h) && !isH(heavy) && owner[h] === h) owner[h] = heavy;
  }
  const folded = new Map<number, FoldedContribution>();
  for (let i = 0; i < n; i++) {
    if (owner[i] === i) folded.set(i, { atom: i, value: 0, hydrogens: 0 });
  }
  for (let i = 0; i < n; i++) {
    const into = folded.get(owner[i])!;
    into.value += atoms[i];
    if (owner[i] !== i) into.hydrogens += 1;
  }
  return [...folded.values()].sort((a, b) => a.atom - b.atom);
}
