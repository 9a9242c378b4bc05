/**
 * The claim registry's measured contradictions (docs/theory.md §3, `known-fail`): a check listed here
 * that fails is reported as known-fail with its evidence; one that stops failing turns into `fail`.
 * Add an entry only with evidence (command, numbers) and a note in the issue.
 */
export interface KnownFail {
  readonly check: string;
  readonly evidence: string;
}

export const KNOWN_FAILS: readonly KnownFail[] = [
  {
    check: 'C7/rational/closed-form-as-written',
    evidence:
      'THEORY.md C7 writes θ_l = E[φ(x_0,x_0′)·(C(x_0) − C(x_0′))]; with H > 1 negatives each weighted φ the residue is H times that ' +
      '(exact enumeration in rationals, depth-2 trees, H = 2: θ = 2·E[φ(C − C′)] ≠ E[φ(C − C′)] whenever θ ≠ 0; ' +
      'C7/rational/closed-form checks θ = E[ξ(C − C′)] with ξ = H·φ and passes). Reproduce: covcheck verify --check C7/rational/closed-form',
  },
];

export function knownFailFor(checkId: string): KnownFail | undefined {
  return KNOWN_FAILS.find((k) => k.check === checkId);
}
