/**
 * Differential scenarios 2, 7 and 9 against a real Kueue v0.19.2 (issue 21; test/scenarios/KUEUE.md has the
 * results). Each asserts what Kueue (and kube-scheduler, and the Job controller) did AND what the engine says:
 *  2. `LowerOrNewerEqualPriority` ties: the static path (only if queued first) and kueuePreemptionTargets over the live
 *     snapshot (creation times) vs which of two equal-priority Workloads Kueue evicts;
 *  7. three candidates of mixed priorities and admission times: kueuePreemptionTargets' minimal set vs Kueue's;
 *  9. kube-scheduler preempting a Kueue-admitted pod: `kpl explain`/`kpl check`'s Job consequence and `kpl diagnose`
 *     vs the Job failing (backoffLimit 0) or not (podFailurePolicy Ignore DisruptionTarget), and Kueue re-admitting
 *     a lower Workload once the quota comes free.
 * One cluster: node-a (64 CPU) for the quota scenarios, node-b and node-c (8 CPU, tainted, one per half of scenario 9)
 * behind ResourceFlavors with nodeLabels and tolerations. `npm run test:kueue` runs it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster, waitFor } from '../harness';
import type { Cluster, K8sObject } from '../harness';
import { manifest, namespace, pod, priorityClass, PREEMPTED_NOTE_RE, waitForEvent, waitForJobCondition } from '../scenario';
import { isKueuePreemptionEvent } from '../../../server/src/core/diagnose/kueue-messages';
import { kueuePreemptionPaths, kueuePreemptionTargets } from '../../../server/src/core/semantics/kueue-preemption';
import { explain } from '../../../server/src/core/explain/explain';
import type { DiagnoseReport } from '../../../server/src/core/index';
import { analyze, findingsOf } from '../../helpers/analyze';
import { runKpl } from '../../helpers/cli';
import { kueueAlive, kueueSkip, startKueue } from './kueue';
import type { Kueue } from './kueue';
import type { CoreView } from './kueue-scenario';
import {
  clusterQueue,
  condition,
  coreView,
  cq,
  FLAVOR,
  kueueJob,
  localQueue,
  resourceFlavor,
  settle,
  submit,
  waitWorkloadCondition,
  workloadPriorityClass,
} from './kueue-scenario';
import { checkNotPreempted, checkPreempted } from './kueue-check';
import { admittedWorkloads, incomingOf, nextSecond } from './kueue-live-usage';

const skip = kueueSkip();
const POOL = 'kpl-test/pool';
const shared = [
  resourceFlavor(),
  workloadPriorityClass('wpc-low', 100),
  workloadPriorityClass('wpc-mid', 500),
  workloadPriorityClass('wpc-high', 1000),
  priorityClass('s9-urgent', 10000),
];
const poolNode = (name: string, pool: string) => ({
  name,
  cpu: 8,
  memory: '32Gi',
  labels: { [POOL]: pool },
  taints: [{ key: POOL, value: pool, effect: 'NoSchedule' as const }],
});
const toleration = (pool: string) => ({ key: POOL, operator: 'Equal', value: pool, effect: 'NoSchedule' });

describe('real Kueue v0.19.2: scenarios 2, 7 and 9, Kueue and the engine agree', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let kueue: Kueue | undefined;

  before(async () => {
    const t0 = Date.now();
    cluster = await startCluster({
      nodes: [{ name: 'node-a', cpu: 64, memory: '256Gi', pods: 200 }, poolNode('node-b', 's9a'), poolNode('node-c', 's9b')],
    });
    kueue = await startKueue(cluster);
    process.stderr.write(`# cluster and Kueue ready in ${Date.now() - t0} ms\n`);
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

  test('2. LowerOrNewerEqualPriority, equal priorities: the older preemptor evicts, a newer one waits', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s2';
    const held = localQueue(ns, 'lq-held', 's2-cq');
    held.spec.stopPolicy = 'Hold';
    const view = await setup(
      ns,
      clusterQueue('s2-cq', { cpu: '4', preemption: { withinClusterQueue: 'LowerOrNewerEqualPriority' } }),
      localQueue(ns, 'lq', 's2-cq'),
      held,
    );
    // `older` is created first but waits in a held LocalQueue while `newer` (same priority) is admitted.
    const older = await submit(c, kueueJob(ns, 'older', { queue: 'lq-held', cpu: '4', wpc: 'wpc-mid' }), { admitted: false });
    await nextSecond();
    const newer = await submit(c, kueueJob(ns, 'newer', { queue: 'lq', cpu: '4', wpc: 'wpc-mid' }), { admitted: true });
    assert.equal(older.workload.spec.priority, newer.workload.spec.priority);
    assert.ok(Date.parse(older.workload.metadata.creationTimestamp) < Date.parse(newer.workload.metadata.creationTimestamp));
    const cqs = [...view.clusterQueues.values()];
    const q = (s: typeof older) => ({
      name: s.job.metadata.name as string,
      priority: s.workload.spec.priority as number,
      clusterQueue: cq(view, 's2-cq'),
    });
    // Statically: an equal-priority path that holds only when the preemptor is first in queue order, both ways.
    for (const [a, b] of [
      [older, newer],
      [newer, older],
    ] as const)
      assert.deepEqual(
        kueuePreemptionPaths(q(a), q(b), view.forest).map((p) => [p.reason, p.onlyIfQueuedFirst]),
        [['InClusterQueue', true]],
      );
    // Live: the creation times decide.
    const live = await admittedWorkloads(c);
    const predicted = kueuePreemptionTargets(incomingOf(older.workload, 's2-cq', FLAVOR), live, cqs, []);
    assert.deepEqual(
      predicted.map((p) => [p.workload.uid, p.reason]),
      [[newer.workload.metadata.uid, 'InClusterQueue']],
    );
    const patch = await c.kubectl([
      'patch',
      'localqueues.kueue.x-k8s.io',
      '-n',
      ns,
      'lq-held',
      '--type=merge',
      '-p',
      '{"spec":{"stopPolicy":"None"}}',
    ]);
    assert.equal(patch.code, 0, patch.stderr);
    const facts = await checkPreempted(
      t,
      c,
      view,
      { submitted: older, clusterQueue: 's2-cq' },
      { submitted: newer, clusterQueue: 's2-cq' },
      { reason: 'InClusterQueue', corePaths: ['InClusterQueue'] },
    );
    t.diagnostic(`facts: ${JSON.stringify(facts)}`);
    // Newer ones, equal priority, created after `older`, wait; the engine predicts no victim for them. `twin` has the
    // shape of the evicted `newer`: Kueue v0.19 (SchedulingEquivalenceHashing, on since v0.18) sets it aside with its
    // equivalence class, unevaluated, without a QuotaReserved condition; `newest` (3 CPU) is evaluated and left Pending.
    const twin = await submit(c, kueueJob(ns, 'twin', { queue: 'lq', cpu: '4', wpc: 'wpc-mid' }), { admitted: false });
    const newest = await submit(c, kueueJob(ns, 'newest', { queue: 'lq', cpu: '3', wpc: 'wpc-mid' }), { admitted: false });
    const liveNow = await admittedWorkloads(c);
    for (const s of [twin, newest]) assert.deepEqual(kueuePreemptionTargets(incomingOf(s.workload, 's2-cq', FLAVOR), liveNow, cqs, []), []);
    await checkNotPreempted(t, c, view, { submitted: newest, clusterQueue: 's2-cq' }, { submitted: older, clusterQueue: 's2-cq' }, [
      'InClusterQueue',
    ]);
    const states: string[] = [];
    for (const s of [newer, twin, newest]) {
      const w = await c.getJson(['workloads.kueue.x-k8s.io', '-n', ns, s.workload.metadata.name as string]);
      assert.notEqual(condition(w, 'QuotaReserved')?.status, 'True', `${String(s.job.metadata.name)} waits`);
      states.push(`${String(s.job.metadata.name)}: ${JSON.stringify(condition(w, 'QuotaReserved') ?? 'no QuotaReserved condition')}`);
    }
    t.diagnostic(`waiting: ${states.join('; ')}`);
  });

  test('7. three candidates, mixed priorities and admission times: the minimal set Kueue evicts is the one the engine predicts', async (t) => {
    const c = cluster as Cluster;
    const ns = 'kq-s7';
    const view = await setup(
      ns,
      clusterQueue('s7-cq', { cpu: '6', preemption: { withinClusterQueue: 'LowerPriority' } }),
      localQueue(ns, 'lq', 's7-cq'),
    );
    // Admitted in this order, a second apart: a (wpc-low, 1 CPU), b (wpc-mid, 3 CPU), c (wpc-low, 2 CPU).
    const a = await submit(c, kueueJob(ns, 'a', { queue: 'lq', cpu: '1', wpc: 'wpc-low' }), { admitted: true });
    await nextSecond();
    const b = await submit(c, kueueJob(ns, 'b', { queue: 'lq', cpu: '3', wpc: 'wpc-mid' }), { admitted: true });
    await nextSecond();
    const cc = await submit(c, kueueJob(ns, 'c', { queue: 'lq', cpu: '2', wpc: 'wpc-low' }), { admitted: true });
    const live = (await admittedWorkloads(c)).filter((w) => w.clusterQueue === 's7-cq');
    const at = (s: typeof a) => live.find((w) => w.uid === s.workload.metadata.uid)?.quotaReservedAt ?? NaN;
    assert.ok(at(a) < at(b) && at(b) < at(cc), `admission times in order: ${[at(a), at(b), at(cc)].join(' < ')}`);
    // A wpc-high preemptor needing 4 CPU. Candidates in Kueue's order: c (low, newest), a (low), b (mid); removing c and
    // a frees 3, not enough; b too frees 6; filling back, a fits again, c does not: {c, b}, and a survives.
    const p = await submit(c, kueueJob(ns, 'p', { queue: 'lq', cpu: '4', wpc: 'wpc-high' }), { admitted: false });
    const predicted = kueuePreemptionTargets(incomingOf(p.workload, 's7-cq', FLAVOR), live, [...view.clusterQueues.values()], []);
    t.diagnostic(`engine: ${JSON.stringify(predicted.map((x) => [x.workload.key, x.reason]))}`);
    assert.deepEqual(predicted.map((x) => x.workload.uid).sort(), [b.workload.metadata.uid, cc.workload.metadata.uid].sort());
    for (const victim of [cc, b])
      await checkPreempted(
        t,
        c,
        view,
        { submitted: p, clusterQueue: 's7-cq' },
        { submitted: victim, clusterQueue: 's7-cq' },
        {
          reason: 'InClusterQueue',
          corePaths: ['InClusterQueue'],
        },
      );
    const kept = await c.getJson(['workloads.kueue.x-k8s.io', '-n', ns, a.workload.metadata.name as string]);
    assert.equal(condition(kept, 'Admitted')?.status, 'True', 'a stays admitted');
    assert.equal(condition(kept, 'Preempted'), undefined, 'a was never preempted');
    // One PreemptedWorkload per victim, folded by events.k8s.io into one series (the first victim's note, count 2).
    const recorded = (await c.getJson(['events.v1.events.k8s.io', '-n', ns])).items
      .filter((e: K8sObject) => e.reason === 'PreemptedWorkload' && e.regarding?.uid === p.workload.metadata.uid)
      .reduce((n: number, e: K8sObject) => n + ((e.series?.count as number | undefined) ?? 1), 0);
    assert.equal(recorded, 2, 'two PreemptedWorkload events recorded');
  });

  /** Scenario 9, one half: kube-scheduler preempts a pod of an admitted Kueue Job on its own 8-CPU node. */
  async function schedulerPreempts(ns: string, pool: string, ignoreDisruptions: boolean) {
    const c = cluster as Cluster;
    const flavor = `${pool}-flavor`;
    const train = kueueJob(ns, 'train', { queue: 'lq', cpu: '4', wpc: 'wpc-high', parallelism: 2 });
    if (ignoreDisruptions) train.spec.podFailurePolicy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] };
    const later = kueueJob(ns, 'later', { queue: 'lq', cpu: '4', wpc: 'wpc-low' });
    const urgent = pod(ns, 'urgent', { cpu: '4', priorityClassName: 's9-urgent', nodeSelector: { [POOL]: pool } });
    urgent.spec.tolerations = [toleration(pool)];
    const queues = [
      resourceFlavor(flavor, { nodeLabels: { [POOL]: pool }, tolerations: [toleration(pool)] }),
      clusterQueue(`${pool}-cq`, { cpu: '8', flavor }),
      localQueue(ns, 'lq', `${pool}-cq`),
    ];
    await setup(ns, ...queues);
    const admitted = await submit(c, train, { admitted: true });
    await waitFor(
      async () =>
        (await c.getJson(['pods', '-n', ns, '-l', 'job-name=train'])).items.filter((x: K8sObject) => x.status?.phase === 'Running')
          .length === 2,
      60_000,
      {
        description: 'both train pods running on the pool node',
      },
    );
    const waiting = await submit(c, later, { admitted: false });
    await c.apply(manifest(urgent));
    const urgentUid = (await c.getJson(['pod', '-n', ns, 'urgent'])).metadata.uid as string;
    const preempted = await waitForEvent(c, ns, { reason: 'Preempted', regardingKind: 'Pod' }, 60_000);
    assert.match(preempted.note as string, PREEMPTED_NOTE_RE);
    assert.equal(PREEMPTED_NOTE_RE.exec(preempted.note as string)?.[1], urgentUid, 'preempted by the urgent pod');
    assert.equal(
      isKueuePreemptionEvent({
        reason: 'Preempted',
        regardingKind: 'Pod',
        regardingApiVersion: 'v1',
        component: preempted.reportingController as string,
      }),
      false,
      "the engine keeps kube-scheduler's Preempted event apart from Kueue's",
    );
    const victim = preempted.regarding.name as string;
    // The engine, statically, on the same manifests: who can preempt train's pods and what that costs the Job.
    const text = [...shared, ...queues, train, later, urgent].map((o) => JSON.stringify(o)).join('\n---\n');
    const { model, findings } = analyze(text);
    const e = explain(model, { findings }).workloads.find((w) => w.kind === 'Job' && w.name === 'train');
    assert.ok(e?.job !== undefined);
    assert.deepEqual(e.job, { backoffLimit: 0, backoffLimitIsDefault: false, ignoresDisruptionTarget: ignoreDisruptions, parallelism: 2 });
    assert.ok(e.preemptibleBy.includes(`Pod/${ns}/urgent`), `urgent preempts train's pods: ${e.preemptibleBy.join(', ')}`);
    const fails = findingsOf(findings, 'job-preemption-fails-job').filter((f) => f.object === `Job/${ns}/train`);
    return { c, admitted, waiting, victim, fails };
  }

  test('9. kube-scheduler preempts a Kueue pod: backoffLimit 0 fails the Job and Kueue re-admits a lower Workload; podFailurePolicy Ignore DisruptionTarget keeps it', async (t) => {
    // First half: no podFailurePolicy.
    const a = await schedulerPreempts('kq-s9a', 's9a', false);
    assert.equal(a.fails.length, 1, 'the engine: one preemption fails train (job-preemption-fails-job)');
    const failed = await waitForJobCondition(a.c, 'kq-s9a', 'train', 'Failed', 'BackoffLimitExceeded', 60_000);
    assert.ok((failed.status?.failed ?? 0) >= 1);
    const wl = await waitWorkloadCondition(a.c, 'kq-s9a', a.admitted.workload.metadata.name as string, 'Finished', 'True');
    t.diagnostic(`train Workload Finished: ${String(condition(wl, 'Finished')?.reason)} "${String(condition(wl, 'Finished')?.message)}"`);
    assert.equal(condition(wl, 'Evicted'), undefined, 'Kueue evicted nothing');
    assert.equal(condition(wl, 'Preempted'), undefined, 'Kueue preempted nothing');
    await waitWorkloadCondition(a.c, 'kq-s9a', a.waiting.workload.metadata.name as string, 'Admitted', 'True');
    const r = runKpl(['diagnose', `kq-s9a/${a.victim}`, '--kubeconfig', a.c.kubeconfig, '--format', 'json'], process.cwd());
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as DiagnoseReport;
    assert.equal(report.happened.kind, 'preempted-by-scheduler');
    assert.equal(report.job?.failure?.reason, 'BackoffLimitExceeded');
    assert.equal(report.job?.podFailurePolicy, 'none');

    // Second half: podFailurePolicy Ignore DisruptionTarget.
    const b = await schedulerPreempts('kq-s9b', 's9b', true);
    assert.equal(b.fails.length, 0, 'the engine: the policy keeps train alive');
    const victim = await waitFor(
      async () => {
        const p = await b.c.tryGetJson(['pod', '-n', 'kq-s9b', b.victim]);
        return p?.metadata?.deletionTimestamp !== undefined ? p : undefined;
      },
      30_000,
      { description: 'the victim pod terminating' },
    );
    const target = (victim.status?.conditions ?? []).find((x: K8sObject) => x.type === 'DisruptionTarget');
    assert.equal(target?.reason, 'PreemptionByScheduler');
    // KWOK deletes a pod without the kubelet's last status write; a Job with a podFailurePolicy only counts (or
    // ignores) a pod once it is Failed (job_controller isPodFailed), so the test writes what the kubelet would.
    t.diagnostic(`victim phase before the kubelet's write: ${String(victim.status?.phase)}`);
    if (victim.status?.phase !== 'Failed') {
      const w = await b.c.kubectl([
        'patch',
        'pod',
        '-n',
        'kq-s9b',
        b.victim,
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"phase":"Failed"}}',
      ]);
      assert.equal(w.code, 0, w.stderr);
    }
    await waitFor(async () => (await b.c.tryGetJson(['pod', '-n', 'kq-s9b', b.victim])) === undefined, 60_000, {
      description: 'victim gone',
    });
    await settle(3000);
    const job = await b.c.getJson(['job', '-n', 'kq-s9b', 'train']);
    assert.equal(condition(job, 'Failed'), undefined, 'the Job did not fail');
    assert.equal(job.status?.failed ?? 0, 0, 'no pod counted as failed');
    const twl = await b.c.getJson(['workloads.kueue.x-k8s.io', '-n', 'kq-s9b', b.admitted.workload.metadata.name as string]);
    assert.equal(condition(twl, 'Admitted')?.status, 'True', 'train keeps its quota');
    assert.equal(
      condition(await b.c.getJson(['workloads.kueue.x-k8s.io', '-n', 'kq-s9b', b.waiting.workload.metadata.name as string]), 'Admitted')
        ?.status ?? 'False',
      'False',
    );
    const rb = runKpl(['diagnose', `kq-s9b/${b.victim}`, '--kubeconfig', b.c.kubeconfig, '--format', 'json'], process.cwd());
    assert.equal(rb.status, 0, rb.stderr);
    const reportB = JSON.parse(rb.stdout) as DiagnoseReport;
    assert.equal(reportB.happened.kind, 'preempted-by-scheduler');
    assert.equal(reportB.job?.failure, undefined);
    assert.equal(reportB.job?.podFailurePolicy, 'ignores-disruptions');
  });
});
