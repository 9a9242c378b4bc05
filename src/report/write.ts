/**
 * Report folders that are never half-written and never silently overwritten (issue 8 §4).
 *
 * - A run folder `<reportDir>/runs/<name>/` is built complete in a temporary sibling and renamed
 *   into place; a failure removes the temporary folder, so a failed run leaves no partial files.
 *   Run names are unique per distinct option set (`runFolderName`: a readable slug plus a short
 *   hash of the canonical options wherever the slug loses information), so only a rerun of the
 *   very same options replaces a folder — with the same, deterministic content.
 * - `<reportDir>/latest/<command>` (verify, compare, train, sweep) is a symbolic link to the newest
 *   run folder of that command, replaced atomically: a new link is made under a temporary name and
 *   renamed over the old one (rename(2) replaces a link in one step). Concurrent runs cannot race
 *   into ENOTEMPTY or leave `.old-*` folders: the last rename wins and every reader sees a whole
 *   folder. Where links are not allowed (some Windows set-ups) a copy is swapped in instead.
 * - Folders are created one level at a time (no `mkdir -p`, which spins forever under /proc).
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, rename, rm, rmdir, symlink, writeFile } from 'node:fs/promises';
import { accessSync, constants, existsSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface WriteRunFolderOptions {
  /** Also point `<reportDir>/latest/<command>` at the new folder (default true). */
  readonly latest?: boolean;
  /** The command whose latest link to refresh (default: the run name up to its first "-"). */
  readonly command?: string;
}

export interface WrittenRun {
  /** Absolute path of `<reportDir>/runs/<name>`. */
  readonly dir: string;
  /** Absolute path of `<reportDir>/latest/<command>`, when refreshed. */
  readonly latest?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;
const COMMAND = /^[a-z][a-z0-9-]*$/;

/**
 * Writes `files` (relative path → content; paths may have subfolders such as "plots/a.svg") as
 * `<reportDir>/runs/<name>/`, replacing a folder of the same name atomically, then points
 * `<reportDir>/latest/<command>` at it. On any failure nothing new is left under `reportDir`.
 */
export async function writeRunFolder(
  reportDir: string,
  name: string,
  files: Readonly<Record<string, string | Uint8Array>>,
  options: WriteRunFolderOptions = {},
): Promise<WrittenRun> {
  if (!NAME.test(name) || name.length > 200) throw new Error(`writeRunFolder: bad run name ${JSON.stringify(name)}`);
  const command = options.command ?? name.split('-')[0]!;
  if (!COMMAND.test(command)) throw new Error(`writeRunFolder: bad command ${JSON.stringify(command)}`);
  for (const path of Object.keys(files)) checkRelativePath(path);
  const root = resolve(reportDir);
  const runs = join(root, 'runs');
  const latest = join(root, 'latest', command);
  const missing = [runs, dirname(latest)].flatMap(missingLevels); // folders this call would create
  const dir = join(runs, name);
  let written = false;
  try {
    await makeDirs(runs);
    await replaceFolder(dir, files);
    written = true;
    if (options.latest === false) return { dir };
    await makeDirs(dirname(latest));
    await pointLatest(latest, `../runs/${name}`, files);
  } catch (e) {
    // all or nothing: the new run folder and the (still empty) folders made for it go again
    if (written) await rm(dir, { recursive: true, force: true });
    for (const m of missing.sort((a, b) => b.length - a.length)) await rmdir(m).catch(() => undefined);
    throw e;
  }
  return { dir, latest };
}

/** `dir` and its ancestors that do not exist yet, deepest first. */
function missingLevels(dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) out.push(d);
  return out;
}

/** Replaces `link` by a symbolic link to `target` (relative to the link's folder) in one rename. */
async function pointLatest(link: string, target: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const tmp = join(dirname(link), `.${basename(link)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await symlink(target, tmp, 'dir');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
    await replaceFolder(link, files); // no links here: swap in a copy
    return;
  }
  try {
    const old = await lstat(link).catch(() => null);
    if (old && !old.isSymbolicLink()) await rm(link, { recursive: true, force: true }); // a copy from an older covcheck
    await rename(tmp, link);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Builds `files` in a temporary sibling of `target`, then swaps it in for `target`. Two processes
 * replacing the same target (same options, hence the same files) both succeed: a rename that finds
 * the target re-created by the other moves it aside and tries again.
 */
export async function replaceFolder(target: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const parent = dirname(target);
  await makeDirs(parent);
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  const olds: string[] = [];
  try {
    await chmod(tmp, 0o755); // mkdtemp makes it private; a report folder is an ordinary folder
    for (const [path, content] of Object.entries(files)) {
      checkRelativePath(path);
      const file = join(tmp, ...path.split('/'));
      await mkdir(dirname(file), { recursive: true }); // inside tmp, which exists
      await writeFile(file, content);
    }
    for (let attempt = 0; ; attempt++) {
      const old = join(parent, `.${basename(target)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(target, old);
        olds.push(old);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      try {
        await rename(tmp, target);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 20) throw e;
      }
    }
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  } finally {
    for (const old of olds) await rm(old, { recursive: true, force: true });
  }
}

/** mkdir -p, one level at a time, failing (not looping) where a level cannot be made. */
export async function makeDirs(dir: string): Promise<void> {
  try {
    await mkdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (!statSync(dir).isDirectory()) throw Object.assign(new Error(`${dir} is not a directory`), { code: 'ENOTDIR' });
      return;
    }
    if (code !== 'ENOENT' || dirname(dir) === dir) throw e;
    await makeDirs(dirname(dir));
    await mkdir(dir).catch((e2: NodeJS.ErrnoException) => {
      if (e2.code !== 'EEXIST') throw e2;
    });
  }
}

function checkRelativePath(path: string): void {
  const parts = path.split('/');
  if (path === '' || parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\') || p.includes('\0'))) {
    throw new Error(`writeRunFolder: bad file path ${JSON.stringify(path)}`);
  }
}

/** A file-name-safe form of an id: "C1/float64/tree layer" → "C1-float64-tree-layer". */
export function slug(id: string, max = 80): string {
  const s = id.replace(/[^A-Za-z0-9._=+-]+/g, '-').replace(/^[-.]+|-+$/g, '');
  return (s || 'x').slice(0, max);
}

/**
 * A run folder name unique per option set: the readable `parts` joined by "-", plus the first 8
 * hex digits of the SHA-256 of `hashed` (canonical JSON, keys sorted) when it holds any option
 * that the readable part renders lossily (a slugged substring, a loss spec). Without such options
 * the name is the readable part alone (`verify-seed42-ci`).
 */
export function runFolderName(parts: readonly string[], hashed: Readonly<Record<string, unknown>>): string {
  const present = Object.entries(hashed).filter(([, v]) => v !== undefined && v !== null);
  const base = parts.join('-');
  if (present.length === 0) return base;
  const canonical = JSON.stringify(present.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${base}-${createHash('sha256').update(canonical).digest('hex').slice(0, 8)}`;
}

/**
 * Why `reportDir` could not hold report folders (a file in the way, no write permission, a
 * pseudo file system such as /proc), or null if it is usable. It makes and removes a temporary
 * folder in the nearest existing ancestor, so a command refuses a bad --report-dir at once instead
 * of after a long run (or never, as `mkdir -p` under /proc).
 */
export function reportDirProblem(reportDir: string): string | null {
  let dir = resolve(reportDir);
  for (;;) {
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) return `${dir} is not a directory`;
      accessSync(dir, constants.W_OK);
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return `${dir} is not writable`;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${dir}: ${code ?? String(e)}`;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  try {
    rmdirSync(mkdtempSync(join(dir, '.covcheck-probe-')));
    return null;
  } catch (e) {
    return `cannot create folders in ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
}
