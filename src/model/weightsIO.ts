import * as tf from '@tensorflow/tfjs-core';

export type WeightPrecision = 'float32' | 'float16' | 'uint8';

/** One weight file group in TF.js's weights-manifest format. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

/** File name of the manifest of each stored precision, inside a model directory. */
export const MANIFEST_FILES: Record<WeightPrecision, string> = {
  float32: 'model.json',
  float16: 'model.float16.json',
  uint8: 'model.uint8.json',
};

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half precision, round to nearest even (what tfjs's float16 decoder reads back). */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly rounds up into the exponent (and to Infinity).
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Serializes named float32 tensors at the given precision; returns the manifest entries and bytes. */
export async function encodeWeights(
  named: Map<string, tf.Tensor> | tf.NamedTensorMap,
  precision: WeightPrecision,
): Promise<{ specs: tf.io.WeightsManifestEntry[]; data: Uint8Array }> {
  const entries = named instanceof Map ? [...named.entries()] : Object.entries(named);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const chunks: Uint8Array[] = [];
  for (const [name, t] of entries) {
    const values = (await t.data()) as Float32Array;
    const base = { name, shape: [...t.shape], dtype: 'float32' as const };
    if (precision === 'float32') {
      specs.push(base);
      chunks.push(new Uint8Array(new Float32Array(values).buffer));
    } else if (precision === 'float16') {
      const half = new Uint16Array(values.length);
      for (let i = 0; i < values.length; i++) half[i] = toFloat16Bits(values[i]);
      specs.push({ ...base, quantization: { dtype: 'float16' } });
      chunks.push(new Uint8Array(half.buffer));
    } else {
      // Per-tensor affine 8-bit: value = min + scale * q, the scheme tfjs's decoder understands.
      let min = Infinity;
      let max = -Infinity;
      for (const v of values) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      const scale = max > min ? (max - min) / 255 : 1;
      const q = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) q[i] = Math.round((values[i] - min) / scale);
      specs.push({ ...base, quantization: { dtype: 'uint8', min, scale } });
      chunks.push(q);
    }
  }
  const total = chunks.reduce((s, c) => s + c.byteLength, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    data.set(c, off);
    off += c.byteLength;
  }
  return { specs, data };
}

export function decodeWeights(
  buffers: ArrayBuffer | ArrayBuffer[],
  manifest: WeightsManifestGroup[],
): tf.NamedTensorMap {
  const specs = manifest.flatMap((g) => g.weights);
  const joined = Array.isArray(buffers) ? tf.io.concatenateArrayBuffers(buffers) : buffers;
  const expected = specs.reduce((s, w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    const bytes = w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : 4;
    return s + n * bytes;
  }, 0);
  if (joined.byteLength !== expected) {
    throw new Error(
      `weight data has ${joined.byteLength} bytes, the manifest describes ${expected}`,
    );
  }
  return tf.io.decodeWeights(joined, specs);
}
