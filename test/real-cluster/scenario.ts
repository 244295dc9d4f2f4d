/**
 * Scenario driver for the real test cluster (test/real-cluster/harness.ts): apply manifests, wait for
 * outcomes, and two ready-made stories that make the real kube-scheduler preempt:
 *
 *  - smokePreemption: PriorityClasses low (100) / high (1000); a low pod requesting 3 CPU on a
 *    4-CPU node, then a high pod requesting 3 CPU.
 *  - ciStory: the CI story. Nodes nearly full of test Jobs (backoffLimit 0, no priorityClassName,
 *    so they get the globalDefault class ci-default = 100), then an `evaluation` Job (1000)
 *    arrives; the scheduler preempts test pods, their Jobs fail with BackoffLimitExceeded.
 *
 * Both return the facts observed on the cluster (UIDs, nodes, events, conditions) so tests can
 * compare them with what Kube Priority Lens predicts or explains.
 */
import type { Cluster, K8sObject, Watch, WatchEvent } from './harness';
import { WaitAbort, waitFor } from './harness';

/** Note of the scheduler's Preempted event (1.29+): `Preempted by pod <UID> on node <node>`. */
export const PREEMPTED_NOTE_RE = /^Preempted by pod ([0-9a-f-]{36}) on node (\S+)$/;
export const DISRUPTION_MESSAGE = 'default-scheduler: preempting to accommodate a higher priority pod';

/** A JSON `List` manifest (JSON is YAML; kubectl apply accepts it). */
export function manifest(...objects: K8sObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 1);
}

/** CPU quantity to millicores ("4" -> 4000, "3500m" -> 3500, 0.5 -> 500). */
export function cpuMillis(q: string | number): number {
  const s = String(q).trim();
  if (s.endsWith('m')) return Number(s.slice(0, -1));
  return Math.round(Number(s) * 1000);
}

// ---------------------------------------------------------------------------------------------
// Object builders

export function namespace(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function priorityClass(
  name: string,
  value: number,
  opts: { globalDefault?: boolean; preemptionPolicy?: 'PreemptLowerPriority' | 'Never'; description?: string } = {},
): K8sObject {
  return {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    globalDefault: !!opts.globalDefault,
    ...(opts.preemptionPolicy ? { preemptionPolicy: opts.preemptionPolicy } : {}),
    ...(opts.description ? { description: opts.description } : {}),
  };
}

export interface PodOpts {
  cpu: string;
  memory?: string;
  priorityClassName?: string;
  nodeSelector?: Record<string, string>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  image?: string;
}

function podSpec(o: PodOpts, restartPolicy: 'Always' | 'Never'): K8sObject {
  return {
    ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}),
    ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
    restartPolicy,
    terminationGracePeriodSeconds: 30,
    containers: [
      {
        name: 'main',
        image: o.image ?? 'registry.invalid/kpl-test/app:1',
        resources: { requests: { cpu: o.cpu, memory: o.memory ?? '256Mi' } },
      },
    ],
  };
}

export function pod(ns: string, name: string, o: PodOpts): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { app: name, ...(o.labels ?? {}) }, ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: podSpec(o, 'Always'),
  };
}

export function job(
  ns: string,
  name: string,
  o: PodOpts & { parallelism?: number; completions?: number; backoffLimit?: number },
): K8sObject {
  const n = o.parallelism ?? 1;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns, labels: { app: name } },
    spec: {
      parallelism: n,
      completions: o.completions ?? n,
      backoffLimit: o.backoffLimit ?? 6,
      template: {
        metadata: { labels: { app: name, ...(o.labels ?? {}) }, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: podSpec(o, 'Never'),
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Waiting for outcomes

export async function applyManifests(cluster: Cluster, ...objects: K8sObject[]): Promise<void> {
  await cluster.apply(manifest(...objects));
}

/** Wait until the pod is bound (spec.nodeName set; equal to `node` if given) and Running. */
export async function waitForPodBound(cluster: Cluster, ns: string, name: string, node?: string, timeoutMs = 30_000): Promise<K8sObject> {
  return waitFor(
    async () => {
      const p = await cluster.tryGetJson(['pod', '-n', ns, name]);
      if (!p?.spec?.nodeName) return undefined;
      if (node && p.spec.nodeName !== node) throw new WaitAbort(`pod ${ns}/${name} bound to ${p.spec.nodeName}, expected ${node}`);
      return p.status?.phase === 'Running' ? p : undefined;
    },
    timeoutMs,
    { description: `pod ${ns}/${name} bound${node ? ` to ${node}` : ''} and Running` },
  );
}

export async function waitForPodDeleted(cluster: Cluster, ns: string, name: string, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => (await cluster.tryGetJson(['pod', '-n', ns, name])) === undefined, timeoutMs, {
    description: `pod ${ns}/${name} deleted`,
  });
}

/** events.k8s.io/v1 events of a namespace. */
export async function listEvents(cluster: Cluster, ns: string): Promise<K8sObject[]> {
  return (await cluster.getJson(['events.v1.events.k8s.io', '-n', ns])).items as K8sObject[];
}

export interface EventFilter {
  reason: string;
  regardingKind?: string;
  regardingName?: string;
  regardingUid?: string;
  note?: RegExp;
}

function eventMatches(e: K8sObject, f: EventFilter): boolean {
  return (
    e.reason === f.reason &&
    (!f.regardingKind || e.regarding?.kind === f.regardingKind) &&
    (!f.regardingName || e.regarding?.name === f.regardingName) &&
    (!f.regardingUid || e.regarding?.uid === f.regardingUid) &&
    (!f.note || f.note.test(e.note ?? ''))
  );
}

/** Wait until at least `count` events (events.k8s.io/v1) match; returns them all. */
export async function waitForEvents(cluster: Cluster, ns: string, f: EventFilter, count = 1, timeoutMs = 30_000): Promise<K8sObject[]> {
  return waitFor(
    async () => {
      const m = (await listEvents(cluster, ns)).filter((e) => eventMatches(e, f));
      return m.length >= count ? m : undefined;
    },
    timeoutMs,
    { description: `${count} event(s) reason=${f.reason}${f.regardingName ? ` regarding ${f.regardingName}` : ''} in ${ns}` },
  );
}

export async function waitForEvent(cluster: Cluster, ns: string, f: EventFilter, timeoutMs = 30_000): Promise<K8sObject> {
  return (await waitForEvents(cluster, ns, f, 1, timeoutMs))[0];
}

/** Wait until the Job has condition `type` = True (and `reason` if given); returns the Job. */
export async function waitForJobCondition(
  cluster: Cluster,
  ns: string,
  name: string,
  type: string,
  reason?: string,
  timeoutMs = 30_000,
): Promise<K8sObject> {
  return waitFor(
    async () => {
      const j = await cluster.getJson(['job', '-n', ns, name]);
      const c = (j.status?.conditions ?? []).find((x: K8sObject) => x.type === type && x.status === 'True');
      return c && (!reason || c.reason === reason) ? j : undefined;
    },
    timeoutMs,
    { description: `job ${ns}/${name} condition ${type}${reason ? `/${reason}` : ''}` },
  );
}

export async function jobPods(cluster: Cluster, ns: string, jobName: string): Promise<K8sObject[]> {
  return (await cluster.getJson(['pods', '-n', ns, '-l', `job-name=${jobName}`])).items as K8sObject[];
}

/** Wait until the namespace is gone (its pods deleted by the namespace controller and KWOK). */
export async function deleteNamespace(cluster: Cluster, ns: string, timeoutMs = 60_000): Promise<void> {
  await cluster.kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
  await waitFor(async () => (await cluster.tryGetJson(['namespace', ns])) === undefined, timeoutMs, {
    description: `namespace ${ns} deleted`,
  });
}

/** The DisruptionTarget condition a watch saw on a pod (the pod itself may be gone by now). */
export function disruptionTargetSeen(w: Watch, podUid: string): K8sObject | undefined {
  for (const e of w.events) {
    if (e.object?.metadata?.uid !== podUid) continue;
    const c = (e.object.status?.conditions ?? []).find((x: K8sObject) => x.type === 'DisruptionTarget' && x.status === 'True');
    if (c) return c;
  }
  return undefined;
}

/** nominatedNodeName values a watch saw on a pod (transient: cleared once the pod is bound). */
export function nominatedNodesSeen(w: Watch, podUid: string): string[] {
  const out = new Set<string>();
  for (const e of w.events)
    if (e.object?.metadata?.uid === podUid && e.object.status?.nominatedNodeName) out.add(e.object.status.nominatedNodeName);
  return [...out];
}

function isDisruptedBy(e: WatchEvent, uid: string): boolean {
  return (
    e.object?.metadata?.uid === uid &&
    (e.object.status?.conditions ?? []).some((c: K8sObject) => c.type === 'DisruptionTarget' && c.status === 'True')
  );
}

/** Nodes' allocatable CPU (millicores) and the CPU requested by their non-terminal pods. */
export async function nodeCpu(cluster: Cluster): Promise<Array<{ name: string; allocatable: number; requested: number }>> {
  const nodes = (await cluster.getJson(['nodes'])).items as K8sObject[];
  const pods = (await cluster.getJson(['pods', '-A'])).items as K8sObject[];
  return nodes.map((n) => {
    const requested = pods
      .filter((p) => p.spec?.nodeName === n.metadata.name && !['Succeeded', 'Failed'].includes(p.status?.phase))
      .flatMap((p) => p.spec.containers as K8sObject[])
      .reduce((s, c) => s + (c.resources?.requests?.cpu ? cpuMillis(c.resources.requests.cpu) : 0), 0);
    return { name: n.metadata.name, allocatable: cpuMillis(n.status.allocatable.cpu), requested };
  });
}

// ---------------------------------------------------------------------------------------------
// Stories

export interface PreemptionFact {
  victim: { namespace: string; name: string; uid: string; node: string; priority: number; disruptionTarget: K8sObject };
  preemptor: { namespace: string; name: string; uid: string; node: string; priority: number };
  /** The scheduler's Preempted event (events.k8s.io/v1). */
  event: {
    note: string;
    reason: string;
    action: string;
    type: string;
    reportingController: string;
    related: K8sObject;
    regarding: K8sObject;
  };
}

export interface SmokeResult extends PreemptionFact {
  nominatedNodeNames: string[];
}

/**
 * Smoke preemption on one node: `low` (100) pod with 3 CPU, then `high` (1000) pod with 3 CPU.
 * The node needs 3..5 CPU allocatable and nothing else running.
 */
export async function smokePreemption(cluster: Cluster, opts: { node?: string; namespace?: string } = {}): Promise<SmokeResult> {
  const ns = opts.namespace ?? 'smoke';
  const node = opts.node ?? cluster.nodes[0]?.name;
  if (!node) throw new Error('smokePreemption needs a node');
  const sel = { 'kubernetes.io/hostname': node };
  await applyManifests(cluster, namespace(ns), priorityClass('low', 100), priorityClass('high', 1000));
  await applyManifests(cluster, pod(ns, 'low', { cpu: '3', priorityClassName: 'low', nodeSelector: sel }));
  const low = await waitForPodBound(cluster, ns, 'low', node);
  const w = await cluster.watch(['pods', '-n', ns]);
  try {
    await applyManifests(cluster, pod(ns, 'high', { cpu: '3', priorityClassName: 'high', nodeSelector: sel }));
    await waitForPodDeleted(cluster, ns, 'low');
    const high = await waitForPodBound(cluster, ns, 'high', node);
    const ev = await waitForEvent(cluster, ns, { reason: 'Preempted', regardingName: 'low', regardingUid: low.metadata.uid });
    await w.waitFor((e) => isDisruptedBy(e, low.metadata.uid), 10_000, 'DisruptionTarget on low');
    const dt = disruptionTargetSeen(w, low.metadata.uid)!;
    return {
      victim: { namespace: ns, name: 'low', uid: low.metadata.uid, node, priority: low.spec.priority, disruptionTarget: dt },
      preemptor: { namespace: ns, name: 'high', uid: high.metadata.uid, node: high.spec.nodeName, priority: high.spec.priority },
      event: pickEvent(ev),
      nominatedNodeNames: nominatedNodesSeen(w, high.metadata.uid),
    };
  } finally {
    await w.stop();
  }
}

function pickEvent(ev: K8sObject): PreemptionFact['event'] {
  return {
    note: ev.note,
    reason: ev.reason,
    action: ev.action,
    type: ev.type,
    reportingController: ev.reportingController,
    related: ev.related,
    regarding: ev.regarding,
  };
}

export interface CiStoryResult {
  namespace: string;
  /** Requests used (millicores). */
  testCpuMillis: number;
  evaluationCpuMillis: number;
  /** Test Jobs and the node their pod ran on before the evaluation arrived. */
  testJobs: Array<{ name: string; pod: string; podUid: string; node: string; priority: number; priorityClassName: string }>;
  /** Evaluation pods after binding. */
  evaluationPods: Array<{ name: string; uid: string; node: string; priority: number; nominatedNodeNames: string[] }>;
  preemptions: PreemptionFact[];
  /** Final status of every test Job (failed ones carry reason BackoffLimitExceeded). */
  jobStatus: Record<
    string,
    { failed: number; active: number; conditions: Array<{ type: string; status: string; reason?: string; message?: string }> }
  >;
  failedJobs: string[];
  survivingJobs: string[];
  /** FailedScheduling messages the evaluation pods got before preempting. */
  failedSchedulingMessages: string[];
}

/**
 * The CI story. Uses every node of the cluster (all must have the same allocatable CPU, >= 3,
 * and no pods); `evaluationPods` (default 2, at most the node count) pods preempt one test pod each.
 */
export async function ciStory(
  cluster: Cluster,
  opts: { namespace?: string; evaluationPods?: number; timeoutMs?: number } = {},
): Promise<CiStoryResult> {
  const ns = opts.namespace ?? 'ci';
  const timeout = opts.timeoutMs ?? 60_000;
  const cpu = await nodeCpu(cluster);
  if (cpu.length < 2) throw new Error('ciStory needs at least 2 nodes');
  const alloc = cpu[0].allocatable;
  if (cpu.some((n) => n.allocatable !== alloc)) throw new Error(`ciStory needs nodes of equal CPU: ${JSON.stringify(cpu)}`);
  if (alloc < 3000) throw new Error('ciStory needs nodes with >= 3 CPU');
  if (cpu.some((n) => n.requested > 0)) throw new Error(`ciStory needs empty nodes: ${JSON.stringify(cpu)}`);
  const evalCount = Math.min(opts.evaluationPods ?? 2, cpu.length);
  // Each node nearly full with one test pod; an evaluation pod does not fit next to it (so it
  // must preempt) and two evaluation pods do not fit on one node (so each preempts on its own node).
  const testCpu = alloc - 1000;
  const evalCpu = Math.floor(alloc / 2) + 500;

  await applyManifests(
    cluster,
    namespace(ns),
    priorityClass('ci-default', 100, { globalDefault: true, description: 'Default for CI workloads' }),
    priorityClass('evaluation', 1000, { description: 'Model evaluation runs' }),
  );
  const testJobNames = cpu.map((_, i) => `test-shard-${i}`);
  await applyManifests(
    cluster,
    ...testJobNames.map((n) => job(ns, n, { cpu: `${testCpu}m`, memory: '1Gi', backoffLimit: 0, image: 'registry.invalid/ci/tests:1' })),
  );
  const testJobs: CiStoryResult['testJobs'] = [];
  for (const jn of testJobNames) {
    const p = await waitFor(
      async () => {
        const ps = (await jobPods(cluster, ns, jn)).filter((x) => x.status?.phase === 'Running' && x.spec.nodeName);
        return ps.length === 1 ? ps[0] : undefined;
      },
      timeout,
      { description: `test job ${jn} pod Running` },
    );
    testJobs.push({
      name: jn,
      pod: p.metadata.name,
      podUid: p.metadata.uid,
      node: p.spec.nodeName,
      priority: p.spec.priority,
      priorityClassName: p.spec.priorityClassName,
    });
  }
  if (new Set(testJobs.map((t) => t.node)).size !== testJobs.length)
    throw new Error(`test pods not spread one per node: ${JSON.stringify(testJobs)}`);

  const w = await cluster.watch(['pods', '-n', ns]);
  try {
    await applyManifests(
      cluster,
      job(ns, 'evaluation', {
        cpu: `${evalCpu}m`,
        memory: '1Gi',
        parallelism: evalCount,
        priorityClassName: 'evaluation',
        image: 'registry.invalid/ml/eval:1',
      }),
    );
    const evalPods = await waitFor(
      async () => {
        const ps = (await jobPods(cluster, ns, 'evaluation')).filter((x) => x.status?.phase === 'Running' && x.spec.nodeName);
        return ps.length === evalCount ? ps : undefined;
      },
      timeout,
      { description: `${evalCount} evaluation pods Running` },
    );
    const events = await waitForEvents(cluster, ns, { reason: 'Preempted', regardingKind: 'Pod' }, evalCount, timeout);
    const byUid = new Map(testJobs.map((t) => [t.podUid, t]));
    const evalByUid = new Map(evalPods.map((p) => [p.metadata.uid as string, p]));
    const preemptions: PreemptionFact[] = [];
    for (const ev of events) {
      const t = byUid.get(ev.regarding.uid);
      const m = PREEMPTED_NOTE_RE.exec(ev.note ?? '');
      const pre = m ? evalByUid.get(m[1]) : undefined;
      if (!t || !m || !pre) throw new Error(`unexpected Preempted event: ${JSON.stringify(pickEvent(ev))}`);
      await w.waitFor((e) => isDisruptedBy(e, t.podUid), 10_000, `DisruptionTarget on ${t.pod}`);
      preemptions.push({
        victim: {
          namespace: ns,
          name: t.pod,
          uid: t.podUid,
          node: t.node,
          priority: t.priority,
          disruptionTarget: disruptionTargetSeen(w, t.podUid)!,
        },
        preemptor: { namespace: ns, name: pre.metadata.name, uid: pre.metadata.uid, node: m[2], priority: pre.spec.priority },
        event: pickEvent(ev),
      });
    }
    const victimJobs = new Set(preemptions.map((p) => testJobs.find((t) => t.podUid === p.victim.uid)!.name));
    for (const jn of victimJobs) await waitForJobCondition(cluster, ns, jn, 'Failed', 'BackoffLimitExceeded', timeout);
    const jobStatus: CiStoryResult['jobStatus'] = {};
    for (const jn of testJobNames) {
      const j = await cluster.getJson(['job', '-n', ns, jn]);
      jobStatus[jn] = {
        failed: j.status?.failed ?? 0,
        active: j.status?.active ?? 0,
        conditions: (j.status?.conditions ?? []).map((c: K8sObject) => ({
          type: c.type,
          status: c.status,
          reason: c.reason,
          message: c.message,
        })),
      };
    }
    const failedSchedulingMessages = (await listEvents(cluster, ns))
      .filter((e) => e.reason === 'FailedScheduling' && evalByUid.has(e.regarding?.uid))
      .map((e) => e.note as string);
    return {
      namespace: ns,
      testCpuMillis: testCpu,
      evaluationCpuMillis: evalCpu,
      testJobs,
      evaluationPods: evalPods.map((p) => ({
        name: p.metadata.name,
        uid: p.metadata.uid,
        node: p.spec.nodeName,
        priority: p.spec.priority,
        nominatedNodeNames: nominatedNodesSeen(w, p.metadata.uid),
      })),
      preemptions,
      jobStatus,
      failedJobs: [...victimJobs].sort(),
      survivingJobs: testJobNames.filter((n) => !victimJobs.has(n)),
      failedSchedulingMessages,
    };
  } finally {
    await w.stop();
  }
}
