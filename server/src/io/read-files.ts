// Reads and parses the files of a walk for the CLI: on worker threads when the tree is large enough to repay their
// start-up (parse-pool.ts), on the main thread otherwise and for whatever the workers left. Outcomes come back in
// walk order either way.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { parseFile } from '../core/index';
import { FileReader, isTooLarge } from '../workspace/read';
import { describeError, manifestExtensions } from '../workspace/walk';
import { ParsePool } from './parse-pool';
import type { FileOutcome, PoolFile, PoolOptions } from './parse-pool';

export type { FileOutcome };

/**
 * Below this many files the main thread parses alone: a worker costs about 40 ms of CPU to start (its bundle is
 * loaded and compiled), as much as parsing a few hundred typical manifests.
 */
export const minFilesForThreads = 256;
/**
 * Cores left to the main thread and to V8's own background threads. A cold serial run already keeps two cores busy:
 * the main thread, and V8's optimizing compiler on its helper threads (about 0.9 s of CPU in a 1 s check of the
 * corpus, bench/README.md "Cold CLI"). Each worker isolate compiles the parser again, and its results must be packed
 * and rebuilt, so a worker pays only on a core of its own.
 */
export const reservedCores = 2;
/** A file a parser works on for longer than this is given up (a real manifest takes milliseconds). */
export const parseTimeoutMs = 120_000;

/** The worker bundle, next to the running bundle (dist/kpl.js → dist/kpl-parse-worker.js). */
export const parseWorkerScript = path.join(__dirname, 'kpl-parse-worker.js');

export interface ReadOptions {
  maxBytes: number;
  /**
   * Worker threads; default: the cores beyond `reservedCores` for `minFilesForThreads` files or more, else none.
   * `KPL_PARSE_THREADS=N` overrides the default (0: parse on the main thread).
   */
  threads?: number;
  /** Pool settings for tests (worker bundle, time and heap limits). */
  pool?: Partial<Omit<PoolOptions, 'threads' | 'maxBytes'>>;
}

/** threadsFor: how many parse workers a walk of `files` files gets. */
export function threadsFor(files: number, requested: number | undefined, env: string | undefined = process.env.KPL_PARSE_THREADS): number {
  const fromEnv = env === undefined || env.trim() === '' ? undefined : Number(env);
  const wanted = requested ?? (fromEnv !== undefined && Number.isInteger(fromEnv) && fromEnv >= 0 ? fromEnv : undefined);
  if (files < minFilesForThreads && wanted === undefined) return 0;
  return Math.max(0, Math.min(wanted ?? availableParallelism() - reservedCores, files));
}

/**
 * FileParsing reads and parses the files of one walk. Give `countEntry` to the walk (as its `exclude`, which sees
 * every entry first and here leaves none out): once the walk has met `minFilesForThreads` manifest names the workers
 * are started, so that their start-up overlaps the rest of the walk; a smaller tree never starts one.
 */
export class FileParsing {
  private pool: ParsePool | undefined;
  private seen = 0;
  private readonly workerScript: string;

  constructor(private readonly options: ReadOptions) {
    this.workerScript = options.pool?.workerScript ?? parseWorkerScript;
  }

  readonly countEntry = (shown: string): boolean => {
    if (this.pool === undefined && manifestExtensions.test(shown) && ++this.seen === minFilesForThreads) this.startPool(this.seen);
    return false;
  };

  private startPool(files: number): void {
    const threads = threadsFor(files, this.options.threads);
    if (threads === 0 || !existsSync(this.workerScript)) return;
    this.pool = new ParsePool({
      workerScript: this.workerScript,
      threads,
      maxBytes: this.options.maxBytes,
      timeoutMs: this.options.pool?.timeoutMs ?? parseTimeoutMs,
      resourceLimits: this.options.pool?.resourceLimits,
    });
  }

  /** The outcome of every file, in the order given. */
  async run(files: readonly PoolFile[]): Promise<FileOutcome[]> {
    if (this.pool === undefined) this.startPool(files.length);
    const outcomes = this.pool === undefined ? [] : await this.pool.run(files);
    // What no worker did: one file at a time into one reused buffer, parsed right away; the size is checked first.
    const reader = new FileReader(this.options.maxBytes);
    return files.map((f, i) => outcomes[i] ?? readOne(reader, f));
  }

  /** Stops the workers if `run` is not called (an error between the walk and the parsing). */
  close(): void {
    this.pool?.close();
  }
}

function readOne(reader: FileReader, file: PoolFile): FileOutcome {
  let content;
  try {
    content = reader.read(file.absolute);
  } catch (error) {
    return { kind: 'unreadable', reason: describeError(error) };
  }
  if (isTooLarge(content)) return { kind: 'too-large', size: content.size };
  return { kind: 'parsed', parsed: parseFile({ path: file.path, content }) };
}
