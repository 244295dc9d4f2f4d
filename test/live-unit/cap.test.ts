// Issue 14: cluster text is bounded before it reaches memory or the history file. Event notes, pod status and condition
// messages (any string of a record) are cut to 4 KiB of UTF-8 with a visible `… [truncated from N bytes]` marker, at
// ingestion (the record constructors the connection uses) and when a history file written by an older version (or by
// hand) is loaded; the file is then rewritten without the megabytes.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { HistoryStore } from '../../server/src/cluster/history';
import { liveEventRow } from '../../server/src/cluster/rows';
import { capStrings, eventRecordFromObject, maxTextBytes, podRecordFromObject } from '../../server/src/core/index';
import { capText } from '../../server/src/core/diagnose/cap';

const MiB = 1 << 20;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const marker = /… \[truncated from (\d+) bytes\]$/;
const hugeNote = `Preempted by ${'a/'.repeat(MiB / 2)}`;

test('capText: short text unchanged; long text cut to 4 KiB of UTF-8 with the original size; idempotent; whole code points', () => {
  assert.equal(maxTextBytes, 4096);
  assert.equal(capText('Preempted by pod x on node y'), 'Preempted by pod x on node y');
  const exact = 'a'.repeat(4096);
  assert.equal(capText(exact), exact, 'exactly 4 KiB is kept');
  const cut = capText(hugeNote);
  assert.ok(bytes(cut) <= 4096, `${bytes(cut)} bytes`);
  assert.equal(marker.exec(cut)?.[1], String(bytes(hugeNote)), 'the marker states the original size');
  assert.ok(cut.startsWith('Preempted by a/a/'), 'the beginning is kept');
  assert.equal(capText(cut), cut, 'capping again changes nothing');
  // Multi-byte text: no half code point (a lone surrogate or a broken UTF-8 sequence) at the cut.
  for (const unit of ['é', '€', '😀', 'a😀']) {
    const long = unit.repeat(5000);
    const c = capText(long);
    assert.ok(bytes(c) <= 4096, `${unit}: ${bytes(c)} bytes`);
    const kept = c.replace(marker, '');
    assert.ok(long.startsWith(kept), `${unit}: prefix`);
    assert.equal(Buffer.from(kept, 'utf8').toString('utf8'), kept, `${unit}: valid UTF-8`);
    assert.doesNotMatch(kept, /[\ud800-\udbff]$/, `${unit}: no lone high surrogate at the cut`);
  }
});

test('capStrings: every string of a JSON value (keys too), the same object when nothing is cut', () => {
  const small = { a: ['x', { b: 'y' }], n: 1 };
  assert.equal(capStrings(small), small);
  const big = { a: ['x', { b: hugeNote }], [hugeNote]: 1 };
  const c = capStrings(big);
  assert.notEqual(c, big);
  assert.ok(bytes(JSON.stringify(c)) < 3 * 4096, `${bytes(JSON.stringify(c))} bytes`);
  assert.match((c.a[1] as { b: string }).b, marker);
});

test('ingestion: a 1 MiB event note and pod messages are capped by the record constructors (memory, history, rows)', () => {
  const event = eventRecordFromObject({
    metadata: { uid: 'e1', namespace: 'ci', resourceVersion: '1' },
    reason: 'Preempted',
    message: hugeNote,
    involvedObject: { kind: 'Pod', namespace: 'ci', name: 'victim', uid: 'v1' },
    lastTimestamp: '2026-11-20T10:00:00Z',
  });
  assert.ok(event !== undefined);
  assert.ok(bytes(event.note) <= 4096, `note kept: ${bytes(event.note)} bytes`);
  assert.match(event.note, marker);
  // events.k8s.io/v1 spelling (note) too.
  const v1 = eventRecordFromObject({
    metadata: { uid: 'e2', namespace: 'ci' },
    reason: 'Evicted',
    note: hugeNote,
    regarding: { kind: 'Pod', namespace: 'ci', name: 'victim' },
    eventTime: '2026-11-20T10:00:00Z',
  });
  assert.ok(v1 !== undefined && bytes(v1.note) <= 4096);
  const pod = podRecordFromObject({
    metadata: { uid: 'v1', name: 'victim', namespace: 'ci', labels: { app: hugeNote } },
    spec: { priority: 0 },
    status: {
      phase: 'Failed',
      reason: 'Evicted',
      message: hugeNote,
      conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: hugeNote }],
    },
  });
  assert.ok(pod !== undefined);
  assert.ok(bytes(JSON.stringify(pod)) < 4 * 4096, `pod record: ${bytes(JSON.stringify(pod))} bytes`);
  assert.match(pod.message ?? '', marker);
  assert.match(pod.conditions?.[0]?.message ?? '', marker);
  // The live view shows the marker: the user sees that the text was cut.
  const row = liveEventRow(event, { byUid: () => pod, byName: () => undefined });
  assert.match(row.message, marker);
});

test('history: a file written by an older version with a 1 MiB note loads capped, and is rewritten small', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cap-'));
  const file = path.join(dir, 'history.jsonl');
  const at = '2026-11-20T10:00:00Z';
  const lines = [
    JSON.stringify({ 'kube-priority-lens-history': 1 }),
    JSON.stringify({
      type: 'event',
      at,
      event: {
        uid: 'e1',
        resourceVersion: '1',
        reason: 'Preempted',
        note: hugeNote,
        time: at,
        regarding: { kind: 'Pod', namespace: 'ci', name: 'victim', uid: 'v1' },
      },
    }),
    JSON.stringify({
      type: 'pod',
      at,
      pod: {
        uid: 'v1',
        name: 'victim',
        namespace: 'ci',
        owners: [],
        message: hugeNote,
        conditions: [{ type: 'DisruptionTarget', status: 'True', message: hugeNote }],
      },
    }),
    JSON.stringify({
      type: 'event',
      at,
      event: {
        uid: 'e2',
        resourceVersion: '1',
        reason: 'Evicted',
        note: 'The node was low on resource: memory.',
        time: at,
        regarding: { kind: 'Pod', namespace: 'ci', name: 'other' },
      },
    }),
  ];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  assert.ok(fs.statSync(file).size > 3 * MiB);
  const store = await HistoryStore.open({ dir, now: () => Date.parse('2026-11-21T00:00:00Z') });
  const events = store.events();
  assert.equal(events.length, 2, 'every record is kept');
  const note = events.find((e) => e.uid === 'e1')?.note ?? '';
  assert.ok(bytes(note) <= 4096, `${bytes(note)} bytes in memory`);
  assert.match(note, marker);
  assert.equal(events.find((e) => e.uid === 'e2')?.note, 'The node was low on resource: memory.', 'short notes untouched');
  assert.match(store.pods()[0]?.message ?? '', marker);
  assert.ok(
    store.messages.some((m) => /cut 2 records/.test(m)),
    `message about the cut: ${JSON.stringify(store.messages)}`,
  );
  await store.flush();
  const size = fs.statSync(file).size;
  assert.ok(size < 32 * 1024, `the file is rewritten without the megabytes: ${size} bytes`);
  // Appending an uncapped record (any caller) stores it capped too.
  await store.append([
    {
      type: 'event',
      at,
      event: {
        uid: 'e3',
        resourceVersion: '1',
        reason: 'Preempted',
        note: hugeNote,
        time: at,
        regarding: { kind: 'Pod', namespace: 'ci', name: 'x' },
      },
    },
  ]);
  await store.flush();
  assert.ok(fs.statSync(file).size < 48 * 1024, `append stays small: ${fs.statSync(file).size} bytes`);
  const again = await HistoryStore.open({ dir, now: () => Date.parse('2026-11-21T00:00:00Z') });
  assert.deepEqual(again.messages, [], 'a capped file loads without a cut');
  assert.match(again.events().find((e) => e.uid === 'e3')?.note ?? '', marker);
});
