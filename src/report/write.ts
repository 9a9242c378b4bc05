/**
 * Atomic report folders. A run folder is built complete in a temporary folder beside its target
 * and then renamed into place (an old folder of that name is swapped out and deleted), so readers
 * never see half a report and a failed run leaves no partial files.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { accessSync, constants, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface WriteRunFolderOptions {
  /** Also refresh `<reportDir>/latest/` with the same files (default true). */
  readonly latest?: boolean;
}

export interface WrittenRun {
  /** Absolute path of `<reportDir>/runs/<name>`. */
  readonly dir: string;
  /** Absolute path of `<reportDir>/latest`, when refreshed. */
  readonly latest?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._=+-]*$/;

/**
 * Writes `files` (relative path → content; paths may have subfolders such as "plots/a.svg") as
 * `<reportDir>/runs/<name>/`, replacing any old folder of that name atomically, then refreshes
 * `<reportDir>/latest/` the same way. Used by verify, train, sweep, hunt.
 */
export async function writeRunFolder(
  reportDir: string,
  name: string,
  files: Readonly<Record<string, string | Uint8Array>>,
  options: WriteRunFolderOptions = {},
): Promise<WrittenRun> {
  if (!NAME.test(name) || name.length > 200) throw new Error(`writeRunFolder: bad run name ${JSON.stringify(name)}`);
  for (const path of Object.keys(files)) checkRelativePath(path);
  const root = resolve(reportDir);
  const runs = join(root, 'runs');
  await mkdir(runs, { recursive: true });
  const dir = join(runs, name);
  await replaceFolder(dir, files);
  if (options.latest === false) return { dir };
  const latest = join(root, 'latest');
  await replaceFolder(latest, files);
  return { dir, latest };
}

/** Builds `files` in a temporary sibling of `target`, then swaps it in for `target`. */
export async function replaceFolder(target: string, files: Readonly<Record<string, string | Uint8Array>>): Promise<void> {
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = await mkdtemp(join(parent, `.${basename(target)}.tmp-`));
  try {
    await chmod(tmp, 0o755); // mkdtemp makes it private; a report folder is an ordinary folder
    for (const [path, content] of Object.entries(files)) {
      checkRelativePath(path);
      const file = join(tmp, ...path.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    const old = join(parent, `.${basename(target)}.old-${process.pid}-${randomBytes(4).toString('hex')}`);
    let moved = false;
    try {
      await rename(target, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await rename(tmp, target);
    if (moved) await rm(old, { recursive: true, force: true });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
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
 * Why `reportDir` could not hold report folders (a file in the way, no write permission), or null
 * if it looks usable. Cheap: lets a command refuse bad input before a long run instead of after.
 */
export function reportDirProblem(reportDir: string): string | null {
  let dir = resolve(reportDir);
  for (;;) {
    try {
      const st = statSync(dir);
      if (!st.isDirectory()) return `${dir} is not a directory`;
      accessSync(dir, constants.W_OK);
      return null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM') return `${dir} is not writable`;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${dir}: ${code ?? String(e)}`;
    }
    const up = dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
