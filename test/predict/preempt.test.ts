// Table-driven tests of scheduler preemption (R-E.*), modelled on the behaviours upstream's default_preemption_test.go
// covers (TestPostFilter, TestDryRunPreemption, TestSelectBestCandidate, TestPodEligibleToPreemptOthers,
// TestSelectVictimsOnNode) and the filter plugins' reason strings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { simulate } from '../../server/src/core/index';
import { reasons as filterReasons } from '../../server/src/core/predict/filters';
import { pickOneNodeForPreemption } from '../../server/src/core/predict/preempt';
import type { SimPod } from '../../server/src/core/predict/cluster';
import type { Candidate } from '../../server/src/core/predict/preempt';
import { node, now, pdb, pod, podOf, priorityClass, snapshotOf, t } from './build';
import type { Obj } from './build';

interface Case {
  name: string;
  objects: Obj[];
  pod: string;
  outcome: string;
  node?: string | null;
  victims?: string[];
  candidates?: Array<{ node: string; victims: string[]; pdbViolations: number }>;
  /** node → a reason that must be among its reasons */
  reasons?: Record<string, string>;
  reason?: string;
}

function run(c: Case) {
  const snapshot = snapshotOf(c.objects);
  const result = simulate(snapshot, podOf(snapshot, c.pod), { now });
  assert.equal(result.outcome, c.outcome, `${c.name}: outcome (${JSON.stringify(result.nodes.map((n) => [n.node, n.reasons]))})`);
  if (c.node !== undefined) assert.equal(result.node, c.node, `${c.name}: node`);
  if (c.victims !== undefined)
    assert.deepEqual(
      result.victims.map((v) => v.id),
      c.victims,
      `${c.name}: victims`,
    );
  if (c.candidates !== undefined) {
    assert.deepEqual(
      result.candidates.map((x) => ({ node: x.node, victims: x.victims.map((v) => v.id).sort(), pdbViolations: x.pdbViolations })),
      c.candidates,
      `${c.name}: candidates`,
    );
  }
  for (const [n, r] of Object.entries(c.reasons ?? {})) {
    const v = result.nodes.find((x) => x.node === n);
    assert.ok(v?.reasons.includes(r), `${c.name}: ${n} reasons ${JSON.stringify(v?.reasons)} should include ${r}`);
  }
  if (c.reason !== undefined) assert.equal(result.reason, c.reason, `${c.name}: reason`);
  return result;
}

const low = 10;
const mid = 100;
const high = 1000;

describe('R-E.1 eligibility (PodEligibleToPreemptOthers)', () => {
  const full = [node('n1', { cpu: '1' }), pod('victim', { node: 'n1', cpu: '1', priority: low, start: t(1) })];
  const cases: Case[] = [
    {
      name: 'preemptionPolicy Never is not eligible',
      objects: [...full, pod('p', { cpu: '1', priority: high, preemptionPolicy: 'Never' })],
      pod: 'default/p',
      outcome: 'ineligible',
      reason: filterReasons.policyNever,
    },
    {
      name: 'Never from the PriorityClass',
      objects: [
        ...full,
        priorityClass('nonpreempting', high, { preemptionPolicy: 'Never' }),
        pod('p', { cpu: '1', priorityClassName: 'nonpreempting' }),
      ],
      pod: 'default/p',
      outcome: 'ineligible',
    },
    {
      name: 'terminating lower-priority pod preempted by the scheduler on the nominated node blocks preemption',
      objects: [
        node('n1', { cpu: '1' }),
        pod('victim', {
          node: 'n1',
          cpu: '1',
          priority: low,
          metadata: { deletionTimestamp: t(5) },
          status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
        }),
        pod('p', { cpu: '1', priority: high, status: { nominatedNodeName: 'n1' } }),
      ],
      pod: 'default/p',
      outcome: 'ineligible',
      reason: filterReasons.terminatingOnNominated,
    },
    {
      name: 'terminating pod without the DisruptionTarget condition does not block',
      objects: [
        node('n1', { cpu: '1' }),
        pod('victim', { node: 'n1', cpu: '1', priority: low, metadata: { deletionTimestamp: t(5) } }),
        pod('p', { cpu: '1', priority: high, status: { nominatedNodeName: 'n1' } }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
      victims: ['default/victim'],
    },
    {
      name: 'terminating higher-priority pod on the nominated node does not block',
      objects: [
        node('n1', { cpu: '2' }),
        pod('other', {
          node: 'n1',
          cpu: '1',
          priority: high + 1,
          metadata: { deletionTimestamp: t(5) },
          status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
        }),
        pod('victim', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { cpu: '1', priority: high, status: { nominatedNodeName: 'n1' } }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/victim'],
    },
    {
      name: 'nominated node now UnschedulableAndUnresolvable: eligible again',
      objects: [
        node('n1', { cpu: '1', taints: [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' }] }),
        node('n2', { cpu: '1' }),
        pod('victim', {
          node: 'n1',
          cpu: '1',
          priority: low,
          metadata: { deletionTimestamp: t(5) },
          status: { conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler' }] },
        }),
        pod('v2', { node: 'n2', cpu: '1', priority: low }),
        pod('p', { cpu: '1', priority: high, status: { nominatedNodeName: 'n1' } }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n2',
      victims: ['default/v2'],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.2 candidate nodes: only Unschedulable nodes, never UnschedulableAndUnresolvable', () => {
  const victim = (n: string) => pod(`v-${n}`, { node: n, cpu: '1', priority: low });
  const cases: Case[] = [
    {
      name: 'untolerated taint, node affinity, unschedulable node are not helpful',
      objects: [
        node('n1', { cpu: '1', taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] }),
        node('n2', { cpu: '1', labels: { zone: 'b' } }),
        node('n3', { cpu: '1', unschedulable: true, labels: { zone: 'a' } }),
        victim('n1'),
        victim('n2'),
        victim('n3'),
        pod('p', { cpu: '1', priority: high, spec: { nodeSelector: { zone: 'a' }, tolerations: [] } }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: {
        n1: 'node(s) had untolerated taint {gpu: true}',
        n2: filterReasons.nodeAffinity,
        n3: filterReasons.nodeUnschedulable,
      },
      reason: 'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    },
    {
      name: 'NoExecute taints filter too; PreferNoSchedule does not',
      objects: [
        node('n1', { cpu: '1', taints: [{ key: 'a', value: 'b', effect: 'NoExecute' }] }),
        node('n2', { cpu: '1', taints: [{ key: 'c', value: 'd', effect: 'PreferNoSchedule' }] }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n2',
      reasons: { n1: 'node(s) had untolerated taint {a: b}' },
    },
    {
      name: 'toleration with operator Exists and empty key tolerates everything',
      objects: [
        node('n1', { cpu: '1', taints: [{ key: 'a', value: 'b', effect: 'NoSchedule' }] }),
        pod('p', { cpu: '1', priority: high, spec: { tolerations: [{ operator: 'Exists' }] } }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n1',
    },
    {
      name: 'required node affinity with In/Gt, matchFields metadata.name',
      objects: [
        node('n1', { cpu: '1', labels: { gen: '3' } }),
        node('n2', { cpu: '1', labels: { gen: '5' } }),
        node('n3', { cpu: '1', labels: { gen: '5' } }),
        pod('p', {
          cpu: '1',
          priority: high,
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }],
                      matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }],
                    },
                  ],
                },
              },
            },
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n3',
      reasons: { n1: filterReasons.nodeAffinity, n2: filterReasons.nodeAffinity },
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.3 every node is searched (identical to upstream up to 100 nodes)', () => {
  it('finds the single best node among 150', () => {
    const objects: Obj[] = [];
    for (let i = 0; i < 150; i++) {
      const n = `n${String(i).padStart(3, '0')}`;
      objects.push(node(n, { cpu: '1' }), pod(`v${i}`, { node: n, cpu: '1', priority: i === 137 ? low : mid }));
    }
    objects.push(pod('p', { cpu: '1', priority: high }));
    const r = run({ name: 'best of 150', objects, pod: 'default/p', outcome: 'preempt', node: 'n137', victims: ['default/v137'] });
    assert.equal(r.candidates.length, 150);
  });
});

describe('R-E.4 potential victims are strictly lower priority', () => {
  const cases: Case[] = [
    {
      name: 'equal priority is never a victim',
      objects: [node('n1', { cpu: '1' }), pod('v', { node: 'n1', cpu: '1', priority: high }), pod('p', { cpu: '1', priority: high })],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: { n1: `preemption: ${filterReasons.noVictims}` },
      reason: 'preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.',
    },
    {
      name: 'lower priority is a victim',
      objects: [node('n1', { cpu: '1' }), pod('v', { node: 'n1', cpu: '1', priority: high - 1 }), pod('p', { cpu: '1', priority: high })],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v'],
    },
    {
      name: 'priority from the globalDefault class (CI story)',
      objects: [
        priorityClass('ci-default', 100, { globalDefault: true }),
        priorityClass('evaluation', 1000),
        node('n1', { cpu: '1' }),
        pod('test', { node: 'n1', cpu: '1' }),
        pod('eval', { cpu: '1', priorityClassName: 'evaluation' }),
      ],
      pod: 'default/eval',
      outcome: 'preempt',
      victims: ['default/test'],
    },
    {
      name: 'negative priorities are lower',
      objects: [node('n1', { cpu: '1' }), pod('v', { node: 'n1', cpu: '1', priority: -5 }), pod('p', { cpu: '1' })],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v'],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.5 fit with every potential victim removed', () => {
  const cases: Case[] = [
    {
      name: 'does not fit even on an emptied node: the filter reason is reported',
      objects: [
        node('n1', { cpu: '2' }),
        pod('big', { node: 'n1', cpu: '1', priority: high + 1 }),
        pod('v', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { cpu: '1500m', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: { n1: 'preemption: Insufficient cpu' },
      reason: 'preemption: 0/1 nodes are available: 1 Insufficient cpu.',
    },
    {
      name: 'required affinity to a pod that is itself a potential victim: not handled, node rejected',
      objects: [
        node('n1', { cpu: '1' }),
        pod('db', { node: 'n1', cpu: '1', priority: low, labels: { app: 'db' } }),
        pod('p', {
          cpu: '1',
          priority: high,
          spec: {
            affinity: {
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: { n1: `preemption: ${filterReasons.affinity}` },
    },
    {
      name: "an existing lower-priority pod's anti-affinity is resolved by evicting it",
      objects: [
        node('n1', { cpu: '4' }),
        pod('loner', {
          node: 'n1',
          cpu: '1',
          priority: low,
          spec: {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
          },
        }),
        pod('other', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { cpu: '1', priority: high, labels: { app: 'web' } }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/loner'],
      reasons: { n1: filterReasons.existingAntiAffinity },
    },
    {
      name: "the incoming pod's anti-affinity is resolved by evicting the matching pod",
      objects: [
        node('n1', { cpu: '4' }),
        pod('web-1', { node: 'n1', cpu: '1', priority: low, labels: { app: 'web' } }),
        pod('p', {
          cpu: '1',
          priority: high,
          labels: { app: 'web' },
          spec: {
            affinity: {
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/web-1'],
      reasons: { n1: filterReasons.antiAffinity },
    },
    {
      name: 'host port conflict is resolved by evicting the port holder',
      objects: [
        node('n1', { cpu: '4' }),
        pod('holder', {
          node: 'n1',
          priority: low,
          containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }],
        }),
        pod('bystander', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { priority: high, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }] }] }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/holder'],
      reasons: { n1: filterReasons.nodePorts },
    },
    {
      name: 'different protocol or host IP does not conflict',
      objects: [
        node('n1', { cpu: '4' }),
        pod('holder', {
          node: 'n1',
          priority: low,
          containers: [
            {
              name: 'c',
              image: 'x',
              ports: [
                { containerPort: 80, hostPort: 8080, protocol: 'UDP' },
                { containerPort: 81, hostPort: 9090, hostIP: '10.0.0.1' },
              ],
            },
          ],
        }),
        pod('p', {
          priority: high,
          containers: [
            {
              name: 'c',
              image: 'x',
              ports: [
                { containerPort: 80, hostPort: 8080 },
                { containerPort: 81, hostPort: 9090, hostIP: '10.0.0.2' },
              ],
            },
          ],
        }),
      ],
      pod: 'default/p',
      outcome: 'fits',
    },
    {
      name: 'topology spread skew is resolvable',
      objects: [
        node('n1', { cpu: '4', labels: { zone: 'a' } }),
        node('n2', { cpu: '0', labels: { zone: 'b' } }),
        pod('w1', { node: 'n1', cpu: '1', priority: low, labels: { app: 'w' } }),
        pod('w2', { node: 'n1', cpu: '1', priority: low, labels: { app: 'w' } }),
        pod('p', {
          cpu: '1',
          priority: high,
          labels: { app: 'w' },
          spec: {
            topologySpreadConstraints: [
              { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } },
            ],
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
      victims: ['default/w2'],
      reasons: { n1: filterReasons.spread },
    },
    {
      name: 'topology key missing on the node is unresolvable',
      objects: [
        node('n1', { cpu: '4' }),
        pod('p', {
          priority: high,
          labels: { app: 'w' },
          spec: {
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'w' } } },
            ],
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: { n1: filterReasons.spreadMissingLabel },
    },
    {
      name: 'ScheduleAnyway constraints do not filter',
      objects: [
        node('n1', { cpu: '4' }),
        pod('p', {
          priority: high,
          labels: { app: 'w' },
          spec: {
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'w' } } },
            ],
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'fits',
    },
    {
      name: 'first pod of a self-affine group may go anywhere',
      objects: [
        node('n1', { cpu: '4' }),
        pod('p', {
          priority: high,
          labels: { app: 'db' },
          spec: {
            affinity: {
              podAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' },
                ],
              },
            },
          },
        }),
      ],
      pod: 'default/p',
      outcome: 'fits',
    },
    {
      name: 'Too many pods is resolvable',
      objects: [node('n1', { pods: '1' }), pod('v', { node: 'n1', priority: low }), pod('p', { priority: high })],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v'],
      reasons: { n1: filterReasons.tooManyPods },
    },
    {
      name: 'extended resources and ephemeral-storage are fitted',
      objects: [
        node('n1', { extra: { 'nvidia.com/gpu': '1', 'ephemeral-storage': '10Gi' } }),
        pod('v', { node: 'n1', priority: low, containers: [{ name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }] }),
        pod('p', {
          priority: high,
          containers: [
            { name: 'c', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' }, requests: { 'ephemeral-storage': '1Gi' } } },
          ],
        }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v'],
      reasons: { n1: 'Insufficient nvidia.com/gpu' },
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-D.3 effective requests in fit: sidecars, init containers, overhead', () => {
  const cases: Case[] = [
    {
      name: 'sidecar requests add to the app containers',
      objects: [
        node('n1', { cpu: '2' }),
        pod('p', {
          priority: high,
          initContainers: [{ name: 'proxy', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '1' } } }],
          containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '1500m' } } }],
        }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
      reasons: { n1: 'Insufficient cpu' },
    },
    {
      name: 'a big regular init container sets the request',
      objects: [
        node('n1', { cpu: '2' }),
        pod('p', {
          priority: high,
          initContainers: [{ name: 'init', image: 'x', resources: { requests: { cpu: '3' } } }],
          containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '1' } } }],
        }),
      ],
      pod: 'default/p',
      outcome: 'unschedulable',
    },
    {
      name: 'overhead is added',
      objects: [node('n1', { cpu: '2' }), pod('p', { priority: high, cpu: '1900m', spec: { overhead: { cpu: '200m' } } })],
      pod: 'default/p',
      outcome: 'unschedulable',
    },
    {
      name: 'victim with a sidecar frees its sidecar request too',
      objects: [
        node('n1', { cpu: '2' }),
        pod('v', {
          node: 'n1',
          priority: low,
          initContainers: [{ name: 'proxy', image: 'x', restartPolicy: 'Always', resources: { requests: { cpu: '1' } } }],
          containers: [{ name: 'app', image: 'x', resources: { requests: { cpu: '500m' } } }],
        }),
        pod('keep', { node: 'n1', cpu: '500m', priority: low, start: t(1) }),
        pod('p', { priority: high, cpu: '1500m' }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v'],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.6 reprieve: most important pods are reprieved first', () => {
  const cases: Case[] = [
    {
      name: 'lowest priority evicted when one victim suffices',
      objects: [
        node('n1', { cpu: '3' }),
        pod('a', { node: 'n1', cpu: '1', priority: 1 }),
        pod('b', { node: 'n1', cpu: '1', priority: 2 }),
        pod('c', { node: 'n1', cpu: '1', priority: 3 }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/a'],
    },
    {
      name: 'equal priority: the one started later is evicted',
      objects: [
        node('n1', { cpu: '2' }),
        pod('old', { node: 'n1', cpu: '1', priority: low, start: t(1) }),
        pod('new', { node: 'n1', cpu: '1', priority: low, start: t(9) }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/new'],
    },
    {
      name: 'a pod without startTime counts as started now (least important)',
      objects: [
        node('n1', { cpu: '2' }),
        pod('started', { node: 'n1', cpu: '1', priority: low, start: t(9) }),
        pod('pending-start', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/pending-start'],
    },
    {
      name: 'a more important pod that does not fit back is still a victim; a smaller one is reprieved',
      objects: [
        node('n1', { cpu: '3' }),
        pod('big', { node: 'n1', cpu: '2', priority: 5 }),
        pod('small', { node: 'n1', cpu: '1', priority: 1 }),
        pod('p', { cpu: '2', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/big'],
    },
    {
      name: 'PDB-violating pods are reprieved before non-violating ones',
      objects: [
        node('n1', { cpu: '2' }),
        pod('protected', { node: 'n1', cpu: '1', priority: 1, labels: { app: 'db' } }),
        pod('free', { node: 'n1', cpu: '1', priority: 5 }),
        pdb('db', { matchLabels: { app: 'db' } }, { allowed: 0 }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/free'],
      candidates: [{ node: 'n1', victims: ['default/free'], pdbViolations: 0 }],
    },
    {
      name: 'violating victims that must go are counted',
      objects: [
        node('n1', { cpu: '2' }),
        pod('protected', { node: 'n1', cpu: '2', priority: 1, labels: { app: 'db' } }),
        pdb('db', { matchLabels: { app: 'db' } }, { allowed: 0 }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/protected'], pdbViolations: 1 }],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.7 PDB accounting (filterPodsWithPDBViolation)', () => {
  const twoOnNode = (p: Obj) => [
    node('n1', { cpu: '2' }),
    pod('a', { node: 'n1', cpu: '1', priority: 1, start: t(1), labels: { app: 'x' } }),
    pod('b', { node: 'n1', cpu: '1', priority: 1, start: t(2), labels: { app: 'x' } }),
    p,
    pod('p', { cpu: '2', priority: high }),
  ];
  const cases: Case[] = [
    {
      name: 'budget 1: the most important pod consumes it, the other violates',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { allowed: 1 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 1 }],
    },
    {
      name: 'budget 2: no violation',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { allowed: 2 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 0 }],
    },
    {
      name: 'pod already in disruptedPods is skipped',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { allowed: 0, disrupted: ['a'] })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 1 }],
    },
    {
      name: 'empty selector matches nothing for the scheduler',
      objects: twoOnNode(pdb('x', {}, { allowed: 0 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 0 }],
    },
    {
      name: 'nil selector matches nothing',
      objects: twoOnNode(pdb('x', null, { allowed: 0 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 0 }],
    },
    {
      name: 'other namespace does not match',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { allowed: 0, ns: 'other' })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 0 }],
    },
    {
      name: 'no status: computed from minAvailable (2 healthy, minAvailable 1 → 1 allowed)',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { minAvailable: 1 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 1 }],
    },
    {
      name: 'no status: maxUnavailable 0 → every victim violates',
      objects: twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { maxUnavailable: 0 })),
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 2 }],
    },
    {
      name: 'a pod matching two PDBs decrements both',
      objects: [
        ...twoOnNode(pdb('x', { matchLabels: { app: 'x' } }, { allowed: 5 })),
        pdb('y', { matchExpressions: [{ key: 'app', operator: 'In', values: ['x'] }] }, { allowed: 0 }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      candidates: [{ node: 'n1', victims: ['default/a', 'default/b'], pdbViolations: 2 }],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('R-E.8 pickOneNodeForPreemption', () => {
  const base = (extra: Obj[]) => [node('n1', { cpu: '2' }), node('n2', { cpu: '2' }), ...extra, pod('p', { cpu: '2', priority: high })];
  const cases: Case[] = [
    {
      name: '1. fewest PDB violations',
      objects: base([
        pod('a', { node: 'n1', cpu: '2', priority: 1, labels: { app: 'db' } }),
        pod('b', { node: 'n2', cpu: '2', priority: 500 }),
        pdb('db', { matchLabels: { app: 'db' } }, { allowed: 0 }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n2',
    },
    {
      name: '2. lowest highest-victim priority',
      objects: base([
        pod('a', { node: 'n1', cpu: '1', priority: 5 }),
        pod('a2', { node: 'n1', cpu: '1', priority: 5 }),
        pod('b', { node: 'n2', cpu: '2', priority: 6 }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
      victims: ['default/a', 'default/a2'],
    },
    {
      name: '3. lowest priority sum',
      objects: base([
        pod('a', { node: 'n1', cpu: '1', priority: 5 }),
        pod('a2', { node: 'n1', cpu: '1', priority: 5 }),
        pod('b', { node: 'n2', cpu: '1', priority: 5 }),
        pod('b2', { node: 'n2', cpu: '1', priority: 4 }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n2',
    },
    {
      name: '3. shifted sum: more victims at negative priority are not cheaper',
      objects: base([
        pod('a', { node: 'n1', cpu: '2', priority: -10 }),
        pod('b', { node: 'n2', cpu: '1', priority: -10 }),
        pod('b2', { node: 'n2', cpu: '1', priority: -10 }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
    },
    {
      name: '4. fewest victims (same sum impossible otherwise: zero-priority pods)',
      objects: base([
        pod('a', { node: 'n1', cpu: '2', priority: 0 }),
        pod('b', { node: 'n2', cpu: '1', priority: 0 }),
        pod('b2', { node: 'n2', cpu: '1', priority: 0 }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
    },
    {
      name: '5. latest start time of the highest-priority victims',
      objects: base([
        pod('a', { node: 'n1', cpu: '2', priority: 5, start: t(1) }),
        pod('b', { node: 'n2', cpu: '2', priority: 5, start: t(30) }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n2',
    },
    {
      name: '6. complete tie: the first by name, tie reported',
      objects: base([
        pod('a', { node: 'n1', cpu: '2', priority: 5, start: t(1) }),
        pod('b', { node: 'n2', cpu: '2', priority: 5, start: t(1) }),
      ]),
      pod: 'default/p',
      outcome: 'preempt',
      node: 'n1',
      reason: 'nodes n1, n2 tie on every criterion of pickOneNodeForPreemption; the scheduler picks any of them (first by name shown)',
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));

  it('reports which criterion decided', () => {
    const mk = (priority: number, start: number): SimPod => ({ priority, startTime: start }) as unknown as SimPod;
    const cand = (node: string, pdbViolations: number, victims: SimPod[]): Candidate => ({ node, pdbViolations, victims });
    const table: Array<[string, Candidate[], string, number]> = [
      ['single', [cand('a', 3, [mk(1, 0)])], 'a', 0],
      ['pdb', [cand('a', 1, [mk(1, 0)]), cand('b', 0, [mk(9, 0)])], 'b', 1],
      ['highest', [cand('a', 0, [mk(3, 0)]), cand('b', 0, [mk(2, 0), mk(2, 0)])], 'b', 2],
      ['sum', [cand('a', 0, [mk(3, 0), mk(3, 0)]), cand('b', 0, [mk(3, 0), mk(1, 0)])], 'b', 3],
      ['count', [cand('a', 0, [mk(0, 0), mk(0, 0)]), cand('b', 0, [mk(0, 0)])], 'b', 3],
      ['start', [cand('a', 0, [mk(1, 5)]), cand('b', 0, [mk(1, 9)])], 'b', 5],
    ];
    for (const [name, cands, want, by] of table) {
      const r = pickOneNodeForPreemption(cands, 100);
      assert.equal(r.chosen?.node, want, name);
      assert.equal(r.decidedBy, by, name);
    }
  });
});

describe('R-E.10 nominated pods', () => {
  const cases: Case[] = [
    {
      name: 'a nominated pod of higher priority takes its room first',
      objects: [
        node('n1', { cpu: '2' }),
        node('n2', { cpu: '2' }),
        pod('nom', { cpu: '2', priority: high + 1, status: { nominatedNodeName: 'n1' } }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n2',
      reasons: { n1: 'Insufficient cpu' },
    },
    {
      name: 'a nominated pod of lower priority is ignored',
      objects: [
        node('n1', { cpu: '2' }),
        pod('nom', { cpu: '2', priority: low, status: { nominatedNodeName: 'n1' } }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n1',
    },
    {
      name: 'the nominated pod stays during the dry run: more victims are needed',
      objects: [
        node('n1', { cpu: '3' }),
        pod('nom', { cpu: '1', priority: high, status: { nominatedNodeName: 'n1' } }),
        pod('v1', { node: 'n1', cpu: '1', priority: low, start: t(1) }),
        pod('v2', { node: 'n1', cpu: '1', priority: low, start: t(2) }),
        pod('p', { cpu: '2', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'preempt',
      victims: ['default/v1', 'default/v2'],
    },
  ];
  for (const c of cases) it(c.name, () => void run(c));
});

describe('pending pod handling', () => {
  it('a pod with spec.nodeName is simulated as pending and left out of its node', () => {
    run({
      name: 'bound',
      objects: [node('n1', { cpu: '1' }), pod('p', { node: 'n1', cpu: '1', priority: high })],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n1',
    });
  });
  it('candidates are listed even when the pod fits somewhere', () => {
    run({
      name: 'fits+candidates',
      objects: [
        node('n1', { cpu: '1' }),
        node('n2', { cpu: '1' }),
        pod('v', { node: 'n1', cpu: '1', priority: low }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'fits',
      node: 'n2',
      victims: [],
      candidates: [{ node: 'n1', victims: ['default/v'], pdbViolations: 0 }],
    });
  });
  it('Succeeded and Failed pods hold no resources', () => {
    run({
      name: 'terminal',
      objects: [
        node('n1', { cpu: '1' }),
        pod('done', { node: 'n1', cpu: '1', priority: high + 5, status: { phase: 'Succeeded' } }),
        pod('p', { cpu: '1', priority: high }),
      ],
      pod: 'default/p',
      outcome: 'fits',
    });
  });
});
