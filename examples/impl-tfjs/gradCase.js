// One grad request: loss, outputs f and gradients of a case (covcheck's case format), by autograd.
//
// All samples go through the network at once: x (B), x_pos (B), then the explicit negatives (B·H).
// Explicit negatives: anchor b has positive x_pos[b] and negatives x_neg[b][k].
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
  const sq = u.shape.every((n, i) => n === v.shape[i]) ? tf.squaredDifference(u, v) : tf.square(tf.sub(u, v));
  return tf.mul(0.5, tf.sum(sq, -1));
};

/**
 * The batch loss as a function of the outputs z [N, d] (rows as in the module comment).
 * `bug`: "detach-negative" takes the negatives off the graph (as `neg.detach()` would).
 */
function caseLoss(tf, c, z, B, H, bug) {
  const d = z.shape[1];
  const reduction = c.reduction ?? 'mean';
  const detach = (t) => (bug === 'detach-negative' ? tf.tensor(t.dataSync(), t.shape) : t);
  const a = tf.slice(z, [0, 0], [B, d]);
  const p = tf.slice(z, [B, 0], [B, d]);
  if ((c.negatives ?? 'explicit') === 'explicit') {
    const n = detach(tf.reshape(tf.slice(z, [2 * B, 0], [B * H, d]), [B, H, d]));
    const rPos = halfSq(tf, a, p);
    const rNeg = halfSq(tf, tf.expandDims(a, 1), n);
    return distanceLoss(tf, c.loss, rPos, rNeg, reduction, d);
  }
  const views = tf.reshape(tf.stack([a, p], 1), [2 * B, d]);
  if (c.loss.name === 'ntxent') return ntxent(tf, views, c.loss.tau ?? 1, reduction, bug === 'detach-negative');
  const idx = tf.tensor2d(inBatchNegatives(B), [B, 2 * B - 2], 'int32');
  const symmetric = c.loss.symmetric === true;
  const anchors = symmetric ? tf.concat([a, p], 0) : a;
  const positives = symmetric ? tf.concat([p, a], 0) : p;
  const negatives = detach(tf.gather(views, symmetric ? tf.concat([idx, idx], 0) : idx));
  const rPos = halfSq(tf, anchors, positives);
  const rNeg = halfSq(tf, tf.expandDims(anchors, 1), negatives);
  return distanceLoss(tf, c.loss, rPos, rNeg, reduction, d);
}

/** The answer to {"op": "grad", "case": c}: {loss, f, grads, grads_bias?}. */
export function gradCase(tf, c, bug) {
  const lv = levels(c.depth, c.children);
  const bias = c.biases !== undefined;
  const B = c.batch.x.length;
  const explicit = (c.negatives ?? 'explicit') === 'explicit';
  const flat = explicit && !Array.isArray(c.batch.x_neg[0][0]);
  const negRows = explicit ? (flat ? c.batch.x_neg : c.batch.x_neg.flat()) : [];
  const H = explicit ? negRows.length / B : 0;
  // Tensors only inside tidy (it walks whatever it returns: plain arrays would be walked too).
  const { value, grads, out } = tf.tidy(() => {
    const rows = [...c.batch.x, ...c.batch.x_pos, ...negRows];
    const XT = tf.tensor2d(rows[0].map((_, leaf) => rows.map((r) => r[leaf])));
    // One tensor per level: the stacked weights [nodes, out, in] (and biases [nodes, out, 1]).
    const W = lv.map((names) => tf.tensor3d(names.map((n) => c.weights[n])));
    const b = bias ? lv.map((names) => tf.tensor3d(names.map((n) => c.biases[n].map((v) => [v])))) : null;
    let f;
    const vg = tf.valueAndGrads((...ps) => {
      const params = { W: ps.slice(0, lv.length), b: bias ? ps.slice(lv.length) : null };
      const raw = forward(tf, c, params, XT);
      f = tf.keep(c.normalize ? normalizeRows(tf, raw, c.normalize_form, c.eps ?? 1e-4) : raw);
      return caseLoss(tf, c, f, B, H, bug);
    })([...W, ...(b ?? [])]);
    return { value: vg.value, grads: bug === 'half-grad' ? vg.grads.map((t) => tf.mul(t, 0.5)) : vg.grads, out: f };
  });
  const g = grads.map((t) => t.arraySync());
  const fRows = out.arraySync();
  const loss = value.dataSync()[0];
  tf.dispose([value, out, ...grads]);
  const f = { x: fRows.slice(0, B), x_pos: fRows.slice(B, 2 * B) };
  if (explicit) {
    const neg = fRows.slice(2 * B);
    f.x_neg = flat ? neg : Array.from({ length: B }, (_, i) => neg.slice(i * H, (i + 1) * H));
  }
  const byName = (perLevel, leaf) => Object.fromEntries(lv.flatMap((names, d) => names.map((n, k) => [n, leaf(perLevel[d][k])])));
  const answer = { loss, f, grads: byName(g, (m) => m) };
  if (bias) answer.grads_bias = byName(g.slice(lv.length), (m) => m.flat());
  return answer;
}

/** The answer to a distances request: the loss of r and β = ∂loss/∂r. */
export function gradDistances(tf, req) {
  return tf.tidy(() => {
    const rPos = tf.tensor1d(req.r_pos);
    const rNeg = tf.tensor2d(req.r_neg);
    const { value, grads } = tf.valueAndGrads((rp, rn) => distanceLoss(tf, req.loss, rp, rn, req.reduction ?? 'mean'))([rPos, rNeg]);
    return { loss: value.dataSync()[0], beta_pos: grads[0].arraySync(), beta_neg: grads[1].arraySync() };
  });
}
