// Reading many manifests without leaving memory behind. `fs.readFile` allocates a buffer per file outside the V8 heap;
// after the index of a 50k-workload workspace (51,500 files) the freed buffers left ~70 MiB of the server's resident
// memory with the C allocator. The index reads one file at a time into one reused buffer instead (and is faster).
import * as fs from 'node:fs';

/** Files above this size get a buffer of their own, so one giant file does not pin a giant buffer for good. */
const keptBufferLimit = 1024 * 1024;

export class FileReader {
  private buffer = Buffer.allocUnsafeSlow(64 * 1024);

  /** read returns the file's bytes as a view that is valid only until the next call: consume it right away. */
  read(file: string): Uint8Array {
    // Non-blocking open: a FIFO swapped in after the walk must not hang the server (regular files are unaffected).
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      const stat = fs.fstatSync(fd);
      if (!stat.isFile()) throw new Error('not a regular file');
      const size = stat.size;
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
