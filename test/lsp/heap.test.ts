// Idle heap compaction (server/src/lsp/heap.ts): after a rebuild (or cross-file edits) frees most of the heap, the pages
// come back.
// Each test file runs in its own process, so the fragmentation built here is this process's own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as v8 from 'node:v8';
import { engineGc, IdleCompactor, worthCompacting } from '../../server/src/lsp/heap';

/** fragment fills the heap with small objects and keeps one in ten: every page ends up mostly free. */
function fragment(count: number): object[] {
  const kept: object[] = [];
  let garbage: object[] | undefined = [];
  for (let i = 0; i < count; i++) {
    const o = { index: i, name: `object-${i}` };
    if (i % 10 === 0) kept.push(o);
    else garbage.push(o);
  }
  garbage = undefined;
  return kept;
}

test('worthCompacting wants a heap of 64 MiB that grew by a tenth since the last compaction', () => {
  const mib = 1024 * 1024;
  assert.equal(worthCompacting(50 * mib, 0, 0), false, 'small heap');
  assert.equal(worthCompacting(100 * mib, 0, 0), true, 'never compacted');
  assert.equal(worthCompacting(105 * mib, 100 * mib, 0), false, 'barely grew');
  assert.equal(worthCompacting(120 * mib, 100 * mib, 0), true, 'grew by a fifth');
});

test('worthCompacting also wants a heap of which a tenth (and at least 32 MiB) is free old space', () => {
  const mib = 1024 * 1024;
  // The full run of 2026-12-08 at 50k: compacted to 795 MiB with 749 live; later 838 committed, 683 used (new space 32).
  assert.equal(worthCompacting(838 * mib, 795 * mib, 120 * mib), true, 'the live set shrank after the last compaction');
  assert.equal(worthCompacting(838 * mib, 795 * mib, 60 * mib), false, 'less than a tenth free');
  assert.equal(worthCompacting(200 * mib, 195 * mib, 25 * mib), false, 'a tenth free, but under 32 MiB');
  assert.equal(worthCompacting(200 * mib, 195 * mib, 40 * mib), true, '40 MiB free');
  assert.equal(worthCompacting(60 * mib, 0, 40 * mib), false, 'small heap');
});

test('the idle compactor waits for quiet after facts were released, then hands the free pages back', async () => {
  const gc = engineGc();
  assert.ok(gc !== undefined, 'the engine offers a GC hook');
  const kept = fragment(2_000_000);
  const fragmented = fragment(2_000_000);
  gc(); // an ordinary full GC frees the garbage but keeps most of its pages
  const before = v8.getHeapStatistics();
  assert.ok(
    before.total_heap_size - before.used_heap_size > 64 * 1024 * 1024,
    `fragmented heap: ${before.used_heap_size} used of ${before.total_heap_size}`,
  );
  const logged: string[] = [];
  const compactor = new IdleCompactor((m) => logged.push(m), 50);
  compactor.touched(); // not armed: nothing scheduled
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(logged, []);
  compactor.released();
  await new Promise((r) => setTimeout(r, 30));
  compactor.touched(); // busy again: the wait restarts
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(logged, [], 'still waiting for quiet');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(logged.length, 1);
  assert.match(logged[0] ?? '', /^compacted the heap while idle: \d+ -> \d+ MiB committed \(\d+ MiB live\) in \d+ ms$/);
  const after = v8.getHeapStatistics();
  assert.ok(
    after.total_heap_size < before.total_heap_size - 32 * 1024 * 1024,
    `committed ${before.total_heap_size} -> ${after.total_heap_size}`,
  );
  assert.equal(kept.length + fragmented.length, 400_000, 'the live objects survived the move');
  compactor.released(); // nothing grew since: no second compaction
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(logged.length, 1);
  // A large live set, compacted while alive (as right after an index), then half of it goes: the heap does not grow,
  // but the half-empty pages left behind are worth a compaction.
  const stay: object[] = [];
  const go: object[] = [];
  for (let i = 0; i < 2_000_000; i++) (i % 2 === 0 ? stay : go).push({ index: i, name: `object-${i}` });
  gc();
  compactor.released();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(logged.length, 2, 'compacted once the heap grew');
  go.length = 0;
  gc();
  const committed = v8.getHeapStatistics().total_heap_size;
  compactor.released();
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(logged.length, 3, `compacted again once half the live objects were gone (${logged.join('; ')})`);
  assert.ok(v8.getHeapStatistics().total_heap_size < committed - 16 * 1024 * 1024, 'the half-empty pages were given back');
  assert.equal(kept.length + stay.length, 1_200_000, 'the live objects survived the move');
  compactor.dispose();
});
