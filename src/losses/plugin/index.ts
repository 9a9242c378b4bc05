/**
 * Loss plugins (docs/plugins.md), one public entry. A plugin file defines a loss of the distances
 * (r_+, r_1−..r_H−) and its parameters; covcheck evaluates it
 *   - in float64, emulated float32 and rationals (when it uses only + − × ÷ max min) on dual numbers:
 *     value and exact weights β = ∂L/∂r (./call.ts, ../dual.ts);
 *   - on TensorFlow.js tensors for training (engines/tfjs/lossOps.ts; the built-ins only, a user's
 *     plugin trains through its float64 weights).
 *
 *   define.ts      the format: types, definePlugin, negativesRange
 *   validate.ts    the object's shape and its parameters
 *   call.ts        one evaluation on dual numbers, every misbehaviour a PluginError
 *   probe.ts       the load-time probes (a function of the distances? rational?)
 *   pluginLoss.ts  a plugin as a Loss
 *   load.ts        importing a plugin file (.ts through tsx, lazily)
 *   spec.ts        the `--loss` value
 *   family.ts      a loss with free parameters, and its label
 *   errors.ts      PluginError and the texts of its messages
 */
export { definePlugin, type BatchDistances, type BatchLossPlugin, type LossOps, type LossPlugin, type Params, type TupleLossPlugin } from './define.js';
export { PluginError } from './errors.js';
export { pluginLoss, isPluginLoss, type PluginLoss } from './pluginLoss.js';
export { BUILTIN_SPEC_HELP, isPluginFileSpec, resolveLossSpec, splitLossSpec } from './spec.js';
export { familyOf, lossLabel, pluginFamily, type LossFamily } from './family.js';
