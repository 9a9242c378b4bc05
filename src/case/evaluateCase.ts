/**
 * `covcheck eval`: the numbers of one case in float64 (docs/case-format.md).
 *
 * mode "grad":   loss, f, grads (backward pass), grads_bias, connection_grads (Σ K·∂L/∂f, claim C2),
 *                and with `connections` the per-sample K_ν.
 * mode "expect": exact enumeration (theory/expectedGradient.ts) under the `root` augmentation.
 * negatives "in-batch" (network/inBatchGradient.ts): f, K hold x and x_pos only; connection_grads is
 * Σ over the 2B views of K·∂L/∂u, each view's ∂L/∂u gathered from every pair it is in.
 */
import { EXACT, F64, type Arith } from '../numeric/arith.js';
import { Rational } from '../numeric/rational.js';
import { InputError } from '../errors.js';
import { isHomogeneous, activationName } from '../network/activation.js';
import { toArith } from '../network/init.js';
import { leafDistribution } from '../hltm/exactDistribution.js';
import { expectedSimpleGradientFrom } from '../theory/expectedGradient.js';
import { batchLoss, connectionGradient, connectionGradientOf } from '../network/batchGradient.js';
import { inBatchLoss } from '../network/inBatchGradient.js';
import { connections } from '../network/connection.js';
import type { Trace } from '../network/forward.js';
import { expectedSimpleGradient } from '../theory/expectedGradient.js';
import type { ParsedCase } from './schema.js';
import { reshape } from './jsonValues.js';

type Matrix = number[][];

export function evaluateCase(c: ParsedCase, options: { connections?: boolean; exact?: boolean } = {}): Record<string, unknown> {
  if (options.exact) return evaluateExact(c);
  return c.mode === 'expect' ? evaluateExpect(c) : evaluateGrad(c, options.connections === true);
}

/**
 * The same outputs in exact rational arithmetic (`--exact`): every input number is taken as the
 * dyadic rational it is, and every output number is printed as a string "num/den". Only the
 * rational variants: relu / leaky_relu / linear, no normalisation, losses simp and official_subtract.
 */
function evaluateExact(c: ParsedCase): Record<string, unknown> {
  if (!isHomogeneous(c.spec.activation)) throw new InputError('activation', `exact arithmetic needs relu, leaky_relu or linear, got '${activationName(c.spec.activation)}' (irrational)`);
  if (c.spec.normalize) throw new InputError('normalize', 'exact arithmetic cannot normalise (a square root)');
  if (!c.loss.rational) throw new InputError('loss.name', `exact arithmetic needs a rational loss (simp, official_subtract), got '${c.loss.name}'`);
  const A: Arith<Rational> = EXACT;
  const params = toArith(A, c.params);
  const str = (v: Rational) => v.toString();
  const byName = (flat: readonly (readonly Rational[])[]) =>
    Object.fromEntries(c.spec.arch.blocks.map((b) => [b.name, reshape(flat[b.index]!.map(str) as unknown as number[], b.out, b.in)]));
  if (c.mode === 'expect') {
    const e = expectedSimpleGradientFrom(A, c.spec, params, leafDistribution(A, c.tree, { base: { kind: 'root' }, flip: 0 }));
    const nodes: Record<string, unknown> = {};
    for (const b of c.spec.arch.blocks) {
      nodes[b.name] = { neg_expected_grad: e.negExpectedGrad[b.index]!.map(str), cov_form: e.covForm[b.index]!.map(str), cross_cov_form: e.crossCovForm[b.index]!.map(str) };
    }
    return { expected_L_simp: str(e.expectedLoss), n_configs: e.nConfigs, nodes };
  }
  const q = (rows: readonly (readonly number[])[]) => rows.map((r) => r.map((v) => A.from(v)));
  const m = (rows: readonly (readonly Rational[])[]) => rows.map((row) => row.map(str));
  if (c.negatives === 'in-batch') {
    const ib = inBatchLoss(A, c.spec, params, { x: q(c.batch.x), pos: q(c.batch.pos) }, c.loss, c.symmetric, c.reduction);
    const out: Record<string, unknown> = { loss: str(ib.value), f: { x: m(ib.f.x), x_pos: m(ib.f.pos) }, grads: byName(ib.grads.W) };
    if (ib.grads.b) out.grads_bias = Object.fromEntries(c.spec.arch.blocks.map((b) => [b.name, ib.grads.b![b.index]!.map(str)]));
    out.connection_grads = byName(connectionGradientOf(A, c.spec, params, ib.traces, ib.dOut));
    return out;
  }
  const batch = { x: q(c.batch.x), pos: q(c.batch.pos), neg: c.batch.neg.map(q) };
  const r = batchLoss(A, c.spec, params, batch, c.loss, c.reduction);
  const out: Record<string, unknown> = {
    loss: str(r.value),
    f: { x: m(r.f.x), x_pos: m(r.f.pos), x_neg: c.flatNegatives ? m(r.f.neg.map((row) => row[0]!)) : r.f.neg.map(m) },
    grads: byName(r.grads.W),
  };
  if (r.grads.b) out.grads_bias = Object.fromEntries(c.spec.arch.blocks.map((b) => [b.name, r.grads.b![b.index]!.map(str)]));
  out.connection_grads = byName(connectionGradient(A, c.spec, params, r));
  return out;
}

function evaluateGrad(c: ParsedCase, withK: boolean): Record<string, unknown> {
  if (c.negatives === 'in-batch') return evaluateInBatch(c, withK);
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

function evaluateInBatch(c: ParsedCase, withK: boolean): Record<string, unknown> {
  const { spec, params } = c;
  const r = inBatchLoss(F64, spec, params, c.batch, c.loss, c.symmetric, c.reduction);
  const byName = (flat: readonly (readonly number[])[]) =>
    Object.fromEntries(spec.arch.blocks.map((b) => [b.name, reshape(flat[b.index]!, b.out, b.in)]));
  const out: Record<string, unknown> = { loss: r.value, f: { x: r.f.x, x_pos: r.f.pos }, grads: byName(r.grads.W) };
  if (r.grads.b) out.grads_bias = Object.fromEntries(spec.arch.blocks.map((b) => [b.name, r.grads.b![b.index]]));
  out.connection_grads = byName(connectionGradientOf(F64, spec, params, r.traces, r.dOut));
  if (withK) {
    const kv = r.traces.map((t) => connections(F64, spec, params, t));
    out.K = Object.fromEntries(
      spec.arch.blocks.map((b) => {
        const mats = kv.map((cs) => reshape(cs[b.index]!.K, cs[b.index]!.rows, cs[b.index]!.cols));
        return [b.name, { x: mats.filter((_, v) => v % 2 === 0), x_pos: mats.filter((_, v) => v % 2 === 1) }];
      }),
    );
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
