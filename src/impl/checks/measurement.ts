/** One measurement of an implementation check: error against tolerance, with the derivation shown on failure. */
export interface ImplMeasurement {
  readonly ok: boolean;
  readonly error: number;
  readonly tolerance: number;
  readonly derivation?: string;
  readonly note?: string;
  /** True when the case could not be judged (a gate flips on the stencil): neither pass nor fail. */
  readonly skipped?: boolean;
}
