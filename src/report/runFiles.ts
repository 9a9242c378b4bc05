/** Where a verify run folder keeps each check's files (relative to the run folder). */
import { slug } from './write.js';

/** Plot file path in the run folder for one check's plot. */
export function plotPath(checkId: string, file: string): string {
  const f = slug(file);
  return `plots/${slug(checkId)}--${f.endsWith('.svg') ? f : `${f}.svg`}`;
}

/** Counterexample file path in the run folder for one check. */
export function counterexamplePath(checkId: string): string {
  return `counterexamples/${slug(checkId)}.json`;
}
