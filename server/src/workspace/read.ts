// Reading many manifests without leaving memory behind. `fs.readFile` allocates a buffer per file outside the V8 heap;
// after the index of a 50k-workload workspace (51,500 files) the freed buffers left ~70 MiB of the server's resident
// memory with the C allocator. The index reads one file at a time into one reused buffer instead (and is faster).
import * as fs from 'node:fs';

// The size is checked (fstat of the open file) before anything is read: a file over the bound is not read at all, so a
// hostile giant or a sparse file claiming terabytes cannot take the server's or a CI job's memory.

/** Files above this size get a buffer of their own, so one giant file does not pin a giant buffer for good. */
const keptBufferLimit = 1024 * 1024;
const MiB = 1024 * 1024;
/** Files larger than this are not read unless configured otherwise (`--max-file-size`, `kubePriorityLens.maxFileSizeMiB`). */
export const defaultMaxFileMiB = 64;
/** The largest configurable bound (4 GiB): beyond that, one file would not fit in a Node buffer anyway. */
export const maxFileMiBLimit = 4096;

/** A file over the size bound: not read. */
export interface TooLarge {
  tooLarge: true;
  size: number;
}

export function isTooLarge(r: Uint8Array | TooLarge): r is TooLarge {
  return 'tooLarge' in r;
}

function formatMiB(bytes: number): string {
  const mib = bytes / MiB;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
}

/** The file-too-large finding's message: the file, its size, the bound and how to raise it. */
export function tooLargeMessage(shown: string, size: number, maxBytes: number, advice: string): string {
  return `${shown} is ${formatMiB(size)} (${size} bytes), larger than the ${formatMiB(maxBytes)} limit for one file; it was not read (${advice})`;
}

export class FileReader {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);

  /** @param maxBytes files larger than this are not read (default 64 MiB). */
  constructor(readonly maxBytes: number = defaultMaxFileMiB * MiB) {}

  /**
   * read returns the file's bytes as a view that is valid only until the next call (consume it right away), or
   * `{tooLarge, size}` without reading when the file is larger than `maxBytes`.
   */
  read(file: string): Uint8Array | TooLarge {
    // Non-blocking open: a FIFO swapped in after the walk must not hang the server (regular files are unaffected).
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new Error('not a regular file');
      const size = stat.size;
      if (size > this.maxBytes) return { tooLarge: true, size };
      let target = this.buffer;
      if (size > target.length) {
        target = Buffer.allocUnsafeSlow(size);
        if (size <= keptBufferLimit) this.buffer = target;
      }
      let read = 0;
      while (read < size) {
        const n = fs.readSync(fd, target, read, size - read, read);
        if (n === 0) break; // the file shrank meanwhile
        read += n;
      }
      return target.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  }
}
