/**
 * C10 seen as a spectrum: the eigenvalues of OP_l (float64, mathjs `eigs`) for the paper's tree
 * shape at enumerable size, under augmentations that keep more and more of the sample. The number of
 * eigenvalues above the rounding floor must not exceed n_L·(#x_0 values − 1); the plot shows the
 * spectra side by side (log scale), so one sees the rank grow as augmentation weakens.
 *
 * Numerical rank: λ_i counts when λ_i > tol, tol = c·n·ε·λ_max with n = d (the matrix order) —
 * the backward-error bound of a symmetric eigensolver, from the tolerance table.
 */
import { F64 } from '../../../src/numeric/arith.js';
import { Rng } from '../../../src/numeric/random.js';
import { tolerance } from '../../../src/numeric/tolerance.js';
import type { CheckResult, CustomCheck, RunOptions } from '../../../src/runner/check.js';
import { parseAugmentation } from '../../../src/hltm/augmentation.js';
import { leafDistribution } from '../../../src/hltm/exactDistribution.js';
import { completeTree } from '../../../src/hltm/tree.js';
import { treeArchitecture, type NetworkSpec } from '../../../src/network/architecture.js';
import { initParams } from '../../../src/network/init.js';
import { conditionalMeans } from '../../../src/theory/conditionalMeans.js';
import { operatorMatrix } from '../../../src/theory/covarianceOperator.js';
import { linePlot } from '../../../src/report/plot.js';

const AUGS = ['root', 'level(1)', 'level(2)', 'identity'];

async function run(options: RunOptions): Promise<Omit<CheckResult, 'ms'>> {
  const { eigs } = await import('mathjs'); // loaded by this check only (≈ 0.8 s of CPU per thread that imports it)
  const rng = new Rng(options.seed);
  const tree = completeTree(3, 2, () => (rng.bernoulli(0.5) ? 1 : -1) * rng.range(0.7, 1), 0.5);
  const spec: NetworkSpec = { arch: treeArchitecture(tree, 2, 2), activation: { kind: 'relu' }, bias: false, normalize: false, eps: 1e-4 };
  const params = initParams(spec, rng, { scheme: 'gaussian' });
  const series: { name: string; points: [number, number][] }[] = [];
  const found: Record<string, string> = {};
  let worst = 0;
  let violation = '';
  for (const a of AUGS) {
    const dist = leafDistribution(F64, tree, parseAugmentation(a));
    const cm = conditionalMeans(F64, spec, params, dist);
    for (const layer of spec.arch.layers) {
      const M = operatorMatrix(F64, spec, cm, layer.blocks);
      const values = (eigs(M).values as number[]).map(Number).sort((x, y) => y - x);
      const t = tolerance('float64', 'identity', M.length, Math.max(values[0]!, Number.MIN_VALUE));
      const rank = values.filter((v) => v > t.tol).length;
      const bound = Math.min(M.length, spec.arch.nOut * (dist.x0.length - 1));
      found[`${a} ${layer.name}`] = `rank ${rank} ≤ ${bound} (d = ${M.length})`;
      worst = Math.max(worst, rank / Math.max(bound, 1));
      if (rank > bound) violation ||= `${a}, ${layer.name}: rank ${rank} > ${bound}`;
      if (layer.name === 'depth 1') series.push({ name: a, points: values.map((v, i) => [i + 1, Math.max(v, 1e-18)] as [number, number]) });
    }
  }
  const plot = await linePlot({ title: 'C10: spectrum of OP (depth-1 cut) by augmentation', xLabel: 'eigenvalue index', yLabel: 'eigenvalue (floored at 1e-18)', series, logY: true });
  return {
    check: spectrumCheck.id,
    claim: 'C10',
    verdict: violation ? 'fail' : 'pass',
    expect: 'hold',
    arithmetic: 'float64',
    variant: spectrumCheck.variant,
    cases: Object.keys(found).length,
    worst: { ratio: worst, error: worst, tolerance: 1 },
    seed: options.seed,
    statistic: found,
    message: violation || `numerical ranks within n_L·(#x_0 − 1) for ${AUGS.join(', ')} on every cut`,
    plots: { 'C10-spectrum.svg': plot },
  };
}

export const spectrumCheck: CustomCheck = {
  type: 'custom',
  id: 'C10/float64/spectrum',
  claim: 'C10',
  title: 'The operator’s spectrum: rank bounded by the surviving information',
  variant: 'depth 3 binary tree, hid 2, relu, root / level(1) / level(2) / identity',
  expect: 'hold',
  arithmetic: 'float64',
  run,
};
