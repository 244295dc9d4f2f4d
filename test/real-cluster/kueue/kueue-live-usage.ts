/**
 * Helpers of the second Kueue differential suite (kueue-scenarios-2.test.ts): the live snapshot the engine's
 * kueuePreemptionTargets and kueueFairShares take (admitted Workloads with their reserved quota, priorities, admission
 * and queue-order times), read from the real Workloads, and the checks of a fair-sharing preemption's texts.
 */
import assert from 'node:assert/strict';
import type { Cluster, K8sObject } from '../harness';
import { parseQuantity } from '../../../server/src/core/quantity';
import type { KueueAdmittedWorkload, KueueIncomingWorkload } from '../../../server/src/core/semantics/kueue-preemption';
import { isKueuePreemptionEvent, parseKueuePreemptionMessage } from '../../../server/src/core/diagnose/kueue-messages';
import type { CoreView, Submitted } from './kueue-scenario';
import { condition, cq, waitEventAbout, waitWorkloadCondition } from './kueue-scenario';

const time = (t: unknown): number => (typeof t === 'string' ? Date.parse(t) : NaN);

/** What Kueue's cache holds for an admitted Workload: reserved quota per `flavor/resource`, times, priority. */
export function admittedOf(wl: K8sObject): KueueAdmittedWorkload | undefined {
  const reserved = condition(wl, 'QuotaReserved');
  const admission = wl.status?.admission;
  if (reserved?.status !== 'True' || admission === undefined) return undefined;
  const usage = new Map<string, number>();
  for (const ps of (admission.podSetAssignments ?? []) as K8sObject[]) {
    for (const [resource, flavor] of Object.entries((ps.flavors ?? {}) as Record<string, string>)) {
      const q = parseQuantity(String((ps.resourceUsage ?? {})[resource] ?? '0'));
      assert.ok(q !== undefined, `resourceUsage ${resource} of ${String(wl.metadata.name)}`);
      const fr = `${flavor}/${resource}`;
      usage.set(fr, (usage.get(fr) ?? 0) + q);
    }
  }
  return {
    key: `${String(wl.metadata.namespace)}/${String(wl.metadata.name)}`,
    uid: wl.metadata.uid as string,
    clusterQueue: admission.clusterQueue as string,
    priority: (wl.spec.priority as number | undefined) ?? 0,
    usage,
    quotaReservedAt: time(reserved.lastTransitionTime),
    queuedAt: time(wl.metadata.creationTimestamp),
    evicted: condition(wl, 'Evicted')?.status === 'True',
  };
}

/** Every admitted Workload of the cluster (all namespaces: reclamation looks across a cohort). */
export async function admittedWorkloads(cluster: Cluster): Promise<KueueAdmittedWorkload[]> {
  const items = (await cluster.getJson(['workloads.kueue.x-k8s.io', '-A'])).items as K8sObject[];
  return items.map(admittedOf).filter((w): w is KueueAdmittedWorkload => w !== undefined);
}

/** The incoming Workload as the engine takes it: its pod set's requests × count in `flavor`, priority, creation time. */
export function incomingOf(wl: K8sObject, clusterQueue: string, flavor: string): KueueIncomingWorkload {
  const requests = new Map<string, number>();
  for (const ps of wl.spec.podSets as K8sObject[]) {
    for (const c of ps.template.spec.containers as K8sObject[]) {
      for (const [resource, v] of Object.entries((c.resources?.requests ?? {}) as Record<string, string>)) {
        const fr = `${flavor}/${resource}`;
        requests.set(fr, (requests.get(fr) ?? 0) + (parseQuantity(v) ?? NaN) * (ps.count as number));
      }
    }
  }
  return {
    key: `${String(wl.metadata.namespace)}/${String(wl.metadata.name)}`,
    clusterQueue,
    priority: (wl.spec.priority as number | undefined) ?? 0,
    requests,
    queuedAt: time(wl.metadata.creationTimestamp),
  };
}

/** Wait past the next whole second: creation and transition timestamps are kept to the second. */
export function nextSecond(): Promise<void> {
  return new Promise((r) => setTimeout(r, 1100));
}

/**
 * A fair-sharing preemption: the victim's Preempted condition (reason `InCohortFairSharing`) and Preempted event, read
 * by the core's parsers with the real preemptor UIDs and queue paths. Returns the condition message.
 */
export async function checkFairSharingPreempted(
  cluster: Cluster,
  view: CoreView,
  preemptor: { submitted: Submitted; clusterQueue: string },
  victim: { submitted: Submitted; clusterQueue: string },
): Promise<string> {
  const ns = victim.submitted.job.metadata.namespace as string;
  const vwl = victim.submitted.workload;
  const pwl = preemptor.submitted.workload;
  const w = await waitWorkloadCondition(cluster, ns, vwl.metadata.name as string, 'Preempted', 'True', 'InCohortFairSharing');
  const message = condition(w, 'Preempted')?.message as string;
  const event = await waitEventAbout(cluster, ns, vwl.metadata.uid as string, 'Preempted');
  for (const [what, text] of [
    ['Preempted condition', message],
    ['Evicted condition', condition(w, 'Evicted')?.message as string],
    ['Preempted event', event.note as string],
  ] as const) {
    const m = parseKueuePreemptionMessage(text);
    assert.ok(m !== undefined, `the core parses the ${what}: ${text}`);
    assert.equal(m.reason, 'InCohortFairSharing', what);
    assert.equal(m.preemptorWorkloadUid, pwl.metadata.uid, `${what}: preemptor Workload UID`);
    assert.equal(m.preemptorJobUid, preemptor.submitted.job.metadata.uid, `${what}: preemptor JobUID`);
    assert.equal(m.preemptorPath, view.forest.queuePath(cq(view, preemptor.clusterQueue)), `${what}: preemptor path`);
    assert.equal(m.preempteePath, view.forest.queuePath(cq(view, victim.clusterQueue)), `${what}: preemptee path`);
  }
  assert.ok(
    isKueuePreemptionEvent({
      reason: event.reason as string,
      regardingKind: event.regarding?.kind as string,
      regardingApiVersion: event.regarding?.apiVersion as string,
      component: event.reportingController as string,
    }),
  );
  return message;
}
