// Issue 7, "why the victim was chosen, using the simulator": hand-written UID-cache records → rebuilt node → simulate().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podRecordFromObject, renderDiagnoseMarkdown } from '../../server/src/core/index';
import { effectivePodRequests } from '../../server/src/core/diagnose/records';
import { explainVictimChoice } from '../../server/src/core/diagnose/victim-choice';
import { buildDiagnoseReport } from './golden-record';
import type { ApiObject, EventRecord, PodRecord } from '../../server/src/core/index';

const T = '2026-11-20T10:05:00Z';
const nodeA: ApiObject = { metadata: { name: 'node-a' }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } };

function rec(name: string, priority: number, cpu: string, o: Partial<PodRecord> = {}): PodRecord {
  return {
    uid: `uid-${name}`,
    name,
    namespace: 'ci',
    priority,
    owners: [],
    node: 'node-a',
    phase: 'Running',
    startTime: '2026-11-20T09:00:00Z',
    creationTime: '2026-11-20T09:00:00Z',
    requests: { cpu, memory: '1Gi' },
    ...o,
  };
}
const preemptor = rec('eval', 1000, '2', { node: 'node-a', startTime: '2026-11-20T10:05:02Z', creationTime: '2026-11-20T10:04:50Z' });
const preempted = (victim: PodRecord, uid = 'e1'): EventRecord => ({
  uid,
  reason: 'Preempted',
  note: `Preempted by pod ${preemptor.uid} on node node-a`,
  time: T,
  regarding: { kind: 'Pod', namespace: 'ci', name: victim.name, uid: victim.uid },
});

test('effective requests are stored in the UID cache record (containers, init max, sidecars, overhead)', () => {
  const pod: ApiObject = {
    metadata: { name: 'p', namespace: 'ci', uid: 'u' },
    spec: {
      nodeName: 'node-a',
      priority: 5,
      initContainers: [
        { name: 'init', resources: { requests: { cpu: '3', memory: '100Mi' } } },
        { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
      ],
      containers: [
        { name: 'a', resources: { requests: { cpu: '500m', memory: '1Gi' } } },
        { name: 'b', resources: { requests: { cpu: '250m' } } },
      ],
      overhead: { cpu: '50m' },
    },
    status: { startTime: T },
  };
  assert.deepEqual(effectivePodRequests(pod), { cpu: '3050m', memory: '1Gi' });
  const r = podRecordFromObject(pod)!;
  assert.deepEqual(r.requests, { cpu: '3050m', memory: '1Gi' });
  assert.equal(r.node, 'node-a');
  assert.equal(r.priority, 5);
  assert.equal(r.startTime, T);
});

test('the simulator re-runs the preemption: lowest-priority pod chosen, more important one reprieved, higher ones not eligible', () => {
  const system = rec('system', 2000, '1');
  const low = rec('low', 100, '2');
  const mid = rec('mid', 500, '1');
  const later = rec('later', 50, '1', { creationTime: '2026-11-20T10:30:00Z', startTime: '2026-11-20T10:30:00Z' }); // not there yet
  const v = explainVictimChoice({
    node: 'node-a',
    at: T,
    preemptor,
    victims: [low],
    pods: [system, low, mid, later, preemptor],
    nodes: [nodeA],
  });
  assert.equal(v.simulated, true, v.note);
  assert.deepEqual(v.predictedVictims, ['ci/low']);
  assert.equal(v.agrees, true);
  const by = Object.fromEntries(v.pods.map((p) => [p.name, p]));
  assert.equal(by['low']?.verdict, 'victim');
  assert.equal(by['low']?.observedVictim, true);
  assert.equal(by['mid']?.verdict, 'reprieved');
  assert.equal(by['system']?.verdict, 'not-eligible');
  assert.equal(by['later'], undefined, 'pods created after the preemption are not part of the rebuilt node');
  assert.match(by['mid']?.reason ?? '', /spared: the scheduler put it back/);
});

test('a PDB-protected pod is reprieved first; its same-priority neighbour is the victim', () => {
  const guarded = rec('guarded', 100, '2', { labels: { app: 'db' }, startTime: '2026-11-20T08:00:00Z' });
  const plain = rec('plain', 100, '2', { labels: { app: 'web' }, startTime: '2026-11-20T09:30:00Z' });
  const pdb: ApiObject = {
    metadata: { name: 'db', namespace: 'ci' },
    spec: { minAvailable: 1, selector: { matchLabels: { app: 'db' } } },
    status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 },
  };
  const v = explainVictimChoice({
    node: 'node-a',
    at: T,
    preemptor,
    victims: [plain],
    pods: [guarded, plain, preemptor],
    nodes: [nodeA],
    pdbs: [pdb],
  });
  assert.deepEqual(v.predictedVictims, ['ci/plain']);
  const g = v.pods.find((p) => p.name === 'guarded');
  assert.equal(g?.verdict, 'reprieved');
  assert.equal(g?.pdbViolation, true);
  assert.match(g?.reason ?? '', /PDB/);
  assert.ok(v.assumptions.some((a) => /disruptionsAllowed is as read now/.test(a)));
});

test('no simulation without the node or the preemptor requests; disagreement is reported', () => {
  const low = rec('low', 100, '2');
  assert.equal(explainVictimChoice({ node: 'node-a', at: T, preemptor, victims: [low], pods: [low], nodes: [] }).simulated, false);
  const noReq: PodRecord = { ...preemptor };
  delete noReq.requests;
  assert.match(
    explainVictimChoice({ node: 'node-a', at: T, preemptor: noReq, victims: [low], pods: [low], nodes: [nodeA] }).note ?? '',
    /requests were not recorded/,
  );
  // The cluster preempted `mid`, but with these records the simulator picks `low`: say so rather than pretend.
  const mid = rec('mid', 500, '1');
  const v = explainVictimChoice({
    node: 'node-a',
    at: T,
    preemptor,
    victims: [mid],
    pods: [rec('system', 2000, '1'), low, mid],
    nodes: [nodeA],
  });
  assert.equal(v.agrees, false);
});

test('Diagnose report: "why this victim" includes the simulation, and the markdown lists chosen and spared pods', () => {
  const low = { ...rec('low', 100, '2'), deletedAt: '2026-11-20T10:05:01Z', phase: 'Failed' };
  const mid = rec('mid', 500, '1');
  const r = buildDiagnoseReport({
    target: { namespace: 'ci', name: 'low' },
    pods: [rec('system', 2000, '1'), low, mid, preemptor],
    events: [preempted(low)],
    nodes: [nodeA],
  });
  assert.equal(r.happened.kind, 'preempted-by-scheduler');
  assert.equal(r.victimChoice?.simulated, true);
  assert.deepEqual(r.victimChoice?.predictedVictims, ['ci/low']);
  assert.ok(
    r.whyVictim?.some((w) => /Simulated on node-a .* preempts ci\/low — the same pods the cluster preempted/.test(w)),
    JSON.stringify(r.whyVictim),
  );
  const md = renderDiagnoseMarkdown(r);
  assert.match(md, /Spared: ci\/mid/);
  assert.match(md, /Chosen: ci\/low/);
});

test('pods of a workload (the one under the cursor): by owner chain, else by the template labels', async () => {
  const { podsOfWorkload } = await import('../../server/src/core/index');
  const pods: PodRecord[] = [
    {
      uid: '1',
      name: 'api-7d9f8-abcde',
      namespace: 'web',
      owners: [
        { kind: 'ReplicaSet', name: 'api-7d9f8' },
        { kind: 'Deployment', name: 'api' },
      ],
      labels: { app: 'api' },
    },
    {
      uid: '2',
      name: 'api-other',
      namespace: 'other',
      owners: [
        { kind: 'ReplicaSet', name: 'api-7d9f8' },
        { kind: 'Deployment', name: 'api' },
      ],
      labels: { app: 'api' },
    },
    { uid: '3', name: 'loose', namespace: 'web', owners: [], labels: { app: 'worker', tier: 'batch' } },
    { uid: '4', name: 'shard-0', namespace: 'ci', owners: [{ kind: 'Job', name: 'tests' }] },
  ];
  assert.deepEqual(
    podsOfWorkload(pods, { kind: 'Deployment', namespace: 'web', name: 'api' }).map((p) => p.uid),
    ['1'],
  );
  assert.deepEqual(
    podsOfWorkload(pods, { kind: 'Job', namespace: 'ci', name: 'tests' }).map((p) => p.uid),
    ['4'],
  );
  assert.deepEqual(
    podsOfWorkload(pods, { kind: 'Deployment', namespace: 'web', name: 'worker', podLabels: { app: 'worker' } }).map((p) => p.uid),
    ['3'],
  );
  assert.deepEqual(podsOfWorkload(pods, { kind: 'Deployment', namespace: 'web', name: 'none', podLabels: {} }), []);
});
