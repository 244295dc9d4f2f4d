// The kubelet's local-storage evictions (R-F.9): before any threshold is looked at, every active pod whose emptyDir
// is over its sizeLimit, whose total ephemeral storage is over the sum of its containers' limits, or one of whose
// containers is over its own ephemeral-storage limit is evicted, with the kubelet's message for that cause. Critical pods are never evicted (evictPod refuses them). Stats come from the Summary API by pod UID.
import { get, isMap, isSeq, scalarText, stringValue } from '../syntax/tree';
import { parseQuantity } from '../quantity';
import { bytesQuantity, canonicalQuantity, canonicalText, formatOf } from './quantity-text';
import type { PodStats } from './summary';
import type { SimPod } from './sim-types';

export interface LocalStorageEviction {
  pod: SimPod;
  cause: 'emptyDir' | 'pod' | 'container';
  /** The kubelet's status message, e.g. `Usage of EmptyDir volume "cache" exceeds the limit "1Gi". `. */
  message: string;
}

/** emptyDirLimitEviction: an emptyDir whose used bytes are above a positive sizeLimit. */
function emptyDirOver(pod: SimPod, stats: PodStats): string | undefined {
  const volumes = get(pod.workload.podSpec, 'volumes');
  if (!isSeq(volumes)) return undefined;
  for (const v of volumes.items) {
    if (!isMap(v)) continue;
    const name = stringValue(get(v, 'name'));
    const text = scalarText(get(v, 'emptyDir', 'sizeLimit'));
    if (name === undefined || text === undefined) continue;
    const size = parseQuantity(text);
    const used = stats.volumes.get(name)?.usedBytes;
    if (size === undefined || size <= 0 || used === undefined) continue;
    if (used * 1000 > size)
      return `Usage of EmptyDir volume ${JSON.stringify(name)} exceeds the limit ${JSON.stringify(canonicalText(text) ?? text)}. `;
  }
  return undefined;
}

/** podEphemeralStorageLimitEviction: PodLimits' ephemeral-storage (containers summed, init containers max) vs the pod's usage. */
function podOver(pod: SimPod, stats: PodStats): string | undefined {
  let total = 0;
  let sidecars = 0;
  let initMax = 0;
  let found = false;
  let format: string | undefined;
  for (const c of pod.containers) {
    const limit = c.limits['ephemeral-storage'];
    if (limit === undefined) continue;
    found = true;
    format ??= scalarText(get(c.container.node, 'resources', 'limits', 'ephemeral-storage'));
    if (c.container.role === 'init') initMax = Math.max(initMax, limit + sidecars);
    else {
      total += limit;
      if (c.container.role === 'sidecar') sidecars += limit;
    }
  }
  if (!found) return undefined;
  const limit = Math.max(total, initMax);
  const used = stats.ephemeralStorage?.usedBytes ?? 0;
  if (used * 1000 <= limit) return undefined;
  return `Pod ephemeral local storage usage exceeds the total limit of containers ${canonicalQuantity(limit, formatOf(format ?? ''))}. `;
}

/** containerEphemeralStorageLimitEviction: logs (+ rootfs without a dedicated image filesystem) vs the container's limit. */
function containerOver(pod: SimPod, stats: PodStats, dedicatedImageFs: boolean): string | undefined {
  for (const cs of stats.containers) {
    const spec = pod.containers.find((c) => c.container.role === 'app' && c.container.name === cs.name);
    const limit = spec?.limits['ephemeral-storage'];
    if (spec === undefined || limit === undefined || limit === 0) continue;
    const used = (cs.logs?.usedBytes ?? 0) + (dedicatedImageFs ? 0 : (cs.rootfs?.usedBytes ?? 0));
    if (used * 1000 <= limit) continue;
    const written = scalarText(get(spec.container.node, 'resources', 'limits', 'ephemeral-storage'));
    const text = written === undefined ? bytesQuantity(Math.ceil(limit / 1000)) : (canonicalText(written) ?? written);
    return `Container ${cs.name} exceeded its local ephemeral storage limit ${JSON.stringify(text)}. `;
  }
  return undefined;
}

/** localStorageEvictions is the eviction manager's localStorageEviction over the node's active pods (R-F.9). */
export function localStorageEvictions(
  pods: readonly SimPod[],
  statsOf: (pod: SimPod) => PodStats | undefined,
  dedicatedImageFs: boolean,
  critical: (pod: SimPod) => boolean,
): LocalStorageEviction[] {
  const evicted: LocalStorageEviction[] = [];
  for (const pod of pods) {
    const stats = statsOf(pod);
    if (stats === undefined || critical(pod)) continue;
    const emptyDir = emptyDirOver(pod, stats);
    if (emptyDir !== undefined) {
      evicted.push({ pod, cause: 'emptyDir', message: emptyDir });
      continue;
    }
    const total = podOver(pod, stats);
    if (total !== undefined) {
      evicted.push({ pod, cause: 'pod', message: total });
      continue;
    }
    const container = containerOver(pod, stats, dedicatedImageFs);
    if (container !== undefined) evicted.push({ pod, cause: 'container', message: container });
  }
  return evicted;
}
