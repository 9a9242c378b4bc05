/**
 * Whether a case lies inside what a handshake announces (docs/impl-protocol.md §1: covcheck
 * generates only such cases). An activation entry covers the case's activation when it is the same
 * text ("leaky_relu:0.1") or the same kind without parameter ("leaky_relu" covers every slope).
 * A normalisation entry covers the case's when the form is the same and its eps is absent (any eps)
 * or equal to the case's.
 */
import type { ImplHandshake } from './handshake.js';
import { caseFeatures, type ImplCase } from './implCase.js';

/** Why the case is outside `supports`, or null when it is inside. */
export function caseOutsideSupport(h: ImplHandshake, c: ImplCase): string | null {
  const s = h.supports;
  const f = caseFeatures(c);
  if (f.mode !== 'grad') return `mode ${JSON.stringify(f.mode)}: implementations answer grad-mode cases only`;
  const kind = f.activation.split(':')[0];
  if (!s.activations.some((a) => a === f.activation || a === kind)) return `activation ${JSON.stringify(f.activation)} is not in supports.activations (${s.activations.join(', ')})`;
  if (f.bias && !s.bias) return 'the case has biases and supports.bias is false';
  if (f.normalize) {
    const { form, eps } = f.normalize;
    if (!s.normalize.some((n) => n.form === form && (n.eps === undefined || n.eps === eps))) {
      const announced = s.normalize.length === 0 ? 'none' : s.normalize.map((n) => (n.eps === undefined ? n.form : `${n.form} (eps ${n.eps})`)).join(', ');
      return `normalisation ${form} with eps ${eps} is not in supports.normalize (${announced})`;
    }
  }
  if (!s.losses.includes(f.loss)) return `loss ${JSON.stringify(f.loss)} is not in supports.losses (${s.losses.join(', ')})`;
  if (!(s.negatives as readonly string[]).includes(f.negatives)) return `negatives ${JSON.stringify(f.negatives)} is not in supports.negatives (${s.negatives.join(', ')})`;
  return null;
}

/** True when the case lies inside what the handshake announces. */
export function supportsCase(h: ImplHandshake, c: ImplCase): boolean {
  return caseOutsideSupport(h, c) === null;
}
