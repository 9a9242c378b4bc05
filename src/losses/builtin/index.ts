/**
 * The built-in losses in plugin format (the same file format as a user's `--loss ./file.ts`).
 * They are examples and cross-checks: their dual-number weights must equal the hand-written
 * built-ins' (src/losses/{simple,triplet,infoNce,official}.ts), see properties/claims/C6/.
 */
import type { LossPlugin } from '../plugin/define.js';
import simp from './simp.js';
import tri from './tri.js';
import nce from './nce.js';
import officialNce from './officialNce.js';
import officialSubtract from './officialSubtract.js';
import unbalanced from './unbalanced.js';

export const BUILTIN_PLUGINS: Readonly<Record<string, LossPlugin>> = {
  simp,
  tri,
  nce,
  official_nce: officialNce,
  official_subtract: officialSubtract,
  unbalanced,
};
