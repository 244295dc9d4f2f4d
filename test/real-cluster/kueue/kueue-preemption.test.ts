/**
 * Differential scenarios against a real Kueue v0.19.2 (issue 21; test/scenarios/KUEUE.md has the results): classical
 * preemption within a ClusterQueue and across a cohort. Each scenario asserts what Kueue did AND that the core agrees:
 * kueuePreemptionPaths offers the reason Kueue wrote, and the core's parsers read Kueue's real condition and event texts
 * (UIDs equal to the real preemptor Workload's and Job's).
 *
 * One cluster (one 64-CPU KWOK node: Kueue admits against quota, the node only has to hold the pods) and one Kueue for
 * every scenario; each scenario has its own namespace, ClusterQueues and cohort. `npm run test:kueue` runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster } from '../harness';
import type { Cluster, K8sObject } from '../harness';
import { manifest, namespace } from '../scenario';
import { kueueAlive, kueueSkip, startKueue } from './kueue';
import type { Kueue } from './kueue';
import { clusterQueue, coreView, kueueJob, localQueue, resourceFlavor, submit, workloadPriorityClass } from './kueue-scenario';
import { checkNotPreempted, checkPreempted } from './kueue-check';

const skip = kueueSkip();
const shared = [
  resourceFlavor(),
  workloadPriorityClass('wpc-low', 100),
  workloadPriorityClass('wpc-mid', 500),
  workloadPriorityClass('wpc-high', 1000),
];

describe('real Kueue v0.19.2: classical preemption, Kueue and the core agree', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let kueue: Kueue | undefined;

  before(async () => {
    const t0 = Date.now();
    cluster = await startCluster({ nodes: [{ name: 'node-a', cpu: 64, memory: '256Gi', pods: 200 }] });
    const t1 = Date.now();
    kueue = await startKueue(cluster);
    process.stderr.write(
      `# cluster ${t1 - t0} ms, Kueue ${Date.now() - t1} ms (${JSON.stringify(kueue.timings)}), ${kueue.webhooks.length} webhooks\n`,
    );
    await cluster.apply(manifest(...shared));
  });

  after(async () => {
    // Always, also after a failed scenario: webhooks first, then Kueue, then the cluster, each by PID.
    const k = kueue;
    try {
      await k?.stop();
    } finally {
      await cluster?.stop();
    }
    if (k !== undefined) assert.equal(kueueAlive(k), false, 'Kueue is stopped');
  });

  /** Apply a scenario's queues; returns the core's view of the same manifests (shared classes included). */
  async function setup(ns: string, ...objects: K8sObject[]) {
    const c = cluster as Cluster;
    await c.apply(manifest(namespace(ns), ...objects));
    return coreView(...shared, ...objects);
  }

  test('the webhooks are in force and Kueue listens on loopback only', () => {
    const k = kueue as Kueue;
    assert.equal(k.webhooks.length, 43, `Kueue v0.19.2 ships 43 webhooks: ${k.webhooks.join(', ')}`);
    assert.ok(kueueAlive(k));
  });

  test('1. withinClusterQueue LowerPriority: wpc-high preempts wpc-low (InClusterQueue); backoffLimit 0 is not spent', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s1';
    const view = await setup(
      ns,
      clusterQueue('s1-cq', { cpu: '4', preemption: { withinClusterQueue: 'LowerPriority' } }),
      localQueue(ns, 'lq', 's1-cq'),
    );
    const low = await submit(c, kueueJob(ns, 'low', { queue: 'lq', cpu: '4', wpc: 'wpc-low' }), { admitted: true });
    assert.equal(low.workload.spec.priority, 100);
    const high = await submit(c, kueueJob(ns, 'high', { queue: 'lq', cpu: '4', wpc: 'wpc-high' }), { admitted: false });
    const facts = await checkPreempted(
      t,
      c,
      view,
      { submitted: high, clusterQueue: 's1-cq' },
      { submitted: low, clusterQueue: 's1-cq' },
      { reason: 'InClusterQueue', corePaths: ['InClusterQueue'] },
    );
    t.diagnostic(`facts: ${JSON.stringify(facts)}`);
  });

  test('3. withinClusterQueue Never: no preemption, no "Pending the preemption"', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s3';
    const view = await setup(
      ns,
      clusterQueue('s3-cq', { cpu: '4', preemption: { withinClusterQueue: 'Never' } }),
      localQueue(ns, 'lq', 's3-cq'),
    );
    const low = await submit(c, kueueJob(ns, 'low', { queue: 'lq', cpu: '4', wpc: 'wpc-low' }), { admitted: true });
    const high = await submit(c, kueueJob(ns, 'high', { queue: 'lq', cpu: '4', wpc: 'wpc-high' }), { admitted: false });
    const message = await checkNotPreempted(
      t,
      c,
      view,
      { submitted: high, clusterQueue: 's3-cq' },
      { submitted: low, clusterQueue: 's3-cq' },
    );
    assert.match(message, /insufficient unused quota for cpu in flavor default-flavor/);
  });

  // Scenarios 4 and 5: cq-x (4 CPU) lends to cq-y (2 CPU), where a wpc-high job borrows 2; then a wpc-low job comes
  // to cq-x needing its whole nominal 4.
  async function reclaimSetup(ns: string, cohort: string, reclaimWithinCohort: string) {
    const c = cluster as Cluster;
    const x = `${cohort}-cq-x`;
    const y = `${cohort}-cq-y`;
    const view = await setup(
      ns,
      clusterQueue(x, { cpu: '4', cohort, preemption: { reclaimWithinCohort } }),
      clusterQueue(y, { cpu: '2', cohort }),
      localQueue(ns, 'lq-x', x),
      localQueue(ns, 'lq-y', y),
    );
    const borrower = await submit(c, kueueJob(ns, 'high-borrower', { queue: 'lq-y', cpu: '4', wpc: 'wpc-high' }), { admitted: true });
    const reclaimer = await submit(c, kueueJob(ns, 'low-reclaimer', { queue: 'lq-x', cpu: '4', wpc: 'wpc-low' }), { admitted: false });
    return { view, x, y, borrower, reclaimer };
  }

  test('4. reclaimWithinCohort Any: a wpc-low job reclaims from a wpc-high borrower (InCohortReclamation)', async (t) => {
    const s = await reclaimSetup('kq-s4', 's4', 'Any');
    const facts = await checkPreempted(
      t,
      cluster as Cluster,
      s.view,
      { submitted: s.reclaimer, clusterQueue: s.x },
      { submitted: s.borrower, clusterQueue: s.y },
      { reason: 'InCohortReclamation', corePaths: ['InCohortReclamation'] },
    );
    t.diagnostic(`facts: ${JSON.stringify(facts)}`);
  });

  test('5. reclaimWithinCohort LowerPriority: the same reclaim is blocked', async (t) => {
    const s = await reclaimSetup('kq-s5', 's5', 'LowerPriority');
    const message = await checkNotPreempted(
      t,
      cluster as Cluster,
      s.view,
      { submitted: s.reclaimer, clusterQueue: s.x },
      { submitted: s.borrower, clusterQueue: s.y },
    );
    assert.match(message, /insufficient unused quota for cpu in flavor default-flavor/);
  });

  test('6. borrowWithinCohort LowerPriority, maxPriorityThreshold 200: wpc-low goes (InCohortReclaimWhileBorrowing), wpc-mid stays', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s6';
    // Cohort s6 (4 CPU): cq-a 1 (the preemptor's), cq-b 0 (borrows everything it uses), cq-c 3 (lends only).
    const view = await setup(
      ns,
      clusterQueue('s6-cq-a', {
        cpu: '1',
        cohort: 's6',
        preemption: { reclaimWithinCohort: 'LowerPriority', borrowWithinCohort: { policy: 'LowerPriority', maxPriorityThreshold: 200 } },
      }),
      clusterQueue('s6-cq-b', { cpu: '0', cohort: 's6' }),
      clusterQueue('s6-cq-c', { cpu: '3', cohort: 's6' }),
      localQueue(ns, 'lq-a', 's6-cq-a'),
      localQueue(ns, 'lq-b', 's6-cq-b'),
    );
    const low = await submit(c, kueueJob(ns, 'low', { queue: 'lq-b', cpu: '2', wpc: 'wpc-low' }), { admitted: true });
    const mid = await submit(c, kueueJob(ns, 'mid', { queue: 'lq-b', cpu: '2', wpc: 'wpc-mid' }), { admitted: true });
    // 2 CPU in cq-a (nominal 1): the preemptor has to borrow.
    const high = await submit(c, kueueJob(ns, 'high', { queue: 'lq-a', cpu: '2', wpc: 'wpc-high' }), { admitted: false });
    const facts = await checkPreempted(
      t,
      c,
      view,
      { submitted: high, clusterQueue: 's6-cq-a' },
      { submitted: low, clusterQueue: 's6-cq-b' },
      { reason: 'InCohortReclaimWhileBorrowing', corePaths: ['InCohortReclamation', 'InCohortReclaimWhileBorrowing'] },
    );
    t.diagnostic(`facts: ${JSON.stringify(facts)}`);
    // wpc-mid (500) is above the threshold: only a reclaim without borrowing could take it. A second preemptor needing
    // 2 CPU in cq-a must borrow again, and only wpc-mid could make room: it waits.
    const high2 = await submit(c, kueueJob(ns, 'high-2', { queue: 'lq-a', cpu: '2', wpc: 'wpc-high' }), { admitted: false });
    const message = await checkNotPreempted(
      t,
      c,
      view,
      { submitted: high2, clusterQueue: 's6-cq-a' },
      { submitted: mid, clusterQueue: 's6-cq-b' },
      ['InCohortReclamation'],
    );
    assert.match(message, /insufficient unused quota for cpu in flavor default-flavor/);
  });
});
