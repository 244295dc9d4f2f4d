// The index's file reader (server/src/workspace/read.ts): one reused buffer, views valid until the next read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileReader, isTooLarge } from '../../server/src/workspace/read';

test('FileReader reads files of every size exactly, reusing its buffer for small ones', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-read-'));
  try {
    const reader = new FileReader();
    const sizes = [0, 1, 100, 64 * 1024, 64 * 1024 + 1, 300_000, 2 * 1024 * 1024, 10];
    const views: Uint8Array[] = [];
    for (const [i, size] of sizes.entries()) {
      const bytes = Buffer.alloc(size, i + 1);
      const file = path.join(dir, `f${i}.yaml`);
      fs.writeFileSync(file, bytes);
      const view = reader.read(file);
      assert.ok(!isTooLarge(view));
      assert.equal(view.length, size);
      assert.ok(Buffer.from(view).equals(bytes), `file ${i} (${size} bytes) read exactly`);
      views.push(view);
    }
    // Files up to 1 MiB share one (grown) buffer, so the views alias it; the 2 MiB file got a buffer of its own.
    assert.ok(views[1]?.buffer === views[2]?.buffer, 'small files share the first buffer');
    assert.ok(views[5]?.buffer === views[7]?.buffer, 'the buffer grown for 300 KB is kept');
    assert.ok(views[6]?.buffer !== views[7]?.buffer, 'the 2 MiB buffer is not kept');
    assert.throws(() => reader.read(path.join(dir, 'missing.yaml')), /ENOENT/);
    assert.throws(() => reader.read(dir), /EISDIR|not a regular file/);
    if (process.platform !== 'win32') {
      const fifo = path.join(dir, 'pipe.yaml');
      execFileSync('mkfifo', [fifo]);
      assert.throws(() => reader.read(fifo), /not a regular file/, 'a FIFO is refused instead of blocking');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('FileReader checks the size before reading: a file over the bound is not read, at the bound it is', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-read-'));
  try {
    // A sparse file: 8 GiB claimed, no block written; reading it whole would need 8 GiB of memory.
    const sparse = path.join(dir, 'sparse.yaml');
    fs.closeSync(fs.openSync(sparse, 'w'));
    fs.truncateSync(sparse, 8 * 1024 * 1024 * 1024);
    const reader = new FileReader();
    assert.equal(reader.maxBytes, 64 * 1024 * 1024, '64 MiB by default');
    const before = process.memoryUsage().arrayBuffers;
    assert.deepEqual(reader.read(sparse), { tooLarge: true, size: 8 * 1024 * 1024 * 1024 });
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024, 'nothing of it was read into memory');
    const small = new FileReader(1000);
    const exact = path.join(dir, 'exact.yaml');
    fs.writeFileSync(exact, Buffer.alloc(1000, 0x61));
    const read = small.read(exact);
    assert.ok(!isTooLarge(read) && read.length === 1000, 'a file of exactly the bound is read');
    fs.appendFileSync(exact, 'a');
    assert.deepEqual(small.read(exact), { tooLarge: true, size: 1001 });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
