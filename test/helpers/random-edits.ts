// Seeded random edits of a generated workspace, of every kind that changes a cross-file fact (issue 18), shared by
// the AnalysisHost-level test (test/rules/incremental-random.test.ts) and the language-server-level one
// (test/lsp/incremental-random.test.ts).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateWorkspace } from '../../bench/generate';

export type Rng = () => number;

export const editKinds = [
  'priorityClassName',
  'class-value',
  'globalDefault',
  'pdb-selector',
  'pdb-minAvailable',
  'limitrange-default',
  'template-labels',
  'add-file',
  'delete-file',
  'local',
] as const;
/** Kueue edits (issue 21), over the files of kueueWorkspace(): only where those files were added. */
export const kueueEditKinds = [
  'kueue-queue-label',
  'kueue-wpc-label',
  'kueue-lq-target',
  'kueue-cq-quota',
  'kueue-cq-cohort',
  'kueue-wpc-value',
  'kueue-namespace-labels',
  'kueue-add-remove',
] as const;
export type EditKind = (typeof editKinds)[number] | (typeof kueueEditKinds)[number];

const classNames = ['critical-infra', 'high', 'medium', 'low', 'batch', 'best-effort', 'missing-class', 'hgh'];

export function pickOf<T>(r: Rng, items: readonly T[]): T {
  const item = items[Math.floor(r() * items.length)];
  assert.ok(item !== undefined);
  return item;
}

/** Replaces one randomly chosen match of `re` (global) in `text` with `make(match)`; undefined when nothing matches. */
function replaceOne(r: Rng, text: string, re: RegExp, make: (m: RegExpExecArray) => string): string | undefined {
  const matches = [...text.matchAll(re)] as RegExpExecArray[];
  if (matches.length === 0) return undefined;
  const m = pickOf(r, matches);
  return text.slice(0, m.index) + make(m) + text.slice(m.index + m[0].length);
}

/** An edit: the file's new text, or undefined when the file is deleted. */
export interface RandomEdit {
  file: string;
  text: string | undefined;
}

/** RandomEdits draws edits of a given kind over the current texts; `added` numbers the new files. */
export class RandomEdits {
  private added = 0;

  constructor(private readonly files: ReadonlyMap<string, string>) {}

  /** A random edit of the given kind; undefined when the workspace holds nothing it applies to. */
  edit(r: Rng, kind: EditKind): RandomEdit | undefined {
    const files = [...this.files.keys()].sort();
    const withText = (re: RegExp) => files.filter((f) => re.test(this.files.get(f) ?? ''));
    const change = (re: RegExp, candidates: string[], make: (m: RegExpExecArray) => string): RandomEdit | undefined => {
      if (candidates.length === 0) return undefined;
      const file = pickOf(r, candidates);
      const next = replaceOne(r, this.files.get(file) ?? '', re, make);
      return next === undefined ? undefined : { file, text: next };
    };
    switch (kind) {
      case 'priorityClassName':
        return change(/priorityClassName: \S+/g, withText(/priorityClassName:/), () => `priorityClassName: ${pickOf(r, classNames)}`);
      case 'class-value':
        return change(
          /^value: -?\d+$/gm,
          withText(/kind: PriorityClass/),
          () => `value: ${pickOf(r, [-10, 0, 100, 1000, 10_000, 100_000, 2_000_000_000])}`,
        );
      case 'globalDefault':
        return change(
          /^globalDefault: (true|false)$/gm,
          withText(/kind: PriorityClass/),
          (m) => `globalDefault: ${m[1] === 'true' ? 'false' : 'true'}`,
        );
      case 'pdb-selector':
        return change(
          /(kind: PodDisruptionBudget[\s\S]*?matchLabels:\n\s+app: )(\S+)/g,
          withText(/kind: PodDisruptionBudget/),
          (m) => `${m[1]}${r() < 0.5 ? `${m[2]}-x` : 'app-1'}`,
        );
      case 'pdb-minAvailable':
        return change(/(minAvailable|maxUnavailable): \S+/g, withText(/kind: PodDisruptionBudget/), () =>
          pickOf(r, [
            'minAvailable: 1',
            'minAvailable: 3',
            'minAvailable: 100%',
            'maxUnavailable: 0',
            'maxUnavailable: 1',
            'maxUnavailable: 50%',
          ]),
        );
      case 'limitrange-default':
        return change(
          /(default(?:Request)?:\n\s+cpu: )(\S+)(\n\s+memory: )(\S+)/g,
          withText(/kind: LimitRange/),
          (m) => `${m[1]}${pickOf(r, ['50m', '100m', '500m', '2'])}${m[3]}${pickOf(r, ['64Mi', '128Mi', '512Mi', '2Gi'])}`,
        );
      case 'template-labels':
        return change(/(\n {4,}labels:\n {6,}app: )(\S+)(\n {6,}tier: )(\S+)/g, withText(/template:/), (m) =>
          r() < 0.5 ? `${m[1]}${m[2]}-y${m[3]}${m[4]}` : `${m[1]}${m[2]}${m[3]}${pickOf(r, ['web', 'api', 'db'])}`,
        );
      case 'add-file': {
        const n = this.added++;
        const ns = pickOf(r, ['ns-0', 'ns-1']);
        const pdb =
          r() < 0.5
            ? `---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: new-${n}\n  namespace: ${ns}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: ${r() < 0.5 ? `new-${n}` : 'app-2'}\n`
            : '';
        const cls =
          r() < 0.3
            ? `---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: ${pickOf(r, ['hgh', 'extra'])}\nvalue: ${pickOf(r, [5, 50_000])}\nglobalDefault: ${r() < 0.3}\n`
            : '';
        return {
          file: `${ns}/new-${n}.yaml`,
          text: `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: new-${n}\n  namespace: ${ns}\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: new-${n}\n  template:\n    metadata:\n      labels:\n        app: new-${n}\n    spec:\n      priorityClassName: ${pickOf(r, classNames)}\n      containers:\n        - name: main\n          image: example/new:${n}\n${r() < 0.5 ? '          resources:\n            requests:\n              cpu: 100m\n' : ''}${pdb}${cls}`,
        };
      }
      case 'delete-file': {
        // The class file and namespaces go too, sometimes: what depends on them must follow.
        const candidates = files.filter((f) => !f.startsWith('crds/'));
        if (candidates.length <= 3) return undefined;
        return { file: pickOf(r, candidates), text: undefined };
      }
      case 'local':
        return change(/image: \S+/g, withText(/image:/), () => `image: registry.example.com/edited:${Math.floor(r() * 100)}`);
      case 'kueue-queue-label':
        // Sometimes the label leaves the Job's own metadata or comes back (Kueue reads only that one, not the template's).
        return r() < 0.3
          ? change(/\n {4}(kueue\.x-k8s\.io\/queue-name|moved-queue-name): (\S+)/g, withText(/queue-name/), (m) =>
              m[1] === 'moved-queue-name' ? `\n    kueue.x-k8s.io/queue-name: ${m[2]}` : `\n    moved-queue-name: ${m[2]}`,
            )
          : change(/queue-name: \S+/g, withText(/queue-name/), () => `queue-name: ${pickOf(r, ['lq-a', 'lq-b', 'lq-x', 'lq-aa'])}`);
      case 'kueue-wpc-label':
        return change(
          /priority-class: \S+/g,
          withText(/kueue\.x-k8s\.io\/priority-class/),
          () => `priority-class: ${pickOf(r, ['high', 'low', 'hihg'])}`,
        );
      case 'kueue-lq-target':
        return change(
          /clusterQueue: \S+/g,
          withText(/kind: LocalQueue/),
          () => `clusterQueue: ${pickOf(r, ['team-a', 'team-b', 'team-c'])}`,
        );
      case 'kueue-cq-quota':
        return change(
          /nominalQuota: \S+/g,
          withText(/kind: ClusterQueue/),
          () => `nominalQuota: ${pickOf(r, ['1', '4', '8', '16', '64Gi'])}`,
        );
      case 'kueue-cq-cohort':
        return change(/cohortName: \S+/g, withText(/kind: ClusterQueue/), () => `cohortName: ${pickOf(r, ['ci', 'other'])}`);
      case 'kueue-wpc-value':
        return change(/^value: \d+$/gm, withText(/kind: WorkloadPriorityClass/), () => `value: ${pickOf(r, [10, 100, 1000, 5000])}`);
      case 'kueue-namespace-labels':
        return change(/name: ns-([01])\n(  labels:\n    team: a\n)?/g, withText(/kind: Namespace/), (m) =>
          m[2] === undefined ? `name: ns-${m[1]}\n  labels:\n    team: a\n` : `name: ns-${m[1]}\n`,
        );
      case 'kueue-add-remove': {
        const file = 'kueue/extra.yaml';
        if (this.files.has(file)) return { file, text: undefined };
        return { file, text: pickOf(r, kueueExtras) };
      }
    }
  }
}

/** The texts of a generated workspace (CRD noise left out: no rule reads it), by relative path. */
export function loadGenerated(workloads: number, seed: number): Map<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-incr-'));
  try {
    generateWorkspace(dir, workloads, seed);
    const files = new Map<string, string>();
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        // The CRD noise documents only cost time here; no rule reads them.
        else if (!p.includes(`${path.sep}crds${path.sep}`))
          files.set(path.relative(dir, p).split(path.sep).join('/'), fs.readFileSync(p, 'utf8'));
      }
    };
    walk(dir);
    return files;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** LocalQueues and WorkloadPriorityClasses that come and go (kueue-add-remove), named like the typos of the jobs. */
const kueueExtras = [
  'apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata:\n  name: lq-x\n  namespace: ns-0\nspec:\n  clusterQueue: team-b\n',
  'apiVersion: kueue.x-k8s.io/v1beta2\nkind: WorkloadPriorityClass\nmetadata:\n  name: hihg\nvalue: 2000\n',
  'apiVersion: kueue.x-k8s.io/v1beta1\nkind: ClusterQueue\nmetadata:\n  name: team-c\nspec:\n  cohort: other\n  namespaceSelector: {}\n  resourceGroups:\n    - coveredResources: [cpu]\n      flavors:\n        - name: default-flavor\n          resources:\n            - name: cpu\n              nominalQuota: 2\n',
];

/** Kueue's objects and queued Jobs (issue 21) to add to a generated workspace, so that Kueue edits have something to change. */
export function kueueWorkspace(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    'kueue/queues.yaml',
    [
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: WorkloadPriorityClass\nmetadata:\n  name: high\nvalue: 1000\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: WorkloadPriorityClass\nmetadata:\n  name: low\nvalue: 100\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: ResourceFlavor\nmetadata:\n  name: default-flavor\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: ClusterQueue\nmetadata:\n  name: team-a\nspec:\n  cohortName: ci\n  namespaceSelector:\n    matchLabels:\n      team: a\n  preemption:\n    withinClusterQueue: LowerPriority\n  resourceGroups:\n    - coveredResources: [cpu, memory]\n      flavors:\n        - name: default-flavor\n          resources:\n            - name: cpu\n              nominalQuota: 4\n              borrowingLimit: 2\n            - name: memory\n              nominalQuota: 16Gi\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: ClusterQueue\nmetadata:\n  name: team-b\nspec:\n  cohortName: ci\n  namespaceSelector: {}\n  preemption:\n    reclaimWithinCohort: Any\n  resourceGroups:\n    - coveredResources: [cpu]\n      flavors:\n        - name: default-flavor\n          resources:\n            - name: cpu\n              nominalQuota: 8\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata:\n  name: lq-a\n  namespace: ns-0\nspec:\n  clusterQueue: team-a\n',
      'apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata:\n  name: lq-b\n  namespace: ns-1\nspec:\n  clusterQueue: team-b\n',
    ].join('---\n'),
  );
  const jobs: Array<[string, string, string, string, string]> = [
    ['train', 'ns-0', 'lq-a', 'high', 'low'],
    ['eval', 'ns-0', 'lq-a', 'low', 'high'],
    ['tests', 'ns-1', 'lq-b', 'high', 'medium'],
    ['nightly', 'ns-1', 'lq-b', 'low', 'critical-infra'],
  ];
  jobs.forEach(([name, ns, queue, wpc, pc], i) => {
    files.set(
      `kueue/job-${name}.yaml`,
      `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    kueue.x-k8s.io/queue-name: ${queue}\n    kueue.x-k8s.io/priority-class: ${wpc}\nspec:\n  parallelism: ${1 + (i % 3)}\n  backoffLimit: 0\n  template:\n    metadata:\n      labels: {kueue.x-k8s.io/queue-name: ${queue}}\n    spec:\n      restartPolicy: Never\n      priorityClassName: ${pc}\n      containers:\n        - name: main\n          image: example/${name}:1\n          resources:\n            requests:\n              cpu: "${2 + i}"\n              memory: 1Gi\n`,
    );
  });
  return files;
}
