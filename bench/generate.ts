// Generates benchmark workspaces: a realistic monorepo of N workloads (PriorityClasses, PDBs, LimitRanges, requests and
// limits, env/probes/volumes as real charts render them, Services and ConfigMaps) plus CRD-sized noise documents; and
// cluster dumps (Nodes + bound Pods) for `kpl simulate`. Deterministic for a given size (seeded PRNG).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rng as prng } from '../test/fuzz/mutate';

const priorityClasses: Array<[string, number, boolean]> = [
  ['critical-infra', 1_000_000, false],
  ['high', 100_000, false],
  ['medium', 10_000, true],
  ['low', 1_000, false],
  ['batch', 100, false],
  ['best-effort', -10, false],
];
const kinds = ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;

export interface GeneratedWorkspace {
  dir: string;
  files: number;
  bytes: number;
  workloads: number;
  /** A file and line suited to a one-line edit (a workload's `image:` line) and to hover (`priorityClassName`). */
  editFile: string;
}

function podTemplate(name: string, pick: () => number, indent: string, i: number): string {
  const pc = priorityClasses[Math.floor(pick() * priorityClasses.length)]?.[0] ?? 'medium';
  const missing = pick() < 0.03 ? 'missing-class' : pc; // some references to an unknown class
  const cpu = [100, 250, 500, 1000][Math.floor(pick() * 4)];
  const mem = [128, 256, 512, 1024][Math.floor(pick() * 4)];
  const guaranteed = pick() < 0.3;
  const noRequests = pick() < 0.1;
  const resources = noRequests
    ? ''
    : guaranteed
      ? `\n${indent}      resources:\n${indent}        requests:\n${indent}          cpu: ${cpu}m\n${indent}          memory: ${mem}Mi\n${indent}        limits:\n${indent}          cpu: ${cpu}m\n${indent}          memory: ${mem}Mi`
      : `\n${indent}      resources:\n${indent}        requests:\n${indent}          cpu: ${cpu}m\n${indent}          memory: ${mem}Mi\n${indent}        limits:\n${indent}          memory: ${mem * 2}Mi`;
  const env = Array.from(
    { length: 4 + Math.floor(pick() * 8) },
    (_, k) => `\n${indent}        - name: VAR_${k}\n${indent}          value: "value-${i}-${k}"`,
  ).join('');
  return `${indent}metadata:
${indent}  labels:
${indent}    app: ${name}
${indent}    tier: ${['web', 'api', 'worker', 'db'][i % 4]}
${indent}spec:
${indent}  priorityClassName: ${missing}
${indent}  containers:
${indent}    - name: main
${indent}      image: registry.example.com/${name}:1.${i % 50}.0${resources}
${indent}      ports:
${indent}        - containerPort: 8080
${indent}      env:${env}
${indent}      livenessProbe:
${indent}        httpGet:
${indent}          path: /healthz
${indent}          port: 8080
${indent}        initialDelaySeconds: 10
${indent}      volumeMounts:
${indent}        - name: config
${indent}          mountPath: /etc/${name}
${indent}  volumes:
${indent}    - name: config
${indent}      configMap:
${indent}        name: ${name}-config
`;
}

function workload(kind: (typeof kinds)[number], name: string, ns: string, pick: () => number, i: number): string {
  const head = `apiVersion: ${kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: ${name}\n`;
  switch (kind) {
    case 'CronJob':
      return `${head}spec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      backoffLimit: 3\n      template:\n${podTemplate(name, pick, '        ', i).replace(/(\n {10}containers:)/, '\n          restartPolicy: OnFailure$1')}`;
    case 'Job':
      return `${head}spec:\n  backoffLimit: 2\n  template:\n${podTemplate(name, pick, '    ', i).replace(/(\n {6}containers:)/, '\n      restartPolicy: Never$1')}`;
    case 'DaemonSet':
      return `${head}spec:\n  selector:\n    matchLabels:\n      app: ${name}\n  template:\n${podTemplate(name, pick, '    ', i)}`;
    default:
      return `${head}spec:\n  replicas: ${1 + Math.floor(pick() * 5)}\n  selector:\n    matchLabels:\n      app: ${name}\n${kind === 'StatefulSet' ? `  serviceName: ${name}\n` : ''}  template:\n${podTemplate(name, pick, '    ', i)}`;
  }
}

/** A CustomResourceDefinition of roughly `bytes` bytes (deep openAPIV3Schema), the kind of noise real repos carry. */
function crd(n: number, bytes: number): string {
  const props: string[] = [];
  let size = 0;
  for (let k = 0; size < bytes; k++) {
    const p = `                field${k}:\n                  description: Field ${k} of the generated resource ${n}; it configures something rather specific.\n                  type: object\n                  properties:\n                    enabled:\n                      type: boolean\n                    count:\n                      format: int32\n                      type: integer\n`;
    props.push(p);
    size += p.length;
  }
  return `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets${n}.example.com\nspec:\n  group: example.com\n  names:\n    kind: Widget${n}\n    plural: widgets${n}\n  scope: Namespaced\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n${props.join('')}`;
}

/** generateWorkspace writes a workspace of `workloads` workloads below `dir`. */
export function generateWorkspace(dir: string, workloads: number, seed = 1): GeneratedWorkspace {
  const pick = prng(seed);
  mkdirSync(dir, { recursive: true });
  let files = 0;
  let bytes = 0;
  const write = (rel: string, text: string): void => {
    const p = join(dir, rel);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  write(
    'cluster/priority-classes.yaml',
    priorityClasses
      .map(
        ([name, value, def]) =>
          `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${name}\nvalue: ${value}\nglobalDefault: ${def}\ndescription: ${name} workloads\n`,
      )
      .join('---\n'),
  );
  const namespaces = Math.max(1, Math.round(workloads / 50));
  for (let n = 0; n < namespaces; n++) {
    write(
      `ns-${n}/namespace.yaml`,
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns-${n}\n---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  namespace: ns-${n}\nspec:\n  limits:\n    - type: Container\n      default:\n        cpu: 500m\n        memory: 512Mi\n      defaultRequest:\n        cpu: 100m\n        memory: 128Mi\n`,
    );
  }
  let editFile = '';
  for (let i = 0; i < workloads; i++) {
    const ns = `ns-${i % namespaces}`;
    const kind = kinds[Math.floor(pick() * kinds.length)] ?? 'Deployment';
    const name = `app-${i}`;
    const docs = [workload(kind, name, ns, pick, i)];
    if (kind !== 'Job' && kind !== 'CronJob')
      docs.push(
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n    app: ${name}\n  ports:\n    - port: 80\n      targetPort: 8080\n`,
      );
    if (kind === 'Deployment' || kind === 'StatefulSet') {
      if (pick() < 0.4)
        docs.push(
          `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ${pick() < 0.8 ? 'minAvailable: 1' : 'maxUnavailable: 0'}\n  selector:\n    matchLabels:\n      app: ${name}\n`,
        );
    }
    if (pick() < 0.2)
      docs.push(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}-config\n  namespace: ${ns}\ndata:\n  config.yaml: |\n${Array.from({ length: 30 }, (_, k) => `    key${k}: value ${k} for ${name}`).join('\n')}\n`,
      );
    const rel = `${ns}/${name}.yaml`;
    if (i === Math.floor(workloads / 2)) editFile = rel;
    write(rel, docs.join('---\n'));
  }
  // CRD-sized noise: one ~200 KB CRD bundle per 100 workloads.
  for (let c = 0; c < Math.max(1, Math.round(workloads / 100)); c++) write(`crds/widgets-${c}.yaml`, crd(c, 200_000));
  return { dir, files, bytes, workloads, editFile };
}

export interface GeneratedCluster {
  dir: string;
  nodes: number;
  pods: number;
  bytes: number;
  /** NAMESPACE/NAME of the pending pod to simulate. */
  pending: string;
}

/** generateCluster writes a cluster dump: `nodes` Nodes, `podsPerNode` bound running pods each, PriorityClasses, PDBs, one pending pod. */
export function generateCluster(dir: string, nodes: number, podsPerNode: number, seed = 2): GeneratedCluster {
  const pick = prng(seed);
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const write = (rel: string, text: string): void => {
    writeFileSync(join(dir, rel), text);
    bytes += Buffer.byteLength(text);
  };
  write(
    'priority-classes.yaml',
    priorityClasses
      .map(([name, value]) => `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${name}\nvalue: ${value}\n`)
      .join('---\n'),
  );
  const nodeDocs: string[] = [];
  for (let n = 0; n < nodes; n++) {
    nodeDocs.push(
      `apiVersion: v1\nkind: Node\nmetadata:\n  name: node-${n}\n  labels:\n    kubernetes.io/hostname: node-${n}\n    topology.kubernetes.io/zone: zone-${n % 3}\nstatus:\n  allocatable:\n    cpu: "8"\n    memory: 32Gi\n    pods: "110"\n  capacity:\n    cpu: "8"\n    memory: 32Gi\n    pods: "110"\n`,
    );
  }
  write('nodes.yaml', nodeDocs.join('---\n'));
  let pods = 0;
  const chunk: string[] = [];
  let part = 0;
  const flush = (): void => {
    if (chunk.length === 0) return;
    write(`pods-${part++}.yaml`, chunk.join('---\n'));
    chunk.length = 0;
  };
  for (let n = 0; n < nodes; n++) {
    for (let p = 0; p < podsPerNode; p++) {
      const pc = priorityClasses[1 + Math.floor(pick() * (priorityClasses.length - 1))]?.[0] ?? 'low';
      const app = `app-${(n * podsPerNode + p) % 500}`;
      chunk.push(
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${n}-${p}\n  namespace: ns-${n % 20}\n  labels:\n    app: ${app}\n  creationTimestamp: "2025-01-01T00:00:00Z"\nspec:\n  nodeName: node-${n}\n  priorityClassName: ${pc}\n  containers:\n    - name: main\n      image: example/${app}:1\n      resources:\n        requests:\n          cpu: 350m\n          memory: 1Gi\nstatus:\n  phase: Running\n  startTime: "2025-01-01T00:00:00Z"\n`,
      );
      pods++;
      if (chunk.length >= 1000) flush();
    }
  }
  flush();
  write(
    'pdbs.yaml',
    Array.from(
      { length: 50 },
      (_, k) =>
        `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: pdb-${k}\n  namespace: ns-${k % 20}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: app-${k}\n`,
    ).join('---\n'),
  );
  write(
    'pending.yaml',
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pending\n  namespace: ns-0\nspec:\n  priorityClassName: critical-infra\n  containers:\n    - name: main\n      image: example/critical:1\n      resources:\n        requests:\n          cpu: "2"\n          memory: 4Gi\n`,
  );
  return { dir, nodes, pods, bytes, pending: 'ns-0/pending' };
}

// Only when run directly (`node out/bench/generate.js DIR N`), not when bundled into run.js.
if (/generate\.js$/.test(process.argv[1] ?? '')) {
  const [dir, size] = process.argv.slice(2);
  if (dir === undefined) {
    console.error('usage: node out/bench/generate.js DIR [WORKLOADS]');
    process.exit(2);
  }
  const ws = generateWorkspace(dir, Number(size ?? 1000));
  console.log(`${ws.files} files, ${(ws.bytes / 1048576).toFixed(1)} MiB, ${ws.workloads} workloads in ${ws.dir}`);
}
