// The real apiserver as judge (issue 17, section 2): every workload of a real-world repository is turned into the Pod
// its controller would create and submitted to kube-apiserver with a server-side dry run (dryRun=All), together with
// the controller object itself; the verdict, message, priority, class, preemption policy and QoS class are compared
// with `kpl explain`, and every `error` finding of `kpl check` must meet a rejection with its message.
// Design and results: test/scenarios/ADMISSION.md. Used by admission.test.ts (CI subset) and scripts/admission.mjs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { resourceResolver } from './api';
import type { ApiClient, ApiResource } from './api';
import type { K8sObject } from './harness';

export const FIELDS = ['verdict', 'message', 'priority', 'priorityClassName', 'preemptionPolicy', 'qosClass'] as const;
export type Field = (typeof FIELDS)[number];

interface ExplainedWorkload {
  kind: string;
  namespace: string;
  name: string;
  file: string;
  priority: number;
  priorityClassName?: string;
  preemptionPolicy: string;
  qosClass: string;
  admission: { allowed: boolean; message?: string };
}

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  file: string;
  object?: string;
}

export interface WorkloadResult {
  id: string;
  file: string;
  /** Fields compared: kpl's value, the apiserver's, agree. Fields that do not apply (QoS of a rejected pod) are absent. */
  fields: Partial<Record<Field, { kpl: unknown; real: unknown; agree: boolean }>>;
  /** Where the apiserver's verdict came from: the controller object or the Pod built from its template. */
  rejectedBy?: 'controller' | 'pod';
  realMessage?: string;
}

export interface ErrorFindingResult {
  ruleId: string;
  object: string;
  file: string;
  kplMessage: string;
  rejected: boolean;
  realMessage?: string;
  messageMatches: boolean;
}

export interface RepoResult {
  repo: string;
  files: number;
  /** YAML documents with syntax errors (counted apart, not submitted). */
  syntaxErrorDocs: number;
  workloads: WorkloadResult[];
  /** Workloads kpl explains whose source object could not be found again (or is not a built-in controller). */
  skipped: Array<{ id: string; file: string; why: string }>;
  errorFindings: ErrorFindingResult[];
  /** Setup notes: PriorityClasses/LimitRanges/Namespaces the apiserver refused, versions not served. */
  setup: string[];
  ms: number;
}

const BUILTIN: Record<string, { apiVersion: string; plural: string }> = {
  Pod: { apiVersion: 'v1', plural: 'pods' },
  ReplicationController: { apiVersion: 'v1', plural: 'replicationcontrollers' },
  Deployment: { apiVersion: 'apps/v1', plural: 'deployments' },
  ReplicaSet: { apiVersion: 'apps/v1', plural: 'replicasets' },
  StatefulSet: { apiVersion: 'apps/v1', plural: 'statefulsets' },
  DaemonSet: { apiVersion: 'apps/v1', plural: 'daemonsets' },
  Job: { apiVersion: 'batch/v1', plural: 'jobs' },
  CronJob: { apiVersion: 'batch/v1', plural: 'cronjobs' },
};

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Each repository gets its own namespaces (r<index>-<name>): LimitRanger caches live lookups per namespace name for 30 s. */
export function mapNamespace(repoIndex: number, ns: string): string {
  if (!DNS_LABEL.test(ns) || ns.length > 63) return ns; // invalid names go as written: the apiserver judges them
  const mapped = `r${repoIndex}-${ns}`;
  return mapped.length <= 63 ? mapped : `r${repoIndex}-${createHash('sha1').update(ns).digest('hex').slice(0, 12)}`;
}

const yamlFile = (f: string) => /\.(ya?ml|json)$/i.test(f);

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else if (e.isFile() && yamlFile(e.name)) out.push(p);
  }
  return out;
}

interface SourceDoc {
  file: string;
  object: K8sObject;
}

/** Every object of every file (items of `kind: *List` included); documents with syntax errors are counted, not returned. */
function parseRepo(files: readonly string[]): { docs: SourceDoc[]; syntaxErrorDocs: number } {
  const docs: SourceDoc[] = [];
  let syntaxErrorDocs = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    if (text.length > 4 * 1024 * 1024) continue; // kpl's default --max-file-size skips these too
    for (const d of parseAllDocuments(text, { uniqueKeys: false })) {
      if (d.errors.length > 0) {
        syntaxErrorDocs++;
        continue;
      }
      const o = d.toJS({ maxAliasCount: 100 }) as unknown;
      if (!o || typeof o !== 'object' || Array.isArray(o)) continue;
      const obj = o as K8sObject;
      if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
        for (const it of obj.items as unknown[]) if (it && typeof it === 'object') docs.push({ file, object: it });
      } else docs.push({ file, object: obj });
    }
  }
  return { docs, syntaxErrorDocs };
}

function runKplJson(kplJs: string, args: string[]): K8sObject {
  const r = spawnSync(process.execPath, [kplJs, ...args], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`kpl ${args[0]} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  return JSON.parse(r.stdout) as K8sObject;
}

const nsOf = (o: K8sObject) =>
  typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '' ? o.metadata.namespace : 'default';
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** Metadata a client may set on create (server-set fields dropped, as `kubectl create` of a dumped object would fail on them). */
function cleanMeta(meta: K8sObject | undefined, namespace: string | undefined): K8sObject {
  const m: K8sObject = {};
  for (const k of ['name', 'generateName', 'labels', 'annotations', 'finalizers']) if (meta?.[k] !== undefined) m[k] = meta[k];
  if (namespace !== undefined) m.namespace = namespace;
  return m;
}

/** The controller object itself, in its mapped namespace. */
function controllerObject(o: K8sObject, namespace: string): K8sObject {
  const { status: _status, ...rest } = o;
  return { ...rest, metadata: cleanMeta(o.metadata, namespace) };
}

/**
 * The Pod the workload's controller would create from its template, as the controller builds it (upstream:
 * controller.GetPodFromTemplate for ReplicaSet/ReplicationController/Job/DaemonSet; newVersionedStatefulSetPod for
 * StatefulSet): template labels and annotations, the controller's own labels, a generated name; StatefulSet
 * identity (hostname, subdomain) and its claim volumes; DaemonSet tolerations (AddOrUpdateDaemonPodTolerations).
 * ownerReferences are left out (the owner does not exist in a dry run; they change no admission result).
 */
export function podFor(kind: string, o: K8sObject, namespace: string): K8sObject | undefined {
  const name = str(o.metadata?.name) ?? 'unnamed';
  if (kind === 'Pod') {
    const { status: _status, ...rest } = o;
    return { ...rest, apiVersion: 'v1', kind: 'Pod', metadata: cleanMeta(o.metadata, namespace) };
  }
  const template: K8sObject | undefined = kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  if (!template || typeof template !== 'object') return undefined;
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const spec: K8sObject = JSON.parse(JSON.stringify(template.spec ?? {}));
  let podName: string | undefined;
  let generateName: string | undefined = `${name}-`;
  switch (kind) {
    case 'Deployment':
      labels['pod-template-hash'] = 'kpl0000000';
      generateName = `${name}-kpl0000000-`;
      break;
    case 'ReplicaSet':
    case 'ReplicationController':
      break;
    case 'StatefulSet': {
      podName = `${name}-0`;
      generateName = undefined;
      labels['controller-revision-hash'] = `${name}-kpl0000000`;
      labels['statefulset.kubernetes.io/pod-name'] = podName;
      labels['apps.kubernetes.io/pod-index'] = '0';
      spec.hostname = podName;
      if (typeof o.spec?.serviceName === 'string' && o.spec.serviceName !== '') spec.subdomain = o.spec.serviceName;
      const volumes: K8sObject[] = Array.isArray(spec.volumes) ? spec.volumes : [];
      for (const claim of (o.spec?.volumeClaimTemplates ?? []) as K8sObject[]) {
        const claimName = str(claim?.metadata?.name);
        if (claimName === undefined || volumes.some((v) => v?.name === claimName)) continue;
        volumes.push({ name: claimName, persistentVolumeClaim: { claimName: `${claimName}-${podName}` } });
      }
      if (volumes.length > 0) spec.volumes = volumes;
      break;
    }
    case 'DaemonSet': {
      labels['controller-revision-hash'] = 'kpl0000000';
      labels['pod-template-generation'] = '1';
      const tol: K8sObject[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
      const add = (key: string, effect: string) => {
        if (!tol.some((t) => t?.key === key && t?.effect === effect)) tol.push({ key, operator: 'Exists', effect });
      };
      add('node.kubernetes.io/not-ready', 'NoExecute');
      add('node.kubernetes.io/unreachable', 'NoExecute');
      add('node.kubernetes.io/disk-pressure', 'NoSchedule');
      add('node.kubernetes.io/memory-pressure', 'NoSchedule');
      add('node.kubernetes.io/pid-pressure', 'NoSchedule');
      add('node.kubernetes.io/unschedulable', 'NoSchedule');
      if (spec.hostNetwork === true) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
      spec.tolerations = tol;
      break;
    }
    case 'Job':
    case 'CronJob': {
      const jobName = kind === 'CronJob' ? `${name}-29000000` : name;
      const uid = '00000000-0000-4000-8000-000000000000';
      Object.assign(labels, {
        'batch.kubernetes.io/controller-uid': uid,
        'batch.kubernetes.io/job-name': jobName,
        'controller-uid': uid,
        'job-name': jobName,
      });
      generateName = `${jobName}-`;
      const jobSpec = kind === 'CronJob' ? o.spec?.jobTemplate?.spec : o.spec;
      if (jobSpec?.completionMode === 'Indexed') {
        annotations['batch.kubernetes.io/job-completion-index'] = '0';
        labels['batch.kubernetes.io/job-completion-index'] = '0';
      }
      break;
    }
    default:
      return undefined;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(podName ? { name: podName } : { generateName }),
      namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    },
    spec,
  };
}

interface Verdict {
  allowed: boolean;
  message?: string;
  object?: K8sObject;
  status: number;
}

function nsPath(apiVersion: string, plural: string, namespace: string | undefined): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace === undefined ? `${base}/${plural}` : `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
}

/** Server-side dry-run create; a 404 for the resource path is what kubectl reports as "no matches for kind". */
async function dryRunCreate(api: ApiClient, o: K8sObject, plural: string, namespace: string | undefined): Promise<Verdict> {
  const apiVersion = String(o.apiVersion ?? '');
  const r = await api.request('POST', `${nsPath(apiVersion, plural, namespace)}?dryRun=All`, o);
  if (r.status >= 200 && r.status < 300) return { allowed: true, object: r.body, status: r.status };
  let message = String(r.body.message ?? `HTTP ${r.status}`);
  // An unregistered group/version answers a plain-text "404 page not found", a registered one without the kind a Status.
  if (r.status === 404 && (r.body.kind !== 'Status' || (r.body.reason === 'NotFound' && !r.body.details?.name)))
    message = `no matches for kind "${String(o.kind)}" in version "${apiVersion}"`;
  return { allowed: false, message, status: r.status };
}

/**
 * Server-side dry-run create of any object as written (its metadata cleaned, in `namespace` when its kind is
 * namespaced), at the resource discovery names for its apiVersion and kind; an unserved version or kind is refused
 * with kubectl's `no matches for kind` message, as a user's `kubectl apply` would be.
 */
export async function dryRunObject(
  api: ApiClient,
  resolve: (apiVersion: string, kind: string) => Promise<ApiResource | undefined>,
  o: K8sObject,
  namespace: string | undefined,
): Promise<Verdict> {
  const apiVersion = String(o.apiVersion ?? '');
  const res = await resolve(apiVersion, String(o.kind ?? ''));
  if (!res) return { allowed: false, message: `no matches for kind "${String(o.kind)}" in version "${apiVersion}"`, status: 404 };
  const ns = res.namespaced ? (namespace ?? 'default') : undefined;
  const { status: _status, ...rest } = o;
  return dryRunCreate(api, { ...rest, metadata: cleanMeta(o.metadata, ns) }, res.plural, ns);
}

/** The cause of an apiserver rejection without the `pods "x" is forbidden: ` / `Pod "x" is invalid: ` prefix. */
export function causeOf(message: string): string {
  const m =
    /^[A-Za-z.]+ "[^"]*" is (?:forbidden|invalid): ([\s\S]*)$/.exec(message) ??
    // A body the apiserver cannot decode (an unparseable quantity) fails before validation.
    /^[A-Za-z]+ in version "[^"]*" cannot be handled as a [A-Za-z]+: ([\s\S]*)$/.exec(message);
  return (m ? m[1] : message).trim();
}

/** The causes of a rejection (`field: Invalid value: "x": detail`), as the apiserver lists them: `[a, b]` or one. */
export function causesOf(message: string): string[] {
  const cause = causeOf(message);
  if (!cause.startsWith('[') || !cause.endsWith(']')) return [cause];
  return cause.slice(1, -1).split(/, (?=[a-zA-Z.[\]0-9]+: )/);
}

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[`'"“”‘’]/g, '')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * kpl's message matches the apiserver's when one contains the other's cause, or when every cause the apiserver lists
 * (`field: Invalid value: "x": detail`, joined by ", " or in brackets) has its detail in kpl's message.
 */
export function messagesMatch(kpl: string | undefined, real: string | undefined): boolean {
  if (kpl === undefined || real === undefined) return false;
  const k = norm(kpl);
  const cause = norm(causeOf(real));
  if (k.includes(cause) || cause.includes(k)) return true;
  const details = causeOf(real)
    .replace(/^\[|\]$/g, '')
    .split(/, (?=[a-zA-Z.[\]0-9]+: )/)
    .map((c) => c.split(': ').slice(-1)[0])
    .map(norm)
    .filter((d) => d.length > 0);
  if (details.length > 0 && details.every((d) => k.includes(d))) return true;
  // kpl states one of the causes the apiserver lists word for word (field, value and detail): the apiserver may list
  // more, about fields kpl does not read (a nodeSelector value beside an invalid Job name).
  return causesOf(real).some((c) => c.includes(': ') && k.includes(norm(c)));
}

async function waitUntil(pred: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out: ${what}`);
}

/** Remove what the previous repository created: its PriorityClasses (cluster-scoped) and the sentinel. */
async function resetClasses(api: ApiClient): Promise<void> {
  const pcs = (await api.request('GET', '/apis/scheduling.k8s.io/v1/priorityclasses')).body.items as K8sObject[];
  await Promise.all(
    pcs
      .filter((p) => !String(p.metadata.name).startsWith('system-'))
      .map((p) => api.request('DELETE', `/apis/scheduling.k8s.io/v1/priorityclasses/${encodeURIComponent(p.metadata.name)}`)),
  );
}

export interface RunOptions {
  kplJs: string;
  /** Cap on workloads submitted per repository (deterministic: the first N by file and position); default all. */
  maxWorkloadsPerRepo?: number;
  log?: (m: string) => void;
}

export async function judgeRepository(api: ApiClient, repoDir: string, repoIndex: number, opts: RunOptions): Promise<RepoResult> {
  const t0 = Date.now();
  const log = opts.log ?? (() => {});
  const repo = path.basename(repoDir);
  const files = listFiles(repoDir).sort();
  const { docs, syntaxErrorDocs } = parseRepo(files);
  const explained = runKplJson(opts.kplJs, ['explain', '--format', 'json', repoDir]).workloads as ExplainedWorkload[];
  const findings = (runKplJson(opts.kplJs, ['check', '--format', 'json', repoDir]).findings as Finding[]).filter(
    (f) => f.severity === 'error',
  );
  const setup: string[] = [];
  const mapNs = (ns: string) => mapNamespace(repoIndex, ns);
  const resolve = resourceResolver(api);

  // PriorityClasses: the previous repository's removed, this one's created, then a sentinel class whose admission
  // proves the Priority plugin's informer has seen every change before it (events arrive in order).
  await resetClasses(api);
  const seenClass = new Set<string>();
  for (const { object: o } of docs.filter((d) => d.object.kind === 'PriorityClass')) {
    const name = str(o.metadata?.name) ?? '';
    if (o.apiVersion !== 'scheduling.k8s.io/v1') {
      setup.push(`PriorityClass ${name} (${String(o.apiVersion)}): version not served, not created`);
      continue;
    }
    if (seenClass.has(name)) continue;
    seenClass.add(name);
    const r = await api.request('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { ...o, metadata: cleanMeta(o.metadata, undefined) });
    if (r.status >= 300) setup.push(`PriorityClass ${name}: ${String(r.body.message)}`);
  }
  const sentinel = `kpl-sentinel-${repoIndex}`;
  await api.request('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: sentinel },
    value: 0,
  });
  const probe = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { generateName: 'probe-' },
    spec: { priorityClassName: sentinel, containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] },
  };
  await waitUntil(
    async () => (await api.request('POST', '/api/v1/namespaces/default/pods?dryRun=All', probe)).status === 201,
    30_000,
    'Priority admission knows the sentinel class',
  );

  // Namespaces (every one a workload, LimitRange or Namespace object names), then LimitRanges.
  const namespaces = new Set<string>(['default']);
  for (const w of explained) namespaces.add(w.namespace || 'default');
  for (const { object: o } of docs) {
    // Every namespace an object names, so an object with an error finding is judged for that finding, not refused
    // because its namespace is missing.
    if (o.kind !== 'Namespace' && typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '')
      namespaces.add(o.metadata.namespace);
    if (o.kind === 'LimitRange') namespaces.add(nsOf(o));
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') namespaces.add(o.metadata.name);
  }
  for (const ns of namespaces) {
    const mapped = mapNs(ns);
    if (mapped === ns && ns !== 'default') continue; // not a DNS label: left to the apiserver's judgement per object
    const r = await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: mapped } });
    if (r.status >= 300 && r.status !== 409) setup.push(`Namespace ${ns}: ${String(r.body.message)}`);
  }
  let limitRanges = 0;
  for (const { object: o } of docs.filter((d) => d.object.kind === 'LimitRange')) {
    if (o.apiVersion !== 'v1') continue;
    const r = await api.request('POST', nsPath('v1', 'limitranges', mapNs(nsOf(o))), {
      ...o,
      metadata: cleanMeta(o.metadata, mapNs(nsOf(o))),
    });
    if (r.status >= 300) setup.push(`LimitRange ${nsOf(o)}/${String(o.metadata?.name)}: ${String(r.body.message)}`);
    else limitRanges++;
  }
  if (limitRanges > 0) await new Promise((r) => setTimeout(r, 1000)); // LimitRanger's informer (a live lookup covers an empty one)

  // Workloads.
  const workloads: WorkloadResult[] = [];
  const skipped: RepoResult['skipped'] = [];
  /** Every verdict of a workload: its controller's and its Pod's (an error finding may meet either). */
  const verdictById = new Map<string, Verdict[]>();
  // kpl names an object by metadata.name, else generateName, else <unnamed>.
  const nameOf = (o: K8sObject) => str(o.metadata?.name) ?? str(o.metadata?.generateName) ?? '<unnamed>';
  const sourceOf = (file: string, kind: string, ns: string | undefined, name: string) =>
    docs.find((d) => d.file === file && d.object.kind === kind && nameOf(d.object) === name && (ns === undefined || nsOf(d.object) === ns));
  const selected = opts.maxWorkloadsPerRepo === undefined ? explained : explained.slice(0, opts.maxWorkloadsPerRepo);
  for (const w of selected) {
    const id = `${w.kind}/${w.namespace}/${w.name}`;
    const src = sourceOf(w.file, w.kind, w.namespace || 'default', w.name);
    if (!src) {
      skipped.push({ id, file: w.file, why: 'source object not found in the file' });
      continue;
    }
    const builtin = BUILTIN[w.kind];
    const apiVersion = String(src.object.apiVersion ?? '');
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
    // Built-in groups that ever served these kinds: a removed version (extensions/v1beta1) is submitted as written and
    // meets "no matches for kind"; any other group is a custom resource, not a built-in workload.
    if (!['', 'apps', 'extensions', 'batch'].includes(group)) {
      skipped.push({ id, file: w.file, why: `apiVersion ${apiVersion} is not a built-in group: a custom resource, not a ${w.kind}` });
      continue;
    }
    const ns = mapNs(w.namespace || 'default');
    let verdict: Verdict | undefined;
    let rejectedBy: WorkloadResult['rejectedBy'];
    const all: Verdict[] = [];
    // The controller first (a Job without a valid restartPolicy, a Deployment whose selector misses its labels, an
    // apiVersion no longer served are rejected there), then its Pod.
    if (w.kind !== 'Pod') {
      const cv = await dryRunCreate(api, controllerObject(src.object, ns), builtin.plural, ns);
      all.push(cv);
      if (!cv.allowed) {
        verdict = cv;
        rejectedBy = 'controller';
      }
    }
    const pod = podFor(w.kind, src.object, ns);
    if (!pod) {
      skipped.push({ id, file: w.file, why: 'no pod template' });
      continue;
    }
    const pv = await dryRunCreate(api, pod, 'pods', ns);
    all.push(pv);
    verdict ??= pv;
    if (!pv.allowed && rejectedBy === undefined) rejectedBy = 'pod';
    verdictById.set(`${w.file}\0${id}`, all);
    const fields: WorkloadResult['fields'] = {};
    const put = (f: Field, kpl: unknown, real: unknown, agree = kpl === real) => (fields[f] = { kpl, real, agree });
    put('verdict', w.admission.allowed, verdict.allowed);
    if (!verdict.allowed && !w.admission.allowed) {
      // kpl names one cause; the apiserver may list several (controller and Pod): any of its rejections may match.
      const rejections = all.filter((v) => !v.allowed);
      const match = rejections.find((v) => messagesMatch(w.admission.message, v.message));
      put('message', w.admission.message, (match ?? verdict).message, match !== undefined);
    }
    // Priority, class, policy and QoS come from the Pod the apiserver admitted (also when the controller was refused:
    // its Pod's admission is still what the Priority plugin and the pod strategy compute).
    if (pv.allowed && pv.object) {
      const s = pv.object.spec ?? {};
      put('priority', w.priority, s.priority ?? 0);
      put('priorityClassName', w.priorityClassName ?? '', s.priorityClassName ?? '');
      put('preemptionPolicy', w.preemptionPolicy, s.preemptionPolicy ?? 'PreemptLowerPriority');
      put('qosClass', w.qosClass, pv.object.status?.qosClass);
    }
    workloads.push({
      id,
      file: path.relative(repoDir, w.file),
      fields,
      ...(rejectedBy ? { rejectedBy } : {}),
      ...(verdict.message ? { realMessage: verdict.message } : {}),
    });
  }

  // Error findings: each must meet a rejection with its message (for a workload, its controller's or its Pod's).
  const errorFindings: ErrorFindingResult[] = [];
  for (const f of findings) {
    if (!f.object) continue; // file-level findings (syntax errors, unreadable files) are counted apart
    const parts = f.object.split('/');
    const kind = parts[0];
    const ns = parts.length === 3 ? parts[1] : undefined;
    const name = parts[parts.length - 1];
    const base = { ruleId: f.ruleId, object: f.object, file: path.relative(repoDir, f.file), kplMessage: f.message };
    let vs = verdictById.get(`${f.file}\0${f.object}`);
    if (!vs) {
      // Not judged as a workload (another kind, a removed apiVersion, a partial manifest): the object itself, as written.
      const src = sourceOf(f.file, kind, ns, name);
      if (src) vs = [await dryRunObject(api, resolve, src.object, ns !== undefined ? mapNs(ns) : undefined)];
    }
    if (!vs) {
      errorFindings.push({ ...base, rejected: false, messageMatches: false, realMessage: '(object not submitted: source not found)' });
      continue;
    }
    const rejections = vs.filter((v) => !v.allowed);
    const matching = rejections.find((v) => messagesMatch(f.message, v.message));
    const shown = matching ?? rejections[0];
    errorFindings.push({
      ...base,
      rejected: rejections.length > 0,
      ...(shown?.message ? { realMessage: shown.message } : {}),
      messageMatches: matching !== undefined,
    });
  }
  const result: RepoResult = { repo, files: files.length, syntaxErrorDocs, workloads, skipped, errorFindings, setup, ms: Date.now() - t0 };
  log(
    `admission: ${repo}: ${workloads.length} workloads, ${errorFindings.length} error findings, ${skipped.length} skipped (${((Date.now() - t0) / 1000).toFixed(1)} s)`,
  );
  return result;
}

/** Agreement per field over every repository, and the disagreements. */
export function summarize(results: readonly RepoResult[]): {
  perField: Record<Field, { agree: number; total: number }>;
  disagreements: Array<{ repo: string; id: string; file: string; field: Field; kpl: unknown; real: unknown; realMessage?: string }>;
  errorFindings: { total: number; rejected: number; messageMatches: number };
  syntaxErrorDocs: number;
  workloads: number;
  skipped: number;
} {
  const perField = Object.fromEntries(FIELDS.map((f) => [f, { agree: 0, total: 0 }])) as Record<Field, { agree: number; total: number }>;
  const disagreements: ReturnType<typeof summarize>['disagreements'] = [];
  let total = 0;
  let rejected = 0;
  let matches = 0;
  for (const r of results) {
    for (const w of r.workloads)
      for (const f of FIELDS) {
        const v = w.fields[f];
        if (!v) continue;
        perField[f].total++;
        if (v.agree) perField[f].agree++;
        else
          disagreements.push({
            repo: r.repo,
            id: w.id,
            file: w.file,
            field: f,
            kpl: v.kpl,
            real: v.real,
            ...(w.realMessage ? { realMessage: w.realMessage } : {}),
          });
      }
    for (const e of r.errorFindings) {
      total++;
      if (e.rejected) rejected++;
      if (e.messageMatches) matches++;
    }
  }
  return {
    perField,
    disagreements,
    errorFindings: { total, rejected, messageMatches: matches },
    syntaxErrorDocs: results.reduce((s, r) => s + r.syntaxErrorDocs, 0),
    workloads: results.reduce((s, r) => s + r.workloads.length, 0),
    skipped: results.reduce((s, r) => s + r.skipped.length, 0),
  };
}

/** The repositories of ../shared/corpus (one directory each), sorted. */
export function corpusRepositories(corpusDir: string): string[] {
  return fs
    .readdirSync(corpusDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !e.name.startsWith('_'))
    .map((e) => path.join(corpusDir, e.name))
    .sort();
}
