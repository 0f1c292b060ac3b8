import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

/*
 * tfjs-backend-cpu 4.22 computes UnsortedSegmentSum with one mask-multiply-sum per segment
 * (O(segments x rows x cols)): a 32-molecule batch took ~40 s. Message passing sums rows into
 * atoms, so a direct accumulation loop makes the cpu fallback usable. Shared by Node and browser;
 * applied by applyKernelFixes (runtime/setup.ts).
 */

interface CpuBackendLike {
  data: { get(dataId: object): { values: ArrayLike<number> } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

let applied = false;

export function applyCpuKernelFixes(): void {
  // Whether the fix is registered changes speed only: tfjs' own kernel gives the same sums
  // (the loop below is checked against hand-computed sums in tests/model/kernelFixes.test.ts).
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: speed only
  if (applied) return;
  // Stryker disable next-line BooleanLiteral: speed only
  applied = true;
  // Stryker disable next-line StringLiteral: speed only
  const original = tf.getKernel('UnsortedSegmentSum', 'cpu');
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: speed only
  if (!original) return;
  const generic = original.kernelFunc;
  tf.unregisterKernel('UnsortedSegmentSum', 'cpu');
  tf.registerKernel({
    ...original,
    kernelFunc: ((args: {
      inputs: Record<string, tf.TensorInfo>;
      backend: CpuBackendLike;
      attrs: Record<string, unknown>;
    }) => {
      const { x, segmentIds } = args.inputs;
      if (x.dtype !== 'float32' || segmentIds.shape.length !== 1)
        return (generic as unknown as (a: typeof args) => tf.TensorInfo)(args);
      const numSegments = args.attrs.numSegments as number;
      const rows = x.shape[0];
      // From the shape, not size / rows: a batch without a single bond has zero message rows.
      const inner = tf.util.sizeFromShape(x.shape.slice(1));
      const xs = args.backend.data.get(x.dataId).values;
      const ids = args.backend.data.get(segmentIds.dataId).values;
      const out = new Float32Array(numSegments * inner);
      for (let r = 0; r < rows; r++) {
        const seg = ids[r];
        // Like TensorFlow, rows with an id outside [0, numSegments) are dropped.
        if (seg < 0 || seg >= numSegments) continue;
        const o = seg * inner;
        const i = r * inner;
        for (let c = 0; c < inner; c++) out[o + c] += xs[i + c];
      }
      return args.backend.makeTensorInfo([numSegments, ...x.shape.slice(1)], 'float32', out);
    }) as unknown as tf.KernelFunc,
  });
}
