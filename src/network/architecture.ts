/**
 * Network architectures as a list of parameter blocks (docs/theory.md §1.2).
 *
 * A block ν owns W_ν ∈ R^{out × in} (flattened row-major: w[i·in + j] = W[i, j]) and optionally a
 * bias b_ν ∈ R^{out}. Its input is the concatenation of its sources in order: a leaf input x_j (one
 * value) or another block's activation ψ(g). Blocks are in topological order (sources first); the
 * last block is the output, whose pre-activation g_L is the network output (the output layer is
 * linear).
 *
 * - Tree-matched network: one block per internal node of the HLTM tree, named like the node; a
 *   node's input is its children in order (leaf child: its x value; internal child: its ReLU'd block).
 * - MLP: blocks "l1".."lL" on the whole leaf vector.
 *
 * A *cut* is a set of blocks that every input-to-output path crosses exactly once; the layers of a
 * complete tree and of an MLP are cuts. Claims C1, C3, C4, C5 are stated for cuts.
 */
import { InputError, requireInt } from '../errors.js';
import type { Tree } from '../hltm/tree.js';
import type { Activation } from './activation.js';
import type { NormalizationFormName } from './normalization.js';

/** A leaf input x_j, the whole input vector (MLP), or another block's activation. */
export type Source =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'all-inputs' }
  | { readonly kind: 'block'; readonly block: number };

export interface Block {
  readonly index: number;
  readonly name: string;
  readonly out: number;
  readonly in: number;
  readonly sources: readonly Source[];
  /** Offsets of each source in the concatenated input. */
  readonly offsets: readonly number[];
  /** Blocks that read this one: (consumer block, column offset in its input). */
  readonly consumers: readonly { readonly block: number; readonly offset: number }[];
  /** Tree: the node index; MLP: -1. */
  readonly node: number;
  /** Distance from the output block along the graph (output 0): the tree depth of the node. */
  readonly depth: number;
}

export interface Architecture {
  readonly kind: 'tree' | 'mlp';
  readonly nInputs: number;
  readonly blocks: readonly Block[];
  /** Index of the output block (always the last). */
  readonly output: number;
  readonly nOut: number;
  /** Named cuts ("depth 0" = {root}, ...; MLP: "l1".."lL"). */
  readonly layers: readonly { readonly name: string; readonly blocks: readonly number[] }[];
  readonly tree?: Tree;
}

/** Everything that defines a network apart from its parameters. */
export interface NetworkSpec {
  readonly arch: Architecture;
  /** ψ after every hidden block, unless `activations` names another for that block. */
  readonly activation: Activation;
  /**
   * Per-block activations (optional, by block index, one entry per block): ψ_ν after block ν
   * replaces `activation` there; the output block's entry is unused (the output layer is linear).
   * Absent in every network built from a case or a CLI option; the C1 checks use it to put a
   * non-homogeneous ψ strictly below a cut and a homogeneous one above (docs/theory.md §2 C1).
   * Read it only through blockActivation.
   */
  readonly activations?: readonly Activation[];
  readonly bias: boolean;
  /** The loss sees f/(‖f‖ + eps). */
  readonly normalize: boolean;
  readonly eps: number;
  /** The divisor of the normalisation: "plus" f/(‖f‖ + eps) (default) or "max" f/max(‖f‖, eps). */
  readonly normalizeForm?: NormalizationFormName;
}

/** The activation ψ_ν applied after block ν (`activations[ν]`, else the network's one). */
export function blockActivation(spec: NetworkSpec, block: number): Activation {
  return spec.activations?.[block] ?? spec.activation;
}

/**
 * The one activation of a network whose hidden blocks all use the same ψ (what the float32 and
 * TF.js engines build); an InputError naming `who` for per-block activations that differ.
 */
export function uniformActivation(spec: NetworkSpec, who: string): Activation {
  const { arch } = spec;
  const hidden = arch.blocks.filter((b) => b.index !== arch.output);
  const one = hidden.length > 0 ? blockActivation(spec, hidden[0]!.index) : spec.activation;
  const differs = hidden.find((b) => JSON.stringify(blockActivation(spec, b.index)) !== JSON.stringify(one));
  if (differs) throw new InputError('activations', `${who} needs one activation for every hidden block; block '${differs.name}' differs from '${hidden[0]!.name}'`);
  return one;
}

/** Parameters in arithmetic T: W per block (flat row-major), b per block or null. */
export interface Params<T> {
  readonly W: readonly (readonly T[])[];
  readonly b: readonly (readonly T[])[] | null;
}

function finish(kind: 'tree' | 'mlp', nInputs: number, raw: Omit<Block, 'consumers' | 'index'>[], layers: Architecture['layers'], tree?: Tree): Architecture {
  const consumers: { block: number; offset: number }[][] = raw.map(() => []);
  raw.forEach((b, i) =>
    b.sources.forEach((s, k) => {
      if (s.kind === 'block') consumers[s.block]!.push({ block: i, offset: b.offsets[k]! });
    }),
  );
  const blocks = raw.map((b, i) => ({ ...b, index: i, consumers: consumers[i]! }));
  const output = blocks.length - 1;
  const arch: Architecture = { kind, nInputs, blocks, output, nOut: blocks[output]!.out, layers };
  return tree ? { ...arch, tree } : arch;
}

/**
 * The tree-matched network of a tree: `hid` units per internal node, `outWidth` (default hid) at
 * the root. Blocks are ordered deepest first so that sources precede consumers.
 */
export function treeArchitecture(tree: Tree, hid: number, outWidth = hid): Architecture {
  requireInt('hid', hid, 1);
  requireInt('out width', outWidth, 1);
  const order = [...tree.internal].reverse(); // BFS reversed: children before parents
  const blockOf = new Map<number, number>();
  order.forEach((node, i) => blockOf.set(node, i));
  const raw = order.map((node) => {
    const n = tree.nodes[node]!;
    const sources: Source[] = [];
    const offsets: number[] = [];
    let width = 0;
    for (const c of n.children) {
      const child = tree.nodes[c]!;
      offsets.push(width);
      if (child.isLeaf) {
        sources.push({ kind: 'input', index: child.leafIndex });
        width += 1;
      } else {
        sources.push({ kind: 'block', block: blockOf.get(c)! });
        width += hid;
      }
    }
    return { name: n.name, out: n.parent < 0 ? outWidth : hid, in: width, sources, offsets, node, depth: n.depth };
  });
  return finish('tree', tree.leaves.length, raw, treeCuts(tree, blockOf), tree);
}

/** Level cuts of a tree: {root}, then repeatedly every node replaced by its internal children while all are internal. */
function treeCuts(tree: Tree, blockOf: Map<number, number>): { name: string; blocks: number[] }[] {
  const cuts: { name: string; blocks: number[] }[] = [];
  let frontier = [0];
  for (let level = 0; frontier.length > 0; level++) {
    cuts.push({ name: `depth ${level}`, blocks: frontier.map((n) => blockOf.get(n)!).sort((a, b) => a - b) });
    const canExpand = frontier.every((n) => tree.nodes[n]!.children.every((c) => !tree.nodes[c]!.isLeaf));
    if (!canExpand) break;
    frontier = frontier.flatMap((n) => tree.nodes[n]!.children);
  }
  return cuts;
}

/** True when `blocks` is a cut: every input-to-output path crosses exactly one of them. */
export function isCut(arch: Architecture, blocks: readonly number[]): boolean {
  const inCut = new Set(blocks);
  // Count, for every block, the number of cut blocks on its path to the output (tree/MLP: one consumer).
  const crossings = new Array<number>(arch.blocks.length).fill(0);
  for (let i = arch.blocks.length - 1; i >= 0; i--) {
    const b = arch.blocks[i]!;
    const above = b.consumers.length === 0 ? 0 : Math.max(...b.consumers.map((c) => crossings[c.block]!));
    crossings[i] = above + (inCut.has(i) ? 1 : 0);
  }
  // Every input is read by some block; the path from the input crosses that block's count.
  for (const b of arch.blocks) {
    if (b.sources.some((s) => s.kind !== 'block') && crossings[b.index] !== 1) return false;
  }
  return arch.blocks.every((b) => crossings[b.index]! <= 1);
}

/** A plain fully connected network: widths[0] inputs, then one block per following width. */
export function mlpArchitecture(widths: readonly number[]): Architecture {
  if (widths.length < 2) throw new InputError('widths', 'an MLP needs an input width and at least one layer width');
  widths.forEach((w, i) => requireInt(`widths[${i}]`, w, 1));
  const L = widths.length - 1;
  const raw = widths.slice(1).map((out, l) => ({
    name: `l${l + 1}`,
    out,
    in: widths[l]!,
    sources: [l === 0 ? ({ kind: 'all-inputs' } as Source) : ({ kind: 'block', block: l - 1 } as Source)],
    offsets: [0],
    node: -1,
    depth: L - 1 - l,
  }));
  const layers = raw.map((b, i) => ({ name: b.name, blocks: [i] }));
  return finish('mlp', widths[0]!, raw, layers);
}

/** Number of weight entries of a block set. */
export function paramCount(arch: Architecture, blocks: readonly number[]): number {
  return blocks.reduce((s, b) => s + arch.blocks[b]!.out * arch.blocks[b]!.in, 0);
}
