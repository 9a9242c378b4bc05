/**
 * Augmentations of an HLTM sample and contrastive tuples (docs/theory.md §1.1; claims C3, C7, C9, C10).
 *
 * An augmentation keeps the surviving part x_0 of a base sample and resamples the rest top-down
 * conditioned on it, then flips each leaf independently with probability q:
 *  - `root` = level(0): keep z_0;  `level(k)`: keep every node at distance ≤ k from the root
 *    (latents, and in irregular trees also leaves that shallow; level(k ≥ height) = identity);
 *  - `identity`: keep everything;  `none-shared`: keep nothing (an independent fresh sample);
 *  - `flip(q)`: composable ("root+flip(0.1)"); "flip(q)" alone means identity+flip(q).
 * Nodes are breadth-first, so the kept nodes are a prefix of the node order (see `keptCount`).
 * A tuple (x, x_+, x_1−..x_H−): x, x_+ are independent augmentations of one base sample; each
 * negative is an augmentation of its own independent base sample.
 */
import { InputError, requireInt } from '../errors.js';
import type { Rng } from '../numeric/random.js';
import { sampleFrom, sampleNodes } from './sampler.js';
import type { Tree } from './tree.js';

export type AugmentationBase =
  | { readonly kind: 'root' }
  | { readonly kind: 'level'; readonly k: number }
  | { readonly kind: 'identity' }
  | { readonly kind: 'none-shared' };

/** A base augmentation and a leaf flip probability q (0 = no flip). */
export interface Augmentation {
  readonly base: AugmentationBase;
  readonly flip: number;
}

const NUM = String.raw`\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*`;
const LEVEL = new RegExp(String.raw`^level\(${NUM}\)$`);
const FLIP = new RegExp(String.raw`^flip\(${NUM}\)$`);

/** Parses "root", "level(2)", "identity", "none-shared", "flip(0.1)", "root+flip(0.1)", ... */
export function parseAugmentation(s: string, field = 'augmentation'): Augmentation {
  if (typeof s !== 'string' || s.trim() === '') throw new InputError(field, 'expected an augmentation such as "root" or "level(1)+flip(0.05)"');
  let base: AugmentationBase | undefined;
  let flip: number | undefined;
  for (const raw of s.split('+')) {
    const part = raw.trim();
    let m: RegExpExecArray | null;
    let b: AugmentationBase | undefined;
    if (part === 'root' || part === 'identity' || part === 'none-shared') b = { kind: part };
    else if ((m = LEVEL.exec(part))) {
      const k = Number(m[1]);
      if (!Number.isInteger(k)) throw new InputError(field, `level(k) needs an integer k >= 0, got ${m[1]}`);
      b = { kind: 'level', k };
    } else if ((m = FLIP.exec(part))) {
      const q = Number(m[1]);
      if (!(q >= 0 && q <= 1)) throw new InputError(field, `flip(q) needs q in [0, 1], got ${m[1]}`);
      if (flip !== undefined) throw new InputError(field, `flip given twice in "${s}"`);
      flip = q;
      continue;
    } else {
      throw new InputError(field, `unknown augmentation "${part}" (expected root, level(k), identity, none-shared, flip(q), joined by +)`);
    }
    if (base !== undefined) throw new InputError(field, `two base augmentations in "${s}"`);
    base = b;
  }
  return { base: base ?? { kind: 'identity' }, flip: flip ?? 0 };
}

/** Canonical name, parseable by `parseAugmentation` ("root", "level(2)+flip(0.05)", "flip(0.1)"). */
export function augmentationName(a: Augmentation): string {
  const base = a.base.kind === 'level' ? `level(${a.base.k})` : a.base.kind;
  if (a.flip === 0) return base;
  return a.base.kind === 'identity' ? `flip(${a.flip})` : `${base}+flip(${a.flip})`;
}

/** Number of kept nodes m: x_0 is nodes[0..m) (root 1, level(k) #{depth ≤ k}, identity all, none-shared 0). */
export function keptCount(tree: Tree, a: Augmentation): number {
  const n = tree.nodes.length;
  switch (a.base.kind) {
    case 'identity':
      return n;
    case 'none-shared':
      return 0;
    case 'root':
    case 'level': {
      const k = a.base.kind === 'root' ? 0 : a.base.k;
      let m = 0;
      while (m < n && tree.nodes[m]!.depth <= k) m++;
      return m;
    }
  }
}

/** A view of the base node vector: keep nodes[0..m), resample the rest given them, flip leaves. */
export function augment(tree: Tree, a: Augmentation, base: Uint8Array, rng: Rng, out?: Uint8Array): Uint8Array {
  const view = out ?? new Uint8Array(tree.nodes.length);
  const m = keptCount(tree, a);
  for (let i = 0; i < m; i++) view[i] = base[i]!;
  sampleFrom(tree, rng, view, m);
  if (a.flip > 0) for (const leaf of tree.leaves) if (rng.uniform() < a.flip) view[leaf] = 1 - view[leaf]!;
  return view;
}

export interface Tuple {
  readonly base: Uint8Array;
  readonly anchor: Uint8Array;
  readonly pos: Uint8Array;
  readonly negBases: Uint8Array[];
  readonly negs: Uint8Array[];
}

/** One tuple (x, x_+, x_1−..x_H−) as full node vectors, with the base samples it came from. */
export function sampleTuple(tree: Tree, a: Augmentation, H: number, rng: Rng): Tuple {
  requireInt('H', H, 0);
  const base = sampleNodes(tree, rng);
  const anchor = augment(tree, a, base, rng);
  const pos = augment(tree, a, base, rng);
  const negBases: Uint8Array[] = [];
  const negs: Uint8Array[] = [];
  for (let h = 0; h < H; h++) {
    const nb = sampleNodes(tree, rng);
    negBases.push(nb);
    negs.push(augment(tree, a, nb, rng));
  }
  return { base, anchor, pos, negBases, negs };
}
