/**
 * The claim registry's measured contradictions (docs/theory.md §3, `known-fail`): a check listed here
 * that fails is reported as known-fail with its evidence; one that stops failing turns into `fail`.
 * Add an entry only with evidence (command, numbers) and a note in the issue.
 */
export interface KnownFail {
  readonly check: string;
  readonly evidence: string;
}

// Empty: C7's missing factor H (ξ = H·φ), the one measured contradiction so far, is now in THEORY.md C7
// and docs/theory.md; its former known-fail check is the expected-fail C7/rational/closed-form-without-H.
export const KNOWN_FAILS: readonly KnownFail[] = [];

export function knownFailFor(checkId: string): KnownFail | undefined {
  return KNOWN_FAILS.find((k) => k.check === checkId);
}
