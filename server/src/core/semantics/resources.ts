// Request arithmetic (R-D.*): limits default requests, LimitRange defaults, and the effective pod request
// (sidecars, init containers, overhead, pod-level resources) used by QoS, fit checks and eviction ranking.
import type { ContainerSpec, Workload } from '../model/workload';
import type { LimitRangeDefaults } from './limit-range';
import type { Resources } from './resource-amounts';

export interface EffectiveContainer {
  container: ContainerSpec;
  requests: Resources;
  limits: Resources;
  /** Resources whose request or limit came from a LimitRange, with that LimitRange's `namespace/name`. */
  fromLimitRange: Array<{ resource: string; field: 'request' | 'limit'; limitRange: string }>;
}

/** defaultContainer applies R-D.1 (request := limit when only a limit is set) and then the LimitRange defaults (R-D.2). */
export function defaultContainer(container: ContainerSpec, limitRanges: readonly LimitRangeDefaults[]): EffectiveContainer {
  const requests: Resources = { ...container.requests.values };
  const limits: Resources = { ...container.limits.values };
  for (const [resource, limit] of Object.entries(limits)) if (!(resource in requests)) requests[resource] = limit;
  const fromLimitRange: EffectiveContainer['fromLimitRange'] = [];
  for (const limitRange of limitRanges) {
    for (const [resource, value] of Object.entries(limitRange.defaultLimit)) {
      if (!(resource in limits)) {
        limits[resource] = value;
        fromLimitRange.push({ resource, field: 'limit', limitRange: limitRange.id });
      }
    }
    for (const [resource, value] of Object.entries(limitRange.defaultRequest)) {
      if (!(resource in requests)) {
        requests[resource] = value;
        fromLimitRange.push({ resource, field: 'request', limitRange: limitRange.id });
      }
    }
  }
  return { container, requests, limits, fromLimitRange };
}

/** Pod-level resources that switch QoS and requests to the pod-level stanza (R-C.4, the fixed "is set" rule). */
const podLevelResourceNames = (name: string): boolean => name === 'cpu' || name === 'memory' || name.startsWith('hugepages-');

export interface PodLevelResources {
  requests: Resources;
  limits: Resources;
}

/** podLevelResources returns the defaulted pod-level stanza when it is in effect for this Kubernetes version, else undefined. */
export function podLevelResources(workload: Workload, kubernetesMinor: number): PodLevelResources | undefined {
  // PodLevelResources is beta and on by default from 1.34; before that the gate is off by default.
  if (kubernetesMinor < 34 || workload.podResources === undefined) return undefined;
  const requests: Resources = { ...workload.podResources.requests.values };
  const limits: Resources = { ...workload.podResources.limits.values };
  const set = [...Object.keys(requests), ...Object.keys(limits)].some(podLevelResourceNames);
  if (!set) return undefined;
  // R-D.4 (defaultPodRequests, 1.36): only when pod-level limits are set. Hugepages requests default first from the
  // containers' aggregated requests (limits already defaulted their requests, R-D.1; LimitRange defaults come later, at
  // admission); then every supported resource with a pod-level limit and no request gets request := limit.
  if (Object.keys(limits).length === 0) return { requests, limits };
  const aggregated = podRequests(
    workload.containers.map((c) => defaultContainer(c, [])),
    {},
    undefined,
    'never',
  );
  for (const [resource, value] of Object.entries(aggregated))
    if (resource.startsWith('hugepages-') && !(resource in requests)) requests[resource] = value;
  for (const [resource, limit] of Object.entries(limits))
    if (podLevelResourceNames(resource) && !(resource in requests)) requests[resource] = limit;
  return { requests, limits };
}

/**
 * How `spec.overhead` enters a pod's request: `always` as component-helpers PodRequests adds it (the scheduler's
 * NodeResourcesFit and NodeInfo, R-D.6), `non-zero` as GetResourceRequestQuantity adds it only to a non-zero total
 * (R-D.3), `never` for the kubelet eviction ranking's podRequest.
 */
export type OverheadMode = 'always' | 'non-zero' | 'never';

/** podRequests computes the effective pod request per resource (R-D.3, R-D.6). */
export function podRequests(
  containers: readonly EffectiveContainer[],
  overhead: Resources,
  podLevel: PodLevelResources | undefined,
  overheadMode: OverheadMode = 'non-zero',
): Resources {
  const total: Resources = {};
  const add = (target: Resources, source: Resources): void => {
    for (const [r, v] of Object.entries(source)) target[r] = (target[r] ?? 0) + v;
  };
  const sidecarsSoFar: Resources = {};
  const initMax: Resources = {};
  for (const c of containers) {
    if (c.container.role === 'app' || c.container.role === 'sidecar') add(total, c.requests);
    if (c.container.role === 'sidecar') add(sidecarsSoFar, c.requests);
    if (c.container.role === 'init') {
      const candidate: Resources = { ...sidecarsSoFar };
      add(candidate, c.requests);
      for (const [r, v] of Object.entries(candidate)) initMax[r] = Math.max(initMax[r] ?? 0, v);
    }
  }
  for (const [r, v] of Object.entries(initMax)) total[r] = Math.max(total[r] ?? 0, v);
  if (podLevel !== undefined) {
    for (const [r, v] of Object.entries(podLevel.requests)) if (podLevelResourceNames(r)) total[r] = v;
  }
  if (overheadMode !== 'never')
    for (const [r, v] of Object.entries(overhead)) if (overheadMode === 'always' || (total[r] ?? 0) > 0) total[r] = (total[r] ?? 0) + v;
  return total;
}

/** podLimit sums a limit over app containers, or the pod-level limit; undefined when some container has none (unbounded). */
export function podMemoryLimit(containers: readonly EffectiveContainer[], podLevel: PodLevelResources | undefined): number | undefined {
  if (podLevel?.limits.memory !== undefined) return podLevel.limits.memory;
  let total = 0;
  for (const c of containers) {
    if (c.container.role === 'init') continue;
    const limit = c.limits.memory;
    if (limit === undefined || limit === 0) return undefined;
    total += limit;
  }
  return total;
}

/** What a bound pod's status says of one container's resources (in-place resize, KEP-1287). */
export interface ContainerResourceStatus {
  /** status.containerStatuses[].resources.requests: what the runtime has applied. */
  actual: Resources;
  /** status.containerStatuses[].allocatedResources: what the kubelet admitted. */
  allocated: Resources;
}

/**
 * resizedRequests is determineContainerReqs (R-D.7): for a running container with `resources` in its status, the
 * scheduler accounts the larger of spec, actual and allocated requests per resource; when the pod's resize is marked
 * infeasible (condition PodResizePending, reason Infeasible) the spec is ignored.
 */
export function resizedRequests(spec: Resources, status: ContainerResourceStatus, infeasible: boolean): Resources {
  const result: Resources = infeasible ? { ...status.actual } : { ...spec };
  const raise = (from: Resources): void => {
    for (const [r, v] of Object.entries(from)) if (!(r in result) || v > (result[r] ?? 0)) result[r] = v;
  };
  if (!infeasible) raise(status.actual);
  raise(status.allocated);
  return result;
}
