/**
 * Both training engines with in-batch negatives (`covcheck train --negatives in-batch --symmetric`):
 * the f32 kernels' and the TF.js engine's gradient of a sampled batch (H = 0 sampled negatives; the
 * engines pair the rows in-batch) against the float64 reference network/inBatchGradient.ts, within
 * tol = c·n·ε₃₂·scale·κ (src/claims/inBatchChainRule.ts inBatchGradientScale; κ = 1 + 2·max|statistic|/τ:
 * the rounding of a distance moves the softmax weights by that factor). Plus the train options.
 */
import { describe, expect, it } from 'vitest';
import { completeTree } from '../src/hltm/tree.js';
import { parseAugmentation } from '../src/hltm/augmentation.js';
import { allocBatch, sampleBatch, type Batch as HBatch } from '../src/hltm/batch.js';
import { treeArchitecture, type NetworkSpec, type Params } from '../src/network/architecture.js';
import { initParams } from '../src/network/init.js';
import { inBatchLoss } from '../src/network/inBatchGradient.js';
import { F64 } from '../src/numeric/arith.js';
import { Rng } from '../src/numeric/random.js';
import { tolerance } from '../src/numeric/tolerance.js';
import { inBatchAgreementTolerance } from '../src/impl/agreementTolerance.js';
import { interleaveViews } from '../src/network/inBatchPairs.js';
import { F32Engine, unpackParams } from '../src/engines/f32/engine.js';
import { TfEngine } from '../src/engines/tfjs/engine.js';
import { loadBackend } from '../src/engines/backend.js';
import { parseLoss, type Loss } from '../src/losses/index.js';
import { inBatchGradientScale } from '../src/claims/inBatchChainRule.js';
import { resolveOptions } from '../src/train/presets.js';
import { InputError } from '../src/errors.js';

const tree = completeTree(3, 2, () => 0.8);
const B = 6;

function setup(o: { bias: boolean; normalize: boolean }): { spec: NetworkSpec; params: Params<number> } {
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 4), activation: { kind: 'relu' }, bias: o.bias, normalize: o.normalize, eps: 1e-4 };
  const p = initParams(spec, new Rng(3), { scheme: 'pytorch' });
  return { spec, params: { W: p.W.map((w) => w.map(Math.fround)), b: p.b ? p.b.map((b) => b.map(Math.fround)) : null } };
}

function sampled(seed = 5): HBatch {
  const batch = allocBatch(tree, 0, B);
  return sampleBatch(tree, parseAugmentation('root'), 0, B, new Rng(seed), batch);
}

const rows = (a: Float32Array, L: number) => Array.from({ length: B }, (_, r) => Array.from(a.subarray(r * L, (r + 1) * L)));
const flat = (p: Params<number>) => [...p.W.flat(), ...(p.b ? p.b.flat() : [])];

function reference(spec: NetworkSpec, params: Params<number>, batch: HBatch, loss: Loss, symmetric: boolean) {
  const L = spec.arch.nInputs;
  const c = { spec, params, rows: { x: rows(batch.anchor, L), pos: rows(batch.pos, L) }, loss, symmetric, reduction: 'mean' as const };
  const r = inBatchLoss(F64, spec, params, c.rows, loss, symmetric);
  const { scale, ops } = inBatchGradientScale(c, r);
  const maxStat = Math.max(...r.stats.pos.map(Math.abs), ...r.stats.neg.flat().map(Math.abs));
  const kappa = 1 + (2 * maxStat) / (loss.params.tau ?? 1);
  // n: the gradient chain and the pair terms (inBatchGradientScale) and the loss stage, as C2's float32 witness counts.
  const tol = tolerance('float32', 'engine', ops + 8, scale * kappa);
  // The loss value: the float32 agreement bound of impl/agreementTolerance.ts (the outputs' rounding
  // through ∂L/∂o and the loss's own terms; before: 1e-4·(1 + |L|)), for the f32 engine (float64 loss
  // stage) and TF.js (float32) alike.
  const valueTol = inBatchAgreementTolerance('float32', spec, params, interleaveViews(c.rows.x, c.rows.pos), loss, r).loss;
  return { r, tol, want: flat({ W: r.grads.W, b: r.grads.b }), valueTol };
}

const LOSSES: [Record<string, unknown>, boolean][] = [
  [{ name: 'nce', tau: 0.5 }, true],
  [{ name: 'nce', tau: 0.2 }, false],
  [{ name: 'simp' }, true],
  [{ name: 'official_nce', tau: 0.1 }, true],
  [{ name: 'ntxent', tau: 0.1 }, true],
];

describe('engines with in-batch negatives = the float64 in-batch reference', () => {
  for (const [spec0, symmetric] of LOSSES) {
    for (const bias of [false, true]) {
      const normalize = spec0.name === 'ntxent' || bias;
      it(`f32 and tfjs: ${JSON.stringify(spec0)}, symmetric ${symmetric}, bias ${bias}, normalize ${normalize}`, async () => {
        const loss = parseLoss(spec0);
        const { spec, params } = setup({ bias, normalize });
        const batch = sampled();
        const { r, tol, want, valueTol } = reference(spec, params, batch, loss, symmetric);
        const f = new F32Engine({ spec, params, loss, optimizer: { name: 'sgd', lr: 0.1 }, B, H: 0, inBatch: { symmetric } });
        const value = f.gradient(batch);
        const got = flat(unpackParams(f.layout, f.grad));
        expect(Math.max(...got.map((v, i) => Math.abs(v - want[i]!))), tol.derivation).toBeLessThanOrEqual(tol.tol);
        expect(Math.abs(value - r.value), valueTol.derivation).toBeLessThanOrEqual(valueTol.tol);
        const tf = await loadBackend('wasm');
        const t = new TfEngine(tf, { spec, params, loss, optimizer: { name: 'sgd', lr: 0.1 }, B, H: 0, inBatch: { symmetric } });
        const g = t.gradients(batch);
        const tv = g.value.dataSync()[0]!;
        const tg = flat(t.net.paramsOf(g.grads));
        tf.dispose([g.value, ...g.grads]);
        t.dispose();
        expect(Math.max(...tg.map((v, i) => Math.abs(v - want[i]!))), tol.derivation).toBeLessThanOrEqual(tol.tol);
        expect(Math.abs(tv - r.value), valueTol.derivation).toBeLessThanOrEqual(valueTol.tol);
      }, 60_000);
    }
  }
});

describe('train options: --negatives in-batch, --symmetric, preset simclr', () => {
  it('simclr is NT-Xent with in-batch negatives on the official tree; bad combinations name the flag', () => {
    const o = resolveOptions('simclr');
    expect([o.loss, o.inBatch, o.symmetric, o.normalize, o.depth, o.batch]).toEqual(['ntxent', true, true, true, 5, 128]);
    const err = (over: Record<string, unknown>) => {
      try {
        resolveOptions('official', over);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        return (e as Error).message;
      }
      return 'ok';
    };
    expect(err({ symmetric: true })).toMatch(/^--symmetric: needs --negatives in-batch/);
    expect(err({ loss: 'ntxent' })).toMatch(/^--loss: ntxent needs --negatives in-batch/);
    expect(err({ loss: 'ntxent', inBatch: true, normalize: false })).toMatch(/^--normalize:/);
    expect(err({ loss: 'tri', inBatch: true })).toMatch(/^--negatives: tri takes H = 1/);
    expect(err({ inBatch: true, batch: 1 })).toMatch(/^--batch:/);
    expect(err({ inBatch: true, symmetric: true, loss: 'nce' })).toBe('ok');
  });
});
