/**
 * Differential scenario 8 against a real Kueue v0.19.2 (issue 21; test/scenarios/KUEUE.md): where a Workload's
 * priority comes from. For each Job, the Workload's `spec.priority` Kueue wrote equals what the core's
 * resolveKueuePriority gives for the same manifests: a WorkloadPriorityClass label (over the pod template's
 * PriorityClass), the PriorityClass object's value, no class at all, the globalDefault PriorityClass, and a label
 * naming a missing WorkloadPriorityClass (no Workload; the core's message is the error Kueue logs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCluster, waitFor } from '../harness';
import type { Cluster, K8sObject } from '../harness';
import { manifest, namespace, priorityClass } from '../scenario';
import { resolveKueuePriority } from '../../../server/src/core/semantics/kueue-priority';
import { kueueSkip, startKueue } from './kueue';
import type { Kueue } from './kueue';
import { clusterQueue, coreView, kueueJob, localQueue, resourceFlavor, settle, workloadOf, workloadPriorityClass } from './kueue-scenario';

const skip = kueueSkip();
const ns = 'kq-s8';

describe('real Kueue v0.19.2: the Workload priority and the core agree (scenario 8)', { skip, timeout: 10 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let kueue: Kueue | undefined;
  // Everything this file applies, in order: the core reads the same objects.
  const applied: K8sObject[] = [];

  before(async () => {
    cluster = await startCluster({ nodes: [{ name: 'node-a', cpu: 64, memory: '256Gi', pods: 200 }] });
    kueue = await startKueue(cluster);
    await apply(
      namespace(ns),
      resourceFlavor(),
      clusterQueue('s8-cq', { cpu: '64' }),
      localQueue(ns, 'lq', 's8-cq'),
      workloadPriorityClass('wpc-800', 800),
      priorityClass('pc-300', 300),
    );
  });

  after(async () => {
    try {
      await kueue?.stop();
    } finally {
      await cluster?.stop();
    }
  });

  async function apply(...objects: K8sObject[]): Promise<void> {
    await (cluster as Cluster).apply(manifest(...objects));
    applied.push(...objects);
  }

  /** Submit the Job, read its Workload's spec.priority, and the core's answer for the same manifests. */
  async function priorityOf(j: K8sObject): Promise<{ real: number; core: ReturnType<typeof resolveKueuePriority>; workload: K8sObject }> {
    const c = cluster as Cluster;
    await apply(j);
    const created = await c.getJson(['job', '-n', ns, j.metadata.name as string]);
    const workload = await workloadOf(c, ns, created.metadata.uid as string);
    const view = coreView(...applied);
    const core = resolveKueuePriority(
      j.metadata.labels as Record<string, string>,
      j.spec.template.spec.priorityClassName as string | undefined,
      view.workloadPriorityClasses,
      view.priorityClasses,
    );
    return { real: workload.spec.priority as number, core, workload };
  }

  test('a WorkloadPriorityClass label wins over the pod template PriorityClass', async () => {
    const r = await priorityOf(kueueJob(ns, 'wpc-and-pc', { queue: 'lq', cpu: '1', wpc: 'wpc-800', priorityClassName: 'pc-300' }));
    assert.equal(r.real, 800);
    assert.equal(r.core.value, r.real);
    assert.equal(r.core.from, 'workloadPriorityClass');
    assert.deepEqual(r.workload.spec.priorityClassRef, { group: 'kueue.x-k8s.io', kind: 'WorkloadPriorityClass', name: 'wpc-800' });
  });

  test("the pod template's PriorityClass: the class object's value", async () => {
    const r = await priorityOf(kueueJob(ns, 'pc-only', { queue: 'lq', cpu: '1', priorityClassName: 'pc-300' }));
    assert.equal(r.real, 300);
    assert.equal(r.core.value, r.real);
    assert.equal(r.core.from, 'priorityClass');
  });

  test('no class anywhere and no globalDefault: 0', async () => {
    const r = await priorityOf(kueueJob(ns, 'no-class', { queue: 'lq', cpu: '1' }));
    assert.equal(r.real, 0);
    assert.equal(r.core.value, r.real);
    assert.equal(r.core.from, 'none');
  });

  test('no class, a globalDefault PriorityClass: its value', async () => {
    // A second globalDefault class cannot be made here: the Priority admission plugin refuses it ("only one default").
    await apply(priorityClass('gd-50', 50, { globalDefault: true }));
    const r = await priorityOf(kueueJob(ns, 'global-default', { queue: 'lq', cpu: '1' }));
    assert.equal(r.real, 50);
    assert.equal(r.core.value, r.real);
    assert.equal(r.core.from, 'globalDefault');
  });

  /**
   * A class Kueue cannot find: the core says no Workload (no fallback); Kueue creates none, keeps the Job suspended and
   * logs its reconcile error, whose text is returned: Kueue's cached client names the kind and group
   * (`WorkloadPriorityClass.kueue.x-k8s.io "x" not found`), and the core quotes it.
   */
  async function missingClass(
    t: { diagnostic(msg: string): void },
    name: string,
    j: K8sObject,
    kind: 'workload-priority-class-not-found' | 'priority-class-not-found',
    className: string,
  ): Promise<{ real: string; core: string }> {
    const c = cluster as Cluster;
    await apply(j);
    const created = await c.getJson(['job', '-n', ns, name]);
    const view = coreView(...applied);
    const core = resolveKueuePriority(
      j.metadata.labels as Record<string, string>,
      j.spec.template.spec.priorityClassName as string | undefined,
      view.workloadPriorityClasses,
      view.priorityClasses,
    );
    assert.equal(core.value, undefined, 'the core: no Workload');
    assert.equal(core.problem?.kind, kind);
    // Kueue's reconciler fails and retries; its JSON log line carries the error text.
    const real = await waitFor(() => reconcileError((kueue as Kueue).logText(), `${ns}/${name}`), 60_000, {
      description: `Kueue's reconcile error for ${ns}/${name}`,
    });
    t.diagnostic(`Kueue: ${real} | core: ${core.problem?.message ?? ''}`);
    assert.match(real, new RegExp(`^\\S+ "${className}" not found$`), 'Kueue cannot find the class');
    await settle();
    const list = await c.getJson(['workloads.kueue.x-k8s.io', '-n', ns, '-l', `kueue.x-k8s.io/job-uid=${created.metadata.uid as string}`]);
    assert.equal((list.items as K8sObject[]).length, 0, 'no Workload');
    const now = await c.getJson(['job', '-n', ns, name]);
    assert.equal(now.spec.suspend, true, 'the Job stays suspended');
    return { real, core: core.problem?.message ?? '' };
  }

  test('a label naming a missing WorkloadPriorityClass: no Workload, the Job stays suspended, no fallback', async (t) => {
    const j = kueueJob(ns, 'missing-wpc', { queue: 'lq', cpu: '1', wpc: 'wpc-missing', priorityClassName: 'pc-300' });
    const r = await missingClass(t, 'missing-wpc', j, 'workload-priority-class-not-found', 'wpc-missing');
    assert.equal(r.real, 'WorkloadPriorityClass.kueue.x-k8s.io "wpc-missing" not found');
    assert.equal(r.core, r.real);
  });

  test('a pod template naming a missing PriorityClass: no Workload, the Job stays suspended', async (t) => {
    const j = kueueJob(ns, 'missing-pc', { queue: 'lq', cpu: '1', priorityClassName: 'pc-missing' });
    const r = await missingClass(t, 'missing-pc', j, 'priority-class-not-found', 'pc-missing');
    assert.equal(r.real, 'PriorityClass.scheduling.k8s.io "pc-missing" not found');
    assert.equal(r.core, r.real);
  });
});

/** The `error` of Kueue's "Handling job with no workload" log line (zap JSON) about the job `ns/name`. */
function reconcileError(log: string, job: string): string | undefined {
  for (const line of log.split('\n')) {
    if (!line.includes('Handling job with no workload')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; job?: string; error?: string };
      if (entry.msg === 'Handling job with no workload' && entry.job === job && typeof entry.error === 'string') return entry.error;
    } catch {
      /* not a JSON line */
    }
  }
  return undefined;
}
