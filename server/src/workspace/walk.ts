// Finds manifest files below PATH arguments (files or directories), detecting symlink loops and unreadable paths.
// Node IO lives here, outside the core; the core gets bytes and paths only.
// Symbolic links are followed only into the real paths of the PATH arguments (or the workspace folders): a repository
// linking `evil.yaml -> /etc/passwd` must not get that file read into a CI report. A link whose text already points
// outside is not even resolved, so whether its target exists cannot be learned from the findings.
import * as fsSync from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import * as path from 'node:path';
import { unreadFile } from '../core/index';
import type { FileProblem, ParsedFile } from '../core/index';

export const manifestExtensions = /\.(ya?ml|json)$/i;
const skippedDirectories = new Set(['.git', 'node_modules', '.hg', '.svn']);

export interface WalkedFile {
  /** The path as reached from the PATH argument, with `/` separators (relative stays relative). */
  path: string;
  absolute: string;
}

export interface WalkProblem {
  path: string;
  kind: 'unreadable' | 'symlink-loop' | 'symlink-outside';
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
  /** Follow symbolic links wherever they lead (`--follow-symlinks`); by default only into the roots. */
  followSymlinks?: boolean;
  /** Real paths links may lead into besides the PATH arguments' own (the language server's other workspace folders). */
  roots?: readonly string[];
  /** Words of the outside-link finding: what the roots are, and how to have such a link followed. */
  scope?: { name: string; advice: string };
  /**
   * Read the tree with synchronous calls (the CLI, which has nothing else to do meanwhile): each asynchronous readdir
   * is a thread-pool round trip with the main thread idle (the 2,224 folders of the corpus: ~300 ms against ~45 ms).
   * The language server keeps the asynchronous calls, so it answers requests while it walks.
   */
  blocking?: boolean;
}

/** The file-system calls of a walk, behind promises either way. */
export interface FsCalls {
  readdir(dir: string): Promise<Dirent[]>;
  stat(p: string): Promise<Stats>;
  realpath(p: string): Promise<string>;
  readlink(p: string): Promise<string>;
}

const threadPool: FsCalls = {
  readdir: (dir) => fsSync.promises.readdir(dir, { withFileTypes: true }),
  stat: (p) => fsSync.promises.stat(p),
  realpath: (p) => fsSync.promises.realpath(p),
  readlink: (p) => fsSync.promises.readlink(p),
};

// Awaiting these is a microtask, not a round trip; a thrown error becomes the rejection the walk already handles.
const blocking: FsCalls = {
  readdir: async (dir) => fsSync.readdirSync(dir, { withFileTypes: true }),
  stat: async (p) => fsSync.statSync(p),
  realpath: async (p) => fsSync.realpathSync(p),
  readlink: async (p) => fsSync.readlinkSync(p),
};

const defaultScope = { name: 'the PATH arguments', advice: 'pass --follow-symlinks to follow it' };

/** isInside: `p` is one of the roots or below one (all absolute, real paths). */
export function isInside(p: string, roots: readonly string[]): boolean {
  return roots.some((r) => p === r || p.startsWith(r.endsWith(path.sep) ? r : `${r}${path.sep}`));
}

/** rootsOf: the real paths of existing paths (PATH arguments, workspace folders); missing ones are left out. */
export async function rootsOf(paths: readonly string[], fs: FsCalls = threadPool): Promise<string[]> {
  const roots: string[] = [];
  for (const p of paths) {
    try {
      roots.push(await fs.realpath(p));
    } catch {
      // reported where the path is walked
    }
  }
  return roots;
}

/**
 * linkOutside: the text of a symbolic link when it leads outside the roots, else undefined. The text is checked first,
 * against the real path of the link's directory, and the target touched only when the text stays inside (a chain of
 * links can still lead out: then the resolved path decides). Dangling links and loops are left to the caller.
 */
async function linkOutside(fs: FsCalls, link: string, realDir: string, roots: readonly string[]): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readlink(link);
  } catch {
    return undefined;
  }
  if (!isInside(path.resolve(realDir, text), roots)) return text;
  try {
    return isInside(await fs.realpath(link), roots) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** walkProblemFile: a problem met while walking, as the file the core reports it on (the path of the link or folder). */
export function walkProblemFile(problem: WalkProblem, file: string = problem.path): ParsedFile {
  const kinds: Record<WalkProblem['kind'], FileProblem['kind']> = {
    unreadable: 'not-text',
    'symlink-loop': 'symlink-loop',
    'symlink-outside': 'symlink-outside',
  };
  return unreadFile(file, kinds[problem.kind], problem.message);
}

export async function walkPaths(args: readonly string[], options: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [] };
  const seenFiles = new Set<string>();
  const fs = options.blocking === true ? blocking : threadPool;
  const roots = [...(await rootsOf(args, fs)), ...(options.roots ?? [])];
  const walk: Walk = { result, seenFiles, options, roots, fs };
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
      await walkDirectory(arg, shown, real, new Set([real]), walk);
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

interface Walk {
  result: WalkResult;
  seenFiles: Set<string>;
  options: WalkOptions;
  roots: readonly string[];
  fs: FsCalls;
}

async function walkDirectory(dir: string, shown: string, realDir: string, ancestors: Set<string>, walk: Walk): Promise<void> {
  const { result, seenFiles, options, fs } = walk;
  let entries;
  try {
    entries = await fs.readdir(dir);
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
      const outside = options.followSymlinks === true ? undefined : await linkOutside(fs, full, realDir, walk.roots);
      if (outside !== undefined) {
        const scope = options.scope ?? defaultScope;
        result.problems.push({
          path: shownChild,
          kind: 'symlink-outside',
          message: `${shownChild} is a symbolic link to ${outside}, outside ${scope.name}; it was not followed (${scope.advice})`,
          argument: false,
        });
        continue;
      }
      try {
        const stat = await fs.stat(full);
        isDirectory = stat.isDirectory();
        isFile = stat.isFile();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP')
          result.problems.push({
            path: shownChild,
            kind: 'symlink-loop',
            message: `${shownChild} is a symbolic link that loops (ELOOP); skipped`,
            argument: false,
          });
        continue; // a dangling link is no manifest
      }
    }
    if (isDirectory) {
      if (skippedDirectories.has(entry.name)) continue;
      let real: string;
      try {
        // A directory entry that is no symbolic link is `realDir/name` already: one realpath per followed link, not
        // per directory (4,115-file corpus: ~2,000 realpath calls were 5% of a cold `kpl check`).
        real = entry.isSymbolicLink() ? await fs.realpath(full) : path.join(realDir, entry.name);
      } catch (error) {
        result.problems.push({ path: shownChild, kind: 'unreadable', message: `${shownChild}: ${describeError(error)}`, argument: false });
        continue;
      }
      if (ancestors.has(real)) {
        result.problems.push({
          path: shownChild,
          kind: 'symlink-loop',
          message: `${shownChild} is a symbolic link back into ${real}, a directory already being walked; skipped`,
          argument: false,
        });
        continue;
      }
      await walkDirectory(full, shownChild, real, new Set([...ancestors, real]), walk);
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
