// History records carry the kubeconfig context they came from, and a store set to a context shows only that context's
// records (plus records of older files, which have no context and still load).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HistoryStore } from '../../server/src/cluster/history';
import type { EventRecord } from '../../server/src/core/index';

const event = (uid: string): EventRecord => ({
  uid,
  reason: 'Preempted',
  note: 'Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node node-a',
  time: '2026-11-20T10:05:00Z',
  regarding: { kind: 'Pod', namespace: 'ci', name: `victim-${uid}` },
});

test('records are stamped with the context; the view of a context hides other contexts; old files still load', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-history-ctx-'));
  // A file written before records had a context.
  fs.writeFileSync(
    path.join(dir, 'history.jsonl'),
    `${JSON.stringify({ 'kube-priority-lens-history': 1 })}\n${JSON.stringify({ type: 'event', at: '2026-11-20T10:05:01Z', event: event('old') })}\n`,
  );
  let h = await HistoryStore.open({ dir, now: () => Date.parse('2026-11-21T00:00:00Z') });
  assert.deepEqual(
    h.events().map((e) => e.uid),
    ['old'],
  );
  h.context = 'demo';
  await h.append([{ type: 'event', at: '2026-11-20T11:00:00Z', event: event('a') }]);
  h.context = 'prod';
  await h.append([{ type: 'event', at: '2026-11-20T11:00:00Z', event: event('b') }]);
  await h.flush();
  const lines = fs.readFileSync(path.join(dir, 'history.jsonl'), 'utf8').trim().split('\n').slice(1);
  assert.deepEqual(
    lines.map((l) => (JSON.parse(l) as { context?: string }).context),
    [undefined, 'demo', 'prod'],
  );
  h = await HistoryStore.open({ dir, now: () => Date.parse('2026-11-21T00:00:00Z') });
  h.context = 'demo';
  assert.deepEqual(
    h
      .events()
      .map((e) => e.uid)
      .sort(),
    ['a', 'old'],
  );
  h.context = 'prod';
  assert.deepEqual(
    h
      .events()
      .map((e) => e.uid)
      .sort(),
    ['b', 'old'],
  );
  assert.doesNotMatch(h.exportJson(), /victim-a/);
  h.context = undefined;
  assert.deepEqual(
    h
      .events()
      .map((e) => e.uid)
      .sort(),
    ['a', 'b', 'old'],
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
