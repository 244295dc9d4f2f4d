// The Workload cache's memory (issue 21): Kueue's Workloads, shaped as Kueue v0.19.2 writes them (a Job's Workload
// `job-<name>-<hash>` with the job-uid label, the Job as controller owner, the resource-in-use finalizer, the pod set
// with its template, the admission, and the conditions of a busy queue: 70% admitted and running, 20% pending, 10%
// preempted with Kueue's own texts), each sent through JSON as a list delivers it (fresh strings), parsed into records
// and put into a WorkloadCache, measured between two full GCs at 3,000 and 30,000 Workloads: bytes per Workload and MiB
// per 10k, like the pod cache's `cacheHeap` (agent.ts). Runs in its own process with --expose-gc, so the runner's heap
// (the delivery log of a storm) is not measured; `run.ts` calls measureWorkloadCache() and prints the row.
// Standalone: `node --expose-gc out/bench/live/workload-memory.js [3000,30000]`.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { WorkloadCache } from '../../server/src/cluster/kueue-live';
import { workloadRecordFromObject } from '../../server/src/core/index';
import type { ApiObject } from '../../server/src/core/index';

export interface WorkloadCacheSize {
  workloads: number;
  bytes: number;
  bytesPerWorkload: number;
  miBPer10k: number;
}

const MiB = 1024 * 1024;
const CHILD_FLAG = '--workload-memory-child';

const hex = (i: number, len: number) => ((i * 2654435761) >>> 0).toString(16).padStart(8, '0').repeat(2).slice(0, len);
const uid = (kind: number, i: number) => `${hex(i + kind, 8)}-${hex(i, 4)}-4${hex(i * 7, 3)}-8${hex(i * 13, 3)}-${hex(i * 31, 12)}`;

/** The i-th Workload: a Job `ci-tests-<i>` in one of 20 namespaces, 4 ClusterQueues in one cohort. */
export function syntheticWorkload(i: number): ApiObject {
  const ns = `team-${i % 20}`;
  const job = `ci-tests-${i}`;
  const name = `job-${job}-${hex(i * 17, 5)}`;
  const jobUid = uid(1, i);
  const cq = `cq-${i % 4}`;
  const wpc = i % 3 === 0 ? 'wpc-high' : 'wpc-low';
  const priority = wpc === 'wpc-high' ? 1000 : 100;
  const at = new Date(Date.UTC(2026, 11, 7, 9, 0, i % 3600)).toISOString().replace('.000Z', 'Z');
  const kind = i % 10; // 0: preempted, 1-2: pending, 3-9: admitted and running
  const cond = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    observedGeneration: 1,
    lastTransitionTime: at,
    reason,
    message,
  });
  const pendingText = `couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor default-flavor, 4 more needed`;
  const preempted = `Preempted to accommodate a workload (UID: ${uid(2, i + 1)}, JobUID: ${uid(1, i + 1)}) due to prioritization in the ClusterQueue; preemptor path: /co/${cq}; preemptee path: /co/${cq}`;
  const conditions =
    kind === 0
      ? [
          cond('Evicted', 'True', 'Preempted', preempted),
          cond('Preempted', 'True', 'InClusterQueue', preempted),
          cond('Requeued', 'True', 'Preempted', preempted),
          cond('QuotaReserved', 'False', 'Pending', pendingText),
          cond('Admitted', 'False', 'NoReservation', 'The workload has no reservation'),
          cond('PodsReady', 'False', 'WaitForStart', 'Not all pods are ready or succeeded'),
        ]
      : kind <= 2
        ? [
            cond('QuotaReserved', 'False', 'Pending', pendingText),
            cond('PodsReady', 'False', 'WaitForStart', 'Not all pods are ready or succeeded'),
          ]
        : [
            cond('QuotaReserved', 'True', 'QuotaReserved', `Quota reserved in ClusterQueue ${cq}`),
            cond('Admitted', 'True', 'Admitted', 'The workload is admitted'),
            cond('PodsReady', 'True', 'Started', 'All pods reached readiness and the workload is running'),
          ];
  return {
    apiVersion: 'kueue.x-k8s.io/v1beta2',
    kind: 'Workload',
    metadata: {
      name,
      namespace: ns,
      uid: uid(2, i),
      resourceVersion: String(100_000 + i),
      generation: 1,
      creationTimestamp: at,
      labels: { 'kueue.x-k8s.io/job-uid': jobUid },
      finalizers: ['kueue.x-k8s.io/resource-in-use'],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job, uid: jobUid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      active: true,
      queueName: 'lq',
      priority,
      priorityClassRef: { group: 'kueue.x-k8s.io', kind: 'WorkloadPriorityClass', name: wpc },
      podSets: [
        {
          name: 'main',
          count: 2,
          template: {
            metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'lq', 'kueue.x-k8s.io/priority-class': wpc } },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', resources: { requests: { cpu: '2' } } }],
            },
          },
        },
      ],
    },
    status: {
      conditions,
      ...(kind >= 3
        ? {
            admission: {
              clusterQueue: cq,
              podSetAssignments: [{ name: 'main', count: 2, flavors: { cpu: 'default-flavor' }, resourceUsage: { cpu: '4' } }],
            },
          }
        : {}),
      resourceRequests: [{ name: 'main', resources: { cpu: '4' } }],
      ...(kind === 0 ? { schedulingStats: { evictions: [{ reason: 'Preempted', underlyingCause: '', count: 1 }] } } : {}),
    },
  };
}

const gc = (globalThis as { gc?: () => void }).gc;
function heapUsed(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** In this process (needs --expose-gc): the heap a WorkloadCache of n Workloads retains. */
export function workloadCacheHeap(n: number): WorkloadCacheSize {
  if (gc === undefined) throw new Error('workload-memory: run with --expose-gc');
  const h0 = heapUsed();
  const cache = new WorkloadCache(n, () => new Date());
  for (let i = 0; i < n; i++) {
    const r = workloadRecordFromObject(JSON.parse(JSON.stringify(syntheticWorkload(i))) as ApiObject);
    if (r !== undefined) cache.put(r);
  }
  const bytes = heapUsed() - h0;
  const workloads = cache.size;
  return { workloads, bytes, bytesPerWorkload: bytes / Math.max(1, workloads), miBPer10k: (bytes / Math.max(1, workloads) / MiB) * 10_000 };
}

/** From the runner: each size measured in a fresh child process (`out/bench/live/workload-memory.js`). */
export function measureWorkloadCache(repo: string, sizes: readonly number[] = [3000, 30_000]): WorkloadCacheSize[] {
  return sizes.map((n) => {
    const r = spawnSync(
      process.execPath,
      ['--expose-gc', path.join(repo, 'out', 'bench', 'live', 'workload-memory.js'), CHILD_FLAG, String(n)],
      {
        encoding: 'utf8',
        timeout: 300_000,
      },
    );
    if (r.status !== 0) throw new Error(`workload-memory ${n}: ${r.stderr || r.error?.message || `exit ${String(r.status)}`}`);
    return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as WorkloadCacheSize;
  });
}

export function workloadCacheLine(sizes: readonly WorkloadCacheSize[]): string {
  return sizes
    .map((s) => `${s.workloads} Workloads: ${Math.round(s.bytesPerWorkload)} bytes each, ${s.miBPer10k.toFixed(2)} MiB per 10k`)
    .join('; ');
}

const argv = process.argv.slice(2);
if (argv[0] === CHILD_FLAG) {
  process.stdout.write(`${JSON.stringify(workloadCacheHeap(Number(argv[1])))}\n`);
} else if (path.basename(process.argv[1] ?? '') === 'workload-memory.js') {
  const sizes = (argv[0] ?? '3000,30000').split(',').map(Number);
  console.log(`Workload cache: ${workloadCacheLine(measureWorkloadCache(path.resolve(__dirname, '..', '..', '..'), sizes))}`);
}
