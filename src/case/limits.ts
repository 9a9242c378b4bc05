/**
 * What `covcheck eval` (and every reader of the case format) accepts at most; above a limit the
 * case is refused with exit 2 naming the field, before anything large is computed
 * (docs/case-format.md, "Limits"; issue 8 §5: a 100 000-row case or a 200 MB file ran out of memory).
 */
export const CASE_LIMITS = {
  /** The case text, in bytes (a file is refused by its size before it is read). */
  bytes: 16 * 1024 * 1024,
  /** Samples through the network: B·(2 + H) (anchor, positive and H negatives per row). */
  samples: 20_000,
  /** Leaves of the complete tree (children^depth). */
  leaves: 2 ** 20,
  /** Tree nodes (a chain of depth 3000 has 3001; checked from depth and children before building). */
  nodes: 2 ** 21,
  /** Weights and biases together. */
  parameters: 1_000_000,
} as const;
