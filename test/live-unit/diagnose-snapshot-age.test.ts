// Diagnose Pod's use of the cluster snapshot (diagnose-pod.ts) with the real SnapshotPoller over a scripted fake API
// and a clock the test moves: a periodic snapshot is never reused; one an earlier Diagnose read under 5 s ago is; one
// 5-30 s old is used at once while a newer one is read in the background, and the report says how old it is; older
// than 30 s, Diagnose waits for the new read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from '../../server/src/cluster/api';
import { ApiError } from '../../server/src/cluster/api';
import { diagnosePod, DIAGNOSE_SNAPSHOT_MAX_STALE_MS } from '../../server/src/cluster/diagnose-pod';
import type { DiagnoseDeps } from '../../server/src/cluster/diagnose-pod';
import { PodCache } from '../../server/src/cluster/pod-cache';
import { SnapshotPoller } from '../../server/src/cluster/snapshot-poller';
import { renderDiagnoseText } from '../../server/src/core/index';
import type { ApiObject } from '../../server/src/core/index';
import { ciDefault, ns, victimPod } from './fixtures';

test('Diagnose Pod: snapshot reused, served stale while re-read (age in the report), or waited for', async () => {
  let clock = Date.parse('2026-12-07T06:00:00Z');
  const now = () => new Date(clock);
  let nodeLists = 0;
  /** Node lists held back until the test releases them (a slow list of 1,000 Nodes). */
  const held: Array<() => void> = [];
  let hold = false;
  const api = {
    async get(p: string): Promise<ApiObject> {
      if (p.includes('/pods/')) throw new ApiError('not found', 404);
      if (p.endsWith('/nodes')) {
        nodeLists++;
        if (hold) await new Promise<void>((r) => held.push(r));
        return { items: [{ metadata: { name: `node-${nodeLists}` }, status: { allocatable: { cpu: '4' } } }] };
      }
      if (p.endsWith('/priorityclasses')) return { items: [ciDefault] };
      return { items: [] };
    },
  } as unknown as ApiClient;
  const poller = new SnapshotPoller({
    api: () => api,
    namespaces: () => undefined,
    stopped: () => false,
    now,
    onRead: () => undefined,
    onResnapshotted: () => undefined,
  });
  const pods = new PodCache(undefined, now);
  pods.onList([victimPod], undefined);
  const deps: DiagnoseDeps = {
    api,
    watch: true,
    poller,
    refreshSnapshot: () => poller.refresh(),
    getObject: async (p) => api.get(p).catch(() => undefined),
    remember: (r) => pods.put(r),
    pods,
    allPods: () => pods.all(),
    events: () => [],
    state: () => ({ state: 'live' }),
    scopeNamespaces: undefined,
    now,
    log: () => undefined,
  };
  const target = { namespace: ns, name: 'test-shard-0-x7k2p' };

  // The start-up snapshot: never reused by a Diagnose (a class created since would be missing).
  await poller.refresh();
  assert.equal(nodeLists, 1);
  clock += 1000;
  let r = await diagnosePod(deps, target);
  assert.equal(nodeLists, 2, 'the periodic snapshot is re-read');
  assert.equal(r.source?.snapshotAgeMs, undefined);

  // Under 5 s: reused as it is.
  clock += 3000;
  r = await diagnosePod(deps, target);
  assert.equal(nodeLists, 2);
  assert.equal(r.source?.snapshotAgeMs, undefined);

  // 12 s old: answered at once from it, the new read still held back; the report says how old the data is.
  clock += 9000;
  hold = true;
  r = await diagnosePod(deps, target);
  assert.equal(nodeLists, 3, 'a new read started in the background');
  assert.equal(held.length, 1, 'and the report did not wait for it');
  assert.equal(r.source?.snapshotAgeMs, 12_000);
  assert.match(
    renderDiagnoseText(r),
    /PriorityClasses, Nodes, PodDisruptionBudgets and LimitRanges as read 12 s ago; a newer read is under way\./,
  );
  // A second Diagnose meanwhile shares the read in flight.
  r = await diagnosePod(deps, target);
  assert.equal(nodeLists, 3);
  assert.equal(r.source?.snapshotAgeMs, 12_000);
  hold = false;
  held.shift()?.();
  await poller.refresh();
  assert.equal(poller.current().nodes[0]?.['metadata'] !== undefined, true);

  // The background read counts as read for Diagnose: reused while young, with no age shown.
  clock += 1000;
  r = await diagnosePod(deps, target);
  assert.equal(nodeLists, 3);
  assert.equal(r.source?.snapshotAgeMs, undefined);

  // Past the bound: Diagnose waits for a new read rather than answer from older data.
  clock += DIAGNOSE_SNAPSHOT_MAX_STALE_MS + 1000;
  hold = true;
  let done = false;
  const waiting = diagnosePod(deps, target).then((x) => {
    done = true;
    return x;
  });
  await new Promise((res) => setTimeout(res, 20));
  assert.equal(done, false, 'waits for the new read');
  hold = false;
  held.shift()?.();
  r = await waiting;
  assert.equal(nodeLists, 4);
  assert.equal(r.source?.snapshotAgeMs, undefined);
});
