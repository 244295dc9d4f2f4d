/**
 * Differential scenario 10 against a real Kueue v0.19.2 (issue 21; test/scenarios/KUEUE.md): a Kueue whose
 * Configuration enables fair sharing (both preemption strategies) and shortens waitForPodsReady to 10 s with a 3 s
 * requeue backoff (kueue.ts writes the fields into its Configuration). First the weighted shares the engine computes
 * (kueueFairShares) against `status.fairSharing.weightedShare`, what it says weights 1 and 2 imply, and the ClusterQueue
 * it names as the target against the Workload Kueue evicts (`InCohortFairSharing`); then quota above node capacity:
 * Kueue admits, the pod cannot be scheduled, Kueue evicts with `PodsReadyTimeout` and requeues, and the core reads
 * every text. Its own cluster (one 64-CPU node) and Kueue. `npm run test:kueue` runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster, waitFor } from '../harness';
import type { Cluster, K8sObject } from '../harness';
import { manifest, namespace } from '../scenario';
import { isKueuePreemptionEvent, parsePodsReadyTimeout, parseRequeuedCondition } from '../../../server/src/core/diagnose/kueue-messages';
import { kueueFairShares, kueueFairSharingNote, kueueFairSharingTarget } from '../../../server/src/core/semantics/kueue-fair-sharing';
import { kueueAlive, kueueSkip, startKueue } from './kueue';
import type { Kueue } from './kueue';
import type { CoreView } from './kueue-scenario';
import {
  clusterQueue,
  condition,
  coreView,
  cq,
  kueueJob,
  localQueue,
  resourceFlavor,
  submit,
  waitEventAbout,
  waitWorkloadCondition,
} from './kueue-scenario';
import { admittedWorkloads, checkFairSharingPreempted } from './kueue-live-usage';

const skip = kueueSkip();
const shared = [resourceFlavor()];

describe('real Kueue v0.19.2 with fair sharing and a 10 s PodsReady timeout: scenario 10', { skip, timeout: 10 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let kueue: Kueue | undefined;

  before(async () => {
    cluster = await startCluster({ nodes: [{ name: 'node-a', cpu: 64, memory: '256Gi', pods: 200 }] });
    kueue = await startKueue(cluster, {
      config: {
        fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] },
        waitForPodsReady: { timeout: '10s', requeuingStrategy: { timestamp: 'Eviction', backoffBaseSeconds: 3, backoffMaxSeconds: 10 } },
      },
    });
    await cluster.apply(manifest(...shared));
  });

  after(async () => {
    const k = kueue;
    try {
      await k?.stop();
    } finally {
      await cluster?.stop();
    }
    if (k !== undefined) assert.equal(kueueAlive(k), false, 'Kueue is stopped');
  });

  async function setup(ns: string, ...objects: K8sObject[]): Promise<CoreView> {
    await (cluster as Cluster).apply(manifest(namespace(ns), ...objects));
    return coreView(...shared, ...objects);
  }

  test('fair sharing, weights 1 and 2, equal borrowing: the weight-1 ClusterQueue is the target (InCohortFairSharing)', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s10';
    // Cohort s10 (8 CPU): a (2, weight 1) and b (2, weight 2) each run 4 (borrow 2); c (3) reclaims with 4; d (1) lends.
    const queues = [
      clusterQueue('s10-a', { cpu: '2', cohort: 's10' }),
      clusterQueue('s10-b', { cpu: '2', cohort: 's10', fairSharingWeight: '2' }),
      clusterQueue('s10-c', { cpu: '3', cohort: 's10', preemption: { reclaimWithinCohort: 'Any' } }),
      clusterQueue('s10-d', { cpu: '1', cohort: 's10' }),
    ];
    const view = await setup(ns, ...queues, ...['a', 'b', 'c'].map((x) => localQueue(ns, `lq-${x}`, `s10-${x}`)));
    const cqs = [...view.clusterQueues.values()];
    const note = kueueFairSharingNote(cq(view, 's10-a'), cqs, view.forest) ?? '';
    t.diagnostic(`engine: ${note}`);
    assert.match(note, /s10-b's share is half of s10-a's, so s10-a's Workloads are preempted first/);
    const ja = await submit(c, kueueJob(ns, 'a', { queue: 'lq-a', cpu: '4' }), { admitted: true });
    const jb = await submit(c, kueueJob(ns, 'b', { queue: 'lq-b', cpu: '4' }), { admitted: true });
    const live = await admittedWorkloads(c);
    const shares = kueueFairShares(cqs, [], live);
    // The engine's shares are the ones Kueue reports.
    await waitFor(
      async () => {
        for (const q of queues) {
          const real =
            (await c.getJson(['clusterqueues.kueue.x-k8s.io', q.metadata.name as string])).status?.fairSharing?.weightedShare ?? 0;
          if (real !== shares.get(q.metadata.name as string)?.rounded) return false;
        }
        return true;
      },
      30_000,
      {
        description: `status.fairSharing.weightedShare equal to the engine's ${JSON.stringify([...shares].map(([n, s]) => [n, s.rounded]))}`,
      },
    );
    assert.deepEqual([shares.get('s10-a')?.rounded, shares.get('s10-b')?.rounded], [250, 125]);
    assert.equal(kueueFairSharingTarget(shares, ['s10-a', 's10-b']), 's10-a');
    const p = await submit(c, kueueJob(ns, 'c', { queue: 'lq-c', cpu: '4' }), { admitted: false });
    const message = await checkFairSharingPreempted(
      c,
      view,
      { submitted: p, clusterQueue: 's10-c' },
      { submitted: ja, clusterQueue: 's10-a' },
    );
    t.diagnostic(`Kueue: ${message}`);
    await waitWorkloadCondition(c, ns, p.workload.metadata.name as string, 'Admitted', 'True');
    const kept = await c.getJson(['workloads.kueue.x-k8s.io', '-n', ns, jb.workload.metadata.name as string]);
    assert.equal(condition(kept, 'Preempted'), undefined, 'the weight-2 ClusterQueue keeps its Workload');
  });

  test('quota above node capacity: PodsReadyTimeout eviction and requeue, read by the core', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s10b';
    await setup(ns, clusterQueue('s10b-cq', { cpu: '200' }), localQueue(ns, 'lq', 's10b-cq'));
    // 100 CPU fits the quota and no node: Kueue admits it, the pod stays Pending, and 10 s later Kueue evicts it.
    const huge = await submit(c, kueueJob(ns, 'huge', { queue: 'lq', cpu: '100' }), { admitted: false });
    const name = huge.workload.metadata.name as string;
    await waitWorkloadCondition(c, ns, name, 'Admitted', 'True');
    const w = await waitWorkloadCondition(c, ns, name, 'Evicted', 'True', 'PodsReadyTimeout', 60_000);
    const evicted = condition(w, 'Evicted');
    t.diagnostic(`Evicted: ${String(evicted?.message)}; Requeued: ${JSON.stringify(condition(w, 'Requeued'))}`);
    assert.deepEqual(parsePodsReadyTimeout(evicted?.message as string), { namespace: ns, name });
    const event = await waitEventAbout(c, ns, huge.workload.metadata.uid as string, 'EvictedDueToPodsReadyTimeout');
    assert.deepEqual(parsePodsReadyTimeout(event.note as string), { namespace: ns, name });
    assert.equal(
      isKueuePreemptionEvent({
        reason: event.reason as string,
        regardingKind: 'Workload',
        component: event.reportingController as string,
      }),
      false,
    );
    // Requeued False (the eviction's reason and message) during the requeue backoff (3 s), then True: BackoffFinished.
    const seen: K8sObject[] = [];
    const back = await waitFor(
      async () => {
        const x = await c.getJson(['workloads.kueue.x-k8s.io', '-n', ns, name]);
        const r = condition(x, 'Requeued');
        if (r !== undefined && !seen.some((s) => s.status === r.status && s.reason === r.reason)) seen.push(r);
        return r?.status === 'True' && r.reason === 'BackoffFinished' ? x : undefined;
      },
      60_000,
      { intervalMs: 200, description: `Workload ${ns}/${name} Requeued=True (BackoffFinished)` },
    );
    const during = seen.find((r) => r.status === 'False');
    assert.equal(during?.reason, 'PodsReadyTimeout', `Requeued False during the backoff: ${JSON.stringify(seen)}`);
    assert.deepEqual(parseRequeuedCondition(during)?.podsReadyTimeout, { namespace: ns, name });
    const requeued = parseRequeuedCondition(condition(back, 'Requeued'));
    assert.equal(requeued?.known, true, `the core knows the text: ${JSON.stringify(condition(back, 'Requeued'))}`);
    t.diagnostic(
      `Requeued: ${JSON.stringify(condition(back, 'Requeued'))}; evictions: ${JSON.stringify(back.status?.schedulingStats?.evictions)}`,
    );
    const evictions = (back.status?.schedulingStats?.evictions ?? []) as K8sObject[];
    assert.ok(evictions.some((e) => e.reason === 'PodsReadyTimeout' && (e.count as number) >= 1));
    const job = await c.getJson(['job', '-n', ns, 'huge']);
    assert.equal(job.status?.failed ?? 0, 0, 'the eviction cost the Job no retry');
    await c.kubectl(['delete', 'job', 'huge', '-n', ns, '--wait=false']);
  });
});
