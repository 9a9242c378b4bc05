/**
 * What `covcheck train` and `covcheck sweep` accept at most (docs/cli.md, "Size limits"); above a
 * limit the run is refused with exit 2 naming the flag, before anything is allocated or trained
 * (issue 8 §5: an unbounded --samples-per-epoch). Counts of numbers are float64 values held at once.
 */
export const TRAIN_LIMITS = {
  /** Fresh tuples per epoch (--samples-per-epoch; sweep: --steps / --eval-epochs × --batch). */
  samplesPerEpoch: 100_000_000,
  /** Tuples of a whole run: epochs × samples per epoch (sweep: --steps × --batch). */
  samplesPerRun: 10_000_000_000,
  /** Evaluation samples (--eval-samples), drawn once and held. */
  evalSamples: 1_000_000,
  /** Numbers of the evaluation set: eval samples × leaves. */
  evalNumbers: 2 ** 26,
  /** Numbers of one step's inputs: batch × (2 + H) × leaves (in-batch: batch × 2 × leaves). */
  batchNumbers: 2 ** 26,
} as const;

/** The first size limit a training configuration breaks, as [flag, message]; null when within every limit. */
export function trainSizeProblem(o: {
  readonly samplesPerEpoch: number;
  readonly epochs: number;
  readonly evalSamples: number;
  readonly opSamples: number;
  readonly batch: number;
  readonly negatives: number;
  readonly inBatch?: boolean;
  readonly depth: number;
  readonly children: number;
}): [string, string] | null {
  const L = TRAIN_LIMITS;
  const leaves = o.children ** o.depth;
  if (o.samplesPerEpoch > L.samplesPerEpoch) return ['--samples-per-epoch', `${o.samplesPerEpoch} tuples per epoch is more than the limit of ${L.samplesPerEpoch}`];
  if (o.epochs * o.samplesPerEpoch > L.samplesPerRun) return ['--epochs', `${o.epochs} epochs × ${o.samplesPerEpoch} tuples = ${o.epochs * o.samplesPerEpoch} is more than the limit of ${L.samplesPerRun} tuples per run`];
  if (o.evalSamples > L.evalSamples) return ['--eval-samples', `${o.evalSamples} is more than the limit of ${L.evalSamples}`];
  if (o.evalSamples * leaves > L.evalNumbers) return ['--eval-samples', `${o.evalSamples} samples × ${leaves} leaves = ${o.evalSamples * leaves} numbers is more than the limit of ${L.evalNumbers}`];
  if (o.opSamples > o.evalSamples) return ['--op-samples', `${o.opSamples} is more than the ${o.evalSamples} evaluation samples it is taken from (--eval-samples)`];
  const views = o.inBatch === true ? 2 : 2 + o.negatives;
  if (o.batch * views * leaves > L.batchNumbers) return ['--batch', `${o.batch} tuples × ${views} views × ${leaves} leaves = ${o.batch * views * leaves} numbers per step is more than the limit of ${L.batchNumbers}`];
  return null;
}
