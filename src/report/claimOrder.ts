/** The order of claims in every report: C1, C2, …, C10 by number, then other groups (corpus…) by name. */

/** Checks grouped by claim, claims in numeric order (C2 before C10), then others (corpus…) by name. */
export function byClaim<T extends { readonly claim: string }>(checks: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const c of checks) groups.set(c.claim, [...(groups.get(c.claim) ?? []), c]);
  return [...groups.entries()].sort(([a], [b]) => claimOrder(a, b));
}

/** C1 < C2 < C10; ids without a number after those, by name. */
export function claimOrder(a: string, b: string): number {
  const na = /^C(\d+)$/.exec(a)?.[1];
  const nb = /^C(\d+)$/.exec(b)?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb);
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
