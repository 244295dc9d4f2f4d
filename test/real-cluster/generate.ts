// Seeded generator of small preemption scenarios (issue 17, section 3) for the randomized differential run against
// the real kube-scheduler: 2-8 nodes with capacities, labels and taints, 5-40 bound pods (priorities, requests,
// ReplicaSet owners, PDBs, anti-affinity, host ports, start times) and one pending higher-priority pod with optional
// constraints (node selector/affinity, pod (anti-)affinity, topology spread, host port, preemptionPolicy Never).
// Pure and deterministic: the same seed gives the same scenario (test/cluster-gen/generate.test.ts), so a
// disagreement is reproduced by its seed alone. The output uses the hand-made scenarios' format (test/scenarios/).
import { stringify } from 'yaml';
import type { K8sObject } from './harness';

export interface GeneratedScenario {
  /** `random-<seed>`: the name a disagreement is listed under in test/scenarios/DIFFERENTIAL.md. */
  name: string;
  seed: number;
  objects: K8sObject[];
  /** The objects as one multi-document YAML file, like test/scenarios/<name>/cluster.yaml. */
  yaml: string;
  /** ns/name of the pending pod. */
  pod: string;
  /** Features the scenario exercises (for the per-feature counts in DIFFERENTIAL.md). */
  features: string[];
}

/** mulberry32: small, fast, good enough for test data, and the same on every platform. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Rng {
  int(lo: number, hi: number): number;
  chance(p: number): boolean;
  pick<T>(xs: readonly T[]): T;
  shuffle<T>(xs: T[]): T[];
}

function rng(seed: number): Rng {
  const next = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  return {
    int,
    chance: (p) => next() < p,
    pick: (xs) => xs[int(0, xs.length - 1)],
    shuffle: (xs) => {
      for (let i = xs.length - 1; i > 0; i--) {
        const j = int(0, i);
        [xs[i], xs[j]] = [xs[j], xs[i]];
      }
      return xs;
    },
  };
}

const CLASSES: Record<string, { value: number; never?: boolean }> = {
  low: { value: 100 },
  mid: { value: 500 },
  high: { value: 1000 },
  'high-never': { value: 1000, never: true },
  critical: { value: 5000 },
};
const TAINT = { key: 'dedicated', value: 'infra', effect: 'NoSchedule' };
const TOLERATION = { key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' };
const HOST_PORT = 8080;
const IMAGE = 'registry.k8s.io/pause:3.10';

const milli = (cpu: string) => (cpu.endsWith('m') ? Number(cpu.slice(0, -1)) : Number(cpu) * 1000);
const mebi = (mem: string) => (mem.endsWith('Gi') ? Number(mem.slice(0, -2)) * 1024 : Number(mem.slice(0, -2)));

interface NodeState {
  name: string;
  cpu: number;
  mem: number;
  maxPods: number;
  labels: Record<string, string>;
  tainted: boolean;
  usedCpu: number;
  usedMem: number;
  pods: number;
  hostPort: boolean;
  apps: Set<string>;
  /** Apps whose pods on this node carry required anti-affinity against their own app. */
  antiApps: Set<string>;
}

interface Group {
  app: string;
  ns: string;
  cls: string | undefined;
  cpu: string;
  mem: string;
  hostPort: boolean;
  tolerates: boolean;
  antiAffinity: boolean;
  owner: string | undefined;
}

function container(cpu: string, mem: string, hostPort: boolean): K8sObject {
  return {
    name: 'main',
    image: IMAGE,
    resources: { requests: { cpu, memory: mem } },
    ...(hostPort ? { ports: [{ containerPort: HOST_PORT, hostPort: HOST_PORT, protocol: 'TCP' }] } : {}),
  };
}

function antiAffinityTo(app: string): K8sObject {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app } }, topologyKey: 'kubernetes.io/hostname' }],
    },
  };
}

/**
 * The pending pod's CPU request: mostly more than any node has free (so the scheduler must preempt or give up),
 * sometimes a small one (it may fit).
 */
function pendingCpu(r: Rng, nodes: readonly NodeState[]): string {
  if (r.chance(0.2)) return r.pick(['250m', '500m', '1']);
  const maxFree = Math.max(...nodes.map((n) => n.cpu - n.usedCpu));
  const maxCap = Math.max(...nodes.map((n) => n.cpu));
  const lo = Math.min(maxFree + 100, maxCap);
  return `${Math.round((lo + r.int(0, Math.max(0, maxCap - lo))) / 100) * 100}m`;
}

export function generateScenario(seed: number): GeneratedScenario {
  const r = rng(seed);
  const features = new Set<string>();
  const objects: K8sObject[] = [];

  // Nodes.
  const nodeCount = r.int(2, 8);
  const zones = r.int(1, 3);
  const nodes: NodeState[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    const name = `n${i}`;
    const cpu = r.pick(['2', '4', '8']);
    const memory = r.pick(['4Gi', '8Gi', '16Gi']);
    const maxPods = r.chance(0.1) ? r.int(2, 5) : 110;
    if (maxPods < 110) features.add('pod-count-limit');
    const labels: Record<string, string> = { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': `z${((i - 1) % zones) + 1}` };
    if (r.chance(0.3)) labels.disk = 'ssd';
    const tainted = r.chance(0.15);
    const cordoned = r.chance(0.05);
    if (tainted) features.add('taints');
    if (cordoned) features.add('cordoned');
    nodes.push({
      name,
      cpu: milli(cpu),
      mem: mebi(memory),
      maxPods,
      labels,
      tainted,
      usedCpu: 0,
      usedMem: 0,
      pods: 0,
      hostPort: false,
      apps: new Set(),
      antiApps: new Set(),
    });
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels },
      ...(tainted || cordoned ? { spec: { ...(tainted ? { taints: [TAINT] } : {}), ...(cordoned ? { unschedulable: true } : {}) } } : {}),
      status: { allocatable: { cpu, memory, pods: String(maxPods) } },
    });
  }
  if (zones > 1) features.add('zones');

  // Groups of bound pods (one app each).
  const podTarget = r.int(5, 40);
  const groupCount = r.int(2, 6);
  const groups: Group[] = [];
  for (let g = 1; g <= groupCount; g++) {
    const group: Group = {
      app: `app-g${g}`,
      ns: r.chance(0.2) ? 'team' : 'default',
      cls: r.pick([undefined, 'low', 'low', 'mid', 'mid', 'high']),
      cpu: r.pick(['100m', '250m', '500m', '1', '2']),
      mem: r.pick(['128Mi', '256Mi', '512Mi', '1Gi', '2Gi']),
      hostPort: r.chance(0.1),
      tolerates: r.chance(0.3),
      antiAffinity: r.chance(0.15),
      owner: r.chance(0.5) ? `rs-g${g}` : undefined,
    };
    groups.push(group);
  }
  // Distinct start times in a random order: ties in start time leave upstream's victim order to its pod list order.
  const startSlots = r.shuffle([...Array(podTarget).keys()]);
  const base = Date.UTC(2024, 4, 1, 0, 0, 0);
  const boundByGroup = new Map<Group, K8sObject[]>();
  let placed = 0;
  for (let i = 0; i < podTarget; i++) {
    const group = groups[i % groupCount];
    const need = { cpu: milli(group.cpu), mem: mebi(group.mem) };
    const node = r
      .shuffle([...nodes])
      .find(
        (n) =>
          n.usedCpu + need.cpu <= n.cpu &&
          n.usedMem + need.mem <= n.mem &&
          n.pods < n.maxPods &&
          (!group.hostPort || !n.hostPort) &&
          (!n.tainted || group.tolerates) &&
          !(group.antiAffinity && n.apps.has(group.app)) &&
          !n.antiApps.has(group.app),
      );
    if (!node) continue;
    node.usedCpu += need.cpu;
    node.usedMem += need.mem;
    node.pods++;
    node.hostPort ||= group.hostPort;
    node.apps.add(group.app);
    if (group.antiAffinity) node.antiApps.add(group.app);
    const list = boundByGroup.get(group) ?? [];
    const name = `${group.app.slice(4)}-${list.length}`;
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: group.ns,
        labels: { app: group.app, ...(group.owner ? { rs: group.owner } : {}) },
        ...(group.owner
          ? {
              ownerReferences: [
                {
                  apiVersion: 'apps/v1',
                  kind: 'ReplicaSet',
                  name: group.owner,
                  uid: `00000000-0000-4000-8000-${String(groups.indexOf(group)).padStart(12, '0')}`,
                  controller: true,
                  blockOwnerDeletion: true,
                },
              ],
            }
          : {}),
      },
      spec: {
        nodeName: node.name,
        ...(group.cls ? { priorityClassName: group.cls } : {}),
        ...(group.tolerates ? { tolerations: [TOLERATION] } : {}),
        ...(group.antiAffinity ? { affinity: antiAffinityTo(group.app) } : {}),
        containers: [container(group.cpu, group.mem, group.hostPort)],
      },
      status: { phase: 'Running', startTime: new Date(base + startSlots[i] * 60_000).toISOString().replace('.000Z', 'Z') },
    };
    list.push(pod);
    boundByGroup.set(group, list);
    placed++;
    if (group.hostPort) features.add('host-ports');
    if (group.antiAffinity) features.add('existing-anti-affinity');
    if (group.tolerates) features.add('tolerations');
    if (group.ns !== 'default') features.add('namespaces');
  }
  features.add(`bound-pods:${placed <= 10 ? '5-10' : placed <= 20 ? '11-20' : '21-40'}`);
  features.add(`nodes:${nodeCount <= 3 ? '2-3' : nodeCount <= 5 ? '4-5' : '6-8'}`);

  // Owners and PDBs of the groups that got pods.
  const podObjects: K8sObject[] = [];
  for (const group of groups) {
    const pods = boundByGroup.get(group) ?? [];
    if (pods.length === 0) continue;
    podObjects.push(...pods);
    if (group.owner) {
      features.add('owners');
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: group.owner, namespace: group.ns },
        spec: {
          replicas: pods.length,
          selector: { matchLabels: { app: group.app, rs: group.owner } },
          template: {
            metadata: { labels: { app: group.app, rs: group.owner } },
            spec: pods[0].spec.priorityClassName
              ? { priorityClassName: pods[0].spec.priorityClassName, containers: pods[0].spec.containers }
              : { containers: pods[0].spec.containers },
          },
        },
      });
    }
    if (r.chance(0.35)) {
      const budget = r.pick([
        { minAvailable: r.int(1, pods.length) },
        { maxUnavailable: r.int(0, 2) },
        { maxUnavailable: '50%' },
        { minAvailable: '50%' },
      ]);
      features.add('pdb');
      features.add(`pdb-${Object.keys(budget)[0]}${typeof Object.values(budget)[0] === 'string' ? '-percent' : ''}`);
      objects.push({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: `pdb-${group.app}`, namespace: group.ns },
        spec: { ...budget, selector: { matchLabels: { app: group.app } } },
      });
    }
  }

  // The pending pod.
  const cls = r.pick(['high', 'high', 'high', 'critical', 'mid', 'high-never']);
  if (cls === 'high-never') features.add('preemption-never');
  const spreadGroup = r.chance(0.15) ? r.pick(groups) : undefined;
  const labels: Record<string, string> = { app: spreadGroup?.app ?? 'pending' };
  const spec: K8sObject = {
    priorityClassName: cls,
    containers: [container(pendingCpu(r, nodes), r.pick(['256Mi', '512Mi', '1Gi', '2Gi']), false)],
  };
  if (r.chance(0.15)) {
    spec.containers[0].ports = [{ containerPort: HOST_PORT, hostPort: HOST_PORT, protocol: 'TCP' }];
    features.add('pending-host-port');
  }
  if (r.chance(0.3)) spec.tolerations = [TOLERATION];
  if (r.chance(0.15)) {
    spec.nodeSelector = { disk: 'ssd' };
    features.add('node-selector');
  }
  const affinity: K8sObject = {};
  if (r.chance(0.1)) {
    affinity.nodeAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z1', 'z2'] }] }],
      },
    };
    features.add('node-affinity');
  }
  if (r.chance(0.15)) {
    Object.assign(affinity, antiAffinityTo(r.pick(groups).app));
    features.add('pod-anti-affinity');
  } else if (r.chance(0.1)) {
    affinity.podAffinity = {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { labelSelector: { matchLabels: { app: r.pick(groups).app } }, topologyKey: 'kubernetes.io/hostname' },
      ],
    };
    features.add('pod-affinity');
  }
  if (Object.keys(affinity).length > 0) spec.affinity = affinity;
  if (spreadGroup) {
    spec.topologySpreadConstraints = [
      {
        maxSkew: 1,
        topologyKey: r.pick(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']),
        whenUnsatisfiable: 'DoNotSchedule',
        labelSelector: { matchLabels: { app: spreadGroup.app } },
      },
    ];
    features.add('topology-spread');
  }
  const pending: K8sObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'default', labels }, spec };

  const usedClasses = new Set<string>([cls, ...groups.map((g) => g.cls).filter((c): c is string => c !== undefined)]);
  const classes = [...usedClasses].sort().map((name) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value: CLASSES[name].value,
    ...(CLASSES[name].never ? { preemptionPolicy: 'Never' } : {}),
  }));
  const all = [...classes, ...objects, ...podObjects, pending];
  const yaml =
    `# Generated by test/real-cluster/generate.ts, seed ${seed} (features: ${[...features].sort().join(', ')})\n` +
    all.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
  return { name: `random-${seed}`, seed, objects: all, yaml, pod: 'default/pending', features: [...features].sort() };
}
