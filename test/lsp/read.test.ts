// The index's file reader (server/src/workspace/read.ts): one reused buffer, views valid until the next read.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileReader } from '../../server/src/workspace/read';

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
