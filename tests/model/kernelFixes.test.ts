// The replaced tfjs kernels against values worked out by hand: the wasm row gather (and every gather
// it must leave to tfjs' own kernel), matMul with transpose flags, the segment sum built on
// ScatterNd, and the cpu segment-sum loop. Each case also checks that no tensor is leaked and that
// the inputs survive the call, since the fixes manage the wasm backend's memory themselves.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupBackend } from '../../src/model';

/**
 * Tensors the engine tracks and data the backend holds: the fixes create and free intermediate
 * data inside kernels, where only the backend's count sees a leak.
 */
const live = () => [tf.memory().numTensors, tf.engine().backend.numDataIds()];

/** Runs `fn` on a backend and returns its result as plain arrays, checking nothing leaked. */
function onBackend<T extends tf.Tensor>(fn: () => T) {
  const before = live();
  const out = tf.tidy(fn);
  const result = { shape: out.shape, dtype: out.dtype, values: out.arraySync() };
  out.dispose();
  expect(live()).toEqual(before);
  return result;
}

// Other test files may share this process (mutation runs): leave it on Node's default backend.
afterAll(async () => {
  await setupBackend({ backend: 'wasm' });
});

/** A 2 x 2 x 1 tensor's values: the 3D input of the gather and segment-sum cases. */
const ROWS_3D = [
  [[1], [2]],
  [[3], [4]],
];

describe('wasm kernels', () => {
  beforeAll(async () => {
    expect(await setupBackend({ backend: 'wasm' })).toBe('wasm');
  });

  it('gathers float rows in index order, repeats included', () => {
    const r = onBackend(() =>
      tf.gather(
        tf.tensor2d([
          [1, 2, 3],
          [4, 5, 6],
          [7, 8, 9],
        ]),
        tf.tensor1d([2, 0, 2, 1], 'int32'),
      ),
    );
    expect(r.shape).toEqual([4, 3]);
    expect(r.values).toEqual([
      [7, 8, 9],
      [1, 2, 3],
      [7, 8, 9],
      [4, 5, 6],
    ]);
  });

  it('refuses a row index outside the tensor, naming it', () => {
    const before = live();
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const bad = tf.tensor1d([1, 2], 'int32');
    expect(() => tf.gather(x, bad)).toThrow('gather index 2 is outside [0, 1]');
    const negative = tf.tensor1d([-1], 'int32');
    expect(() => tf.gather(x, negative)).toThrow('gather index -1 is outside [0, 1]');
    tf.dispose([x, bad, negative]);
    expect(live()).toEqual(before);
  });

  it('leaves gathers that are not float row gathers to tfjs, with the same answers', () => {
    const m = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    // int32 values
    expect(onBackend(() => tf.gather(tf.tensor2d(m, undefined, 'int32'), [1, 0])).values).toEqual([
      [4, 5, 6],
      [1, 2, 3],
    ]);
    // along columns
    expect(
      onBackend(() => tf.gather(tf.tensor2d(m), tf.tensor1d([2, 0], 'int32'), 1)).values,
    ).toEqual([
      [3, 1],
      [6, 4],
    ]);
    // a vector, a 3D tensor, and a 2D index
    expect(
      onBackend(() => tf.gather(tf.tensor1d([5, 6, 7]), tf.tensor1d([2, 2, 0], 'int32'))).values,
    ).toEqual([7, 7, 5]);
    expect(
      onBackend(() => tf.gather(tf.tensor3d(ROWS_3D), tf.tensor1d([1], 'int32'))).values,
    ).toEqual([[[3], [4]]]);
    expect(
      onBackend(() => tf.gather(tf.tensor2d(m), tf.tensor2d([[1], [0]], undefined, 'int32')))
        .values,
    ).toEqual([[[4, 5, 6]], [[1, 2, 3]]]);
  });

  it('multiplies with every transpose flag like the matrices written out', () => {
    const a = [
      [1, 2],
      [3, 4],
      [5, 6],
    ]; // 3x2
    const b = [
      [1, 0, 2],
      [0, 1, 3],
    ]; // 2x3
    // a·b (3x3), aᵀ·bᵀ (2x2), aᵀ·a (2x2) and a·aᵀ (3x3), worked out by hand
    expect(onBackend(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(b))).values).toEqual([
      [1, 2, 8],
      [3, 4, 18],
      [5, 6, 28],
    ]);
    expect(onBackend(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(b), true, true)).values).toEqual([
      [11, 18],
      [14, 22],
    ]);
    expect(onBackend(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(a), true, false)).values).toEqual([
      [35, 44],
      [44, 56],
    ]);
    expect(onBackend(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(a), false, true)).values).toEqual([
      [5, 11, 17],
      [11, 25, 39],
      [17, 39, 61],
    ]);
  });

  it('keeps both inputs usable after a transposed product', () => {
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor2d([
      [0, 1],
      [1, 0],
    ]);
    const before = live();
    for (const [ta, tb] of [
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      tf.matMul(a, b, ta, tb).dispose();
      expect(live()).toEqual(before);
      expect(a.arraySync()).toEqual([
        [1, 2],
        [3, 4],
      ]);
      expect(b.arraySync()).toEqual([
        [0, 1],
        [1, 0],
      ]);
    }
    tf.dispose([a, b]);
  });

  it('sums rows into segments, from int32 and from float ids', () => {
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
    ];
    const expected = [
      [8, 10],
      [0, 0],
      [8, 10],
    ];
    expect(
      onBackend(() => tf.unsortedSegmentSum(tf.tensor2d(x), tf.tensor1d([2, 0, 0, 2], 'int32'), 3))
        .values,
    ).toEqual([
      [3 + 5, 4 + 6],
      [0, 0],
      [1 + 7, 2 + 8],
    ]);
    expect(
      onBackend(() => tf.unsortedSegmentSum(tf.tensor2d(x), tf.tensor1d([0, 2, 0, 2], 'int32'), 3))
        .values,
    ).toEqual([
      [6, 8],
      [0, 0],
      [10, 12],
    ]);
    // The ids' dtype is cast inside the kernel: call it directly with float32 ids.
    const before = live();
    const xs = tf.tensor2d(x);
    const ids = tf.tensor1d([0, 2, 2, 0], 'float32');
    const out = tf
      .engine()
      .runKernel('UnsortedSegmentSum', { x: xs, segmentIds: ids }, { numSegments: 3 }) as tf.Tensor;
    expect(out.arraySync()).toEqual(expected);
    expect(ids.arraySync()).toEqual([0, 2, 2, 0]);
    tf.dispose([xs, ids, out]);
    expect(live()).toEqual(before);
  });

  it('differentiates through gather (its gradient is a segment sum)', () => {
    const x = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const idx = tf.tensor1d([1, 1, 0], 'int32');
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, idx)))(x);
    expect(grad.arraySync()).toEqual([
      [1, 1],
      [2, 2],
    ]);
    tf.dispose([x, idx, grad]);
  });
});

describe('cpu segment sum', () => {
  beforeAll(async () => {
    expect(await setupBackend({ backend: 'cpu' })).toBe('cpu');
  });

  it('sums rows per segment and drops ids outside [0, numSegments) as TensorFlow does', () => {
    expect(
      onBackend(() =>
        tf.unsortedSegmentSum(
          tf.tensor2d([
            [1, 2],
            [3, 4],
            [5, 6],
            [7, 8],
          ]),
          tf.tensor1d([1, 3, -1, 1], 'int32'),
          2,
        ),
      ).values,
    ).toEqual([
      [0, 0],
      [8, 10],
    ]);
  });

  it('sums 3D rows and gives zeros for a batch without rows', () => {
    expect(
      onBackend(() => tf.unsortedSegmentSum(tf.tensor3d(ROWS_3D), tf.tensor1d([0, 0], 'int32'), 1))
        .values,
    ).toEqual([[[4], [6]]]);
    expect(
      onBackend(() => tf.unsortedSegmentSum(tf.zeros([0, 3]), tf.tensor1d([], 'int32'), 2)).values,
    ).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('leaves int32 values to tfjs, with the same sums', () => {
    const r = onBackend(() =>
      tf.unsortedSegmentSum(
        tf.tensor2d(
          [
            [1, 2],
            [3, 4],
          ],
          undefined,
          'int32',
        ),
        tf.tensor1d([1, 1], 'int32'),
        2,
      ),
    );
    expect(r.values).toEqual([
      [0, 0],
      [4, 6],
    ]);
  });
});
