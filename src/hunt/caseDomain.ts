/**
 * The cases a hunt target draws (docs/case-format.md): a domain (activations, switches, size limits)
 * and its fast-check arbitrary of cases. Every number drawn is dyadic (weights k/8, polarities k/8,
 * binary inputs), so a saved minimal case replays exactly in float64 (and in rationals).
 */
import * as fc from 'fast-check';
import type { NestedCaseJson } from '../case/schema.js';
import { blockShapes, edgeNames } from '../case/names.js';

/** What a hunt target draws: activations, switches, sizes. */
export interface CaseDomain {
  readonly activations: readonly string[];
  readonly bias: boolean;
  readonly normalize: boolean;
  readonly mode: 'grad' | 'expect';
  readonly loss: Record<string, unknown>;
  readonly maxDepth: number;
  readonly maxChildren: number;
  readonly maxHid: number;
  readonly maxOut: number;
  readonly maxB: number;
  readonly maxH: number;
  readonly minH?: number;
  /** Leaf limit (the exact enumeration of mode 'expect'). */
  readonly maxLeaves: number;
}

/** A dyadic value k/8, |k| ≤ 16 (weights), shrinking to 0. */
const weight = fc.integer({ min: -16, max: 16 }).map((k) => k / 8);
const bit = fc.integer({ min: 0, max: 1 });
const polarity = fc.integer({ min: -8, max: 8 }).map((k) => k / 8);

/** Random cases of a domain (fast-check, so `fc.sample` with a seed is reproducible). */
export function arbCaseJson(d: CaseDomain): fc.Arbitrary<NestedCaseJson> {
  return fc
    .record({
      depth: fc.integer({ min: 1, max: d.maxDepth }),
      children: fc.integer({ min: 1, max: d.maxChildren }),
      hid: fc.integer({ min: 1, max: d.maxHid }),
      out: fc.integer({ min: 1, max: d.maxOut }),
      B: fc.integer({ min: 1, max: d.maxB }),
      H: fc.integer({ min: d.minH ?? 1, max: d.maxH }),
      activation: fc.constantFrom(...d.activations),
    })
    .filter((s) => s.children ** s.depth <= d.maxLeaves)
    .chain((s) => {
      const blocks = blockShapes(s.depth, s.children, s.hid, s.out);
      const L = s.children ** s.depth;
      const mat = (rows: number, cols: number) => fc.array(fc.array(weight, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
      const vec = (n: number) => fc.array(bit, { minLength: n, maxLength: n });
      const weights = fc.record(Object.fromEntries(blocks.map((b) => [b.name, mat(b.rows, b.cols)])) as Record<string, fc.Arbitrary<number[][]>>);
      const biases = fc.record(Object.fromEntries(blocks.map((b) => [b.name, fc.array(weight, { minLength: b.rows, maxLength: b.rows })])) as Record<string, fc.Arbitrary<number[]>>);
      const edges = edgeNames(s.depth, s.children);
      const polarities = fc.record(Object.fromEntries(edges.map((e) => [e, polarity])) as Record<string, fc.Arbitrary<number>>);
      return fc.record({
        weights,
        biases: d.bias ? biases : fc.constant(undefined),
        polarities: d.mode === 'expect' ? polarities : fc.constant(undefined),
        batch: fc.record({
          x: fc.array(vec(L), { minLength: s.B, maxLength: s.B }),
          x_pos: fc.array(vec(L), { minLength: s.B, maxLength: s.B }),
          x_neg: fc.array(fc.array(vec(L), { minLength: s.H, maxLength: s.H }), { minLength: s.B, maxLength: s.B }),
        }),
      }).map((v) => {
        const c: NestedCaseJson = { depth: s.depth, children: s.children, weights: v.weights, activation: s.activation, batch: v.batch, loss: { ...d.loss } };
        if (v.biases) c.biases = v.biases;
        if (v.polarities) c.polarities = v.polarities;
        if (d.normalize) c.normalize = true;
        if (d.mode === 'expect') c.mode = 'expect';
        return c;
      });
    });
}
