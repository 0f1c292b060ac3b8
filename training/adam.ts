import * as tf from '@tensorflow/tfjs';

/**
 * Adam keyed by our parameter names (tfjs's optimizer keys state by engine variable names, which are
 * not stable across processes, so its state cannot be checkpointed and resumed reliably).
 */
export class Adam {
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  constructor(
    private readonly params: Map<string, tf.Variable>,
    readonly beta1 = 0.9,
    readonly beta2 = 0.999,
    readonly epsilon = 1e-8,
  ) {
    for (const [name, p] of params) {
      this.m.set(name, tf.variable(tf.zerosLike(p), false));
      this.v.set(name, tf.variable(tf.zerosLike(p), false));
    }
  }

  /** grads keyed by parameter name. */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step++;
    const c1 = 1 - this.beta1 ** this.step;
    const c2 = 1 - this.beta2 ** this.step;
    const stepSize = (lr * Math.sqrt(c2)) / c1;
    tf.tidy(() => {
      for (const [name, g] of grads) {
        const p = this.params.get(name)!;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        m.assign(tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
        v.assign(tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
        p.assign(
          tf.sub(p, tf.mul(tf.div(m, tf.add(tf.sqrt(v), this.epsilon * Math.sqrt(c2))), stepSize)),
        );
      }
    });
  }

  /** State tensors by name, for checkpoints. */
  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [n, t] of this.m) out.set(`m/${n}`, t);
    for (const [n, t] of this.v) out.set(`v/${n}`, t);
    return out;
  }

  loadState(named: tf.NamedTensorMap, step: number): void {
    for (const [n, t] of this.m) t.assign(named[`m/${n}`]);
    for (const [n, t] of this.v) t.assign(named[`v/${n}`]);
    this.step = step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
