/**
 * `covcheck eval`: the numbers of one case in float64 (docs/case-format.md).
 *
 * mode "grad":   loss, f, grads (backward pass), grads_bias, connection_grads (Σ K·∂L/∂f, claim C2),
 *                and with `connections` the per-sample K_ν.
 * mode "expect": exact enumeration (theory/expectedGradient.ts) under the `root` augmentation.
 */
import { F64 } from '../numeric/arith.js';
import { batchLoss, connectionGradient } from '../network/batchGradient.js';
import { connections } from '../network/connection.js';
import type { Trace } from '../network/forward.js';
import { expectedSimpleGradient } from '../theory/expectedGradient.js';
import type { ParsedCase } from './parseCase.js';

type Matrix = number[][];

function reshape(flat: readonly number[], rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, (_, i) => flat.slice(i * cols, (i + 1) * cols));
}

export function evaluateCase(c: ParsedCase, options: { connections?: boolean } = {}): Record<string, unknown> {
  return c.mode === 'expect' ? evaluateExpect(c) : evaluateGrad(c, options.connections === true);
}

function evaluateGrad(c: ParsedCase, withK: boolean): Record<string, unknown> {
  const { spec, params } = c;
  const r = batchLoss(F64, spec, params, c.batch, c.loss, c.reduction);
  const byName = (flat: readonly (readonly number[])[]) =>
    Object.fromEntries(spec.arch.blocks.map((b) => [b.name, reshape(flat[b.index]!, b.out, b.in)]));
  const negOut = c.flatNegatives ? r.f.neg.map((row) => row[0]!) : r.f.neg;
  const out: Record<string, unknown> = {
    loss: r.value,
    f: { x: r.f.x, x_pos: r.f.pos, x_neg: negOut },
    grads: byName(r.grads.W),
  };
  if (r.grads.b) out.grads_bias = Object.fromEntries(spec.arch.blocks.map((b) => [b.name, r.grads.b![b.index]]));
  out.connection_grads = byName(connectionGradient(F64, spec, params, r));
  if (withK) {
    const K = (t: Trace<number>) => connections(F64, spec, params, t);
    const perBlock: Record<string, { x: Matrix[]; x_pos: Matrix[]; x_neg: Matrix[] | Matrix[][] }> = {};
    const kx = r.traces.x.map(K);
    const kp = r.traces.pos.map(K);
    const kn = r.traces.neg.map((row) => row.map(K));
    for (const b of spec.arch.blocks) {
      const mat = (cs: ReturnType<typeof K>) => reshape(cs[b.index]!.K, cs[b.index]!.rows, cs[b.index]!.cols);
      perBlock[b.name] = {
        x: kx.map(mat),
        x_pos: kp.map(mat),
        x_neg: c.flatNegatives ? kn.map((row) => mat(row[0]!)) : kn.map((row) => row.map(mat)),
      };
    }
    out.K = perBlock;
  }
  return out;
}

function evaluateExpect(c: ParsedCase): Record<string, unknown> {
  const e = expectedSimpleGradient(c.tree, c.spec, c.params);
  const nodes: Record<string, unknown> = {};
  for (const b of c.spec.arch.blocks) {
    nodes[b.name] = {
      neg_expected_grad: e.negExpectedGrad[b.index],
      cov_form: e.covForm[b.index],
      cross_cov_form: e.crossCovForm[b.index],
    };
  }
  return { expected_L_simp: e.expectedLoss, n_configs: e.nConfigs, nodes };
}
