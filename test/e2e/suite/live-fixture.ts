// Deterministic fixture rows for the live events view (tests and screenshots; the server fills real ones).
import type { LiveEventRow } from '../../../server/src/protocol';

const NODES = ['kwok-node-0', 'kwok-node-1', 'kwok-node-2', 'gpu-node-a'];
const NAMESPACES = ['ci', 'batch', 'web', 'ml'];
const CLASSES: [string, number][] = [
  ['batch-low', 100],
  ['ci-default', 1000],
  ['web-critical', 100000],
];

/** `n` rows spread over the last `spanMinutes`, newest first; every 7th preemptor is unresolved. */
export function makeLiveRows(n: number, spanMinutes = 180, now = Date.now()): LiveEventRow[] {
  const rows: LiveEventRow[] = [];
  for (let i = 0; i < n; i++) {
    const kind = i % 5;
    const ns = NAMESPACES[i % NAMESPACES.length];
    const [cls, prio] = CLASSES[i % 2];
    const node = NODES[(i * 7 + (i >> 3) + (i % 11 === 0 ? 1 : 0)) % NODES.length]; // uneven on purpose: the per-node view should show differences
    const t = new Date(now - Math.floor(((i * 7919) % (spanMinutes * 60)) * 1000)).toISOString();
    const name = `${ns === 'ci' ? 'integration-tests' : ns === 'ml' ? 'trainer' : 'worker'}-${((i * 2654435761) % 0xfffff).toString(16)}`;
    const base = {
      id: `ev-${i}`,
      time: t,
      namespace: ns,
      node,
      victim: {
        name,
        uid: `uid-v-${i}`,
        priority: prio,
        priorityClassName: cls,
        qosClass: i % 3 === 0 ? ('BestEffort' as const) : ('Burstable' as const),
        owner: ns === 'ci' ? 'Job/integration-tests' : `ReplicaSet/${ns}-worker`,
      },
    };
    if (kind <= 2) {
      const resolved = i % 7 !== 0;
      rows.push({
        ...base,
        reason: 'Preempted',
        type: 'preemption',
        message: `Preempted by pod ${resolved ? `web/frontend-${i % 13}` : 'a pod that is gone'} on node ${node}`,
        preemptor: resolved
          ? {
              uid: `uid-p-${i}`,
              name: `frontend-${i % 13}`,
              namespace: 'web',
              priority: 100000,
              priorityClassName: 'web-critical',
              owner: 'ReplicaSet/frontend',
              resolved,
            }
          : { uid: `0c7d${(i * 31).toString(16).padStart(4, '0')}-e2f1-4b3a-9c1d-5f6a7b8c9d0e`, resolved },
        priorityGap: resolved ? 100000 - prio : undefined,
      });
    } else if (kind === 3) {
      rows.push({
        ...base,
        reason: 'Evicted',
        type: 'eviction',
        message: `The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.`,
      });
    } else {
      rows.push({
        ...base,
        reason: i % 2 ? 'DisruptionTarget' : 'BackoffLimitExceeded',
        type: i % 2 ? 'other' : 'failure',
        message: i % 2 ? 'PreemptionByScheduler' : 'Job has reached the specified backoff limit',
      });
    }
  }
  return rows;
}
