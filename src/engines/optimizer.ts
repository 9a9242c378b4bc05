/**
 * Optimisers on flat parameter arrays (the same formulas as PyTorch's torch.optim, which the
 * official code uses), shared by the f32 engine and mirrored op by op in the TF.js engine.
 *
 *   SGD:  w ← w − η·g
 *   Adam: m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ),
 *         w ← w − η·m̂/(√v̂ + ε)           (defaults β₁ 0.9, β₂ 0.999, ε 1e-8; t counts steps from 1)
 */
import { InputError } from '../errors.js';

export type OptimizerName = 'sgd' | 'adam';

export interface OptimizerSpec {
  readonly name: OptimizerName;
  readonly lr: number;
  readonly beta1?: number;
  readonly beta2?: number;
  readonly eps?: number;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

export function checkOptimizer(o: OptimizerSpec): OptimizerSpec {
  if (o.name !== 'sgd' && o.name !== 'adam') throw new InputError('--optimizer', `expected sgd or adam, got ${JSON.stringify(o.name)}`);
  if (!(Number.isFinite(o.lr) && o.lr > 0)) throw new InputError('--lr', `must be a finite number > 0, got ${o.lr}`);
  return o;
}

/** An optimiser bound to one flat parameter array. */
export interface FlatOptimizer {
  /** Applies one step with gradient `g` (same length as the parameters). */
  step(params: Float32Array, g: Float64Array): void;
  readonly steps: number;
}

export function flatOptimizer(spec: OptimizerSpec, n: number): FlatOptimizer {
  checkOptimizer(spec);
  const lr = spec.lr;
  if (spec.name === 'sgd') {
    let steps = 0;
    return {
      get steps() {
        return steps;
      },
      step(p, g) {
        for (let i = 0; i < n; i++) p[i] = p[i]! - lr * g[i]!;
        steps++;
      },
    };
  }
  const b1 = spec.beta1 ?? ADAM_DEFAULTS.beta1;
  const b2 = spec.beta2 ?? ADAM_DEFAULTS.beta2;
  const eps = spec.eps ?? ADAM_DEFAULTS.eps;
  const m = new Float64Array(n);
  const v = new Float64Array(n);
  let t = 0;
  return {
    get steps() {
      return t;
    },
    step(p, g) {
      t++;
      const c1 = 1 - b1 ** t;
      const c2 = 1 - b2 ** t;
      for (let i = 0; i < n; i++) {
        const gi = g[i]!;
        const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
        p[i] = p[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    },
  };
}
