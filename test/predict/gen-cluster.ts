// Generates a synthetic cluster as one multi-document YAML file, for scale measurements of `kpl simulate`
// (5,000 nodes / 100,000 pods by default). Deterministic: the same arguments give the same bytes.
//
//   npx esbuild test/predict/gen-cluster.ts --bundle --platform=node --outfile=/tmp/gen-cluster.js
//   node /tmp/gen-cluster.js 5000 100000 /tmp/cluster.yaml
//
// The cluster is nearly full (every node ~95% of cpu requested), with three priority tiers, zone labels, a few
// tainted nodes, PDBs over the middle tier and a pending pod `bench/pending` that must preempt.

export interface GenOptions {
  nodes: number;
  pods: number;
}

export function generateCluster(options: GenOptions): string {
  const out: string[] = [];
  const push = (text: string): void => {
    out.push(text);
  };
  push(`apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: batch\nvalue: 100\nglobalDefault: true\n`);
  push(`apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: service\nvalue: 1000\n`);
  push(`apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: urgent\nvalue: 100000\n`);
  const perNode = Math.max(1, Math.floor(options.pods / options.nodes));
  const cpuPerPod = 250;
  const nodeCpu = Math.ceil((perNode * cpuPerPod) / 0.95 / 100) * 100;
  for (let n = 0; n < options.nodes; n++) {
    const name = `node-${String(n).padStart(5, '0')}`;
    const taint = n % 50 === 49 ? `spec:\n  taints:\n  - key: dedicated\n    value: infra\n    effect: NoSchedule\n` : '';
    push(
      `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\n  labels:\n    kubernetes.io/hostname: ${name}\n    topology.kubernetes.io/zone: zone-${n % 3}\n    node.kubernetes.io/instance-type: m5.4xlarge\n${taint}status:\n  capacity:\n    cpu: "${nodeCpu / 1000}"\n    memory: 64Gi\n    pods: "110"\n  allocatable:\n    cpu: ${nodeCpu}m\n    memory: 62Gi\n    ephemeral-storage: 100Gi\n    pods: "110"\n`,
    );
  }
  let p = 0;
  for (let n = 0; n < options.nodes && p < options.pods; n++) {
    const nodeName = `node-${String(n).padStart(5, '0')}`;
    for (let i = 0; i < perNode && p < options.pods; i++, p++) {
      const tier = p % 10 === 0 ? 'service' : 'batch';
      const app = `app-${p % 200}`;
      const minute = (p * 7) % 60;
      const hour = 10 + ((p * 13) % 12);
      const cls = tier === 'service' ? '  priorityClassName: service\n' : '';
      push(
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${app}-${p}\n  namespace: ns-${p % 20}\n  labels:\n    app: ${app}\n    tier: ${tier}\n  annotations:\n    example.com/owner: team-${p % 7}\nspec:\n  nodeName: ${nodeName}\n${cls}  containers:\n  - name: main\n    image: registry.example.com/${app}:1.0\n    ports:\n    - containerPort: 8080\n    resources:\n      requests:\n        cpu: ${cpuPerPod}m\n        memory: 256Mi\n      limits:\n        memory: 512Mi\n  - name: sidecar\n    image: registry.example.com/proxy:2\n    resources:\n      requests:\n        cpu: "0"\n        memory: 32Mi\nstatus:\n  phase: Running\n  startTime: "2024-05-01T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00Z"\n`,
      );
    }
  }
  for (let i = 0; i < 20; i++) {
    push(
      `apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: service-${i}\n  namespace: ns-${i}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      tier: service\n`,
    );
  }
  push(
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pending\n  namespace: bench\n  labels:\n    app: bench\nspec:\n  priorityClassName: urgent\n  containers:\n  - name: main\n    image: registry.example.com/bench:1\n    resources:\n      requests:\n        cpu: "${(cpuPerPod * 3) / 1000}"\n        memory: 1Gi\n`,
  );
  return `${out.join('---\n')}`;
}

// Only when this file is the program (bundled alone as in the header), not when a test bundle includes it: there
// require.main === module holds too, and scale.test.js wrote a 62 MB cluster.yaml into the working directory.
if (/gen-cluster\.js$/.test(process.argv[1] ?? '')) {
  void (async () => {
    const { writeFileSync } = await import('node:fs');
    const [nodes = '5000', pods = '100000', file = 'cluster.yaml'] = process.argv.slice(2);
    writeFileSync(file, generateCluster({ nodes: Number(nodes), pods: Number(pods) }));
  })();
}
