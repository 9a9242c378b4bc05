/**
 * The f32 engine's memory layout and its pattern-table plan (src/engines/f32/layout.ts, the plan half
 * of tables.ts) against what their doc comments state (issue 12 item 5, docs/mutation.md):
 *  - nodes breadth-first, V[vpos(ν)] of width 1 (leaf) or out_ν; a node's children one contiguous
 *    input span; parameters per internal node Wᵀ then b, pStride = in·out + (bias ? out : 0);
 *  - segments: maximal runs of consecutive kept nodes with equal (in, out, leaf/internal children,
 *    depth) and contiguous offsets; in a complete tree each depth is one segment;
 *  - the plan of the complete binary depth-5 tree (tables.ts header): with tableMax 32 the 16 + 8
 *    nodes of the two lowest levels are tabulated (4 and 16 entries) and the 4 above them partial
 *    (2 × 16 entries); fewer with smaller limits.
 */
import { describe, expect, it } from 'vitest';
import { buildTree, completeTree } from '../src/hltm/tree.js';
import { mlpArchitecture, treeArchitecture } from '../src/network/architecture.js';
import { segmentsOf, treeLayout } from '../src/engines/f32/layout.js';
import { tablePlan } from '../src/engines/f32/tables.js';

const irregular = buildTree([[0, [0, 0, 0]], 0, [[0, 0], 0]], () => 0.75);

describe('f32 layout', () => {
  it('refuses a network that is not tree-matched, naming the engine', () => {
    expect(() => treeLayout(mlpArchitecture([4, 3, 2]), true)).toThrow('engine: the f32 engine trains tree-matched networks only (use --engine tfjs for an MLP)');
  });

  it('V, G and parameter offsets by hand: complete binary depth 2, width 3, output width 2', () => {
    const t = completeTree(2, 2, () => 0.5);
    for (const bias of [true, false]) {
      const L = treeLayout(treeArchitecture(t, 3, 2), bias);
      // V: s (2), s0 (3), s1 (3), s00 s01 s10 s11 (1 each)
      expect(Array.from(L.leafPos)).toEqual([8, 9, 10, 11]);
      expect([L.Vw, L.Gw, L.leafBase]).toEqual([12, 8, 8]);
      const pStride = (i: number, o: number) => i * o + (bias ? o : 0);
      expect(L.nodes.map((n) => [n.node, n.in, n.out, n.vpos, n.gpos, n.inStart, n.pOff])).toEqual([
        [0, 6, 2, 0, 0, 2, 0],
        [1, 2, 3, 2, 2, 8, pStride(6, 2)],
        [2, 2, 3, 5, 5, 10, pStride(6, 2) + pStride(2, 3)],
      ]);
      expect(L.nParams).toBe(pStride(6, 2) + 2 * pStride(2, 3));
      expect(L.segments.map((s) => [s.first, s.count, s.depth, s.pStride, s.inOff, s.vOff, s.gOff, s.pOff, s.isRoot, s.internalChildren])).toEqual([
        [0, 1, 0, pStride(6, 2), 2, 0, 0, 0, true, true],
        [1, 2, 1, pStride(2, 3), 8, 2, 2, pStride(6, 2), false, false],
      ]);
    }
  });

  it('segments: one per depth in a complete tree; split by a dropped node, by shape, by depth', () => {
    const t = completeTree(4, 2, () => 0.5);
    const L = treeLayout(treeArchitecture(t, 4), true);
    expect(L.segments.map((s) => [s.first, s.count, s.depth])).toEqual([[0, 1, 0], [1, 2, 1], [3, 4, 2], [7, 8, 3]]);
    // Dropping node 4 splits depth 2 into [3] and [5, 6]; dropping the whole of depth 1 leaves no run across it.
    expect(segmentsOf(t, L.nodes, true, (k) => k !== 4).map((s) => [s.first, s.count])).toEqual([[0, 1], [1, 2], [3, 1], [5, 2], [7, 8]]);
    expect(segmentsOf(t, L.nodes, true, (k) => k !== 1 && k !== 2).map((s) => [s.first, s.count])).toEqual([[0, 1], [3, 4], [7, 8]]);
    // Irregular: internal s, s0, s2, s01, s20 (BFS); s0 (leaf + internal child) and s2 (internal + leaf) differ in inputs.
    const I = treeLayout(treeArchitecture(irregular, 4), false);
    expect(I.nodes.map((n) => irregular.nodes[n.node]!.name)).toEqual(['s', 's0', 's2', 's01', 's20']);
    expect(I.segments.map((s) => [s.first, s.count, s.internalChildren])).toEqual([[0, 1, true], [1, 1, true], [2, 1, true], [3, 1, false], [4, 1, false]]);
    expect(I.leafBase).toBe(-1);
    // Same depth, in and out, contiguous, but s0 reads 4 leaves and s1 one internal child of width 4:
    // two segments (only s1's kernel passes dV down).
    const mixedKids = buildTree([[0, 0, 0, 0], [[0, 0]]], () => 0.5);
    const M = treeLayout(treeArchitecture(mixedKids, 4), true);
    expect(M.segments.map((s) => [s.first, s.count, s.in, s.internalChildren])).toEqual([[0, 1, 8, true], [1, 1, 4, false], [2, 1, 4, true], [3, 1, 2, false]]);
    // Every segment's nodes sit at its offsets plus multiples of the strides.
    for (const lay of [L, I]) {
      for (const s of lay.segments) {
        for (let u = 0; u < s.count; u++) {
          const n = lay.nodes[s.first + u]!;
          expect([n.pOff, n.inStart, n.vpos, n.gpos]).toEqual([s.pOff + u * s.pStride, s.inOff + u * s.in, s.vOff + u * s.out, s.gOff + u * s.out]);
        }
      }
    }
  });
});

describe('f32 pattern-table plan', () => {
  const t = completeTree(5, 2, () => 0.5);
  const L = treeLayout(treeArchitecture(t, 4), true);
  const depthOf = (k: number) => t.nodes[L.nodes[k]!.node]!.depth;
  it('tableMax 32, partialMax 64: the two lowest levels tabulated, the level above partial (tables.ts header)', () => {
    const p = tablePlan(L, 32, 64);
    expect(p.nodes.map((n) => [depthOf(n.k), n.size])).toEqual([...new Array(8).fill([3, 16]), ...new Array(16).fill([4, 4])]);
    expect(p.partial.map((n) => [depthOf(n.k), n.children.map((c) => c.size)])).toEqual(new Array(4).fill([2, [16, 16]]));
    expect(p.frontier).toEqual([]);
    expect(p.partialCodes).toBe(8);
    expect(p.tabulated.size).toBe(24);
    expect(p.handled.size).toBe(28);
    expect(p.total).toBe(8 * 16 * 4 + 16 * 4 * 4);
    expect(p.partialTotal).toBe(4 * 2 * 16 * 4);
  });
  it('smaller limits: without partial nodes the top tabulated level is the frontier; tableMax 4 and 16', () => {
    const p0 = tablePlan(L, 32, 0);
    expect(p0.partial).toEqual([]);
    expect(p0.frontier.map((f) => depthOf(p0.nodes[f]!.k))).toEqual(new Array(8).fill(3));
    expect(p0.nodes.every((n) => n.frontier === (depthOf(n.k) === 3))).toBe(true);
    const p4 = tablePlan(L, 4, 64);
    expect(p4.nodes.map((n) => depthOf(n.k))).toEqual(new Array(16).fill(4));
    expect(p4.partial.map((n) => [depthOf(n.k), n.children.map((c) => c.size)])).toEqual(new Array(8).fill([3, [4, 4]]));
    const p16 = tablePlan(L, 16, 31);
    expect(p16.nodes.map((n) => depthOf(n.k))).toEqual([...new Array(8).fill(3), ...new Array(16).fill(4)]);
    expect(p16.partial).toEqual([]); // 16 + 16 > 31
    expect(tablePlan(L, 16, 32).partial.length).toBe(4);
    expect(tablePlan(L, 15, 64).nodes.length).toBe(16);
  });
  it('small trees: the root itself tabulated (frontier, isRoot), or partial above two tabulated children', () => {
    const tiny = buildTree([[0, 0], 0], () => 0.5);
    const p = tablePlan(treeLayout(treeArchitecture(tiny, 3), true), 32, 0);
    expect(p.nodes.map((n) => [n.k, n.size, n.isRoot, n.frontier])).toEqual([[0, 8, true, true], [1, 4, false, false]]);
    const two = completeTree(2, 2, () => 0.5);
    const q = tablePlan(treeLayout(treeArchitecture(two, 3), true), 4, 64);
    expect(q.nodes.map((n) => [n.k, n.size, n.frontier])).toEqual([[1, 4, false], [2, 4, false]]);
    expect(q.partial.map((n) => [n.k, n.isRoot])).toEqual([[0, true]]);
    expect(q.frontier).toEqual([]);
  });
  it('irregular tree: a node with leaf and tabulated children, its code weights (leaf bit first, mixed radix)', () => {
    const I = treeLayout(treeArchitecture(irregular, 4), true);
    const p = tablePlan(I, 16, 0);
    const name = (k: number) => irregular.nodes[I.nodes[k]!.node]!.name;
    // s0 = (leaf s00, s01 = (3 leaves)): size 2·8 = 16; s20 = (2 leaves): 4; s2 = (s20, leaf s21): 4·2 = 8.
    expect(p.nodes.map((n) => [name(n.k), n.size, n.frontier])).toEqual([['s0', 16, true], ['s2', 8, true], ['s01', 8, false], ['s20', 4, false]]);
    const s0 = p.nodes[0]!;
    const leafName = (pos: number) => irregular.nodes.find((nd) => nd.isLeaf && I.leafPos[nd.leafIndex] === pos)!.name;
    expect(Array.from(s0.leafPos, leafName)).toEqual(['s00', 's010', 's011', 's012']);
    expect(Array.from(s0.leafW)).toEqual([1, 2, 4, 8]);
    const s2 = p.nodes[1]!;
    expect(Array.from(s2.leafPos, leafName)).toEqual(['s200', 's201', 's21']);
    expect(Array.from(s2.leafW)).toEqual([1, 2, 4]);
    expect(p.codeSource).toEqual([{ kind: 'frontier', f: 0 }, { kind: 'frontier', f: 1 }, { kind: 'parent', t: 0, div: 2, size: 8 }, { kind: 'parent', t: 1, div: 1, size: 4 }]);
  });
});
