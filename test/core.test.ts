/**
 * The machinery under the claims: exact rationals, linear algebra, the tolerance table, a network
 * computed by hand, and the generators themselves (they must reach what the claims quantify over).
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rational } from '../src/numeric/rational.js';
import { EXACT, F64 } from '../src/numeric/arith.js';
import { positiveSemidefinite, rank } from '../src/numeric/linalg.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { centralDifference, compareDerivative, richardsonDerivative } from '../src/numeric/finiteDifference.js';
import { completeTree } from '../src/hltm/tree.js';
import { mlpArchitecture, treeArchitecture, isCut, type NetworkSpec } from '../src/network/architecture.js';
import { forward } from '../src/network/forward.js';
import { connections } from '../src/network/connection.js';
import { arbNetwork } from '../properties/generators/network.js';
import { arbModel } from '../properties/generators/model.js';

const q = (n: number, d = 1) => Rational.of(BigInt(n), BigInt(d));

describe('Rational', () => {
  it('reduces and keeps the sign in the numerator', () => {
    expect(q(6, -4).toString()).toBe('-3/2');
    expect(q(0, 5).equals(Rational.ZERO)).toBe(true);
  });
  it('fromNumber is exact for every double (dyadic)', () => {
    expect(Rational.fromNumber(0.1).toString()).toBe('3602879701896397/36028797018963968');
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }), (x) => Rational.fromNumber(x).toNumber() === x || Object.is(x, -0)));
  });
  it('field laws on random fractions', () => {
    const arb = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 })).map(([n, d]) => q(n, d));
    fc.assert(fc.property(arb, arb, arb, (a, b, c) => a.mul(b.add(c)).equals(a.mul(b).add(a.mul(c))) && a.sub(a).equals(Rational.ZERO)));
  });
  it('refuses 0 denominators and non-finite numbers', () => {
    expect(() => q(1, 0)).toThrow(/denominator/);
    expect(() => Rational.fromNumber(Number.NaN)).toThrow(/not finite/);
    expect(() => q(1).div(Rational.ZERO)).toThrow(/division by 0/);
  });
});

describe('the finite-difference checker', () => {
  it('estimates smooth derivatives within its own bound, and the bound is not loose', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: 0.5, max: 3, noNaN: true }), (x, a) => {
        const f = (t: number) => Math.exp(a * (x + t)) + Math.sin(x + t);
        const exact = a * Math.exp(a * x) + Math.cos(x);
        const d = richardsonDerivative(f, { h: 2 ** -8, value: f(0) });
        if (!d.smooth) return false;
        const err = Math.abs(d.estimate - exact);
        // Within the bound, and the bound is within 10^6 of the error or of its own rounding term.
        return err <= d.truncation + d.rounding && d.truncation + d.rounding <= 1e6 * Math.max(err, d.rounding);
      }),
      { numRuns: 200, seed: 1 },
    );
  });
  it('a wrong derivative fails the comparison; a kink is not smooth; the derivation names its terms', () => {
    const d = richardsonDerivative((t) => (1 + t) ** 3, { h: 2 ** -8, value: 1 });
    expect(d.smooth).toBe(true);
    if (!d.smooth) return;
    expect(compareDerivative(3, d, { source: 'gradient', scale: 3, scaleText: 's' }).ok).toBe(true);
    expect(compareDerivative(3 * (1 + 1e-6), d, { source: 'gradient', scale: 3, scaleText: 's' }).ok).toBe(false);
    expect(compareDerivative(3, d, { source: 'loss-weight', scale: 4, scaleText: '(1+|β|)' }).derivation).toBe('tol = |R₁ − R₂|/4 (truncation) + 128·ε·(1+|L|)/(h/4) (rounding) + 9.09e-13·(1+|β|) (the compared side: 4·1024·ε)');
    expect(richardsonDerivative((t) => Math.abs(t - 2 ** -10), { h: 2 ** -8, value: 0 }).smooth).toBe(false);
    expect(centralDifference((t) => t * t + 5 * t, 0.5)).toBe(5);
  });
});

describe('linear algebra', () => {
  it('rank of a hand-made matrix', () => {
    const M = [[q(1), q(2), q(3)], [q(2), q(4), q(6)], [q(0), q(1), q(1)]];
    expect(rank(EXACT, M)).toBe(2);
  });
  it('PSD: vvᵀ is, a matrix with a negative eigenvalue is not', () => {
    const v = [q(1), q(-2), q(3, 2)];
    expect(positiveSemidefinite(EXACT, v.map((a) => v.map((b) => a.mul(b)))).psd).toBe(true);
    expect(positiveSemidefinite(EXACT, [[q(1), q(2)], [q(2), q(1)]]).psd).toBe(false);
    expect(positiveSemidefinite(EXACT, [[q(0), q(1)], [q(1), q(5)]]).psd).toBe(false);
  });
});

describe('tolerance table', () => {
  it('is c·n·(ε·scale + η) with its derivation', () => {
    const t = tolerance('float64', 'identity', 10, 2);
    expect(t.tol).toBe(4 * 10 * Number.EPSILON * 2);
    expect(t.derivation).toMatch(/c·n·\(ε·scale \+ η\)/);
    expect(tolerance('float32', 'engine', 10, 2).tol).toBeGreaterThan(t.tol * 1e8);
  });
});

describe('a 2-leaf network by hand', () => {
  // s has children x0, x1; hid = 1; f = w1·x0 + w2·x1 (output layer linear); K_s = [x0, x1]ᵀ.
  const tree = completeTree(1, 2, () => 0.5);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 1), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  it('forward and connection', () => {
    const params = { W: [[3, -2]], b: null };
    const t = forward(F64, spec, params, [1, 1]);
    expect(t.out).toEqual([1]);
    expect(connections(F64, spec, params, t)[0]!.K).toEqual([1, 1]);
  });
  it('a depth-2 tree: the hidden ReLU gates the connection (ReLU′(0) = 0)', () => {
    const t2 = completeTree(2, 1, () => 1);
    const s2: NetworkSpec = { ...spec, arch: treeArchitecture(t2, 1) };
    const params = { W: [[-1], [2]], b: null }; // s0: g = −x (gate closed for x = 1), s: 2·relu(g)
    const t = forward(F64, s2, params, [1]);
    expect(t.out).toEqual([0]);
    expect(connections(F64, s2, params, t).map((c) => c.K)).toEqual([[0], [0]]);
    const t0 = forward(F64, s2, params, [0]); // g = 0 exactly: gate 0 by convention
    expect(connections(F64, s2, params, t0)[0]!.K).toEqual([0]);
  });
  it('cuts: levels of a complete tree are cuts, a single node of a 2-node level is not', () => {
    const arch = treeArchitecture(completeTree(2, 2, () => 0), 2);
    for (const l of arch.layers) expect(isCut(arch, l.blocks)).toBe(true);
    expect(isCut(arch, [arch.layers[1]!.blocks[0]!])).toBe(false);
    expect(mlpArchitecture([3, 2, 1]).layers.map((l) => l.name)).toEqual(['l1', 'l2']);
  });
});

describe('generators reach what the claims quantify over (500 samples)', () => {
  const nets = fc.sample(arbNetwork({ activation: [{ kind: 'relu' }, { kind: 'tanh' }], bias: true }), { numRuns: 500, seed: 1 });
  it('trees of depth 3, MLPs, irregular trees, widths 1..3, both activations', () => {
    expect(nets.some((n) => n.tree && n.tree.nodes[0]!.height >= 3)).toBe(true);
    expect(nets.some((n) => n.spec.arch.kind === 'mlp')).toBe(true);
    expect(nets.some((n) => n.tree && !n.tree.complete)).toBe(true);
    expect(new Set(nets.map((n) => n.spec.arch.blocks[0]!.out)).size).toBe(3);
    expect(new Set(nets.map((n) => n.spec.activation.kind)).size).toBe(2);
    expect(nets.some((n) => n.params.b!.flat().some((v) => v !== 0))).toBe(true);
  });
  it('models: every augmentation, ±1 and 0 polarities, flips', () => {
    const models = fc.sample(arbModel({ kind: 'any' }), { numRuns: 500, seed: 2 });
    expect(new Set(models.map((m) => m.aug.base.kind)).size).toBe(4);
    const rhos = models.flatMap((m) => m.tree.nodes.slice(1).map((n) => n.polarity));
    for (const r of [1, -1, 0]) expect(rhos).toContain(r);
    expect(models.some((m) => m.aug.flip > 0)).toBe(true);
    expect(models.some((m) => m.net.spec.arch.kind === 'mlp')).toBe(true);
  });
});
