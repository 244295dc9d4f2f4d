// Kubelet node-pressure eviction ranking (R-F.*) for the pods of one node, from a kubelet Summary API document
// (`/api/v1/nodes/NODE/proxy/stats/summary`) and/or PodMetrics objects, or a static fallback without usage.
// Work is bounded by the node: only node.pods are ranked (O(k log k)); the summary is indexed once.
import { parseQuantity } from '../quantity';
import { systemCriticalPriority } from '../semantics/priority-class';
import { get, scalarText } from '../syntax/tree';
import type { SimCluster, SimNode, SimPod } from './cluster';
import { bytesQuantity, canonicalQuantity, canonicalText, formatOf } from './quantity-text';
import type { QuantityFormat } from './quantity-text';
import type { FsStats, PodStats, Summary } from './summary';
import { localStorageEvictions } from './local-storage';
import type { LocalStorageEviction } from './local-storage';

export const evictionSignals = [
  'memory.available',
  'allocatableMemory.available',
  'nodefs.available',
  'nodefs.inodesFree',
  'imagefs.available',
  'imagefs.inodesFree',
  'containerfs.available',
  'containerfs.inodesFree',
  'pid.available',
] as const;
export type EvictionSignal = (typeof evictionSignals)[number];

export type ReclaimResource = 'memory' | 'ephemeral-storage' | 'inodes' | 'pids';

/** R-F.1: the resource each signal reclaims. */
export function signalResource(signal: EvictionSignal): ReclaimResource {
  if (signal === 'memory.available' || signal === 'allocatableMemory.available') return 'memory';
  if (signal === 'pid.available') return 'pids';
  return signal.endsWith('inodesFree') ? 'inodes' : 'ephemeral-storage';
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking

export type FsLayout = { imagefs: 'shared' | 'dedicated'; containerfs: 'shared' | 'split' };
type FsPart = 'root' | 'logs' | 'localVolumes';

/** measuredParts is buildSignalToRankFunc's choice of filesystems per signal (R-F.5); images are never per pod. */
export function measuredParts(signal: EvictionSignal, layout: FsLayout): FsPart[] {
  const dedicated = layout.imagefs === 'dedicated' || layout.containerfs === 'split';
  const split = layout.containerfs === 'split';
  const nodefs = signal.startsWith('nodefs.');
  const imagefs = signal.startsWith('imagefs.');
  if (!dedicated) return ['root', 'logs', 'localVolumes'];
  if (!split) return nodefs ? ['logs', 'localVolumes'] : ['root'];
  // Split image and container filesystems: nodefs and containerfs see the writable layers, imagefs only images.
  return imagefs ? [] : ['logs', 'localVolumes', 'root'];
}

interface Usage {
  found: boolean;
  /** memory: working set; ephemeral-storage: bytes; inodes: inodes; pids: processes. */
  value: number;
}

export interface RankedPod {
  pod: SimPod;
  usage: number | undefined;
  /** The request the usage is compared with (bytes; 0 for inodes and pids). */
  request: number;
  exceeds: boolean;
}

export interface EvictionResult {
  node: string;
  signal: EvictionSignal;
  resource: ReclaimResource;
  /** Evictable pods, first evicted first. */
  order: RankedPod[];
  exempt: Array<{ pod: SimPod; reason: string }>;
  message?: string;
  /** True when no usage was available and the static tier order was used. */
  static: boolean;
  /** Where usage came from. */
  usageSource: 'summary' | 'podmetrics' | 'none';
  notes: string[];
  /**
   * What the eviction manager does this cycle: evict the local-storage violators (before any threshold, R-F.9), evict
   * `order[0]` because the threshold is crossed (or assumed crossed without --threshold or stats), or nothing.
   */
  outcome: 'local-storage' | 'ranked' | 'threshold-not-crossed' | 'no-evictable-pod';
  /** Pods evicted for their own local-storage limits, whatever the signal (R-F.9). */
  localStorage: LocalStorageEviction[];
  /** `--threshold` against the observed available value (R-F.3: met when available < threshold). */
  threshold?: { quantity: string; available: string; crossed: boolean };
}

export interface EvictOptions {
  signal: EvictionSignal;
  layout: FsLayout;
  summary?: Summary;
  /** `--threshold QTY` (a quantity or a percentage). */
  threshold?: string;
}

/** exemption is R-F.6 (IsCriticalPod): static, mirror, or priority >= 2000000000. */
export function exemption(pod: SimPod): string | undefined {
  if (pod.staticPod) return `static pod (kubernetes.io/config.source: ${pod.object.annotations['kubernetes.io/config.source'] ?? ''})`;
  if (pod.mirrorPod) return 'mirror pod (kubernetes.io/config.mirror)';
  if (pod.priority >= systemCriticalPriority) return `priority ${pod.priority} >= ${systemCriticalPriority} (critical)`;
  return undefined;
}

const cmpBool = (a: boolean, b: boolean): number => (a === b ? 0 : a ? -1 : 1);

/** rankEviction orders the node's active pods as the eviction manager would for `signal` (R-F.4..R-F.6, R-I.4). */
export function rankEviction(snapshot: SimCluster, node: SimNode, options: EvictOptions): EvictionResult {
  const resource = signalResource(options.signal);
  const notes: string[] = [];
  const podStats = new Map<string, PodStats>();
  if (options.summary !== undefined) {
    for (const s of options.summary.pods) {
      podStats.set(`${s.namespace}/${s.name}`, s);
      if (s.uid !== undefined) podStats.set(`uid:${s.uid}`, s);
    }
  }
  // The eviction manager's statsFunc matches Summary pods to pods by UID only (cachedStatsFunc).
  const statsOf = (pod: SimPod): PodStats | undefined => (pod.uid !== undefined ? podStats.get(`uid:${pod.uid}`) : undefined);
  const active = node.pods.filter((p) => p.phase !== 'Succeeded' && p.phase !== 'Failed');
  if (options.summary !== undefined) {
    const unmatched = active.filter((p) => statsOf(p) === undefined && podStats.has(p.id)).map((p) => p.id);
    if (unmatched.length > 0)
      notes.push(
        `stats name ${unmatched.join(', ')} but with another or no UID: the kubelet matches stats to pods by UID only, so these pods have no stats`,
      );
  }
  let usageSource: EvictionResult['usageSource'] = 'none';
  if (options.summary !== undefined) usageSource = 'summary';
  else if (resource === 'memory' && active.some((p) => snapshot.podMetrics.has(p.id))) usageSource = 'podmetrics';
  const parts = measuredParts(options.signal, options.layout);
  const usageOf = (pod: SimPod): Usage => {
    if (usageSource === 'podmetrics') {
      const m = snapshot.podMetrics.get(pod.id);
      return m === undefined ? { found: false, value: 0 } : { found: true, value: m.total };
    }
    const s = statsOf(pod);
    if (s === undefined) return { found: false, value: 0 };
    switch (resource) {
      case 'memory':
        return { found: true, value: s.memoryWorkingSet ?? s.containers.reduce((sum, c) => sum + (c.workingSetBytes ?? 0), 0) };
      case 'pids':
        return { found: true, value: s.processCount ?? 0 };
      default: {
        const field = resource === 'inodes' ? 'inodesUsed' : 'usedBytes';
        let total = 0;
        for (const c of s.containers) {
          if (parts.includes('root')) total += c.rootfs?.[field] ?? 0;
          if (parts.includes('logs')) total += c.logs?.[field] ?? 0;
        }
        if (parts.includes('localVolumes')) for (const name of pod.localVolumes) total += s.volumes.get(name)?.[field] ?? 0;
        return { found: true, value: total };
      }
    }
  };
  const ranked: Array<RankedPod & { found: boolean }> = active.map((pod) => {
    const u = usageOf(pod);
    // Requests are the kubelet's podRequest (R-F.4): no overhead, pod-level requests when set; inodes and pids have none.
    const memoryRequest = Math.ceil((pod.kubeletRequests['memory'] ?? 0) / 1000);
    const storageRequest = Math.ceil((pod.kubeletRequests['ephemeral-storage'] ?? 0) / 1000);
    const request = resource === 'memory' ? memoryRequest : resource === 'ephemeral-storage' ? storageRequest : 0;
    return { pod, usage: u.found ? u.value : undefined, request, exceeds: u.found && u.value > request, found: u.found };
  });
  const isStatic = usageSource === 'none';
  const byId = (a: SimPod, b: SimPod): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (isStatic) {
    notes.push("no usage (no --stats, no PodMetrics for memory): static order by the engine's eviction tier, then priority");
    ranked.sort((a, b) => a.pod.evictionTier.tier - b.pod.evictionTier.tier || a.pod.priority - b.pod.priority || byId(a.pod, b.pod));
  } else {
    const storageRequest = (p: SimPod): number => Math.ceil((p.kubeletRequests['ephemeral-storage'] ?? 0) / 1000);
    ranked.sort((a, b) => {
      if (resource === 'pids') {
        // rankPIDPressure: lower priority, then (pods without stats first) more processes.
        if (a.pod.priority !== b.pod.priority) return a.pod.priority - b.pod.priority;
        return cmpBool(!a.found, !b.found) || (b.usage ?? 0) - (a.usage ?? 0) || byId(a.pod, b.pod);
      }
      // Every stats-based comparison puts pods without stats first; two such pods differ only by priority.
      if (!a.found || !b.found) {
        return cmpBool(!a.found, !b.found) || a.pod.priority - b.pod.priority || byId(a.pod, b.pod);
      }
      const c = cmpBool(a.exceeds, b.exceeds);
      if (c !== 0) return c;
      if (a.pod.priority !== b.pod.priority) return a.pod.priority - b.pod.priority;
      // usage above request, larger first; for inodes upstream subtracts the ephemeral-storage request (R-F.4 quirk).
      const sub = (r: RankedPod): number => (r.usage ?? 0) - (resource === 'inodes' ? storageRequest(r.pod) : r.request);
      return sub(b) - sub(a) || byId(a.pod, b.pod);
    });
  }
  const order: RankedPod[] = [];
  const exempt: Array<{ pod: SimPod; reason: string }> = [];
  for (const r of ranked) {
    const why = exemption(r.pod);
    if (why === undefined) order.push({ pod: r.pod, usage: r.usage, request: r.request, exceeds: r.exceeds });
    else exempt.push({ pod: r.pod, reason: why });
  }
  exempt.sort((a, b) => byId(a.pod, b.pod));
  const dedicated = options.layout.imagefs === 'dedicated' || options.layout.containerfs === 'split';
  const localStorage =
    options.summary === undefined ? [] : localStorageEvictions(active, statsOf, dedicated, (p) => exemption(p) !== undefined);
  const observed = thresholdObservation(options.signal, options.layout, options.summary, options.threshold);
  const first = order[0];
  const outcome: EvictionResult['outcome'] =
    localStorage.length > 0
      ? 'local-storage'
      : observed !== undefined && !observed.crossed
        ? 'threshold-not-crossed'
        : first === undefined
          ? 'no-evictable-pod'
          : 'ranked';
  const result: EvictionResult = {
    node: node.name,
    signal: options.signal,
    resource,
    order,
    exempt,
    static: isStatic,
    usageSource,
    notes,
    outcome,
    localStorage,
  };
  if (observed !== undefined) result.threshold = { quantity: observed.quantity, available: observed.available, crossed: observed.crossed };
  if (outcome === 'local-storage') result.message = localStorage[0]?.message;
  else if (outcome === 'ranked' && first !== undefined)
    result.message = evictionMessage(
      first.pod,
      resource,
      options,
      usageSource === 'summary' ? statsOf(first.pod) : podMetricsAsStats(snapshot, first.pod),
      notes,
    );
  return result;
}

function podMetricsAsStats(snapshot: SimCluster, pod: SimPod): PodStats | undefined {
  const m = snapshot.podMetrics.get(pod.id);
  if (m === undefined) return undefined;
  return {
    namespace: pod.namespace,
    name: pod.name,
    containers: [...m.containers].map(([name, ws]) => ({ name, workingSetBytes: ws })),
    memoryWorkingSet: m.total,
    volumes: new Map(),
  };
}

/** thresholdFragment resolves `--threshold` and the observed available value (R-F.2); undefined when either is unknown. */
export function thresholdObservation(
  signal: EvictionSignal,
  layout: FsLayout,
  summary: Summary | undefined,
  threshold: string | undefined,
): { quantity: string; available: string; crossed: boolean } | undefined {
  if (threshold === undefined || summary === undefined) return undefined;
  const n = summary.node;
  let available: number | undefined;
  let capacity: number | undefined;
  let format: QuantityFormat = 'BinarySI';
  const dedicated = layout.imagefs === 'dedicated' || layout.containerfs === 'split';
  // containerfs mirrors nodefs (single fs, or split container fs) or imagefs (separate image fs) (R-F.1).
  const fsFor = (s: EvictionSignal): FsStats | undefined => {
    if (s.startsWith('nodefs.')) return n.fs;
    if (s.startsWith('imagefs.')) return dedicated ? n.imageFs : n.fs;
    if (layout.containerfs === 'split') return n.containerFs ?? n.fs;
    return dedicated ? n.imageFs : n.fs;
  };
  switch (signal) {
    case 'memory.available':
      available = n.memoryAvailable;
      capacity = n.memoryAvailable !== undefined && n.memoryWorkingSet !== undefined ? n.memoryAvailable + n.memoryWorkingSet : undefined;
      break;
    case 'allocatableMemory.available':
      available = n.allocatableAvailable;
      capacity =
        n.allocatableAvailable !== undefined && n.allocatableWorkingSet !== undefined
          ? n.allocatableAvailable + n.allocatableWorkingSet
          : undefined;
      break;
    case 'pid.available':
      available = n.maxPid !== undefined && n.curProc !== undefined ? n.maxPid - n.curProc : undefined;
      capacity = n.maxPid;
      format = 'DecimalSI';
      break;
    default: {
      const fs = fsFor(signal);
      if (signal.endsWith('inodesFree')) {
        available = fs?.inodesFree;
        capacity = fs?.inodes;
        format = 'DecimalSI';
      } else {
        available = fs?.availableBytes;
        capacity = fs?.capacityBytes;
      }
    }
  }
  if (available === undefined) return undefined;
  let quantity: string | undefined;
  let value: number | undefined;
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(threshold.trim());
  if (percent !== null) {
    if (capacity === undefined) return undefined;
    value = Math.floor((capacity * Number(percent[1])) / 100);
    quantity = canonicalQuantity(value * 1000, 'BinarySI');
  } else {
    quantity = canonicalText(threshold);
    const milli = parseQuantity(threshold);
    value = milli === undefined ? undefined : milli / 1000;
  }
  if (quantity === undefined || value === undefined) return undefined;
  // thresholdsMet: a LessThan threshold is met when the observed available value is below it.
  return { quantity, available: canonicalQuantity(available * 1000, format), crossed: available < value };
}

/** requestText prints a container's request as the API object holds it (R-D.1 defaulting, canonical form). */
export function requestText(pod: SimPod, containerName: string, resource: string): string {
  const container = pod.containers.find((c) => c.container.name === containerName);
  if (container === undefined) return '0';
  const value = container.requests[resource];
  if (value === undefined) return '0';
  const resources = get(container.container.node, 'resources');
  const written = scalarText(get(resources, 'requests', resource)) ?? scalarText(get(resources, 'limits', resource));
  const format: QuantityFormat =
    written !== undefined ? formatOf(written) : value % (1024 * 1000) === 0 && value !== 0 ? 'BinarySI' : 'DecimalSI';
  return canonicalQuantity(value, format);
}

/** evictionMessage builds the kubelet's Evicted status message (R-I.4) for the pod evicted first. */
export function evictionMessage(
  pod: SimPod,
  resource: ReclaimResource,
  options: EvictOptions,
  stats: PodStats | undefined,
  notes: string[],
): string {
  let message = `The node was low on resource: ${resource}. `;
  const observed = thresholdObservation(options.signal, options.layout, options.summary, options.threshold);
  if (observed !== undefined) message += `Threshold quantity: ${observed.quantity}, available: ${observed.available}. `;
  else if (options.threshold !== undefined)
    notes.push('the "Threshold quantity" fragment needs the observed available value: pass --stats with a Summary API document');
  if (stats === undefined) return message;
  if (resource === 'memory' && pod.podLevel?.requests['memory'] !== undefined) {
    const request = pod.podLevel.requests['memory'];
    const usage = stats.memoryWorkingSet ?? stats.containers.reduce((s, c) => s + (c.workingSetBytes ?? 0), 0);
    if (usage * 1000 > request) {
      const podResources = get(pod.workload.podSpec, 'resources');
      const written = scalarText(get(podResources, 'requests', 'memory')) ?? scalarText(get(podResources, 'limits', 'memory'));
      message += `Pod ${pod.name} was using ${bytesQuantity(usage)}, request is ${canonicalQuantity(request, written !== undefined ? formatOf(written) : 'BinarySI')}, has larger consumption of memory. `;
    }
  }
  if (resource !== 'memory' && resource !== 'ephemeral-storage') return message;
  for (const c of stats.containers) {
    const spec = pod.containers.find((e) => e.container.name === c.name);
    if (spec === undefined) continue;
    let usage: number | undefined;
    if (resource === 'memory') usage = c.workingSetBytes;
    else if (c.rootfs?.usedBytes !== undefined && c.logs?.usedBytes !== undefined) usage = c.rootfs.usedBytes + c.logs.usedBytes;
    if (usage === undefined) continue;
    const request = spec.requests[resource] ?? 0;
    if (usage * 1000 > request) {
      message += `Container ${c.name} was using ${bytesQuantity(usage)}, request is ${requestText(pod, c.name, resource)}, has larger consumption of ${resource}. `;
    }
  }
  return message;
}

/** parseThreshold validates `--threshold`: a quantity (`100Mi`, `1G`, `500`) or a percentage (`10%`). */
export function validThreshold(text: string): boolean {
  if (/^\d+(?:\.\d+)?%$/.test(text.trim())) return true;
  const milli = parseQuantity(text);
  return milli !== undefined && milli >= 0;
}
