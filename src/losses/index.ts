/**
 * The built-in losses by name (case format `loss: {name, tau?, r0?}`).
 */
import { InputError, describe } from '../errors.js';
import type { Loss } from './loss.js';
import { simpleLoss } from './simple.js';
import { tripletLoss } from './triplet.js';
import { infoNceLoss } from './infoNce.js';
import { officialNceLoss, officialSubtractLoss } from './official.js';
import { ntXentLoss } from './ntXent.js';

export type { Loss, LossValue, DistanceBatch, Reduction } from './loss.js';
export const LOSS_NAMES = ['simp', 'tri', 'nce', 'official_nce', 'official_subtract', 'ntxent'] as const;

/** Parses `{name, tau?, r0?}`; unknown fields and bad values are InputErrors naming the field. */
export function parseLoss(spec: unknown, field = 'loss'): Loss {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new InputError(field, `expected an object {name, tau?, r0?}, got ${describe(spec)}`);
  }
  const o = spec as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'name' && k !== 'tau' && k !== 'r0') throw new InputError(`${field}.${k}`, 'unknown field');
  }
  const tau = o.tau === undefined ? undefined : (o.tau as number);
  const num = (k: 'tau' | 'r0', dflt: number): number => {
    const v = o[k] ?? dflt;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(`${field}.${k}`, `expected a finite number, got ${describe(v)}`);
    return v;
  };
  switch (o.name) {
    case 'simp':
      return simpleLoss;
    case 'official_subtract':
      return officialSubtractLoss;
    case 'tri':
      return tripletLoss(num('tau', 1), num('r0', 0));
    case 'nce':
      return infoNceLoss(num('tau', 1));
    case 'official_nce':
      return officialNceLoss(num('tau', tau ?? 0.1));
    case 'ntxent':
      return ntXentLoss(num('tau', 1));
    default:
      throw new InputError(`${field}.name`, `unknown loss ${describe(o.name)} (${LOSS_NAMES.join(', ')})`);
  }
}

export { simpleLoss, tripletLoss, infoNceLoss, officialNceLoss, officialSubtractLoss, ntXentLoss };
