// Idle heap compaction. A rebuild of a large workspace replaces the whole model: V8 frees the old one but keeps the
// half-empty pages it lived on (its normal full GCs compact only a few of them), so an idle server at 50k workloads held
// ~300 MiB of free heap pages it never returned. Once the server has been quiet for a moment after a rebuild (or after
// cross-file edits, which replace facts too), one full GC with compaction moves the live objects together and the
// emptied pages go back to the system.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Committed heap below which compaction is not worth a pause. */
export const minHeapBytes = 64 * 1024 * 1024;
/** Quiet time after the last analysis before compacting. */
export const idleMs = 2_000;

type Gc = () => void;
let gcFunction: Gc | null | undefined;

/** The engine's `gc` function: the global one under `--expose-gc`, otherwise enabled at run time (V8's own flag). */
export function engineGc(): Gc | undefined {
  if (gcFunction === undefined) {
    gcFunction = (globalThis as { gc?: Gc }).gc ?? null;
    if (gcFunction === null) {
      try {
        v8.setFlagsFromString('--expose-gc');
        gcFunction = vm.runInNewContext('gc') as Gc;
      } catch {
        gcFunction = null;
      }
    }
  }
  return gcFunction ?? undefined;
}

export interface CompactionResult {
  beforeBytes: number;
  afterBytes: number;
  usedBytes: number;
  ms: number;
}

/** compactHeap runs one full GC that compacts every page; undefined when the engine offers no GC hook. */
export function compactHeap(): CompactionResult | undefined {
  const gc = engineGc();
  if (gc === undefined) return undefined;
  const before = v8.getHeapStatistics().total_heap_size;
  const started = Date.now();
  v8.setFlagsFromString('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    v8.setFlagsFromString('--no-compact-on-every-full-gc');
  }
  const after = v8.getHeapStatistics();
  return { beforeBytes: before, afterBytes: after.total_heap_size, usedBytes: after.used_heap_size, ms: Date.now() - started };
}

/** Free old-space pages worth a compaction by themselves: a tenth of the heap, and at least this much. */
export const minFreeBytes = 32 * 1024 * 1024;

/**
 * worthCompacting: the committed heap is large, and it grew by a tenth since the last compaction or a tenth of it is
 * free old space. The second reading is a lower bound of what a compaction can give back (V8 counts garbage as used
 * until its next GC: right after a rebuild the previous model still counts), so it never compacts for nothing; it
 * catches a live set that shrank after the last compaction. New space is left out: its committed half-spaces read as
 * free whatever happens. The full run of 2026-12-08 compacted right after the index, with 749 MiB live at 50k; the live
 * set then settled at 652 MiB and the server stayed at rest with 838 MiB committed, not a tenth above the 795 MiB the
 * compaction had left.
 */
export function worthCompacting(committedBytes: number, lastCompactedBytes: number, oldSpaceFreeBytes: number): boolean {
  if (committedBytes < minHeapBytes) return false;
  return committedBytes > lastCompactedBytes * 1.1 || oldSpaceFreeBytes >= Math.max(committedBytes / 10, minFreeBytes);
}

/** Committed old-space bytes not in use (garbage since the last GC counts as used). */
function oldSpaceFree(): number {
  const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'old_space');
  return old === undefined ? 0 : old.space_size - old.space_used_size;
}

/**
 * IdleCompactor compacts once the server has been quiet for `idleMs` after an analysis that replaced facts (a rebuild,
 * or incremental cross-file edits: a burst of them leaves as many free pages as a rebuild; the full run of 2026-12-07
 * measured 923 MiB committed for 654 MiB live at 50k after 100 such edits, when only rebuilds armed it): `touched()`
 * on every analysis and background batch restarts the wait, so a burst of edits pays nothing until it ends.
 */
export class IdleCompactor {
  private timer: NodeJS.Timeout | undefined;
  private armed = false;
  /** Committed heap right after the last compaction. */
  private lastCompactedBytes = 0;

  constructor(
    private readonly log: (message: string) => void,
    private readonly delayMs = idleMs,
  ) {}

  /** released: facts were replaced, so memory may have been freed; compact when quiet if the heap grew by a tenth. */
  released(): void {
    this.armed = true;
    this.touched();
  }

  /** touched: the server is busy; postpone a pending compaction. */
  touched(): void {
    if (!this.armed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.run(), this.delayMs);
    this.timer.unref();
  }

  private run(): void {
    this.timer = undefined;
    this.armed = false;
    if (!worthCompacting(v8.getHeapStatistics().total_heap_size, this.lastCompactedBytes, oldSpaceFree())) return;
    const result = compactHeap();
    if (result === undefined) return;
    this.lastCompactedBytes = result.afterBytes;
    const mib = (n: number): string => (n / 1048576).toFixed(0);
    this.log(
      `compacted the heap while idle: ${mib(result.beforeBytes)} -> ${mib(result.afterBytes)} MiB committed (${mib(result.usedBytes)} MiB live) in ${result.ms} ms`,
    );
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.armed = false;
  }
}
