// `node out/bench/probes/anchor-probe.js [DIR] [--fallback] [--kinds-only] [--expanded] [--check] [--top N]`: the benchmark's
// anchor alone (yaml-language-server validation of every file of DIR, default the corpus) with the schema run.js uses.
// --check first validates two known Deployments (one valid, one with `replicas: "abc"`) and prints their diagnostics.
import { defaultCorpus, loadTree } from '../corpus';
import { anchorService, fallbackSchema, loadAnchorSchema, runAnchor } from '../anchor-schema';
import type { AnchorSchema } from '../anchor-schema';

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i === -1 ? undefined : argv[i + 1];
};
const dir = argv.find((a, i) => !a.startsWith('--') && !(argv[i - 1] ?? '').startsWith('--top')) ?? defaultCorpus;

const valid = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  strategy:
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: web
    spec:
      priorityClassName: high
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: 1
              memory: 256Mi
`;
const invalid = valid
  .replace('replicas: 2', 'replicas: "abc"')
  .replace('image: nginx:1.27', 'image: nginx:1.27\n          imagePullPolicyy: Always');

async function main(): Promise<void> {
  const t = performance.now();
  const anchor: AnchorSchema = argv.includes('--fallback')
    ? { label: 'fallback (forced by --fallback)', schema: fallbackSchema, kubernetes: false }
    : loadAnchorSchema({ kindsOnly: argv.includes('--kinds-only'), expanded: argv.includes('--expanded') });
  console.log(`schema: ${anchor.label} (built in ${(performance.now() - t).toFixed(0)} ms)`);
  if (argv.includes('--check')) {
    const service = anchorService(anchor);
    if ('skipped' in service) throw new Error(service.skipped);
    for (const [name, text] of [
      ['valid Deployment', valid],
      ['Deployment with replicas: "abc" and an unknown container field', invalid],
    ] as const) {
      const diagnostics = await service.validate(`${name.replace(/\W+/g, '-')}.yaml`, text);
      console.log(`${name}: ${diagnostics.length} diagnostic(s)`);
      for (const d of diagnostics) console.log(`  line ${d.range.start.line + 1}: ${d.message.split('\n')[0] ?? ''}`);
    }
  }
  const files = loadTree(dir);
  console.log(`${dir}: ${files.length} files`);
  const result = await runAnchor(files, anchor);
  console.log(JSON.stringify(result));
  const top = Number(option('--top') ?? 0);
  if (top > 0 && !('skipped' in result)) {
    // The slowest files, measured again one by one (a second pass: warm caches).
    const service = anchorService(anchor);
    if ('skipped' in service) return;
    const decoder = new TextDecoder();
    const times: Array<[string, number, number]> = [];
    for (const f of files) {
      const s = performance.now();
      const n = (await service.validate(f.path, decoder.decode(f.bytes))).length;
      times.push([f.path, performance.now() - s, n]);
    }
    times.sort((a, b) => b[1] - a[1]);
    for (const [p, ms, n] of times.slice(0, top)) console.log(`${ms.toFixed(0).padStart(7)} ms  ${String(n).padStart(5)} diag  ${p}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
