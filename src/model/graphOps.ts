import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums rows of `data` into `numSegments` buckets. The gradient is a plain gather: tfjs's built-in
 * gradient for unsortedSegmentSum goes through slow LogicalAnd/Select ops on wasm.
 */
export function segmentSum(
  data: tf.Tensor2D,
  segmentIds: tf.Tensor1D,
  numSegments: number,
): tf.Tensor2D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return {
      value: tf.unsortedSegmentSum(x, segmentIds, numSegments),
      gradFunc: (dy: tf.Tensor) => tf.gather(dy, segmentIds),
    };
  });
  return op(data) as tf.Tensor2D;
}

/** Mean of the rows of each segment; `invCounts` is 1/size per segment ([numSegments, 1]). */
export function segmentMean(
  data: tf.Tensor2D,
  segmentIds: tf.Tensor1D,
  numSegments: number,
  invCounts: tf.Tensor2D,
): tf.Tensor2D {
  return tf.mul(segmentSum(data, segmentIds, numSegments), invCounts);
}

/** Identity whose gradient is zero: lets a head read features without training them. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const t = args[0] as tf.Tensor;
    return { value: tf.clone(t), gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy) };
  });
  return op(x) as T;
}
