/**
 * The activations of network/activation.ts as TensorFlow.js ops (autograd supplies ψ').
 * ReLU'(0) = 0 and leaky ReLU'(0) = slope, as tf.relu / tf.where with a strict g > 0 give.
 * GELU is the exact erf form 0.5·g·(1 + erf(g/√2)), like the float64 reference.
 */
import type * as tfType from '@tensorflow/tfjs';
import type { Activation } from '../../network/activation.js';

export function tfActivate(tf: typeof tfType, a: Activation, g: tfType.Tensor): tfType.Tensor {
  switch (a.kind) {
    case 'relu':
      return tf.relu(g);
    case 'leaky_relu':
      return tf.leakyRelu(g, a.slope);
    case 'linear':
      return g;
    case 'tanh':
      return tf.tanh(g);
    case 'softplus':
      return tf.softplus(g);
    case 'gelu':
      return tf.mul(tf.mul(g, 0.5), tf.add(1, tf.erf(tf.mul(g, Math.SQRT1_2))));
  }
}
