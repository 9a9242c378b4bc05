// The tree network of a case (covcheck's case format), on TensorFlow.js tensors.
//
// Node names: the root is "s", the i-th child of node n is n + i. Leaves are the inputs, ordered by
// name, so the leaves under the j-th node of the last internal level are inputs j·C … j·C + C − 1.
// Each internal node ν computes g_ν = W_ν · input_ν (+ b_ν), input_ν = the concatenation of its
// children's activations ψ(g) in child order (or its leaves); the root is linear: f = g_s.

/** Internal node names, level by level (root first). */
export function levels(depth, children) {
  const out = [['s']];
  for (let d = 1; d < depth; d++) out.push(out[d - 1].flatMap((n) => Array.from({ length: children }, (_, i) => `${n}${i}`)));
  return out;
}

/** ψ for the case's activation string: relu, leaky_relu:<slope> (default 0.01), linear, tanh, softplus. */
export function activationFn(tf, name = 'relu') {
  const [kind, arg] = name.split(':');
  switch (kind) {
    case 'relu':
      return (g) => tf.relu(g);
    case 'leaky_relu': {
      const slope = arg === undefined ? 0.01 : Number(arg);
      return (g) => tf.leakyRelu(g, slope);
    }
    case 'linear':
      return (g) => g;
    case 'tanh':
      return (g) => tf.tanh(g);
    case 'softplus':
      return (g) => tf.softplus(g);
    default:
      throw new Error(`unsupported activation ${JSON.stringify(name)}`);
  }
}

/**
 * ‖f‖ of every row ([N, 1]) with the gradient f/‖f‖, taken as 0 at f = 0 (autograd through
 * sqrt would give NaN there, and an all-zero output is common for ReLU networks on 0/1 inputs).
 */
let rowNormOp = null;
function rowNorm(tf, f) {
  rowNormOp ??= tf.customGrad((x, save) => {
    const n = tf.sqrt(tf.sum(tf.square(x), -1, true));
    save([x, n]);
    return { value: n, gradFunc: (dy, [xs, ns]) => tf.mul(dy, tf.divNoNan(xs, ns)) };
  });
  return rowNormOp(f);
}

/** Output normalisation: "plus" f/(‖f‖ + eps), "max" f/max(‖f‖, eps) (PyTorch's F.normalize). */
export function normalizeRows(tf, f, form = 'plus', eps = 1e-4) {
  const norm = rowNorm(tf, f);
  return tf.div(f, form === 'max' ? tf.maximum(norm, eps) : tf.add(norm, eps));
}

/**
 * f for every sample of R cases, one level of the tree at a time. XT is [R, leaves, N] (one column
 * per sample). params.W[d] stacks the weights of level d's nodes (in the order of levels()) for every
 * case: [R, nodes, out, in]; params.b[d] their biases [R, nodes, out, 1], or params.b is null.
 *
 * The children of the k-th node of a level are nodes k·C … k·C + C − 1 of the level below, so a
 * level's outputs [R·nodes, out, N] reshaped to [R·nodes / C, C·out, N] are exactly the inputs of the
 * level above (children's activations concatenated in child order; C divides every level, so no
 * group crosses two cases), and the leaves reshaped to [R·nodes, C, N] are the inputs of the last
 * level. One batched matMul per level for all cases. Returns f as [R, N, n_out] (before normalisation).
 */
export function forward(tf, c, params, XT) {
  const psi = activationFn(tf, c.activation);
  const C = c.children;
  const lv = levels(c.depth, C);
  const [R, , N] = XT.shape;
  const flat = (t) => tf.reshape(t, [-1, t.shape[2], t.shape[3]]);
  let h = tf.reshape(XT, [R * lv[lv.length - 1].length, C, N]);
  for (let d = lv.length - 1; d >= 0; d--) {
    let g = tf.matMul(flat(params.W[d]), h);
    if (params.b) g = tf.add(g, flat(params.b[d]));
    h = d === 0 ? g : tf.reshape(psi(g), [R * lv[d - 1].length, -1, N]);
  }
  return tf.transpose(h, [0, 2, 1]);
}
