// The live side's records at scale: the event store's bound (O(1) eviction, and evicted events not recorded twice by a
// relist), the UID cache fed page by page (pods missing from the whole list marked deleted only after its last page),
// its name index and the bound on deleted pods, and the one field selector the allow-list accepts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertReadPath, eventReasonSelector, NotAReadEndpointError, readPaths } from '../../server/src/cluster/endpoints';
import { EventStore } from '../../server/src/cluster/event-store';
import { PodCache } from '../../server/src/cluster/pod-cache';
import type { ApiObject } from '../../server/src/core/index';

const clock = () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return () => new Date((t += 1000));
};

function event(i: number, rv = '1'): ApiObject {
  return {
    metadata: { uid: `ev-${i}`, namespace: 'ci', resourceVersion: rv },
    reason: 'Preempted',
    type: 'Normal',
    note: `Preempted by pod pre-${i} on node n1`,
    regarding: { kind: 'Pod', namespace: 'ci', name: `victim-${i}`, uid: `v-${i}` },
    eventTime: new Date(Date.parse('2026-01-01T00:00:00Z') + i * 1000).toISOString(),
  };
}

function pod(i: number, rv = '1', extra: Partial<{ name: string; created: string }> = {}): ApiObject {
  return {
    metadata: {
      uid: `p-${i}`,
      name: extra.name ?? `web-${i}`,
      namespace: 'ci',
      resourceVersion: rv,
      creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z',
      labels: { app: 'web', 'pod-template-hash': 'abc' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1', controller: true }],
    },
    spec: { nodeName: 'n1', priority: 100, priorityClassName: 'low', containers: [{ name: 'c', image: 'x' }] },
    status: { phase: 'Running', qosClass: 'BestEffort' },
  };
}

test('event store: the bound drops the least recently recorded in O(1), and a relist does not record dropped events again', () => {
  const store = new EventStore(undefined, 100, clock());
  let recorded = 0;
  for (let i = 0; i < 1000; i++) if (store.upsert(event(i)) !== undefined) recorded++;
  assert.equal(recorded, 1000);
  assert.equal(store.size, 100);
  assert.equal(store.evictedCount, 900);
  assert.deepEqual(
    store.all().map((e) => e.uid),
    Array.from({ length: 100 }, (_, i) => `ev-${900 + i}`),
  );
  // A relist (apiserver restart) delivers every event again, same resourceVersions: nothing is recorded twice.
  for (let i = 0; i < 1000; i++) assert.equal(store.upsert(event(i)), undefined, `ev-${i} again`);
  assert.equal(store.duplicatesDropped, 1000);
  // A dropped event that changed (a new resourceVersion: count or series updated) is recorded again, once.
  assert.ok(store.upsert(event(5, '2')) !== undefined);
  assert.equal(store.upsert(event(5, '2')), undefined);
  // A long storm through a small store takes linear time: the old store sorted all it held on each insert past the
  // bound (50,000 x 1,000 x log 1,000 comparisons, minutes); a generous bound, the machine may be busy.
  const big = new EventStore(undefined, 1000, clock());
  const started = Date.now();
  for (let i = 0; i < 50_000; i++) big.upsert(event(i));
  assert.ok(Date.now() - started < 60_000, `${Date.now() - started} ms for 50,000 events`);
});

test('event store: a second Preempted event for the same victim and preemptor is folded into the first record, once', () => {
  const store = new EventStore(undefined, 100, clock());
  const again = {
    ...event(1),
    metadata: { uid: 'ev-1-again', namespace: 'ci', resourceVersion: '7' },
    eventTime: '2026-01-01T00:05:00.000000Z',
  };
  assert.ok(store.upsert(event(1)) !== undefined);
  const folded = store.upsert(again);
  assert.equal(folded?.uid, 'ev-1', 'the record of the preemption, not a new one');
  assert.deepEqual(folded?.mergedUids, ['ev-1-again']);
  assert.equal(folded?.count, 2);
  assert.equal(folded?.time, '2026-01-01T00:05:00.000000Z');
  assert.equal(store.size, 1);
  assert.equal(store.preemptionRepeats, 1);
  // A relist delivers both again: nothing new.
  assert.equal(store.upsert(event(1)), undefined);
  assert.equal(store.upsert(again), undefined);
  assert.equal(store.all().length, 1);
  // Another preemptor of the same victim is another preemption.
  const other = {
    ...event(1),
    metadata: { uid: 'ev-1-other', namespace: 'ci', resourceVersion: '8' },
    note: 'Preempted by pod pre-x on node n1',
  };
  assert.equal(store.upsert(other)?.uid, 'ev-1-other');
  assert.equal(store.size, 2);
});

test('pod cache: a paged list marks pods deleted only after its last page, the name index finds the newest pod', () => {
  const now = clock();
  const cache = new PodCache(undefined, now);
  cache.onList([pod(1), pod(2), pod(3)], undefined);
  assert.equal(cache.size, 3);
  // A relist in two pages: pod 2 is in the second page, pod 3 is gone.
  cache.onListPage([pod(1, '2')], true, false, undefined);
  assert.equal(cache.byUid('p-2')?.deletedAt, undefined, 'not deleted before the last page');
  assert.equal(cache.byUid('p-3')?.deletedAt, undefined);
  cache.onListPage([pod(2, '2')], false, true, undefined);
  assert.equal(cache.byUid('p-2')?.deletedAt, undefined);
  assert.ok(cache.byUid('p-3')?.deletedAt !== undefined, 'missing from the whole list: deleted');
  // A name reused by a newer pod (StatefulSet): byName gives the newest.
  cache.onObject('ADDED', pod(4, '3', { name: 'web-3', created: '2026-01-01T01:00:00Z' }));
  assert.equal(cache.byName('ci', 'web-3')?.uid, 'p-4');
  assert.equal(cache.byName('ci', 'nope'), undefined);
  // Strings replicas share are one string.
  const a = cache.byUid('p-1');
  const b = cache.byUid('p-2');
  assert.ok(a !== undefined && b !== undefined);
  assert.equal(a.owners[0]?.name, 'web-abc');
  assert.deepEqual(a.labels, { app: 'web', 'pod-template-hash': 'abc' });
});

test('pod cache: deleted pods are kept up to the bound, most recently deleted first', () => {
  const cache = new PodCache(undefined, clock(), { maxDeletedPods: 10 });
  for (let i = 0; i < 50; i++) cache.onObject('ADDED', pod(i));
  for (let i = 0; i < 30; i++) cache.onObject('DELETED', pod(i, '2'));
  assert.equal(cache.size, 20 + 10);
  assert.equal(cache.byUid('p-0'), undefined, 'the oldest deletions are forgotten');
  assert.equal(cache.byName('ci', 'web-0'), undefined, 'and gone from the name index');
  assert.ok(cache.byUid('p-29')?.deletedAt !== undefined, 'the newest deletions are kept');
  assert.equal(cache.byUid('p-49')?.deletedAt, undefined, 'live pods are never dropped');
  cache.clearDeleted();
  assert.equal(cache.size, 20);
});

test('the allow-list takes one field selector: an event reason, on event collections only', () => {
  const q = (fieldSelector: string) => ({ limit: '500', fieldSelector });
  assertReadPath(readPaths.list('events'), 'get', q(eventReasonSelector('Preempted')));
  assertReadPath(readPaths.list('events', 'ci'), 'watch', { resourceVersion: '5', fieldSelector: 'reason=TaintManagerEviction' });
  for (const bad of [
    'reason=Preempted,type=Normal',
    'metadata.name=x',
    'reason!=Scheduled',
    'reason=',
    'reason=a b',
    `reason=${'A'.repeat(65)}`,
  ])
    assert.throws(() => assertReadPath(readPaths.list('events'), 'get', q(bad)), NotAReadEndpointError, bad);
  assert.throws(() => assertReadPath(readPaths.list('pods'), 'get', q('reason=Preempted')), NotAReadEndpointError, 'not on pods');
  assert.throws(
    () => assertReadPath(readPaths.list('events'), 'get', ['fieldSelector']),
    NotAReadEndpointError,
    'a selector needs its value',
  );
  assert.throws(() => eventReasonSelector('Preempted,x=y'), RangeError);
});
