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
    const n = tf.sqrt(tf.sum(tf.square(x), 1, true));
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
 * f for every row of X [N, leaves]: params.W[name] is [out, in], params.b[name] is [out] or absent.
 * Returns [N, n_out] (before normalisation).
 */
export function forward(tf, c, params, X) {
  const psi = activationFn(tf, c.activation);
  const C = c.children;
  const lv = levels(c.depth, C);
  const act = new Map();
  for (let d = lv.length - 1; d >= 0; d--) {
    lv[d].forEach((name, j) => {
      const input = d === lv.length - 1 ? tf.slice(X, [0, j * C], [-1, C]) : tf.concat(Array.from({ length: C }, (_, i) => act.get(`${name}${i}`)), 1);
      let g = tf.matMul(input, params.W[name], false, true);
      if (params.b) g = tf.add(g, params.b[name]);
      act.set(name, d === 0 ? g : psi(g));
    });
  }
  return act.get('s');
}
