/**
 * A plugin as a Loss (../loss.ts): validated, parameters resolved, probed, then evaluated on dual
 * numbers in any arithmetic (float64, float32, rationals when it is rational). Tuple plugins are
 * reduced over the batch like the hand-written tuple losses (reduceTuples: mean or sum).
 */
import type { Arith } from '../../numeric/arith.js';
import { reduceTuples, type DistanceBatch, type Loss, type LossValue } from '../loss.js';
import type { LossPlugin, Params } from './define.js';
import { callPlugin } from './call.js';
import { paramText } from './errors.js';
import { probePlugin } from './probe.js';
import { resolveParams, validatePluginObject } from './validate.js';

/** A Loss made from a plugin, with the plugin kept for families, reports and TF.js. */
export interface PluginLoss extends Loss {
  readonly plugin: LossPlugin;
  /** Where it came from: a path, or "builtin:<name>". */
  readonly source: string;
  /** "name(k=v, …)". */
  readonly label: string;
}

/** Turns a plugin (validated, parameters resolved, probed) into a Loss; throws PluginError. */
export function pluginLoss(plugin: LossPlugin, source: string, overrides: Params = {}): PluginLoss {
  validatePluginObject(plugin, source);
  const params = resolveParams(plugin, overrides, source);
  const { rational } = probePlugin(plugin, params, source);
  const perTuple = plugin.kind !== 'batch';
  return {
    name: plugin.name,
    params,
    rational,
    perTuple,
    plugin,
    source,
    label: `${plugin.name}${Object.keys(params).length ? `(${paramText(params)})` : ''}`,
    evaluate<T>(A: Arith<T>, batch: DistanceBatch<T>): LossValue<T> {
      const { rPos, rNeg, dim, reduction } = batch;
      if (!perTuple) {
        const r = callPlugin(A, plugin, source, params, rPos, rNeg, dim, reduction);
        return { value: r.value, betaPos: r.dPos, betaNeg: r.dNeg };
      }
      return reduceTuples(A, batch, (p, n) => {
        const r = callPlugin(A, plugin, source, params, [p], [n], dim, reduction);
        return { value: r.value, betaPos: r.dPos[0]!, betaNeg: r.dNeg[0]! };
      });
    },
  };
}

/** Whether a Loss came from a plugin. */
export function isPluginLoss(loss: Loss): loss is PluginLoss {
  return (loss as Partial<PluginLoss>).plugin !== undefined;
}
