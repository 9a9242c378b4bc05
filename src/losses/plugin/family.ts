/**
 * Loss families: a loss with its parameters left free, so checks can sweep τ and the mutants can
 * wrap a loss (properties/claims/C6.ts, C7.ts, mutants.ts), and the loss's label in tables.
 */
import type { Loss } from '../loss.js';
import { parseLoss } from '../index.js';
import { negativesRange, type LossPlugin, type Params } from './define.js';
import { isPluginLoss, pluginLoss } from './pluginLoss.js';

/** A loss as a function of its parameters. */
export interface LossFamily {
  /** The loss's name (built-in or plugin). */
  readonly name: string;
  /** Table label: "nce(tau=0.5)", "my_loss(tau=1) [./x.ts]". */
  readonly label: string;
  /** The parameters the family was given (defaults resolved). */
  readonly params: Params;
  /** The loss at these parameters overriding `params` (unknown names: PluginError / InputError). */
  make(overrides?: Params): Loss;
  /** Allowed H. */
  readonly negatives: readonly [number, number];
  readonly perTuple: boolean;
}

/** A short label for a Loss in tables: "nce(tau=0.1)", "my_loss [./x.ts]". */
export function lossLabel(loss: Loss): string {
  const p = Object.entries(loss.params);
  const base = `${loss.name}${p.length ? `(${p.map(([k, v]) => `${k}=${v}`).join(',')})` : ''}`;
  return isPluginLoss(loss) && !loss.source.startsWith('builtin:') ? `${base} [${loss.source}]` : base;
}

/** The family a Loss belongs to (built-ins by name, plugins by their plugin object). */
export function familyOf(loss: Loss): LossFamily {
  const cache = new Map<string, Loss>();
  const base = loss.params;
  const make = (overrides: Params = {}): Loss => {
    const params = { ...base, ...overrides };
    const key = JSON.stringify(Object.entries(params).sort());
    let l = cache.get(key);
    if (!l) {
      if (isPluginLoss(loss)) l = pluginLoss(loss.plugin, loss.source, params);
      else if (Object.keys(overrides).length === 0) l = loss;
      else l = parseLoss({ name: loss.name, ...params });
      cache.set(key, l);
    }
    return l;
  };
  const negatives: readonly [number, number] = isPluginLoss(loss) ? negativesRange(loss.plugin) : loss.name === 'tri' ? [1, 1] : [1, Number.POSITIVE_INFINITY];
  return { name: loss.name, label: lossLabel(loss), params: base, make, negatives, perTuple: loss.perTuple };
}

/** A plugin object as a family (builtin examples, mutants written as plugins). */
export function pluginFamily(plugin: LossPlugin, source: string, overrides: Params = {}): LossFamily {
  return familyOf(pluginLoss(plugin, source, overrides));
}
