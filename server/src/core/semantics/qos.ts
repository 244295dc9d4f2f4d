// Pod QoS class exactly as GetPodQOS/ComputePodQOS (R-C.*): cpu and memory only, init and sidecar containers count,
// requests defaulted from limits, and the pod-level stanza alone when pod-level resources are in effect.
import type { EffectiveContainer, PodLevelResources } from './resources';
import type { Resources } from './resource-amounts';

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';

/** qosClassOf reads a `status.qosClass` value: one of the three classes, else undefined (not a QoS class). */
export function qosClassOf(value: string | undefined): QosClass | undefined {
  return value === 'Guaranteed' || value === 'Burstable' || value === 'BestEffort' ? value : undefined;
}

const qosResources = ['cpu', 'memory'] as const;

/** stanzaQos classifies one requests/limits stanza (a container, or the pod-level stanza). */
export function stanzaQos(requests: Resources, limits: Resources): QosClass {
  const nonZero = (v: number | undefined): boolean => v !== undefined && v !== 0;
  const any = qosResources.some((r) => nonZero(requests[r]) || nonZero(limits[r]));
  if (!any) return 'BestEffort';
  const guaranteed = qosResources.every(
    (r) => nonZero(limits[r]) && nonZero(requests[r] ?? limits[r]) && (requests[r] ?? limits[r]) === limits[r],
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** computePodQos returns the pod's QoS class; a `status.qosClass` read from a cluster wins (R-C.1). */
export function computePodQos(
  containers: readonly EffectiveContainer[],
  podLevel: PodLevelResources | undefined,
  statusQosClass?: string,
): QosClass {
  const fromStatus = qosClassOf(statusQosClass);
  if (fromStatus !== undefined) return fromStatus;
  if (podLevel !== undefined) return stanzaQos(podLevel.requests, podLevel.limits);
  if (containers.length === 0) return 'BestEffort';
  const classes = containers.map((c) => stanzaQos(c.requests, c.limits));
  if (classes.every((q) => q === 'Guaranteed')) return 'Guaranteed';
  if (classes.every((q) => q === 'BestEffort')) return 'BestEffort';
  return 'Burstable';
}
