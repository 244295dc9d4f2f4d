/**
 * Scenario helpers for the Kueue differential suite (test/real-cluster/kueue/*.test.ts): Kueue object builders, the
 * same manifests read by the core (so the cluster and the engine see one text), and waits on what a real Kueue writes
 * (Workload conditions, events).
 */
import assert from 'node:assert/strict';
import type { Cluster, K8sObject } from '../harness';
import { WaitAbort, waitFor } from '../harness';
import { job, listEvents, manifest } from '../scenario';
import { toObject } from '../../../server/src/core/model/objects';
import { parseYamlDocument } from '../../../server/src/core/syntax/parse-yaml';
import { isMap } from '../../../server/src/core/syntax/tree';
import { readKueueObject } from '../../../server/src/core/semantics/kueue-objects';
import type { ClusterQueue, Cohort, WorkloadPriorityClass } from '../../../server/src/core/semantics/kueue-objects';
import { CohortForest } from '../../../server/src/core/semantics/kueue-preemption';
import { PriorityClassIndex } from '../../../server/src/core/semantics/priority';
import { readPriorityClass } from '../../../server/src/core/semantics/priority-class';

export const FLAVOR = 'default-flavor';

/** A ResourceFlavor; `spec` (nodeLabels, tolerations) is injected into the pods of Workloads admitted with it. */
export function resourceFlavor(name = FLAVOR, spec?: Record<string, unknown>): K8sObject {
  return { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name }, ...(spec !== undefined ? { spec } : {}) };
}

export function workloadPriorityClass(name: string, value: number): K8sObject {
  return { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'WorkloadPriorityClass', metadata: { name }, value };
}

export interface ClusterQueueOpts {
  /** nominal CPU quota, e.g. "4" */
  cpu: string;
  cohort?: string;
  preemption?: Record<string, unknown>;
  /** The one flavor (default FLAVOR). */
  flavor?: string;
  /** spec.fairSharing.weight (a quantity). */
  fairSharingWeight?: string;
}

/** A ClusterQueue covering cpu and memory in one flavor (memory ample), open to every namespace. */
export function clusterQueue(name: string, o: ClusterQueueOpts): K8sObject {
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'ClusterQueue',
    metadata: { name },
    spec: {
      ...(o.cohort !== undefined ? { cohortName: o.cohort } : {}),
      namespaceSelector: {},
      resourceGroups: [
        {
          coveredResources: ['cpu', 'memory'],
          flavors: [
            {
              name: o.flavor ?? FLAVOR,
              resources: [
                { name: 'cpu', nominalQuota: o.cpu },
                { name: 'memory', nominalQuota: '64Gi' },
              ],
            },
          ],
        },
      ],
      ...(o.preemption !== undefined ? { preemption: o.preemption } : {}),
      ...(o.fairSharingWeight !== undefined ? { fairSharing: { weight: o.fairSharingWeight } } : {}),
    },
  };
}

export function localQueue(ns: string, name: string, cq: string): K8sObject {
  return { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name, namespace: ns }, spec: { clusterQueue: cq } };
}

/** A Job in a LocalQueue (the queue label on the Job's own metadata), optionally with a WorkloadPriorityClass label. */
export function kueueJob(
  ns: string,
  name: string,
  o: { queue: string; cpu: string; wpc?: string; priorityClassName?: string; backoffLimit?: number; parallelism?: number },
): K8sObject {
  const j = job(ns, name, {
    cpu: o.cpu,
    backoffLimit: o.backoffLimit ?? 0,
    ...(o.parallelism !== undefined ? { parallelism: o.parallelism } : {}),
    ...(o.priorityClassName !== undefined ? { priorityClassName: o.priorityClassName } : {}),
  });
  j.metadata.labels = {
    ...j.metadata.labels,
    'kueue.x-k8s.io/queue-name': o.queue,
    ...(o.wpc !== undefined ? { 'kueue.x-k8s.io/priority-class': o.wpc } : {}),
  };
  return j;
}

/** What the core reads from the manifests the scenario applied. */
export interface CoreView {
  clusterQueues: Map<string, ClusterQueue>;
  workloadPriorityClasses: Map<string, WorkloadPriorityClass>;
  priorityClasses: PriorityClassIndex;
  forest: CohortForest;
}

/**
 * Read the scenario's manifests (the objects applied to the cluster) with the core, one document each. parseFile does
 * not collect Kueue's kinds yet (they are not objects of interest of the workspace model), so each object is parsed and
 * turned into a K8sObject the way test/core/kueue.test.ts does.
 */
export function coreView(...objects: K8sObject[]): CoreView {
  const read = objects.map((o) => {
    const text = JSON.stringify(o, null, 1);
    const root = parseYamlDocument(text, 0, text.length, true).root;
    assert.ok(isMap(root), `${String(o.kind)} ${String(o.metadata?.name)} parses`);
    return toObject(root, o.kind as string, 'kueue-scenario.yaml', 'workspace');
  });
  const clusterQueues = new Map<string, ClusterQueue>();
  const workloadPriorityClasses = new Map<string, WorkloadPriorityClass>();
  const cohorts: Cohort[] = [];
  const pcs = [];
  for (const o of read) {
    if (o.kind === 'PriorityClass') pcs.push(readPriorityClass(o).priorityClass);
    const r = readKueueObject(o);
    if (r === undefined) continue;
    assert.deepEqual(
      r.problems.map((p) => p.message),
      [],
      `${o.id} reads without problems`,
    );
    if (r.read.kind === 'ClusterQueue') clusterQueues.set(r.read.value.name, r.read.value);
    if (r.read.kind === 'WorkloadPriorityClass') workloadPriorityClasses.set(r.read.value.name, r.read.value);
    if (r.read.kind === 'Cohort') cohorts.push(r.read.value);
  }
  return { clusterQueues, workloadPriorityClasses, priorityClasses: new PriorityClassIndex(pcs, []), forest: new CohortForest(cohorts) };
}

export function cq(view: CoreView, name: string): ClusterQueue {
  const q = view.clusterQueues.get(name);
  assert.ok(q !== undefined, `the core read ClusterQueue ${name}`);
  return q;
}

export function condition(o: K8sObject | undefined, type: string): K8sObject | undefined {
  return (o?.status?.conditions ?? []).find((c: K8sObject) => c.type === type);
}

/** The Workload Kueue created for a job (label kueue.x-k8s.io/job-uid), once it exists. */
export async function workloadOf(cluster: Cluster, ns: string, jobUid: string, timeoutMs = 60_000): Promise<K8sObject> {
  return waitFor(
    async () => {
      const list = await cluster.getJson(['workloads.kueue.x-k8s.io', '-n', ns, '-l', `kueue.x-k8s.io/job-uid=${jobUid}`]);
      const items = list.items as K8sObject[];
      return items.length === 1 ? items[0] : undefined;
    },
    timeoutMs,
    { description: `the Workload of job UID ${jobUid} in ${ns}` },
  );
}

/** Wait until a Workload condition has `status` (and `reason` when given); returns the Workload. */
export async function waitWorkloadCondition(
  cluster: Cluster,
  ns: string,
  name: string,
  type: string,
  status: 'True' | 'False',
  reason?: string,
  timeoutMs = 60_000,
): Promise<K8sObject> {
  return waitFor(
    async () => {
      const w = await cluster.getJson(['workloads.kueue.x-k8s.io', '-n', ns, name]);
      const c = condition(w, type);
      if (c === undefined || c.status !== status) return undefined;
      if (reason !== undefined && c.reason !== reason)
        throw new WaitAbort(
          `Workload ${ns}/${name} ${type}=${status} with reason ${String(c.reason)}, expected ${reason}: ${String(c.message)}`,
        );
      return w;
    },
    timeoutMs,
    { description: `Workload ${ns}/${name} ${type}=${status}${reason !== undefined ? ` (${reason})` : ''}` },
  );
}

export interface Submitted {
  job: K8sObject;
  workload: K8sObject;
}

/** Create a Job and wait for its Workload; with `admitted`, until Kueue admitted it and its pods run (the Job unsuspended). */
export async function submit(cluster: Cluster, j: K8sObject, opts: { admitted: boolean }): Promise<Submitted> {
  const ns = j.metadata.namespace as string;
  const name = j.metadata.name as string;
  await cluster.apply(manifest(j));
  const created = await cluster.getJson(['job', '-n', ns, name]);
  const wl = await workloadOf(cluster, ns, created.metadata.uid as string);
  if (!opts.admitted) return { job: created, workload: wl };
  const workload = await waitWorkloadCondition(cluster, ns, wl.metadata.name as string, 'Admitted', 'True');
  await waitFor(
    async () => {
      const jj = await cluster.getJson(['job', '-n', ns, name]);
      return jj.spec?.suspend === false && (jj.status?.active ?? 0) > 0;
    },
    60_000,
    { description: `job ${ns}/${name} unsuspended with active pods` },
  );
  return { job: await cluster.getJson(['job', '-n', ns, name]), workload };
}

/** Events (events.k8s.io/v1) regarding the object with this UID. */
export async function eventsAbout(cluster: Cluster, ns: string, uid: string): Promise<K8sObject[]> {
  return (await listEvents(cluster, ns)).filter((e) => e.regarding?.uid === uid);
}

export async function waitEventAbout(cluster: Cluster, ns: string, uid: string, reason: string, timeoutMs = 30_000): Promise<K8sObject> {
  return waitFor(async () => (await eventsAbout(cluster, ns, uid)).find((e) => e.reason === reason), timeoutMs, {
    description: `event ${reason} regarding ${uid} in ${ns}`,
  });
}

/** Let Kueue's scheduler run a few cycles, so that "nothing happened" is an observation and not a race. */
export function settle(ms = 5_000): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
