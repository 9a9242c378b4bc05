/**
 * What covcheck learns about a plugin when it is loaded, from a few probe cases: that it is a
 * function of the distances (finite, the same answer twice: no random numbers, no state kept), and
 * whether it runs in rationals (it uses only + − × ÷ max min; exact claims then decide with ===).
 */
import { EXACT, ExactUnsupported, F64 } from '../../numeric/arith.js';
import { negativesRange, type LossPlugin, type Params } from './define.js';
import { callPlugin } from './call.js';
import { caseText, PluginError } from './errors.js';

/** Distances used to probe a plugin when it is loaded: [r_+, r−…]. */
const PROBES: readonly (readonly [number, readonly number[]])[] = [
  [0.5, [1, 0.25, 2]],
  [2, [0.5, 3, 0]],
  [0, [0, 0, 0]],
  [1.5, [1.5, 1.5, 1.5]],
];

/** The probe case [r_+, r−…] with H negatives as a batch (batch plugins get two tuples). */
function probeCase(plugin: LossPlugin, p: number, ns: readonly number[], H: number): { pos: number[]; neg: number[][] } {
  const neg = Array.from({ length: H }, (_, k) => ns[k % ns.length]!);
  return plugin.kind === 'batch' ? { pos: [p, ns[0]!], neg: [neg, [...neg].reverse()] } : { pos: [p], neg: [neg] };
}

/** Whether a plugin runs in rationals (false on ExactUnsupported, or on an exact division by 0). */
function probeRational(plugin: LossPlugin, params: Params, H: number, source: string): boolean {
  try {
    for (const [p, ns] of PROBES) {
      const neg = Array.from({ length: H }, (_, k) => EXACT.from(ns[k % ns.length]!));
      if (plugin.kind === 'batch') callPlugin(EXACT, plugin, source, params, [EXACT.from(p), EXACT.from(ns[0]!)], [neg, neg], 2, 'mean');
      else callPlugin(EXACT, plugin, source, params, [EXACT.from(p)], [neg], 2, 'mean');
    }
    return true;
  } catch (e) {
    if (e instanceof ExactUnsupported) return false;
    // Rationals can also fail where floats do not (division by an exact 0): call it not rational.
    if (e instanceof PluginError && /division by 0|RangeError/.test(e.message)) return false;
    throw e;
  }
}

/**
 * Checks a plugin on the probe cases in float64: finite values, one value, the same answer twice.
 * Throws PluginError naming the problem; returns whether it is rational and the H probed.
 */
export function probePlugin(plugin: LossPlugin, params: Params, source: string): { rational: boolean; H: number } {
  const [lo] = negativesRange(plugin);
  const H = Math.max(1, lo);
  for (const [p, ns] of PROBES) {
    const { pos, neg } = probeCase(plugin, p, ns, H);
    const a = callPlugin(F64, plugin, source, params, pos, neg, 2, 'mean');
    const b = callPlugin(F64, plugin, source, params, pos, neg, 2, 'mean');
    const same = a.value === b.value && a.dPos.every((v, i) => v === b.dPos[i]) && a.dNeg.every((row, i) => row.every((v, k) => v === b.dNeg[i]![k]));
    if (!same) {
      throw new PluginError(
        `"${plugin.name}" (${source})`,
        `is not a function of the distances: two evaluations on the same case ${caseText(F64, pos, neg, params)} gave ${a.value} and ${b.value} (random numbers or state kept between calls?)`,
      );
    }
  }
  return { rational: probeRational(plugin, params, H, source), H };
}
