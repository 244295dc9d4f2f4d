// Where the kubelet's node-pressure eviction puts a pod before any usage is known (R-F.4, R-F.6): its static tier.
import type { Workload } from '../model/workload';
import type { EffectiveContainer, PodLevelResources } from './resources';
import { systemCriticalPriority } from './priority-class';

export interface EvictionTier {
  /** 1: usage can exceed requests (evicted first); 2: bounded by its requests; 3: never evicted for node pressure. */
  tier: 1 | 2 | 3;
  reason: string;
}

/**
 * evictionTier predicts where the kubelet's memory-pressure ranking puts the pods (R-F.4, R-F.6): pods whose usage can
 * exceed their memory request go first whatever their priority; then lower priority; critical pods are never evicted.
 */
export function evictionTier(
  workload: Workload,
  priority: number,
  containers: readonly EffectiveContainer[],
  podLevel: PodLevelResources | undefined,
): EvictionTier {
  const annotations = workload.object.annotations;
  const staticPod = annotations['kubernetes.io/config.source'] !== undefined && annotations['kubernetes.io/config.source'] !== 'api';
  if (priority >= systemCriticalPriority)
    return {
      tier: 3,
      reason: `priority ${priority} is at least ${systemCriticalPriority} (system-critical): never evicted for node pressure`,
    };
  if (staticPod || annotations['kubernetes.io/config.mirror'] !== undefined)
    return { tier: 3, reason: 'static or mirror pod: never evicted for node pressure' };
  if (podLevel !== undefined) {
    const request = podLevel.requests.memory;
    const limit = podLevel.limits.memory;
    if (request === undefined || request === 0) return { tier: 1, reason: 'no pod-level memory request: any usage exceeds it' };
    if (limit === undefined || limit > request)
      return { tier: 1, reason: 'pod-level memory limit above the request (or unset): usage can exceed the request' };
    return { tier: 2, reason: 'pod-level memory limit equals the request: usage cannot exceed it' };
  }
  const app = containers.filter((c) => c.container.role !== 'init');
  if (app.length === 0) return { tier: 1, reason: 'no containers' };
  const unbounded = app.find((c) => (c.requests.memory ?? 0) === 0);
  if (unbounded !== undefined)
    return { tier: 1, reason: `container ${unbounded.container.name} has no memory request: any usage exceeds it` };
  const above = app.find((c) => c.limits.memory === undefined || c.limits.memory > (c.requests.memory ?? 0));
  if (above !== undefined) {
    return {
      tier: 1,
      reason: `container ${above.container.name} has a memory limit ${above.limits.memory === undefined ? 'unset' : 'above its request'}: usage can exceed the request`,
    };
  }
  return { tier: 2, reason: "every container's memory limit equals its request: usage cannot exceed requests" };
}
