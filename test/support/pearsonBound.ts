/**
 * The rounding bound of a Pearson correlation computed from sums (src/train/evaluate.ts `pearson`), for
 * expectWithin (test/support/within.ts). With m_z = Σz/n, m_g = Σg/n,
 *
 *   c = (Σzg/n − m_z m_g) / √(v_z v_g),   v_z = m_z − m_z²,   v_g = Σg²/n − m_g²,
 *
 * each sum carries at most c·n·ε·A (A: the sum of the magnitudes of its terms, `abs`; the sums
 * themselves when every term has one sign) and pearson's 13 operations round relative to the same
 * terms. To first order
 *
 *   |δc| ≤ |c|·(|δcov|/|cov| + |δv_z|/(2v_z) + |δv_g|/(2v_g)),
 *   |δcov| ≲ ε·(A_zg/n + m_z·A_g/n),  |δv_z| ≲ ε·(m_z + m_z²),  |δv_g| ≲ ε·(A_gg/n + 2(A_g/n)²),
 *
 * so scale = |c|·(1 + the three ratios), n + 13 operations. A unit of (near) zero variance has an
 * ill-conditioned correlation: its scale is infinite, and a test must not compare it this way.
 */
export interface PearsonSums {
  readonly sz: number;
  readonly sg: number;
  readonly sgg: number;
  readonly szg: number;
}

export function pearsonBound(n: number, s: PearsonSums, abs: Omit<PearsonSums, 'sz'> = s): { ops: number; scale: number } {
  const mz = s.sz / n;
  const mg = s.sg / n;
  const cov = s.szg / n - mz * mg;
  const vz = mz - mz * mz;
  const vg = s.sgg / n - mg * mg;
  const c = Math.abs(cov / Math.sqrt(vz * vg));
  const ag = Math.abs(abs.sg) / n;
  const ratios = (Math.abs(abs.szg) / n + mz * ag) / Math.abs(cov) + (mz + mz * mz) / (2 * vz) + (Math.abs(abs.sgg) / n + 2 * ag * ag) / (2 * vg);
  return { ops: n + 13, scale: vz > 0 && vg > 0 && cov !== 0 ? c * (1 + ratios) : Number.POSITIVE_INFINITY };
}

/** The four sums of a 0/1 latent z and a unit's values g over the same samples. */
export function pearsonSums(z: readonly number[], g: readonly number[]): PearsonSums {
  return {
    sz: z.reduce((a, v) => a + v, 0),
    sg: g.reduce((a, v) => a + v, 0),
    sgg: g.reduce((a, v) => a + v * v, 0),
    szg: g.reduce((a, v, i) => a + v * z[i]!, 0),
  };
}
