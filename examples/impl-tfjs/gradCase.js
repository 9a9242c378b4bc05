// Grad requests: loss, outputs f and gradients of cases (covcheck's case format), by autograd.
//
// Several requests of the same shape (gradCases) go through TF.js as ONE graph: their weights are
// stacked along a leading case axis R, the network runs one batched matMul per tree level for all of
// them, the losses form a vector [R] and one tf.valueAndGrads of its sum gives every case's gradient
// (the cases share no weights, so ∂(Σ_r L_r)/∂W_r = ∂L_r/∂W_r). Same autograd, R times fewer kernels.
//
// Within a case all samples go through the network at once: x (B), x_pos (B), then the explicit
// negatives (B·H). Explicit negatives: anchor b has positive x_pos[b] and negatives x_neg[b][k].
// In-batch negatives: the 2B views in the order x_0, x_pos_0, x_1, x_pos_1, …; anchor i's negatives
// are the 2B − 2 views of the other samples, in that order. With loss.symmetric each sample is
// anchor twice (x_i with positive x_pos_i, and x_pos_i with positive x_i); the loss averages (or sums)
// over all anchors. ntxent is NT-Xent on cosine similarities (always symmetric, in-batch).
import { forward, levels, normalizeRows } from './network.js';
import { distanceLoss, ntxent } from './losses.js';

/** Indices of anchor i's in-batch negatives among the 2B interleaved views. */
function inBatchNegatives(B) {
  return Array.from({ length: B }, (_, i) => Array.from({ length: 2 * B }, (_, j) => j).filter((j) => j >> 1 !== i));
}

/**
 * r = ½‖u − v‖² along the last axis. tf.squaredDifference is one kernel instead of two, but its
 * gradient does not sum over broadcast axes (TF.js 4.22): with broadcasting, sub then square.
 */
const halfSq = (tf, u, v) => {
  const sq = u.shape.length === v.shape.length && u.shape.every((n, i) => n === v.shape[i]) ? tf.squaredDifference(u, v) : tf.square(tf.sub(u, v));
  return tf.mul(0.5, tf.sum(sq, -1));
};

/**
 * The losses [R] of R cases of one shape as a function of their outputs z [R, N, d] (rows as in the
 * module comment). `bug`: "detach-negative" takes the negatives off the graph (as `neg.detach()` would).
 */
function caseLosses(tf, c, z, B, H, bug) {
  const [R, , d] = z.shape;
  const reduction = c.reduction ?? 'mean';
  const detach = (t) => (bug === 'detach-negative' ? tf.tensor(t.dataSync(), t.shape) : t);
  const a = tf.slice(z, [0, 0, 0], [R, B, d]);
  const p = tf.slice(z, [0, B, 0], [R, B, d]);
  if ((c.negatives ?? 'explicit') === 'explicit') {
    const n = detach(tf.reshape(tf.slice(z, [0, 2 * B, 0], [R, B * H, d]), [R, B, H, d]));
    const rPos = halfSq(tf, a, p);
    const rNeg = halfSq(tf, tf.expandDims(a, 2), n);
    return distanceLoss(tf, c.loss, rPos, rNeg, reduction, d);
  }
  const views = tf.reshape(tf.stack([a, p], 2), [R, 2 * B, d]);
  if (c.loss.name === 'ntxent') return ntxent(tf, views, c.loss.tau ?? 1, reduction, bug === 'detach-negative');
  const idx = tf.tensor1d(inBatchNegatives(B).flat(), 'int32');
  const symmetric = c.loss.symmetric === true;
  const anchors = symmetric ? tf.concat([a, p], 1) : a;
  const positives = symmetric ? tf.concat([p, a], 1) : p;
  const A = symmetric ? 2 * B : B;
  const gathered = tf.reshape(tf.gather(views, idx, 1), [R, B, 2 * B - 2, d]);
  const negatives = detach(symmetric ? tf.concat([gathered, gathered], 1) : gathered);
  const rPos = halfSq(tf, anchors, positives);
  const rNeg = halfSq(tf, tf.reshape(anchors, [R, A, 1, d]), negatives);
  return distanceLoss(tf, c.loss, rPos, rNeg, reduction, d);
}

/** Negative rows of a case, and whether x_neg is flat ([B][leaves]). */
function negativeRows(c) {
  if ((c.negatives ?? 'explicit') !== 'explicit') return { rows: [], flat: false };
  const flat = !Array.isArray(c.batch.x_neg[0][0]);
  return { rows: flat ? c.batch.x_neg : c.batch.x_neg.flat(), flat };
}

/**
 * What must be equal for cases to share one graph: everything but the numbers (weights, biases,
 * inputs, and the loss parameters, which are part of the graph here and so also compared).
 */
export function shapeKey(c) {
  const lv = levels(c.depth, c.children);
  const { rows, flat } = negativeRows(c);
  return JSON.stringify([
    c.depth, c.children, c.activation, c.biases !== undefined, c.normalize, c.normalize_form, c.eps, c.negatives, c.reduction, c.loss,
    c.batch.x.length, rows.length, flat, c.batch.x[0]?.length,
    lv.map((names) => [c.weights[names[0]]?.length, c.weights[names[0]]?.[0]?.length]),
  ]);
}

/** The answers to {"op": "grad", "case": c} for cases of one shapeKey: [{loss, f, grads, grads_bias?}]. */
export function gradCases(tf, cases, bug) {
  const c = cases[0];
  const R = cases.length;
  const lv = levels(c.depth, c.children);
  const bias = c.biases !== undefined;
  const B = c.batch.x.length;
  const explicit = (c.negatives ?? 'explicit') === 'explicit';
  const { flat } = negativeRows(c);
  const H = explicit ? negativeRows(c).rows.length / B : 0;
  // Tensors only inside tidy (it walks whatever it returns: plain arrays would be walked too).
  const { value, grads, out } = tf.tidy(() => {
    // Inputs [R, leaves, N]: one column per sample of each case.
    const XT = tf.tensor3d(cases.map((k) => {
      const rows = [...k.batch.x, ...k.batch.x_pos, ...negativeRows(k).rows];
      return rows[0].map((_, leaf) => rows.map((r) => r[leaf]));
    }));
    // One tensor per level: the stacked weights [R, nodes, out, in] (and biases [R, nodes, out, 1]).
    const W = lv.map((names) => tf.tensor4d(cases.map((k) => names.map((n) => k.weights[n]))));
    const b = bias ? lv.map((names) => tf.tensor4d(cases.map((k) => names.map((n) => k.biases[n].map((v) => [v]))))) : null;
    let f;
    let losses;
    const vg = tf.valueAndGrads((...ps) => {
      const params = { W: ps.slice(0, lv.length), b: bias ? ps.slice(lv.length) : null };
      const raw = forward(tf, c, params, XT);
      f = tf.keep(c.normalize ? normalizeRows(tf, raw, c.normalize_form, c.eps ?? 1e-4) : raw);
      losses = tf.keep(caseLosses(tf, c, f, B, H, bug));
      return tf.sum(losses);
    })([...W, ...(b ?? [])]);
    tf.dispose(vg.value);
    return { value: losses, grads: bug === 'half-grad' ? vg.grads.map((t) => tf.mul(t, 0.5)) : vg.grads, out: f };
  });
  const g = grads.map((t) => t.arraySync());
  const fAll = out.arraySync();
  const lossAll = value.dataSync();
  tf.dispose([value, out, ...grads]);
  return cases.map((_, r) => {
    const fRows = fAll[r];
    const f = { x: fRows.slice(0, B), x_pos: fRows.slice(B, 2 * B) };
    if (explicit) {
      const neg = fRows.slice(2 * B);
      f.x_neg = flat ? neg : Array.from({ length: B }, (_, i) => neg.slice(i * H, (i + 1) * H));
    }
    const byName = (perLevel, leaf) => Object.fromEntries(lv.flatMap((names, d) => names.map((n, k) => [n, leaf(perLevel[d][r][k])])));
    const answer = { loss: lossAll[r], f, grads: byName(g, (m) => m) };
    if (bias) answer.grads_bias = byName(g.slice(lv.length), (m) => m.flat());
    return answer;
  });
}

/** The answer to one grad request. */
export const gradCase = (tf, c, bug) => gradCases(tf, [c], bug)[0];

/** The answer to a distances request: the loss of r and β = ∂loss/∂r (one case: R = 1). */
export function gradDistances(tf, req) {
  return tf.tidy(() => {
    const rPos = tf.tensor2d([req.r_pos]);
    const rNeg = tf.tensor3d([req.r_neg]);
    const { value, grads } = tf.valueAndGrads((rp, rn) => tf.sum(distanceLoss(tf, req.loss, rp, rn, req.reduction ?? 'mean')))([rPos, rNeg]);
    return { loss: value.dataSync()[0], beta_pos: grads[0].arraySync()[0], beta_neg: grads[1].arraySync()[0] };
  });
}
