/**
 * The diagnosis of a training run that became non-finite: which node, at which step and epoch,
 * and what to try (a smaller --lr, a larger --tau, --normalize).
 */
import { unitLayout } from '../engines/unitSums.js';
import type { RunSetup } from './setup.js';

export interface Divergence {
  readonly epoch: number;
  /** 1-based global step at which the non-finite value appeared. */
  readonly step: number;
  /** The node blamed (the deepest with a non-finite parameter or pre-activation), or null. */
  readonly node: string | null;
  readonly message: string;
}

/** Names the node where a non-finite value appeared: parameters first, then pre-activations on x. */
export function diagnose(setup: RunSetup, x: Float32Array, S: number, epoch: number, step: number, loss: number): Divergence {
  const { engine, spec, tree } = setup;
  const bad = engine.nonFinite();
  const where = `at step ${step} (epoch ${epoch})`;
  if (bad) {
    return {
      epoch,
      step,
      node: bad.block,
      message: `training diverged ${where}: the ${bad.what === 'W' ? 'weights' : 'biases'} of node ${bad.block} became non-finite (loss ${loss}); try a smaller --lr or a larger --tau`,
    };
  }
  const { gpos, out, Gw } = unitLayout(spec);
  const G = engine.forwardPre(x, S);
  // Deepest first: the first node whose pre-activation is non-finite is where it started.
  for (let k = tree.internal.length - 1; k >= 0; k--) {
    for (let s = 0; s < S; s++) {
      for (let u = gpos[k]!; u < gpos[k]! + out[k]!; u++) {
        if (!Number.isFinite(G[s * Gw + u]!)) {
          const name = tree.nodes[tree.internal[k]!]!.name;
          return { epoch, step, node: name, message: `training diverged ${where}: the pre-activation of node ${name} is non-finite (loss ${loss})` };
        }
      }
    }
  }
  return {
    epoch,
    step,
    node: null,
    message: `training diverged ${where}: the loss is ${loss} with finite parameters and outputs (overflow in the loss: try a larger --tau or --normalize)`,
  };
}
