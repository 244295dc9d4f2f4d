// Finds manifest files below PATH arguments (files or directories), detecting symlink loops and unreadable paths.
// Node IO lives here, outside the core; the core gets bytes and paths only.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const manifestExtensions = /\.(ya?ml|json)$/i;
const skippedDirectories = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface WalkedFile {
  /** The path as reached from the PATH argument, with `/` separators (relative stays relative). */
  path: string;
  absolute: string;
}

export interface WalkProblem {
  path: string;
  kind: 'unreadable' | 'symlink-loop';
  message: string;
  /** True for a PATH argument itself (exit code 2), false for something met inside a directory. */
  argument: boolean;
}

export interface WalkResult {
  files: WalkedFile[];
  problems: WalkProblem[];
}

export interface WalkOptions {
  /** Returns true for paths to leave out (exclude globs). */
  exclude?: (relativePath: string) => boolean;
}

export async function walkPaths(args: readonly string[], options: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [] };
  const seenFiles = new Set<string>();
  for (const arg of args) {
    const shown = arg.split(path.sep).join('/');
    let stat;
    try {
      stat = await fs.stat(arg);
    } catch (error) {
      result.problems.push({ path: shown, kind: 'unreadable', message: `${shown}: ${describeError(error)}`, argument: true });
      continue;
    }
    if (stat.isDirectory()) {
      const real = await fs.realpath(arg);
      await walkDirectory(arg, shown, new Set([real]), result, seenFiles, options);
    } else {
      const absolute = path.resolve(arg);
      if (!seenFiles.has(absolute)) {
        seenFiles.add(absolute);
        result.files.push({ path: shown, absolute });
      }
    }
  }
  return result;
}

async function walkDirectory(dir: string, shown: string, ancestors: Set<string>, result: WalkResult, seenFiles: Set<string>, options: WalkOptions): Promise<void> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    result.problems.push({ path: shown, kind: 'unreadable', message: `${shown}: ${describeError(error)}`, argument: false });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const shownChild = shown === '.' ? entry.name : `${shown.replace(/\/$/, '')}/${entry.name}`;
    if (options.exclude?.(shownChild) === true) continue;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const stat = await fs.stat(full);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') result.problems.push({ path: shownChild, kind: 'symlink-loop', message: `${shownChild} is a symbolic link that loops (ELOOP); skipped`, argument: false });
        continue; // a dangling link is no manifest
      }
    }
    if (isDirectory) {
      if (skippedDirectories.has(entry.name)) continue;
      let real: string;
      try {
        real = await fs.realpath(full);
      } catch (error) {
        result.problems.push({ path: shownChild, kind: 'unreadable', message: `${shownChild}: ${describeError(error)}`, argument: false });
        continue;
      }
      if (ancestors.has(real)) {
        result.problems.push({ path: shownChild, kind: 'symlink-loop', message: `${shownChild} is a symbolic link back into ${real}, a directory already being walked; skipped`, argument: false });
        continue;
      }
      await walkDirectory(full, shownChild, new Set([...ancestors, real]), result, seenFiles, options);
    } else if (isFile && manifestExtensions.test(entry.name)) {
      const absolute = path.resolve(full);
      if (seenFiles.has(absolute)) continue;
      seenFiles.add(absolute);
      result.files.push({ path: shownChild, absolute });
    }
  }
}

export function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    default:
      return e.message ?? String(error);
  }
}
