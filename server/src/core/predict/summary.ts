// The kubelet Summary API document (`/api/v1/nodes/NODE/proxy/stats/summary`) as the eviction manager reads it:
// per-pod and per-container usage and the node's filesystems (predict/evict.ts ranks with it).
export interface FsStats {
  availableBytes?: number;
  capacityBytes?: number;
  usedBytes?: number;
  inodesFree?: number;
  inodes?: number;
  inodesUsed?: number;
}

export interface ContainerStats {
  name: string;
  workingSetBytes?: number;
  rootfs?: FsStats;
  logs?: FsStats;
}

export interface PodStats {
  namespace: string;
  name: string;
  uid?: string;
  containers: ContainerStats[];
  /** Pod-level working set (`pods[].memory.workingSetBytes`); falls back to Σ containers. */
  memoryWorkingSet?: number;
  volumes: Map<string, FsStats>;
  processCount?: number;
  /** `pods[].ephemeral-storage`: the pod's total local ephemeral storage (containers, logs, local volumes). */
  ephemeralStorage?: FsStats;
}

export interface NodeStats {
  memoryAvailable?: number;
  memoryWorkingSet?: number;
  allocatableAvailable?: number;
  allocatableWorkingSet?: number;
  fs?: FsStats;
  imageFs?: FsStats;
  containerFs?: FsStats;
  maxPid?: number;
  curProc?: number;
}

export interface Summary {
  nodeName?: string;
  node: NodeStats;
  pods: PodStats[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function readFs(v: unknown): FsStats | undefined {
  const o = obj(v);
  if (o === undefined) return undefined;
  const fs: FsStats = {};
  for (const k of ['availableBytes', 'capacityBytes', 'usedBytes', 'inodesFree', 'inodes', 'inodesUsed'] as const) {
    const n = num(o[k]);
    if (n !== undefined) fs[k] = n;
  }
  return fs;
}

/** readSummary reads the parts of a Summary API document the eviction manager uses; throws on a wrong shape. */
export function readSummary(json: unknown): Summary {
  const root = obj(json);
  if (root === undefined || obj(root['node']) === undefined) throw new Error('not a kubelet Summary API document (no "node" object)');
  const node = obj(root['node']) ?? {};
  const memory = obj(node['memory']);
  const runtime = obj(node['runtime']);
  const rlimit = obj(node['rlimit']);
  const podsContainer = arr(node['systemContainers'])
    .map(obj)
    .find((c) => c?.['name'] === 'pods');
  const podsMemory = obj(podsContainer?.['memory']);
  const nodeStats: NodeStats = {
    memoryAvailable: num(memory?.['availableBytes']),
    memoryWorkingSet: num(memory?.['workingSetBytes']),
    allocatableAvailable: num(podsMemory?.['availableBytes']),
    allocatableWorkingSet: num(podsMemory?.['workingSetBytes']),
    fs: readFs(node['fs']),
    imageFs: readFs(runtime?.['imageFs']),
    containerFs: readFs(runtime?.['containerFs']),
    maxPid: num(rlimit?.['maxpid']),
    curProc: num(rlimit?.['curproc']),
  };
  const pods: PodStats[] = [];
  for (const p of arr(root['pods'])) {
    const po = obj(p);
    const ref = obj(po?.['podRef']);
    if (po === undefined || ref === undefined || typeof ref['name'] !== 'string') continue;
    const containers: ContainerStats[] = arr(po['containers']).map((c) => {
      const co = obj(c) ?? {};
      const stats: ContainerStats = { name: typeof co['name'] === 'string' ? co['name'] : '' };
      const ws = num(obj(co['memory'])?.['workingSetBytes']);
      if (ws !== undefined) stats.workingSetBytes = ws;
      const rootfs = readFs(co['rootfs']);
      if (rootfs !== undefined) stats.rootfs = rootfs;
      const logs = readFs(co['logs']);
      if (logs !== undefined) stats.logs = logs;
      return stats;
    });
    const volumes = new Map<string, FsStats>();
    for (const v of arr(po['volume'])) {
      const vo = obj(v);
      if (vo !== undefined && typeof vo['name'] === 'string') volumes.set(vo['name'], readFs(vo) ?? {});
    }
    const stats: PodStats = {
      namespace: typeof ref['namespace'] === 'string' ? ref['namespace'] : 'default',
      name: ref['name'],
      containers,
      volumes,
    };
    if (typeof ref['uid'] === 'string') stats.uid = ref['uid'];
    const pws = num(obj(po['memory'])?.['workingSetBytes']);
    if (pws !== undefined) stats.memoryWorkingSet = pws;
    const ephemeral = readFs(po['ephemeral-storage']);
    if (ephemeral !== undefined) stats.ephemeralStorage = ephemeral;
    const pc = num(obj(po['process_stats'])?.['process_count']);
    if (pc !== undefined) stats.processCount = pc;
    pods.push(stats);
  }
  const summary: Summary = { node: nodeStats, pods };
  if (typeof node['nodeName'] === 'string') summary.nodeName = node['nodeName'];
  return summary;
}
