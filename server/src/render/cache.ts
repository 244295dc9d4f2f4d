// Render cache: keyed by a hash of every input file (path and content), the values files, the argv and the tool's
// version, so a hit is exactly what the tool would print again. In memory (bounded) and, for the CLI, as files under
// the user cache folder (0700/0600, written atomically; a corrupt entry is a miss).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RenderedDocument, RenderProblem } from './types';

/** Bump when what is cached changes shape or meaning. */
const formatVersion = 'kpl-render-cache-1';
const maxHashedFileBytes = 64 * 1024 * 1024;

/** What a render leaves to reuse: documents, problems (render errors are as deterministic as output), tool facts. */
export interface CachedRender {
  documents: RenderedDocument[];
  problems: RenderProblem[];
  tool: string | undefined;
  toolMs: number;
  warnings: string[];
}

/** hashFiles: one digest over the files' paths (relative to `root` when inside it) and contents, in sorted order. */
export async function hashFiles(files: readonly string[], root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    const rel = path.relative(root, file);
    hash.update(`${rel.startsWith('..') ? file : rel}\0`);
    try {
      const stat = await fs.stat(file);
      if (stat.size > maxHashedFileBytes) hash.update(`large:${stat.size}:${stat.mtimeMs}\0`);
      else
        hash.update(
          createHash('sha256')
            .update(await fs.readFile(file))
            .digest('hex'),
        );
    } catch {
      hash.update('missing');
    }
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** cacheKey: the key of one render (the tool's version, its argv with temporary paths left out, the inputs' digest). */
export function cacheKey(parts: { tool: string; argv: readonly string[]; root: string; inputs: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([formatVersion, parts.tool, parts.argv, parts.root, parts.inputs]))
    .digest('hex');
}

/** userCacheDir: `$XDG_CACHE_HOME/kube-priority-lens/render` (default `~/.cache/...`), for the CLI's cache on disk. */
export function userCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env['XDG_CACHE_HOME'] !== undefined && path.isAbsolute(env['XDG_CACHE_HOME'])
      ? env['XDG_CACHE_HOME']
      : path.join(os.homedir(), '.cache');
  return path.join(base, 'kube-priority-lens', 'render');
}

function sizeOf(r: CachedRender): number {
  let n = 1024;
  for (const d of r.documents) n += d.text.length * 2 + 256;
  return n;
}

export interface RenderCacheOptions {
  /** Most renders kept in memory (default 64) and their total size (default 256 MiB of text). */
  maxEntries?: number;
  maxBytes?: number;
  /** A folder for the cache on disk (the CLI's); none by default (the language server keeps renders in memory). */
  dir?: string;
}

export class RenderCache {
  private readonly memory = new Map<string, { value: CachedRender; bytes: number }>();
  private bytes = 0;
  /** Lookups that found an entry (memory or disk) and that did not: for tests and the bench. */
  hits = 0;
  misses = 0;

  constructor(private readonly options: RenderCacheOptions = {}) {}

  async get(key: string): Promise<CachedRender | undefined> {
    const inMemory = this.memory.get(key);
    if (inMemory !== undefined) {
      // Most recently used last.
      this.memory.delete(key);
      this.memory.set(key, inMemory);
      this.hits++;
      return inMemory.value;
    }
    if (this.options.dir !== undefined) {
      try {
        const parsed = JSON.parse(await fs.readFile(path.join(this.options.dir, `${key}.json`), 'utf8')) as {
          format?: string;
          value?: CachedRender;
        };
        if (parsed.format === formatVersion && parsed.value !== undefined && Array.isArray(parsed.value.documents)) {
          this.remember(key, parsed.value);
          this.hits++;
          return parsed.value;
        }
      } catch {
        // missing or corrupt: a miss
      }
    }
    this.misses++;
    return undefined;
  }

  async set(key: string, value: CachedRender): Promise<void> {
    this.remember(key, value);
    const dir = this.options.dir;
    if (dir === undefined) return;
    try {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      const tmp = path.join(dir, `.${key}.${process.pid}.${Date.now()}.tmp`);
      await fs.writeFile(tmp, JSON.stringify({ format: formatVersion, value }), { mode: 0o600, flag: 'wx' });
      await fs.rename(tmp, path.join(dir, `${key}.json`));
    } catch {
      // A cache that cannot be written is only slower.
    }
  }

  private remember(key: string, value: CachedRender): void {
    const bytes = sizeOf(value);
    const maxBytes = this.options.maxBytes ?? 256 * 1024 * 1024;
    if (bytes > maxBytes) return;
    const old = this.memory.get(key);
    if (old !== undefined) {
      this.bytes -= old.bytes;
      this.memory.delete(key);
    }
    this.memory.set(key, { value, bytes });
    this.bytes += bytes;
    const maxEntries = this.options.maxEntries ?? 64;
    for (const [k, v] of this.memory) {
      if (this.memory.size <= maxEntries && this.bytes <= maxBytes) break;
      this.memory.delete(k);
      this.bytes -= v.bytes;
    }
  }
}
