// TEMPORARY STUB (lead): replaced by helper's implementation.
export function leafDistribution(..._a: any[]): any { throw new Error('not yet'); }
