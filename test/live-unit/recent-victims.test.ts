// The Diagnose Pod picker's recent victims (server/src/cluster/recent-victims.ts): pods named by kube-scheduler's
// Preempted event and Jobs whose Workload Kueue preempted or evicted, newest first, one item each, Kueue items with the
// target `Job/namespace/name` (the Kueue Job diagnose). Real texts: kube-scheduler's event and Kueue v0.19.2's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recentVictims } from '../../server/src/cluster/recent-victims';
import type { VictimSource } from '../../server/src/cluster/recent-victims';
import { eventRecordFromObject, podRecordFromObject, workloadEvictionRecord, workloadRecordFromObject } from '../../server/src/core/index';
import type { EventRecord, PodRecord, WorkloadRecord } from '../../server/src/core/index';
import { preemptedEvent, preemptorPod, victimPod } from './fixtures';
import { admittedHigh, evictedLow, kueuePreemptedEvent, podsReadyTimeoutWorkload, readmittedLow } from './kueue-fixtures';

const wl = (o: Record<string, unknown>): WorkloadRecord => workloadRecordFromObject(o)!;
const now = Date.parse('2026-12-07T09:44:00Z');

function source(events: EventRecord[], pods: PodRecord[], workloads: WorkloadRecord[]): VictimSource {
  return {
    events: () => [...events],
    byUid: (uid) => pods.find((p) => p.uid === uid),
    byName: (ns, name) => pods.find((p) => p.namespace === ns && p.name === name),
    workloadByUid: (uid) => workloads.find((w) => w.uid === uid),
    workloadByJobUid: (uid) => workloads.find((w) => w.jobUid === uid),
  };
}

test('Kueue-preempted and evicted Jobs among the pod victims, newest first, one item per Job, target Job/ns/name', () => {
  const workloads = [wl(evictedLow), wl(admittedHigh), wl(podsReadyTimeoutWorkload)];
  const pods = [podRecordFromObject(victimPod)!, podRecordFromObject(preemptorPod)!];
  // Arrival order: the Workload-condition records (PodsReadyTimeout at 09:40 listed first) before the pod's and Kueue's events.
  const events = [
    workloadEvictionRecord(wl(podsReadyTimeoutWorkload))!,
    eventRecordFromObject(preemptedEvent)!,
    workloadEvictionRecord(wl(evictedLow))!,
    eventRecordFromObject(kueuePreemptedEvent)!,
  ];
  const items = recentVictims(source(events, pods, workloads), now);
  assert.deepEqual(
    items.map((i) => [i.target, i.description]),
    [
      ['Job/kq-s1/slow', 'Kueue: evicted (PodsReadyTimeout), 4 min ago · Kueue priority 0'],
      ['Job/kq-s1/low', 'Kueue: preempted by kq-s1/high (InClusterQueue), 43 min ago · Kueue priority 100'],
      ['ci/test-shard-0-x7k2p', 'preempted by ci/evaluation-q9z8w, 16 days ago · priority 100 · node-a'],
    ],
  );
  assert.ok(items.every((i) => i.source === 'victim' && i.label === i.target));
  assert.equal(items[1]?.time, '2026-12-07T09:01:00Z');
});

test('a re-admitted victim says so; an unknown preemptor or Workload owner is not guessed', () => {
  const readmitted = recentVictims(source([workloadEvictionRecord(wl(readmittedLow))!], [], [wl(readmittedLow)]), now);
  assert.deepEqual(
    readmitted.map((i) => i.description),
    // The flipped condition's time is the re-admission's (09:20): the only time left once the events are gone.
    ['Kueue: preempted by a higher-priority workload (InClusterQueue), 24 min ago · Kueue priority 100 · admitted again since'],
  );
  // Kueue's event about a Workload the cache never saw: no Job to diagnose, so no item (the live view still has the row).
  assert.deepEqual(recentVictims(source([eventRecordFromObject(kueuePreemptedEvent)!], [], []), now), []);
});
