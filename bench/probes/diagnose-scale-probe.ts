// Diagnose Pod's report at scale, without a cluster: buildDiagnoseReport over N pod records (a preempted victim among
// them) and the storm's events, timed, then the same under the CPU profiler's eye with --cpu-prof.
// node out/bench/probes/diagnose-scale-probe.js [pods] [events]
import { buildDiagnoseReport } from '../../server/src/core/index';
import type { EventRecord, PodRecord } from '../../server/src/core/index';

const pods = Number(process.argv[2] ?? 30_000);
const events = Number(process.argv[3] ?? 1000);
const recs: PodRecord[] = [];
for (let i = 0; i < pods; i++)
  recs.push({
    uid: `p-${i}`,
    name: `svc-${i % 600}-${i}`,
    namespace: `team-${i % 20}`,
    priority: 100 + (i % 4) * 100,
    priorityClassName: 'batch-low',
    qosClass: 'Burstable',
    owners: [{ kind: 'ReplicaSet', name: `svc-${i % 600}-abc` }],
    node: `kwok-${String(i % 1000).padStart(4, '0')}`,
    phase: 'Running',
    creationTime: '2026-01-01T00:00:00Z',
    startTime: '2026-01-01T00:00:01Z',
    requests: { cpu: '1', memory: '64Mi' },
    ...(i < events ? { deletedAt: '2026-01-01T00:10:00Z' } : {}),
  });
for (let i = 0; i < events; i++)
  recs.push({
    uid: `pre-${i}`,
    name: `rollout-${i}`,
    namespace: 'rollout',
    priority: 100_000,
    priorityClassName: 'rollout-critical',
    owners: [{ kind: 'ReplicaSet', name: 'rollout-abc' }],
    node: `kwok-${String(i % 1000).padStart(4, '0')}`,
    phase: 'Running',
    creationTime: '2026-01-01T00:09:00Z',
    requests: { cpu: '1', memory: '64Mi' },
  });
const evs: EventRecord[] = [];
for (let i = 0; i < events; i++)
  evs.push({
    uid: `ev-${i}`,
    reason: 'Preempted',
    type: 'Normal',
    note: `Preempted by pod pre-${i} on node kwok-${String(i % 1000).padStart(4, '0')}`,
    time: `2026-01-01T00:09:${String(i % 60).padStart(2, '0')}Z`,
    regarding: { kind: 'Pod', namespace: `team-${i % 20}`, name: `svc-${i % 600}-${i}`, uid: `p-${i}` },
  });
const times: number[] = [];
for (let k = 0; k < 20; k++) {
  const i = (k * 37) % events;
  const t0 = performance.now();
  const r = buildDiagnoseReport({
    target: { namespace: `team-${i % 20}`, name: `svc-${i % 600}-${i}`, uid: `p-${i}` },
    pods: recs,
    events: evs,
    priorityClasses: [],
    pdbs: [],
    nodes: [],
    jobs: [],
  });
  times.push(performance.now() - t0);
  if (k === 0) console.log(r.happened.kind);
}
times.sort((a, b) => a - b);
console.log(
  `buildDiagnoseReport over ${recs.length} pods, ${evs.length} events: p50 ${times[10]?.toFixed(1)} ms, max ${times[19]?.toFixed(1)} ms`,
);
