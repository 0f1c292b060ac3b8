// Weight files against hand-computed bytes: IEEE half precision worked out bit by bit, the 8-bit
// affine scheme's min, scale and codes, and the byte count a manifest promises.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';
import {
  decodeWeights,
  encodeWeights,
  MANIFEST_FILES,
  toFloat16Bits,
  type WeightsManifestGroup,
} from '../../src/model/weightsIO';

describe('toFloat16Bits', () => {
  it('encodes normal numbers, zeros, infinities and NaN', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(0.5)).toBe(0x3800);
    expect(toFloat16Bits(65504)).toBe(0x7bff); // the largest half
    expect(toFloat16Bits(2 ** -14)).toBe(0x0400); // the smallest normal half
    expect(toFloat16Bits(0)).toBe(0);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(Infinity)).toBe(0x7c00);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(toFloat16Bits(NaN)).toBe(0x7e00); // a quiet NaN keeps a mantissa bit
  });

  it('overflows to infinity from the first exponent past the range, whatever the mantissa', () => {
    expect(toFloat16Bits(65536)).toBe(0x7c00);
    expect(toFloat16Bits(98304)).toBe(0x7c00); // 1.5 * 2^16: not the NaN pattern 0x7e00
    expect(toFloat16Bits(-1e9)).toBe(0xfc00);
    expect(toFloat16Bits(65519)).toBe(0x7bff); // below the halfway point to 2^16
    expect(toFloat16Bits(65520)).toBe(0x7c00); // the halfway point rounds to even: infinity
  });

  it('rounds normal numbers to nearest, ties to even', () => {
    expect(toFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie, 0x3c00 is even
    expect(toFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, 0x3c01 is odd
    expect(toFloat16Bits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // above the tie
    expect(toFloat16Bits(1 + 2 ** -11 - 2 ** -20)).toBe(0x3c00); // below it
    expect(toFloat16Bits(2 - 2 ** -11)).toBe(0x4000); // the carry moves into the exponent
    expect(toFloat16Bits(-(1 + 3 * 2 ** -11))).toBe(0xbc02);
  });

  it('encodes subnormals with round to nearest even, and flushes what is below half the smallest', () => {
    expect(toFloat16Bits(2 ** -15)).toBe(0x0200); // exponent field 0: subnormal
    expect(toFloat16Bits(2 ** -24)).toBe(0x0001); // the smallest subnormal
    expect(toFloat16Bits(2 ** -25)).toBe(0); // half of it: a tie, rounds to even 0
    expect(toFloat16Bits(1.5 * 2 ** -25)).toBe(0x0001); // above the tie
    expect(toFloat16Bits(3 * 2 ** -25)).toBe(0x0002); // 1.5 units: tie, rounds to even 2
    expect(toFloat16Bits(5 * 2 ** -25)).toBe(0x0002); // 2.5 units: tie, rounds to even 2
    expect(toFloat16Bits(2.75 * 2 ** -24)).toBe(0x0003); // 2.75 units
    expect(toFloat16Bits(2.25 * 2 ** -24)).toBe(0x0002); // 2.25 units
    expect(toFloat16Bits(2 ** -26)).toBe(0);
    // Far below: flushed before any shift could pass 31 bits and wrap around.
    expect(toFloat16Bits(2 ** -40)).toBe(0);
    expect(toFloat16Bits(1e-30)).toBe(0);
    expect(toFloat16Bits(-(2 ** -40))).toBe(0x8000);
    expect(toFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(toFloat16Bits(-3 * 2 ** -25)).toBe(0x8002);
    expect(toFloat16Bits(1023 * 2 ** -24)).toBe(0x03ff); // the largest subnormal
  });
});

describe('weight files', () => {
  beforeAll(async () => {
    await setupBackend({ backend: 'cpu' });
  });

  const named = () =>
    new Map<string, tf.Tensor>([
      ['a/kernel', tf.tensor2d([1, -2, 0.5, 3], [2, 2])],
      ['a/bias', tf.tensor1d([-1, 1.5, 0.25])],
    ]);

  it('name one manifest file per precision', () => {
    expect(MANIFEST_FILES).toEqual({
      float32: 'model.json',
      float16: 'model.float16.json',
      uint8: 'model.uint8.json',
    });
  });

  it('float32: the raw little-endian floats, in order', async () => {
    const { specs, data } = await encodeWeights(named(), 'float32');
    expect(specs).toEqual([
      { name: 'a/kernel', shape: [2, 2], dtype: 'float32' },
      { name: 'a/bias', shape: [3], dtype: 'float32' },
    ]);
    expect(Array.from(new Float32Array(data.buffer))).toEqual([1, -2, 0.5, 3, -1, 1.5, 0.25]);
    const back = decodeWeights(data.slice().buffer, [{ paths: ['w.bin'], weights: specs }]);
    expect(Array.from(back['a/bias'].dataSync())).toEqual([-1, 1.5, 0.25]);
    expect(back['a/kernel'].shape).toEqual([2, 2]);
  });

  it('float16: two bytes per value, the half bits of each', async () => {
    const { specs, data } = await encodeWeights(
      { w: tf.tensor1d([1, -2, 65504, 2 ** -24]) },
      'float16',
    );
    expect(specs).toEqual([
      { name: 'w', shape: [4], dtype: 'float32', quantization: { dtype: 'float16' } },
    ]);
    expect(Array.from(new Uint16Array(data.buffer))).toEqual([0x3c00, 0xc000, 0x7bff, 0x0001]);
    const back = decodeWeights(data.slice().buffer, [{ paths: [], weights: specs }]);
    expect(Array.from(back.w.dataSync())).toEqual([1, -2, 65504, 2 ** -24]);
  });

  it('uint8: value = min + scale * code, with the codes rounded', async () => {
    // min -1, max 1.55: scale 0.01, codes (v + 1) / 0.01.
    const { specs, data } = await encodeWeights(
      { w: tf.tensor1d([-1, 0, 1.55, 0.004, 0.006]), c: tf.tensor1d([2, 2]) },
      'uint8',
    );
    const q = specs[0].quantization!;
    expect(q.dtype).toBe('uint8');
    expect(q.min).toBe(-1);
    expect(q.scale).toBeCloseTo(0.01, 7);
    expect(specs[0]).toMatchObject({ name: 'w', shape: [5], dtype: 'float32' });
    // A constant tensor: scale 1, every code 0, the value carried by min.
    expect(specs[1]).toEqual({
      name: 'c',
      shape: [2],
      dtype: 'float32',
      quantization: { dtype: 'uint8', min: 2, scale: 1 },
    });
    expect(Array.from(data)).toEqual([0, 100, 255, 100, 101, 0, 0]);
    const back = decodeWeights(
      [data.slice(0, 3).buffer, data.slice(3).buffer],
      [{ paths: ['a', 'b'], weights: specs }],
    );
    expect(back.c.dataSync()[1]).toBe(2);
    expect(back.w.dataSync()[2]).toBeCloseTo(1.55, 5);
  });

  it('uint8 finds the min and max wherever they are', async () => {
    const { specs, data } = await encodeWeights({ w: tf.tensor1d([0.5, 3, -1, 0.5]) }, 'uint8');
    expect(specs[0].quantization).toMatchObject({ min: -1 });
    expect(specs[0].quantization!.scale).toBeCloseTo(4 / 255, 7);
    expect(Array.from(data)).toEqual([96, 255, 0, 96]); // 1.5 / (4/255) = 95.6
  });

  it('refuses weight data of another size than the manifest describes', () => {
    const weights: WeightsManifestGroup[] = [
      { paths: ['a'], weights: [{ name: 'w', shape: [2, 3], dtype: 'float32' }] },
      {
        paths: ['b'],
        weights: [
          { name: 'h', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
          {
            name: 'q',
            shape: [5],
            dtype: 'float32',
            quantization: { dtype: 'uint8', min: 0, scale: 1 },
          },
        ],
      },
    ];
    // 6 * 4 + 3 * 2 + 5 * 1 = 35 bytes.
    expect(() => decodeWeights(new ArrayBuffer(34), weights)).toThrow(
      'weight data has 34 bytes, the manifest describes 35',
    );
    expect(() => decodeWeights([new ArrayBuffer(30), new ArrayBuffer(6)], weights)).toThrow(
      'weight data has 36 bytes, the manifest describes 35',
    );
    expect(Object.keys(decodeWeights(new ArrayBuffer(35), weights))).toEqual(['w', 'h', 'q']);
  });
});
