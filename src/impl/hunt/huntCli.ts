/**
 * `covcheck hunt --impl "COMMAND" [--claim agreement|C2] [--runs N | --time 30s] [--seed S]`
 * (docs/impl.md): starts the implementation, searches for a case it fails and shrinks it through
 * its own answers (huntImpl.ts), prints the measurement, and saves the shrunk case — a plain
 * grad-mode case of docs/case-format.md — as `reports/impl/<implementation>--hunt-<check>.case.json`
 * with its `covcheck replay --impl` command. Exit 1 when a failing case was found, 0 when none, 2 on
 * a fault (ImplError) or bad flags.
 */
import { InputError } from '../../errors.js';
import { ImplClient } from '../client.js';
import type { CaseCheckId } from '../checks/caseChecks.js';
import { saveImplCase } from '../checks/implVerify.js';
import { huntThroughImpl } from './huntImpl.js';
import { asMovable } from './evaluateImpl.js';
import { implCaseSize } from './shrinkImpl.js';

export interface ImplHuntCliOptions {
  readonly command: string;
  readonly seed: number;
  readonly runs: number | null;
  readonly timeMs: number | null;
  readonly implTimeoutMs: number | null;
  readonly claim: string | null;
  readonly cwd: string;
  readonly saveDir: string | null;
  readonly progress: boolean;
}

interface Out {
  write(chunk: string): unknown;
}

/** --claim with --impl: which per-case checks to hunt. */
export function huntChecks(claim: string | null): readonly CaseCheckId[] | undefined {
  if (claim === null) return undefined;
  const c = claim.trim().toLowerCase();
  if (c === 'agreement') return ['impl/agreement'];
  if (c === 'c2') return ['impl/C2-derivative', 'impl/C2-connection'];
  throw new InputError('--claim', `with --impl, hunt agreement or C2 (the per-case checks), got ${JSON.stringify(claim)}`);
}

export async function implHunt(o: ImplHuntCliOptions, stdout: Out, stderr: Out): Promise<number> {
  const checks = huntChecks(o.claim);
  const impl = await ImplClient.start(o.command, { ...(o.implTimeoutMs === null ? {} : { implTimeoutMs: o.implTimeoutMs }), handshakeTimeoutMs: Math.max(o.implTimeoutMs ?? 0, 60_000), cwd: o.cwd });
  let last = 0;
  const progress = (text: string) => {
    if (!o.progress || performance.now() - last < 5000) return;
    last = performance.now();
    stderr.write(`hunt --impl ${impl.name}: ${text}\n`);
  };
  let r;
  try {
    r = await huntThroughImpl(impl, { seed: o.seed, ...(o.runs === null ? {} : { runs: o.runs }), ...(o.timeMs === null ? {} : { timeMs: o.timeMs }), ...(checks ? { checks } : {}), onProgress: progress });
    await impl.close();
  } catch (e) {
    impl.kill();
    throw e;
  }
  const lines = [`hunt --impl ${impl.name} (${impl.handshake.dtype}): ${r.evaluations} cases in ${(r.searchMs / 1000).toFixed(1)} s (seed ${o.seed})`];
  if (r.worst) lines.push(`worst error/tolerance ${r.worst.score.toPrecision(3)} (${r.worst.check})`);
  if (!r.shrunk) {
    lines.push('no failing case found: PASSED (exit 0)');
    stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  const m = r.shrunk.measurement;
  lines.push(
    `FAIL ${r.shrunk.check} on ${impl.name}: shrunk in ${r.shrinkSteps} steps (${(r.shrinkMs / 1000).toFixed(1)} s) to ${implCaseSize(asMovable(r.shrunk.case))}, loss ${JSON.stringify(r.shrunk.case.loss)}`,
    `  error ${m.error.toExponential(3)} > tolerance ${m.tolerance.toExponential(3)}`,
  );
  if (m.note) lines.push(`  ${m.note}`);
  if (m.derivation) lines.push(`  ${m.derivation}`);
  if (o.saveDir !== null) lines.push(saveImplCase(o, impl.name, `hunt-${r.shrunk.check}`, r.shrunk.case, 'the shrunk case'));
  lines.push('FAILED (exit 1)');
  stdout.write(`${lines.join('\n')}\n`);
  return 1;
}
