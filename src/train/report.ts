/**
 * The report of a training run: report.json (deterministic: no times), timing.json, report.md and
 * SVG plots (layer-mean best |corr| per height vs epoch; weight norms; operator norms), as files
 * for report/write.ts's writeRunFolder.
 */
import { linePlot } from '../report/plot.js';
import { reportJson } from '../report/json.js';
import type { EpochRecord, TrainResult } from './train.js';
import { negativesSeen } from './options.js';

/** The run folder name: train-<preset>-seed<seed>[-<hash of the options that differ from the preset>]. */
export function trainRunName(r: Pick<TrainResult, 'preset' | 'options'>, overrides: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(overrides)
    .filter((k) => k !== 'seed' && overrides[k] !== undefined)
    .sort();
  const base = `train-${r.preset}-seed${r.options.seed}`;
  if (keys.length === 0) return base;
  const text = JSON.stringify(keys.map((k) => [k, overrides[k]]));
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return `${base}-${(h >>> 0).toString(36)}`;
}

const TIMING_KEYS = ['trainSeconds', 'evalSeconds', 'triplesPerSecond'] as const;

/** The deterministic part of an epoch record. */
function stable(e: EpochRecord): Omit<EpochRecord, (typeof TIMING_KEYS)[number]> {
  const { trainSeconds: _a, evalSeconds: _b, triplesPerSecond: _c, ...rest } = e;
  return rest;
}

export function trainReportJson(r: TrainResult, version: string): string {
  return reportJson({
    command: 'train',
    version,
    preset: r.preset,
    engine: r.engine,
    status: r.status,
    ...(r.divergence ? { divergence: r.divergence } : {}),
    options: r.options,
    tree: r.tree,
    epochs: r.epochs.map(stable),
  });
}

export function timingJson(r: TrainResult): string {
  return reportJson({
    wallSeconds: r.wallSeconds,
    epochs: r.epochs.map((e) => ({ epoch: e.epoch, trainSeconds: e.trainSeconds, evalSeconds: e.evalSeconds, triplesPerSecond: e.triplesPerSecond })),
  });
}

const f3 = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(3));
const e3 = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : '-');

export function trainMarkdown(r: TrainResult): string {
  const o = r.options;
  const heights = r.epochs[0]?.corrByHeight.length ?? 0;
  const hs = Array.from({ length: heights }, (_, i) => i + 1);
  const out: string[] = [];
  out.push(`# covcheck train: ${r.status === 'ok' ? 'finished' : 'DIVERGED'}`, '');
  out.push(
    `Preset \`${r.preset}\`, engine ${r.engine}, seed ${o.seed}. Tree depth ${o.depth}, ${o.children} children, hid ${o.hid}; ` +
      `|ρ| ~ U[${o.deltaLower}, ${o.deltaUpper}], augmentation \`${o.augmentation}\`. Loss \`${o.loss}\` (τ ${o.tau}, H ${negativesSeen(o)}${o.inBatch ? `, in-batch negatives${o.symmetric || o.loss === 'ntxent' ? ', symmetric' : ''}` : ''}), ` +
      `${o.optimizer} lr ${o.lr}, batch ${o.batch}, ${o.samplesPerEpoch} samples per epoch, ${o.epochs} epochs; ` +
      `normalisation ${o.normalize ? `on (ε ${o.eps})` : 'off'}, bias ${o.bias ? 'on' : 'off'}, init ${o.init}, activation ${o.activation}. ` +
      `${o.evalSamples} evaluation samples.`,
    '',
  );
  if (r.divergence) out.push(`**${r.divergence.message}**`, '');
  out.push('## Layer-mean best |corr| by height', '', 'Height 1: parents of the leaves; the last height is the root. Epoch 0 is the initialisation.', '');
  out.push(`| Epoch | Loss | ${hs.map((h) => `h${h}`).join(' | ')} |`, `|---:|---:|${hs.map(() => '---:').join('|')}|`);
  for (const e of r.epochs) out.push(`| ${e.epoch} | ${e.loss === null ? '-' : e.loss.toPrecision(5)} | ${e.corrByHeight.map(f3).join(' | ')} |`);
  const first = r.epochs[0];
  const last = r.epochs[r.epochs.length - 1];
  if (first && last && last !== first) {
    out.push(`| gain | | ${last.corrByHeight.map((v, i) => f3(v - first.corrByHeight[i]!)).join(' | ')} |`);
  }
  out.push('', '![best |corr| by height](plots/corr-by-height.svg)', '');
  if (last) {
    out.push('## Weights and covariance operator (last evaluation)', '');
    out.push('| Layer | Height | ‖W‖_F | ‖b‖ | ‖OP‖₂ | tr OP | wᵀ OP w |', '|---|---:|---:|---:|---:|---:|---:|');
    last.weightNorms.forEach((w, i) => {
      const op = last.operator?.[i];
      out.push(`| ${w.layer} | ${w.height} | ${f3(w.W)} | ${f3(w.b)} | ${op ? e3(op.norm) : '-'} | ${op ? e3(op.trace) : '-'} | ${op ? e3(op.quad) : '-'} |`);
    });
    out.push(
      '',
      `OP_l is estimated as p(1−p)·ΔK̄_l ΔK̄_lᵀ with ΔK̄_l the difference of the mean connections over the first ${o.opSamples} evaluation samples with z_0 = 1 and z_0 = 0 (the binary-root form of THEORY.md §1.5; a noisy, upward-biased diagnostic).`,
      '',
    );
  }
  return out.join('\n') + '\n';
}

/** SVG plots keyed by file name. */
export async function trainPlots(r: TrainResult): Promise<Record<string, string>> {
  const heights = r.epochs[0]?.corrByHeight.length ?? 0;
  const plots: Record<string, string> = {};
  plots['plots/corr-by-height.svg'] = await linePlot({
    title: 'Layer-mean best |corr(z, pre-activation)| by height',
    xLabel: 'epoch',
    yLabel: 'mean best |corr|',
    series: Array.from({ length: heights }, (_, h) => ({
      name: h + 1 === heights ? `height ${h + 1} (root)` : `height ${h + 1}`,
      points: r.epochs.map((e) => [e.epoch, e.corrByHeight[h]!] as const),
    })),
  });
  const layers = r.epochs[0]?.weightNorms.map((w) => w.layer) ?? [];
  plots['plots/weight-norms.svg'] = await linePlot({
    title: 'Frobenius norm of the weights per layer',
    xLabel: 'epoch',
    yLabel: '‖W‖_F',
    series: layers.map((name, i) => ({ name, points: r.epochs.map((e) => [e.epoch, e.weightNorms[i]!.W] as const) })),
  });
  if (r.epochs.every((e) => e.operator)) {
    plots['plots/operator-norm.svg'] = await linePlot({
      title: 'Estimated ‖OP_l‖₂ per layer',
      xLabel: 'epoch',
      yLabel: '‖OP‖₂',
      logY: true,
      series: layers.map((name, i) => ({ name, points: r.epochs.map((e) => [e.epoch, e.operator![i]!.norm] as const) })),
    });
  }
  return plots;
}

export async function trainReportFiles(r: TrainResult, version: string): Promise<Record<string, string>> {
  return {
    'report.json': trainReportJson(r, version),
    'timing.json': timingJson(r),
    'report.md': trainMarkdown(r),
    ...(await trainPlots(r)),
  };
}
