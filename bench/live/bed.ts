// The scale bed of `npm run bench:live`: a cluster of N KWOK nodes filled exactly with M low-priority pods (Deployments
// and Jobs across namespaces and PriorityClasses), then a storm: high-priority Deployments whose K replicas each fit
// only by preempting one pod, so the real kube-scheduler preempts K pods. Low classes never preempt
// (preemptionPolicy: Never), so the evicted pods' replacements wait instead of cascading.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import type { Cluster, K8sObject } from '../../test/real-cluster/harness';

export interface BedSize {
  nodes: number;
  pods: number;
  preemptions: number;
}

/** Pods of one workload; the last one of a namespace takes the rest. */
const WORKLOAD_PODS = 50;
const NAMESPACES = 20;
const LOW_CLASSES = [
  ['batch-low', 100],
  ['batch-mid', 200],
  ['service-low', 300],
  ['service-mid', 400],
] as const;
export const STORM_CLASS = 'rollout-critical';
export const STORM_LABEL = 'bench.kpl/storm';

/** Node CPU in millicores: exactly the pods per node at 1 CPU each, so a preemptor of 1 CPU needs one victim. */
export function podsPerNode(size: BedSize): number {
  return Math.ceil(size.pods / size.nodes);
}

export function nodeSpecs(size: BedSize): { name: string; cpu: number; memory: string; pods: number }[] {
  const per = podsPerNode(size);
  return Array.from({ length: size.nodes }, (_, i) => ({
    name: `kwok-${String(i).padStart(4, '0')}`,
    cpu: per,
    memory: '256Gi',
    pods: 110,
  }));
}

const container = (cpu: string) => [{ name: 'app', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu, memory: '64Mi' } } }];

/** Namespaces, PriorityClasses and the workloads holding `size.pods` pods (80% Deployments, 20% Jobs). */
export function baseObjects(size: BedSize): K8sObject[] {
  const out: K8sObject[] = [];
  for (let n = 0; n < NAMESPACES; n++) out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `team-${n}` } });
  out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'rollout' } });
  for (const [name, value] of LOW_CLASSES)
    out.push({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, preemptionPolicy: 'Never' });
  out.push({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: STORM_CLASS },
    value: 100_000,
    preemptionPolicy: 'PreemptLowerPriority',
  });
  let left = size.pods;
  for (let w = 0; left > 0; w++) {
    const replicas = Math.min(WORKLOAD_PODS, left);
    left -= replicas;
    const ns = `team-${w % NAMESPACES}`;
    const [cls] = LOW_CLASSES[w % LOW_CLASSES.length] ?? LOW_CLASSES[0];
    const labels = { app: `w-${w}` };
    const podSpec = { priorityClassName: cls, terminationGracePeriodSeconds: 0, containers: container('1') };
    if (w % 5 === 4)
      out.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: `batch-${w}`, namespace: ns },
        spec: {
          parallelism: replicas,
          completions: replicas,
          backoffLimit: 100_000,
          template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Never' } },
        },
      });
    else
      out.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `svc-${w}`, namespace: ns },
        spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
      });
  }
  return out;
}

/** Storm `n` (0, 1, …): 10 high-priority Deployments with `preemptions` replicas of 1 CPU in all, labelled `STORM_LABEL=s<n>`. */
export function stormObjects(size: BedSize, n = 0): K8sObject[] {
  const out: K8sObject[] = [];
  const parts = 10;
  for (let i = 0; i < parts; i++) {
    const replicas = Math.floor(size.preemptions / parts) + (i < size.preemptions % parts ? 1 : 0);
    if (replicas === 0) continue;
    const labels = { app: `rollout-${n}-${i}`, [STORM_LABEL]: `s${n}` };
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `rollout-${n}-${i}`, namespace: 'rollout' },
      spec: {
        replicas,
        selector: { matchLabels: { app: `rollout-${n}-${i}` } },
        template: {
          metadata: { labels },
          spec: { priorityClassName: STORM_CLASS, terminationGracePeriodSeconds: 0, containers: container('1') },
        },
      },
    });
  }
  return out;
}

export async function createAll(c: Cluster, objects: K8sObject[]): Promise<void> {
  // kubectl create of one List per 500 objects: one POST per object (apply would GET each one first); the bed's
  // objects are all new.
  for (let i = 0; i < objects.length; i += 500) {
    const r = await c.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.slice(i, i + 500) }), {
      timeoutMs: 600_000,
    });
    if (r.code !== 0) throw new Error(`kubectl create failed: ${r.stderr.slice(0, 2000)}`);
  }
}

/**
 * Ready pods of the bed's workloads from their own status (Deployments' `readyReplicas`, Jobs' `ready`): 600 small
 * objects at the full size instead of 30,000 pods, so watching the bed fill does not itself load the apiserver.
 */
export async function workloadsReady(c: Cluster): Promise<number> {
  const r = await c.kubectl(
    ['get', 'deployments,jobs', '-A', '--no-headers', '-o', 'custom-columns=R:.status.readyReplicas,J:.status.ready'],
    undefined,
    { timeoutMs: 300_000 },
  );
  if (r.code !== 0) throw new Error(`kubectl get deployments,jobs: ${r.stderr.slice(0, 500)}`);
  let ready = 0;
  for (const l of r.stdout.split('\n'))
    for (const f of l.trim().split(/\s+/)) {
      const n = Number(f);
      if (f !== '' && Number.isFinite(n)) ready += n;
    }
  return ready;
}

/** Where a storm's preemptors are: Running, bound but not yet Running (KWOK), nominated to a node, or neither. */
export interface PreemptorStates {
  total: number;
  running: number;
  bound: number;
  nominated: number;
  waiting: number;
}

export async function preemptorStates(c: Cluster, selector: string): Promise<PreemptorStates> {
  const r = await c.kubectl(
    [
      'get',
      'pods',
      '-A',
      '-l',
      selector,
      '--no-headers',
      '-o',
      'custom-columns=P:.status.phase,N:.spec.nodeName,NN:.status.nominatedNodeName',
    ],
    undefined,
    { timeoutMs: 300_000 },
  );
  if (r.code !== 0) throw new Error(`kubectl get pods: ${r.stderr.slice(0, 500)}`);
  const s: PreemptorStates = { total: 0, running: 0, bound: 0, nominated: 0, waiting: 0 };
  for (const l of r.stdout.split('\n')) {
    const [phase, node, nominated] = l.trim().split(/\s+/);
    if (phase === undefined || phase === '') continue;
    s.total++;
    if (phase === 'Running') s.running++;
    else if (node !== undefined && node !== '<none>') s.bound++;
    else if (nominated !== undefined && nominated !== '<none>') s.nominated++;
    else s.waiting++;
  }
  return s;
}

/** The admin client certificate of the run (embedded in its kubeconfig), for the scheduler's /metrics. */
function adminCert(c: Cluster): { cert: Buffer; key: Buffer } {
  const kc = JSON.parse(fs.readFileSync(c.kubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] };
  const u = kc.users[0]?.user ?? {};
  return { cert: Buffer.from(u['client-certificate-data'] ?? '', 'base64'), key: Buffer.from(u['client-key-data'] ?? '', 'base64') };
}

/** The scheduler's /metrics: preemption victims (histogram sum) and attempts, and its pending pods by queue. */
export interface SchedulerMetrics {
  victims: number;
  attempts: number;
  queue: { active: number; backoff: number; unschedulable: number };
}

/** GET from the scheduler's secure port with the admin certificate (authorized as system:masters). */
export async function schedulerGet(c: Cluster, urlPath: string, timeoutMs = 30_000): Promise<Buffer> {
  const { cert, key } = adminCert(c);
  return new Promise<Buffer>((resolve, reject) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: c.ports.scheduler,
        path: urlPath,
        method: 'GET',
        cert,
        key,
        rejectUnauthorized: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`scheduler ${urlPath}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`scheduler ${urlPath}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export async function schedulerPreemptionMetrics(c: Cluster): Promise<SchedulerMetrics> {
  const text = (await schedulerGet(c, '/metrics')).toString('utf8');
  const sum = (name: string): number =>
    text
      .split('\n')
      .filter((l) => l.startsWith(name) && (l[name.length] === ' ' || l[name.length] === '{'))
      .reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  const queue = (q: string) => sum(`scheduler_pending_pods{queue="${q}"}`);
  return {
    victims: sum('scheduler_preemption_victims_sum'),
    attempts: sum('scheduler_preemption_attempts_total'),
    queue: { active: queue('active'), backoff: queue('backoff'), unschedulable: queue('unschedulable') },
  };
}

/**
 * `kubectl get events -A -w` for one reason, as a reference observer: when each event UID was first seen. kubectl
 * exits when the apiserver goes away; it is started again (its new list re-delivers what it had, first sighting kept).
 */
export class KubectlObserver {
  readonly firstSeen = new Map<string, number>();
  private child: ChildProcess | undefined;
  private stopped = false;
  restarts = 0;

  constructor(
    private readonly c: Cluster,
    private readonly reason: string,
  ) {}

  start(): void {
    const args = [
      `--kubeconfig=${this.c.kubeconfig}`,
      'get',
      'events',
      '-A',
      '--watch',
      `--field-selector=reason=${this.reason}`,
      '-o',
      'custom-columns=UID:.metadata.uid',
      '--no-headers',
    ];
    const child = spawn(path.join(this.c.binDir, 'kubectl'), args, {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { ...process.env, KUBECONFIG: '' },
    });
    this.child = child;
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      const at = Date.now();
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) {
        const uid = l.trim();
        if (uid !== '' && !this.firstSeen.has(uid)) this.firstSeen.set(uid, at);
      }
    });
    child.on('close', () => {
      if (this.stopped) return;
      this.restarts++;
      setTimeout(() => !this.stopped && this.start(), 500);
    });
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill('SIGTERM');
  }
}

/** The apiserver's full list of events of one reason by UID (victim, preemptor UID from the note). */
export interface ApiEvent {
  time: string;
  victim: string;
  namespace: string;
  name: string;
  preemptor: string;
  resourceVersion: string;
}

export async function apiserverEvents(c: Cluster, reason: string): Promise<Map<string, ApiEvent>> {
  const r = await c.kubectl(['get', 'events', '-A', `--field-selector=reason=${reason}`, '-o', 'json'], undefined, { timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`kubectl get events: ${r.stderr.slice(0, 500)}`);
  const out = new Map<string, ApiEvent>();
  type Ev = {
    metadata?: { uid?: string; resourceVersion?: string };
    message?: string;
    eventTime?: string;
    lastTimestamp?: string;
    involvedObject?: { uid?: string; namespace?: string; name?: string };
  };
  for (const e of (JSON.parse(r.stdout) as { items: Ev[] }).items) {
    const note = e.message ?? '';
    const m = /^Preempted by pod (\S+) on node/.exec(note);
    out.set(e.metadata?.uid ?? '', {
      time: e.eventTime ?? e.lastTimestamp ?? '',
      victim: e.involvedObject?.uid ?? '',
      namespace: e.involvedObject?.namespace ?? '',
      name: e.involvedObject?.name ?? '',
      preemptor: m?.[1] ?? '',
      resourceVersion: e.metadata?.resourceVersion ?? '',
    });
  }
  return out;
}
