// The losses of covcheck's case format, on TensorFlow.js tensors.
//
// Every function works on R cases at once (a leading case axis) and returns the R losses [R].
// Distances r = ½‖f − f′‖²: rPos [R, A] (anchor–positive), rNeg [R, A, H] (anchor–negatives), A rows.
//   simp               r_+ − mean_k r_k                         (reduced over rows: mean or sum)
//   tri  (τ, r0)       τ·softplus((r_+ − r_− + r0)/τ), H = 1; τ = 0: max(0, r_+ − r_− + r0)
//   nce  (τ)           r_+ + τ·logsumexp(−r_+/τ, −r_k/τ)       (= −τ log softmax of the positive)
//   official_nce (τ)   −σ((n − p)/τ),  p = 2/(A·d)·Σ r_+,  n = 2/(A·H·d)·Σ r_k  ("sum": A dropped)
//   official_subtract  p − n
// NT-Xent (ntxent, τ) is written on cosine similarities, as SimCLR code does: see ntxent().

/** Mean or sum over the rows (the last axis) of [R, A]: [R]. */
const reduce = (tf, v, reduction) => (reduction === 'sum' ? tf.sum(v, -1) : tf.mean(v, -1));

/** Default parameters of the case format. */
export function lossParams(loss) {
  const tau = loss.tau ?? (loss.name === 'official_nce' ? 0.1 : 1);
  return { tau, r0: loss.r0 ?? 0 };
}

/**
 * The losses [R] of the distances; `dim` is the output width d (the official losses average over
 * it): known for a grad request (the case's weights), absent for a distances request, whose
 * contract carries no d.
 */
export function distanceLoss(tf, loss, rPos, rNeg, reduction, dim) {
  const { tau, r0 } = lossParams(loss);
  const [R, A, H] = rNeg.shape;
  switch (loss.name) {
    case 'simp':
      return reduce(tf, tf.sub(rPos, tf.mean(rNeg, -1)), reduction);
    case 'tri': {
      if (H !== 1) throw new Error(`tri takes H = 1 negative, got H = ${H}`);
      const u = tf.add(tf.sub(rPos, tf.reshape(rNeg, [R, A])), r0);
      return reduce(tf, tau === 0 ? tf.relu(u) : tf.mul(tau, tf.softplus(tf.div(u, tau))), reduction);
    }
    case 'nce':
    case 'ntxent': {
      // ntxent on distances (the distances request): for unit vectors s = 1 − r, so it is nce / τ.
      const logits = tf.concat([tf.reshape(tf.div(tf.neg(rPos), tau), [R, A, 1]), tf.div(tf.neg(rNeg), tau)], -1);
      const nce = tf.add(rPos, tf.mul(tau, tf.logSumExp(logits, -1)));
      return reduce(tf, loss.name === 'ntxent' ? tf.div(nce, tau) : nce, reduction);
    }
    case 'official_nce':
    case 'official_subtract': {
      if (dim === undefined) throw new Error(`${loss.name} needs the output width d, which a distances request does not carry (covcheck does not ask)`);
      const Bf = reduction === 'sum' ? 1 : A;
      const p = tf.mul(2 / (Bf * dim), tf.sum(rPos, -1));
      const n = tf.mul(2 / (Bf * H * dim), tf.sum(rNeg, [-2, -1]));
      return loss.name === 'official_subtract' ? tf.sub(p, n) : tf.neg(tf.sigmoid(tf.div(tf.sub(n, p), tau)));
    }
    default:
      throw new Error(`unknown loss ${JSON.stringify(loss.name)}`);
  }
}

/**
 * NT-Xent as SimCLR writes it, for R cases: the 2B views z [R, 2B, d] (rows 2i and 2i+1 are the two
 * views of sample i), already normalised; sim = z zᵀ/τ with the diagonal masked out; every row is an
 * anchor whose positive is its partner view: loss_j = −log( e^{sim[j, j^1]} / Σ_{k≠j} e^{sim[j, k]} ).
 * `detachNegatives` (a bug) takes the negatives' similarities off the graph. Returns [R].
 */
export function ntxent(tf, z, tau, reduction, detachNegatives = false) {
  const n = z.shape[1];
  const sim = tf.div(tf.matMul(z, z, false, true), tau);
  const eye = tf.cast(tf.eye(n), 'bool');
  const partner = tf.cast(tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, j) => j ^ 1), 'int32'), n), 'bool');
  const logits = detachNegatives ? tf.where(partner, sim, tf.tensor(sim.dataSync(), sim.shape)) : sim;
  const masked = tf.where(eye, tf.fill(sim.shape, -Infinity), logits);
  const positive = tf.sum(tf.where(partner, sim, tf.zerosLike(sim)), -1);
  return reduce(tf, tf.sub(tf.logSumExp(masked, -1), positive), reduction);
}
