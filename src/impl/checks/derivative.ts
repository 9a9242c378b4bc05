/**
 * C2 on the implementation, first half (docs/theory.md §2 C2, docs/impl.md): its gradient is the
 * derivative of its own loss. Along a direction v over the weights, ⟨grads, v⟩ from one grad answer
 * against central differences of t ↦ loss(w + t·v) from six more grad requests (t = ±h, ±h/2, ±h/4,
 * pipelined), through the one finite-difference checker (numeric/finiteDifference.ts) with the
 * rounding term of the announced dtype. The case's weights are first rounded to the dtype and v is
 * quantised to multiples of 2^-12, so every w + t·v (|w| < 2, t = 2^-5…2^-7) is exact in float32:
 * the implementation sees exactly the moved weights. Its own gradient's rounding is allowed
 * c·n·ε·Σ|g_i v_i| (tolerance table, kind 'engine', n = the case network's gradient chain
 * (network/magnitude.ts gradientOps) + samples + 8, as in impl/agreementTolerance.ts). A detached term
 * or a gradient scaled by ½ fails here.
 * Not smooth on the stencil (a gate flips): skipped, neither pass nor fail.
 */
import { compareDerivative, richardsonDerivative } from '../../numeric/finiteDifference.js';
import { tolerance } from '../../numeric/tolerance.js';
import { parseCase } from '../../case/parseCase.js';
import { magnitude } from '../../network/magnitude.js';
import type { ImplClient } from '../client.js';
import type { GradAnswer } from '../answers.js';
import type { ImplCase } from '../implCase.js';
import type { ImplMeasurement } from './measurement.js';

const H = 2 ** -5;
const QUANTUM = 2 ** 12;

/** v quantised to multiples of 2^-12 after scaling to unit length (flat, node by node in the case's order). */
export function quantisedDirection(raw: readonly number[]): number[] {
  const norm = Math.hypot(...raw);
  return raw.map((x) => (norm > 0 ? Math.round((x / norm) * QUANTUM) / QUANTUM : 0));
}

function moved(c: ImplCase, v: readonly number[], t: number): ImplCase {
  let k = 0;
  const weights = Object.fromEntries(Object.entries(c.weights).map(([name, m]) => [name, m.map((row) => row.map((w) => w + t * v[k++]!))]));
  return { ...c, weights };
}

export async function derivativeOfOwnLoss(impl: ImplClient, c: ImplCase, answer: GradAnswer, v: readonly number[], what: string): Promise<ImplMeasurement> {
  const g = Object.keys(c.weights).flatMap((name) => answer.grads[name]!.flat());
  let gv = 0;
  let scale = 0;
  g.forEach((x, i) => {
    gv += x * v[i]!;
    scale += Math.abs(x * v[i]!);
  });
  const steps = [H, -H, H / 2, -H / 2, H / 4, -H / 4];
  const losses = await Promise.all(steps.map((t) => impl.grad(moved(c, v, t)).then((a) => a.loss)));
  const at = new Map(steps.map((t, i) => [t, losses[i]!]));
  const dtype = impl.handshake.dtype;
  const d = richardsonDerivative((t) => at.get(t)!, { h: H, value: answer.loss, precision: dtype });
  if (!d.smooth) return { ok: true, skipped: true, error: 0, tolerance: 0, note: `the loss is not smooth along ${what} here (a gate flips): skipped` };
  const cmp = compareDerivative(gv, d, { source: 'gradient', scale, scaleText: 'Σ|g_i v_i|' });
  // The case's network (its loss replaced by simp: only the chain lengths are read).
  const p = parseCase({ ...c, loss: { name: 'simp' } });
  const inputs = [...c.batch.x, ...c.batch.x_pos, ...((c.batch.x_neg ?? []) as number[][][]).flat()];
  const ops = Math.max(...inputs.map((x) => magnitude(p.spec, p.params, x).gradientOps));
  const own = tolerance(dtype, 'engine', ops + inputs.length + 8, scale);
  const tol = cmp.tolerance + own.tol;
  const error = cmp.error;
  return {
    ok: error <= tol,
    error,
    tolerance: tol,
    derivation: `central differences along ${what}, Richardson, h = 2^-5, 2^-6, 2^-7: ${cmp.derivation}; + the implementation's gradient rounding ${own.derivation}`,
    note: `⟨grads, v⟩ = ${gv} from the implementation's gradient, ${d.estimate} from differences of its loss`,
  };
}
