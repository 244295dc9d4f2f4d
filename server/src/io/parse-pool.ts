// Reads and parses many files on worker threads (issue 18: the cold CLI uses every core). The pool can be started
// before the files are known (while the walk still runs), so that the workers' start-up overlaps it. The main thread
// hands out files in small batches, rebuilds each packed result as it arrives (core/model/packed.ts) while the workers
// go on, and returns the outcomes in walk order, so the analysis sees exactly what the serial loop would have given it.
//
// The bad-input rule holds per file: a batch on which a worker dies (a crash, its heap limit) or stops answering (the
// time limit) is sent again one file per batch to a new worker, so the file at fault is found, given up with a reason,
// and every other file is still parsed. A worker that dies before it is running (a missing or broken bundle) is no
// file's fault: after two such failures no worker is started any more, and what is left is the caller's to parse.
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import { unpackParsedFile } from '../core/index';
import type { ParsedFile } from '../core/index';
import type { ParseReply, ParseRequest, ParseWorkerData } from './protocol';

export interface PoolFile {
  path: string;
  absolute: string;
}

/** What became of one file; undefined in the result = not done (the pool stopped), left to the caller. */
export type FileOutcome =
  | { kind: 'unreadable'; reason: string }
  | { kind: 'too-large'; size: number }
  | { kind: 'parsed'; parsed: ParsedFile }
  | { kind: 'failed'; reason: string };

export interface PoolOptions {
  /** The worker bundle (dist/kpl-parse-worker.js). */
  workerScript: string;
  threads: number;
  /** Files larger than this are not read. */
  maxBytes: number;
  /** A worker that has not answered a batch for this long is stopped. */
  timeoutMs: number;
  /** Per-worker V8 heap limits (a hostile file exhausts its worker's heap, not the process's). */
  resourceLimits?: ResourceLimits;
}

/** Files per request: one message each way per batch instead of per file. */
const batchSize = 8;
/** Batches sent to a worker ahead of its answers, so that it never waits for the main thread. */
const aheadPerWorker = 2;
/** Workers that may die on files (each replaced) before no more are started. */
const maxReplacements = 16;
const maxStartFailures = 2;

interface Slot {
  worker: Worker;
  /** Batches sent and not answered, in the order the worker takes them. */
  pending: number[][];
  running: boolean;
  stopped: boolean;
  error: string | undefined;
  timer: NodeJS.Timeout | undefined;
}

export class ParsePool {
  private files: readonly PoolFile[] = [];
  private outcomes: Array<FileOutcome | undefined> = [];
  private next = 0;
  /** Files of batches a worker was lost on, each to be sent alone. */
  private alone: number[] = [];
  private settled = 0;
  private replacements = 0;
  private startFailures = 0;
  private started = false;
  private finished = false;
  private readonly slots = new Set<Slot>();
  private resolve: ((outcomes: Array<FileOutcome | undefined>) => void) | undefined;

  constructor(private readonly options: PoolOptions) {
    for (let i = 0; i < Math.max(1, options.threads); i++) this.start();
  }

  /** Reads and parses `files` (once per pool); the workers are stopped when done. */
  run(files: readonly PoolFile[]): Promise<Array<FileOutcome | undefined>> {
    this.files = files;
    this.outcomes = new Array<FileOutcome | undefined>(files.length).fill(undefined);
    this.started = true;
    return new Promise((resolve) => {
      this.resolve = resolve;
      if (files.length === 0 || this.slots.size === 0) this.finish();
      else for (const slot of this.slots) this.feed(slot);
    });
  }

  /** Stops the workers (also when `run` is never called). */
  close(): void {
    for (const slot of [...this.slots]) this.stop(slot);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.close();
    this.resolve?.(this.outcomes);
  }

  private settle(index: number, outcome: FileOutcome): void {
    if (this.outcomes[index] !== undefined) return;
    this.outcomes[index] = outcome;
    if (++this.settled === this.files.length) this.finish();
  }

  private stop(slot: Slot): void {
    slot.stopped = true;
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    void slot.worker.terminate();
  }

  /** The clock runs from the worker's start (not counted) or its last answer, for the batch it is on. */
  private arm(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.timer =
      !slot.running || slot.pending.length === 0
        ? undefined
        : setTimeout(() => this.lost(slot, `its parser did not finish within ${this.options.timeoutMs / 1000} s`), this.options.timeoutMs);
  }

  private take(): number[] {
    const alone = this.alone.pop();
    if (alone !== undefined) return [alone];
    const batch: number[] = [];
    while (batch.length < batchSize && this.next < this.files.length) batch.push(this.next++);
    return batch;
  }

  private feed(slot: Slot): void {
    if (!this.started || this.finished) return;
    const idle = slot.pending.length === 0;
    while (slot.pending.length < aheadPerWorker) {
      const batch = this.take();
      if (batch.length === 0) break;
      slot.pending.push(batch);
      const request: ParseRequest = batch.map((index) => ({
        index,
        path: this.files[index]?.path ?? '',
        absolute: this.files[index]?.absolute ?? '',
      }));
      slot.worker.postMessage(request);
    }
    if (idle) this.arm(slot);
  }

  /** A worker is gone (died, or stopped for taking too long) while on its first pending batch. */
  private lost(slot: Slot, reason: string): void {
    if (slot.stopped || this.finished) return;
    this.stop(slot);
    const [current, ...rest] = slot.pending;
    if (!slot.running) {
      this.startFailures++;
      if (current !== undefined) rest.unshift(current);
    } else {
      this.replacements++;
      // A batch of one: that file is at fault. A larger batch: each of its files is tried again alone.
      if (current?.length === 1 && current[0] !== undefined) this.settle(current[0], { kind: 'failed', reason });
      else if (current !== undefined) this.alone.push(...[...current].reverse());
    }
    // Batches not started go back as they were, to be taken next.
    for (const batch of rest.reverse()) this.alone.push(...[...batch].reverse());
    if (this.finished) return;
    // Past the limits, the workers still running go on; when none is left, the rest is the caller's.
    if (this.replacements <= maxReplacements && this.startFailures < maxStartFailures) this.start();
    else if (this.slots.size === 0 && this.started) this.finish();
  }

  private start(): void {
    const worker = new Worker(this.options.workerScript, {
      workerData: { maxBytes: this.options.maxBytes } satisfies ParseWorkerData,
      resourceLimits: this.options.resourceLimits,
      stdout: false,
      stderr: false,
    });
    const slot: Slot = { worker, pending: [], running: false, stopped: false, error: undefined, timer: undefined };
    this.slots.add(slot);
    worker.on('message', (reply: ParseReply) => {
      if (slot.stopped) return;
      if ('ready' in reply) {
        slot.running = true;
        this.arm(slot);
        return;
      }
      slot.pending.shift();
      for (const { index, outcome: o } of reply)
        this.settle(index, o.kind === 'parsed' ? { kind: 'parsed', parsed: unpackParsedFile(o.packed) } : o);
      if (this.finished) return;
      this.arm(slot);
      this.feed(slot);
    });
    worker.on('error', (error) => {
      slot.error = error.message;
    });
    worker.on('exit', (code) => {
      this.lost(slot, `its parser stopped (${slot.error ?? `exit code ${code}`})`);
    });
    this.feed(slot);
  }
}
