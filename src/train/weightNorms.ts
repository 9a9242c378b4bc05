/**
 * Weight norms of a trained network per layer cut (reported by `covcheck train` beside the
 * correlation metric): ‖W_l‖_F over the blocks of cut l and ‖b_l‖ of its biases.
 */
import type { NetworkSpec, Params } from '../network/architecture.js';

export interface LayerNorm {
  readonly layer: string;
  readonly depth: number;
  /** Height of the cut in a complete tree (depth D − d); the largest node height otherwise. */
  readonly height: number;
  /** ‖W_l‖_F over the blocks of the cut. */
  readonly W: number;
  /** ‖b_l‖ (null without biases). */
  readonly b: number | null;
}

/** Weight norms of every layer cut (arch.layers). */
export function weightNorms(spec: NetworkSpec, p: Params<number>): LayerNorm[] {
  const { arch } = spec;
  const tree = arch.tree;
  return arch.layers.map((l) => {
    let w = 0;
    let b = 0;
    for (const blk of l.blocks) {
      for (const v of p.W[blk]!) w += v * v;
      if (p.b) for (const v of p.b[blk]!) b += v * v;
    }
    const depth = Math.max(...l.blocks.map((blk) => arch.blocks[blk]!.depth));
    const height = tree ? Math.max(...l.blocks.map((blk) => tree.nodes[arch.blocks[blk]!.node]!.height)) : arch.layers.length - depth;
    return { layer: l.name, depth, height, W: Math.sqrt(w), b: p.b ? Math.sqrt(b) : null };
  });
}
