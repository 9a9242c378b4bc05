/**
 * The implementation checks of `--impl` (docs/impl.md): starts the implementation once, runs on
 * generated cases inside what its handshake announces (every announced loss, with explicit negatives
 * and with in-batch negatives (symmetric every other case; ntxent in-batch only) as announced; an
 * implementation announcing in-batch negatives alone gets the per-case checks and C6):
 *   impl/agreement      against covcheck's float64 reference (losses of docs/case-format.md only;
 *                       a user's own loss name gets no agreement check, and the result says so);
 *   impl/C2-derivative  its gradient is the derivative of its own loss (finite differences);
 *   impl/C2-connection  its gradient is Σ_s K(s)·δ_s from its own outputs and β;
 *   impl/C6-weights     β of a distances answer = derivative of its loss (lossWeights.ts);
 *   impl/C6-balance     β_+ + Σβ_k = 0 per anchor for the balanced losses;
 *   impl/C3-expectation the exact expected gradient of L_simp on a depth-2 binary tree, every tuple
 *                       a grad request, against the covariance-operator forms (expectation.ts);
 *   impl/C7-pairwise    every announced loss's exact expected gradient against −2·OP^ξ·w + θ, ξ from
 *                       the β it answers (pairwiseExpectation.ts);
 * then closes it. A check fails when any case fails (the first failing case is kept); `skipped`
 * cases (a gate flips on the stencil) count neither way; no passing case at all is `inconclusive`.
 * Any ImplError (a fault) propagates: exit 2 with its message.
 */
import { deriveSeed } from '../../numeric/random.js';
import { InputError } from '../../errors.js';
import { ImplClient } from '../client.js';
import { caseOutsideSupport, supportsCase } from '../supports.js';
import type { ImplCase } from '../implCase.js';
import { hasReference, roundCase } from './agreement.js';
import { caseChecks, type CaseCheckId } from './caseChecks.js';
import { caseActivation, generateImplCase, generateInBatchCase, inBatchLoss } from './generateCase.js';
import { expectedGradientThroughImpl } from './expectation.js';
import { lossWeightsThroughDistances } from './lossWeights.js';
import { pairwiseBetaSource, pairwiseFormThroughImpl } from './pairwiseExpectation.js';
import type { ImplMeasurement } from './measurement.js';

export type ImplVerdict = 'pass' | 'fail' | 'inconclusive' | 'not-run';

export interface ImplCheckResult {
  readonly id: string;
  readonly claim: string;
  readonly verdict: ImplVerdict;
  readonly cases: number;
  readonly skipped: number;
  readonly note?: string;
  /** Wall-clock figures (printed, never in report.json: reports are byte-identical per seed). */
  readonly timing?: string;
  readonly failure?: { readonly case: ImplCase; readonly measurement: ImplMeasurement };
}

export interface ImplRunOptions {
  readonly seed: number;
  /** Cases per loss (default 4). */
  readonly runs?: number;
  readonly implTimeoutMs?: number;
  readonly cwd?: string;
  /** Judge these cases instead of generated ones (`replay --impl`). */
  readonly cases?: readonly ImplCase[];
}

export interface ImplRun {
  readonly name: string;
  readonly dtype: string;
  readonly results: ImplCheckResult[];
}

class Tally {
  cases = 0;
  skipped = 0;
  failure: ImplCheckResult['failure'];
  add(c: ImplCase, m: ImplMeasurement): void {
    if (m.skipped) this.skipped++;
    else this.cases++;
    if (!m.ok && this.failure === undefined) this.failure = { case: c, measurement: m };
  }
  /** `applicable` false: the handshake rules the check out (not-run, with the note saying why). */
  result(id: string, claim: string, note?: string, applicable = true): ImplCheckResult {
    const verdict: ImplVerdict = this.failure ? 'fail' : this.cases > 0 ? 'pass' : applicable ? 'inconclusive' : 'not-run';
    return { id, claim, verdict, cases: this.cases, skipped: this.skipped, ...(note ? { note } : {}), ...(this.failure ? { failure: this.failure } : {}) };
  }
}

export async function runImplChecks(command: string, o: ImplRunOptions): Promise<ImplRun> {
  const impl = await ImplClient.start(command, { ...(o.implTimeoutMs ? { implTimeoutMs: o.implTimeoutMs } : {}), handshakeTimeoutMs: Math.max(o.implTimeoutMs ?? 0, 60_000), cwd: o.cwd ?? process.cwd() });
  try {
    const h = impl.handshake;
    const runs = o.runs ?? 4;
    const agree = new Tally();
    const deriv = new Tally();
    const conn = new Tally();
    const own: string[] = [];
    const explicitOk = h.supports.negatives.includes('explicit');
    const inBatchOk = h.supports.negatives.includes('in-batch');
    const cases: ImplCase[] = [];
    if (o.cases) {
      for (const c of o.cases) {
        const why = caseOutsideSupport(h, c);
        if (why !== null) throw new InputError('--impl', `${impl.name}: the case is outside what its handshake announces: ${why}`);
        cases.push(roundCase(c, h.dtype));
      }
    } else {
      for (const loss of h.supports.losses) {
        for (let i = 0; i < runs; i++) {
          if (explicitOk && loss !== 'ntxent') cases.push(roundCase(generateImplCase(deriveSeed(o.seed, 'impl', loss, i), loss, h), h.dtype));
          // In-batch (docs/case-format.md): ntxent only so; the distance losses, symmetric every other case.
          if (inBatchOk && inBatchLoss(loss)) {
            const c = generateInBatchCase(deriveSeed(o.seed, 'impl-in-batch', loss, i), h, { loss, symmetric: i % 2 === 0 });
            if (supportsCase(h, c)) cases.push(roundCase(c, h.dtype));
          }
        }
      }
    }
    const tallies: Record<CaseCheckId, Tally> = { 'impl/agreement': agree, 'impl/C2-derivative': deriv, 'impl/C2-connection': conn };
    for (const [i, c] of cases.entries()) {
      const loss = String(c.loss.name);
      if (!hasReference(loss) && !own.includes(loss)) own.push(loss);
      for (const m of await caseChecks(impl, c, deriveSeed(o.seed, 'impl-direction', i))) tallies[m.id].add(c, m.measurement);
    }
    const c3 = new Tally();
    let c3Note = 'needs simp, relu and explicit negatives in the handshake';
    let c3Timing: string | undefined;
    const c3Ran = !o.cases && explicitOk && h.supports.losses.includes('simp') && caseActivation(h) === 'relu';
    if (!o.cases && explicitOk && h.supports.losses.includes('simp') && caseActivation(h) === 'relu') {
      const e = await expectedGradientThroughImpl(impl, deriveSeed(o.seed, 'impl-C3'));
      c3.add(e.case, e.measurement);
      c3Note = `exact enumeration of a depth-2 binary tree: ${e.requests} grad requests`;
      c3Timing = `${(e.ms / 1000).toFixed(2)} s`;
    }
    const c7 = new Tally();
    const c7Notes: string[] = [];
    const c7Timing: string[] = [];
    const homogeneous = ['relu', 'leaky_relu', 'linear'].includes(caseActivation(h).split(':')[0]!);
    if (!o.cases && explicitOk && homogeneous) {
      for (const loss of h.supports.losses) {
        if (loss === 'ntxent') continue; // in-batch only; its C7 form does not apply (docs/theory.md §4)
        if (pairwiseBetaSource(impl, loss) === null) {
          c7Notes.push(`${loss}: no β (no distances, not a loss of docs/case-format.md)`);
          continue;
        }
        const e = await pairwiseFormThroughImpl(impl, loss, deriveSeed(o.seed, 'impl-C7', loss));
        c7.add(e.case, e.measurement);
        c7Notes.push(`${loss} ${e.requests} requests`);
        c7Timing.push(`${loss} ${(e.ms / 1000).toFixed(2)} s`);
      }
    }
    const c7Ran = !o.cases && explicitOk && homogeneous;
    const c7Note = !explicitOk ? 'needs explicit negatives in the handshake' : homogeneous ? `exact enumeration, identity augmentation, depth-2 binary: ${c7Notes.join('; ')}` : 'needs a homogeneous activation (relu, leaky_relu, linear)';
    const c6w = new Tally();
    const c6b = new Tally();
    const unbalanced: string[] = [];
    const distancesLosses = h.supports.distances ? [...new Set(cases.map((c) => String(c.loss.name)))].filter((l) => !l.startsWith('official_')) : [];
    for (const name of distancesLosses) {
      for (let i = 0; i < runs; i++) {
        const c = cases.find((k) => k.loss.name === name)!;
        const m = await lossWeightsThroughDistances(impl, c.loss, deriveSeed(o.seed, 'impl-C6', name, i));
        c6w.add(c, m.weights);
        if (m.balance) c6b.add(c, m.balance);
        else if (!unbalanced.includes(name)) unbalanced.push(name);
      }
    }
    const c6Note = h.supports.distances ? (unbalanced.length > 0 ? `balance not asserted for ${unbalanced.join(', ')} (not a balanced loss of docs/case-format.md)` : undefined) : 'the handshake announces distances: false';
    const ownNote = own.length > 0 ? `no agreement check for ${own.join(', ')}: not a loss of docs/case-format.md (the claims still ran)` : undefined;
    const results = [
      agree.result('impl/agreement', 'agreement', ownNote),
      deriv.result('impl/C2-derivative', 'C2'),
      conn.result('impl/C2-connection', 'C2'),
      ...(o.cases ? [] : [{ ...c3.result('impl/C3-expectation', 'C3', c3Note, c3Ran), ...(c3Timing ? { timing: c3Timing } : {}) }, { ...c7.result('impl/C7-pairwise', 'C7', c7Note, c7Ran), ...(c7Timing.length ? { timing: c7Timing.join(', ') } : {}) }]),
      c6w.result('impl/C6-weights', 'C6', h.supports.distances ? 'β of distances = derivative of its loss (official_* need the output width: not through distances)' : 'the handshake announces distances: false'),
      c6b.result('impl/C6-balance', 'C6', c6Note),
    ];
    await impl.close();
    return { name: impl.name, dtype: h.dtype, results };
  } catch (e) {
    impl.kill();
    throw e;
  }
}

/** The verdict table of an --impl run, and the first failing case of every failing check. */
export function formatImplRun(run: ImplRun): string {
  const lines = [`implementation: ${run.name} (${run.dtype})`];
  for (const r of run.results) {
    lines.push(`  ${r.verdict.padEnd(12)} ${r.id.padEnd(20)} ${r.claim.padEnd(9)} ${r.cases} cases${r.skipped ? `, ${r.skipped} skipped` : ''}${r.note ? `  — ${r.note}` : ''}${r.timing ? ` (${r.timing})` : ''}`);
  }
  for (const r of run.results) {
    if (!r.failure) continue;
    const m = r.failure.measurement;
    lines.push('', `FAIL ${r.id} (${r.claim}) on ${run.name}: error ${m.error.toExponential(3)} > tolerance ${m.tolerance.toExponential(3)}`);
    if (m.note) lines.push(`  ${m.note}`);
    if (m.derivation) lines.push(`  ${m.derivation}`);
    lines.push(`  loss ${JSON.stringify(r.failure.case.loss)}`);
  }
  return lines.join('\n');
}
