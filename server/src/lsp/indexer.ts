// The workspace index: walks the workspace folders (exclude globs, links followed only into the folders' real paths,
// the size bound) and hands every manifest to the AnalysisHost; reads single files the watcher or a close names under
// the same rules. What is not read (a link out, a file over the bound, a loop) becomes a finding on its path.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { unreadFile } from '../core/index';
import type { AnalysisHost, ParsedFile } from '../core/index';
import { FileReader, isTooLarge, tooLargeMessage } from '../workspace/read';
import { isInside, rootsOf, walkPaths, walkProblemFile } from '../workspace/walk';
import type { GlobMatcher } from './glob';
import type { Logger } from './safe';
import { pathToUri } from './uri';

export interface Folder {
  uri: string;
  fsPath: string;
}

/** How the findings of links out of the workspace and of files over the size bound tell the user what to do. */
const workspaceScope = { name: 'the workspace folders', advice: "add the target's folder to the workspace to analyse it" };
const sizeAdvice = 'raise the limit with the kubePriorityLens.maxFileSizeMiB setting';

export interface IndexerContext {
  host: AnalysisHost;
  log: Logger;
  folders(): readonly Folder[];
  excludeMatcher(): GlobMatcher;
  maxFileBytes(): number;
  /** The client has the file open: its text wins over the disk. */
  isOpen(key: string): boolean;
}

export type DiskFile = { content: Uint8Array } | { skipped: ParsedFile };

export class Indexer {
  /** Files read from disk by the index or the file watcher. */
  readonly diskFiles = new Set<string>();
  /** Real paths of the workspace folders, for the folders they were computed from. */
  private roots: { key: string; paths: string[] } | undefined;

  constructor(private readonly c: IndexerContext) {}

  /**
   * walk reads every manifest under the workspace folders into the host (open documents excepted) and returns the
   * keys it saw; undefined when `current()` turned false (a newer index run took over) between batches.
   */
  async walk(current: () => boolean, progress?: (message: string, percentage?: number) => void): Promise<Set<string> | undefined> {
    const { host, log } = this.c;
    const seen = new Set<string>();
    const roots = await this.workspaceRoots();
    const reader = new FileReader(this.c.maxFileBytes());
    for (const folder of this.c.folders()) {
      const walked = await walkPaths([folder.fsPath], {
        exclude: (shown) => {
          const rel = path.relative(folder.fsPath, shown);
          return this.c.excludeMatcher().matches(rel.split(path.sep).join('/'));
        },
        roots,
        scope: workspaceScope,
      });
      // Links out of the workspace, symlink loops, unreadable folders: a finding on the path (not read, not walked).
      for (const p of walked.problems) {
        log.warn(p.message);
        const absolute = p.path.split('/').join(path.sep);
        const key = pathToUri(absolute);
        if (this.c.isOpen(key)) continue;
        const relative = this.relativeName(absolute);
        host.addParsed(walkProblemFile({ ...p, message: p.message.split(p.path).join(relative) }, key));
        this.diskFiles.add(key);
        seen.add(key);
      }
      const batch = 64;
      for (let i = 0; i < walked.files.length; i += batch) {
        if (!current()) return undefined;
        progress?.(`${folder.fsPath}: ${i}/${walked.files.length} files`, Math.round((i / Math.max(1, walked.files.length)) * 100));
        await new Promise((resolve) => setImmediate(resolve)); // requests and newer index runs get through between batches
        if (!current()) return undefined;
        for (const f of walked.files.slice(i, i + batch)) {
          const key = pathToUri(f.absolute);
          let content;
          try {
            content = reader.read(f.absolute);
          } catch (error) {
            log.warn(`cannot read ${f.absolute}: ${(error as Error).message}`);
            continue;
          }
          seen.add(key);
          if (this.c.isOpen(key)) continue; // the open document wins
          // parsed right away: the reader's buffer is reused for the next file
          if (isTooLarge(content))
            host.addParsed(
              unreadFile(key, 'file-too-large', tooLargeMessage(this.relativeName(f.absolute), content.size, reader.maxBytes, sizeAdvice)),
            );
          else host.setFile({ path: key, content });
          this.diskFiles.add(key);
        }
      }
    }
    return seen;
  }

  /**
   * readDiskFile reads a workspace file the watcher or a close named, under the index's rules: a path whose real path
   * lies outside the workspace folders (a link out) and a file over the size bound are not read, but stand for a
   * finding; undefined when the file cannot be read.
   */
  async readDiskFile(key: string, p: string): Promise<DiskFile | undefined> {
    const shown = this.relativeName(p);
    let real: string;
    try {
      real = await fs.realpath(p);
    } catch (error) {
      this.c.log.warn(`cannot read ${p}: ${(error as Error).message}`);
      return undefined;
    }
    const roots = await this.workspaceRoots();
    if (!isInside(real, roots)) {
      const text = await fs.readlink(p).catch(() => real);
      return {
        skipped: unreadFile(
          key,
          'symlink-outside',
          `${shown} is a symbolic link to ${text}, outside ${workspaceScope.name}; it was not followed (${workspaceScope.advice})`,
        ),
      };
    }
    try {
      const read = new FileReader(this.c.maxFileBytes()).read(p);
      if (isTooLarge(read))
        return { skipped: unreadFile(key, 'file-too-large', tooLargeMessage(shown, read.size, this.c.maxFileBytes(), sizeAdvice)) };
      return { content: read };
    } catch (error) {
      this.c.log.warn(`cannot read ${p}: ${(error as Error).message}`);
      return undefined;
    }
  }

  applyDiskFile(key: string, disk: DiskFile): void {
    if ('content' in disk) this.c.host.setFile({ path: key, content: disk.content });
    else this.c.host.addParsed(disk.skipped);
    this.diskFiles.add(key);
  }

  /** The path lies inside one of the workspace folders. */
  inWorkspace(p: string): boolean {
    return this.c.folders().some((f) => {
      const rel = path.relative(f.fsPath, p);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  /** The real paths of the workspace folders: links are followed only into them. */
  private async workspaceRoots(): Promise<string[]> {
    const folders = this.c.folders();
    const key = JSON.stringify(folders.map((f) => f.fsPath));
    if (this.roots?.key !== key) this.roots = { key, paths: await rootsOf(folders.map((f) => f.fsPath)) };
    return this.roots.paths;
  }

  /** A path as the findings name it: relative to its workspace folder. */
  private relativeName(p: string): string {
    for (const f of this.c.folders()) {
      const rel = path.relative(f.fsPath, p);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return p;
  }
}
