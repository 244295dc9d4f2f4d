/**
 * Differential check (issue 6): every preemption scenario in test/scenarios/<name>/ (cluster.yaml +
 * expected.json) is run through `kpl simulate --format json` AND replayed on the real local control
 * plane (test/real-cluster/harness.ts: kube-apiserver, kube-scheduler, kube-controller-manager, KWOK);
 * the nominated node and the victims are compared.
 *
 * One cluster (no nodes at start) is reused; scenarios run one after the other, each after a cleanup
 * (finalizers removed, every pod force-deleted, PDBs, non-system PriorityClasses and Nodes deleted).
 *
 * Replay of a scenario (details and their reasons in test/scenarios/DIFFERENTIAL.md):
 *  1. Nodes as written (labels, taints, spec.unschedulable, status.allocatable; capacity = allocatable
 *     when absent); wait until KWOK made them Ready and the node controller removed the not-ready taint.
 *  2. Namespaces, PriorityClasses.
 *  3. Bound pods (spec.nodeName) with an extra finalizer `kpl.test/hold`, so a victim stays visible
 *     (terminating) instead of vanishing and the preemptor stays nominated; wait until Running, then
 *     write the scenario's status.startTime (and extra conditions) through the status subresource
 *     (KWOK sets startTime once, when it makes the pod Running, and never again).
 *  4. PDBs; wait until the disruption controller has observed them and counts every matching pod.
 *  5. Pods with metadata.deletionTimestamp: deleted (their finalizers keep them terminating).
 *  6. Other pending pods that carry status.nominatedNodeName (a nomination held by a higher-priority
 *     pod): created with a nodeSelector for that node, so they preempt there for real; their victim
 *     stays terminating (finalizer) and the nomination stays.
 *  7. The scenario's pending pod; if it carries status.nominatedNodeName, it is created with a
 *     scheduling gate, the nomination is written through the status subresource, then the gate is
 *     removed (the scheduler sees the pod only then, already nominated).
 *  8. Observe: bound node, nominatedNodeName (watch), victims = pods named by `Preempted` events whose
 *     note says `Preempted by pod <UID of the pending pod> on node <node>`, last FailedScheduling note.
 *
 * Prints `agree` / `DISAGREE` per scenario and `differential: N agree, M disagree of K`. Passes if every
 * disagreement is listed (as "- `name`: cause") in test/scenarios/DIFFERENTIAL.md.
 *
 * Needs the binaries from scripts/cluster/build.sh and the built CLI (dist/kpl.js, `node esbuild.mjs`);
 * skipped when the binaries are missing unless KPL_REQUIRE_CLUSTER=1. KPL_DIFF_ONLY=a,b runs a subset.
 *   node esbuild.mjs && KPL_REQUIRE_CLUSTER=1 node --test out/test/real-cluster/differential.test.js
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { defaultBinDir, findRepoFile, startCluster, waitFor, type Cluster, type K8sObject, type Watch } from './harness';
import { PREEMPTED_NOTE_RE } from './scenario';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;

/** Finalizer put on every replayed bound pod (removed again by the cleanup). */
const HOLD = 'kpl.test/hold';
/** Scheduling gate used to write a nomination before the scheduler sees the pod. */
const GATE = 'kpl.test/replay';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Expected {
  pod: string;
  outcome: string;
  node: string | null;
  victims: string[];
  acceptedNodes?: string[];
  acceptedVictims?: string[][];
  note?: string;
}

interface KplResult {
  pod: string;
  outcome: 'fits' | 'preempt' | 'unschedulable' | 'ineligible';
  node: string | null;
  victims: string[];
  nodes: Array<{ node: string; fits: boolean; reasons: string[] }>;
  reason?: string;
}

interface Observed {
  /** spec.nodeName once bound. */
  bound?: string;
  /** Every status.nominatedNodeName the watch saw on the pending pod. */
  nominated: string[];
  /** Nodes named by the Preempted events. */
  eventNodes: string[];
  /** ns/name of the pods preempted for the pending pod, sorted. */
  victims: string[];
  /** Last FailedScheduling note. */
  failedScheduling?: string;
  /** The nomination written by the replay itself (step 7), if any. */
  presetNomination?: string;
}

const id = (o: K8sObject) => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`;
const sameSet = (a: readonly string[], b: readonly string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function loadObjects(file: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const o = doc.toJS() as K8sObject | null;
    if (o && typeof o === 'object' && o.kind) out.push(o);
  }
  return out;
}

function runKpl(kplJs: string, podRef: string, file: string): KplResult {
  const r = spawnSync(process.execPath, [kplJs, 'simulate', '--format', 'json', '--pod', podRef, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kpl simulate failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as KplResult;
}

/** Disagreements documented in DIFFERENTIAL.md: lines "- `name`: cause". */
function documentedDisagreements(file: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(file)) return out;
  let inSection = false;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (/^##\s/.test(line)) inSection = /known disagreements/i.test(line);
    const m = inSection ? /^[-*]\s+`([^`]+)`\s*:?\s*(.*)$/.exec(line) : null;
    if (m) out.set(m[1], m[2]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Cluster operations

async function kubectlOk(c: Cluster, args: string[], input?: string): Promise<string> {
  const r = await c.kubectl(args, input);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

const list = (items: K8sObject[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items });

/** Apply, retrying while admission does not know a just-created PriorityClass yet. */
async function applyRetry(c: Cluster, items: K8sObject[]): Promise<void> {
  if (items.length === 0) return;
  await waitFor(
    async () => {
      const r = await c.kubectl(['apply', '-f', '-'], list(items));
      if (r.code === 0) return true;
      if (/PriorityClass|priority class|no PriorityClass/i.test(r.stderr)) throw new Error(r.stderr.trim());
      throw new Error(`kubectl apply failed: ${r.stderr.trim()}`);
    },
    20_000,
    { intervalMs: 300, description: 'apply' },
  );
}

async function cleanup(c: Cluster): Promise<void> {
  const pods = (await c.getJson(['pods', '-A'])).items as K8sObject[];
  for (const p of pods.filter((x) => (x.metadata.finalizers ?? []).length > 0)) {
    await c.kubectl([
      'patch',
      'pod',
      '-n',
      p.metadata.namespace,
      p.metadata.name,
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":null}}',
    ]);
  }
  if (pods.length > 0) await c.kubectl(['delete', 'pods', '--all', '--all-namespaces', '--grace-period=0', '--force', '--wait=false']);
  await c.kubectl(['delete', 'pdb', '--all', '--all-namespaces', '--wait=false']);
  const pcs = ((await c.getJson(['priorityclasses'])).items as K8sObject[])
    .map((x) => x.metadata.name as string)
    .filter((n) => !n.startsWith('system-'));
  if (pcs.length > 0) await c.kubectl(['delete', 'priorityclass', ...pcs, '--wait=false']);
  await c.kubectl(['delete', 'nodes', '--all', '--wait=false']);
  // Claims, volumes and RuntimeClasses of scenarios that use them (pod overhead, VolumeBinding).
  await c.kubectl(['delete', 'pvc', '--all', '--all-namespaces', '--wait=false']);
  await c.kubectl(['delete', 'pv', '--all', '--wait=false']);
  await c.kubectl(['delete', 'runtimeclass', '--all', '--wait=false']);
  await waitFor(
    async () => {
      const left = [
        ...((await c.getJson(['pods', '-A'])).items as K8sObject[]),
        ...((await c.getJson(['nodes'])).items as K8sObject[]),
        ...((await c.getJson(['pdb', '-A'])).items as K8sObject[]),
        ...((await c.getJson(['pvc', '-A'])).items as K8sObject[]),
        ...((await c.getJson(['pv'])).items as K8sObject[]),
      ];
      return left.length === 0;
    },
    60_000,
    { intervalMs: 300, description: 'cleanup: no pods, nodes, PDBs, claims, volumes left' },
  );
}

function nodeObject(n: K8sObject): K8sObject {
  // A Node written without status.allocatable is created without it: the apiserver defaults it to capacity (R-D.8).
  const alloc = n.status?.allocatable;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.metadata.name,
      labels: n.metadata.labels ?? {},
      annotations: { ...(n.metadata.annotations ?? {}), 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: n.spec ?? {},
    status: alloc === undefined ? { capacity: n.status?.capacity ?? {} } : { allocatable: alloc, capacity: n.status?.capacity ?? alloc },
  };
}

function podObject(p: K8sObject, extra: { finalizers?: string[]; nodeSelector?: Record<string, string>; gate?: boolean } = {}): K8sObject {
  const spec = { ...p.spec };
  if (extra.nodeSelector) spec.nodeSelector = { ...(spec.nodeSelector ?? {}), ...extra.nodeSelector };
  if (extra.gate) spec.schedulingGates = [...(spec.schedulingGates ?? []), { name: GATE }];
  const finalizers = [...(p.metadata.finalizers ?? []), ...(extra.finalizers ?? [])];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? 'default',
      ...(p.metadata.labels ? { labels: p.metadata.labels } : {}),
      ...(p.metadata.annotations ? { annotations: p.metadata.annotations } : {}),
      ...(finalizers.length > 0 ? { finalizers } : {}),
    },
    spec,
  };
}

async function patchStatus(c: Cluster, p: K8sObject, status: K8sObject): Promise<void> {
  await kubectlOk(c, [
    'patch',
    'pod',
    '-n',
    p.metadata.namespace ?? 'default',
    p.metadata.name,
    '--subresource=status',
    '--type=strategic',
    '-p',
    JSON.stringify({ status }),
  ]);
}

function selectorMatches(sel: K8sObject | undefined, labels: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of (sel.matchExpressions ?? []) as K8sObject[]) {
    const has = Object.prototype.hasOwnProperty.call(l, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(l[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(l[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Replay one scenario and observe what the real scheduler does with the pending pod. */
async function replay(c: Cluster, objects: K8sObject[], podRef: string, log: (m: string) => void): Promise<Observed> {
  await cleanup(c);
  const of = (kind: string) => objects.filter((o) => o.kind === kind);
  const nodes = of('Node');
  const pods = of('Pod');
  const target = pods.find((p) => id(p) === podRef);
  if (!target) throw new Error(`pod ${podRef} not in the scenario`);
  const bound = pods.filter((p) => p !== target && p.spec?.nodeName);
  const otherPending = pods.filter((p) => p !== target && !p.spec?.nodeName);

  // 1. Nodes.
  await applyRetry(c, nodes.map(nodeObject));
  const names = new Set(nodes.map((n) => n.metadata.name as string));
  await waitFor(
    async () => {
      const ready = ((await c.getJson(['nodes'])).items as K8sObject[]).filter(
        (n) =>
          names.has(n.metadata.name) &&
          (n.status?.conditions ?? []).some((x: K8sObject) => x.type === 'Ready' && x.status === 'True') &&
          !(n.spec?.taints ?? []).some(
            (t: K8sObject) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable',
          ),
      );
      return ready.length === names.size;
    },
    60_000,
    { intervalMs: 250, description: 'scenario nodes Ready without not-ready taint' },
  );

  // 2. Namespaces and PriorityClasses.
  const nss = [...new Set([...pods, ...of('PodDisruptionBudget')].map((o) => (o.metadata.namespace as string | undefined) ?? 'default'))];
  await applyRetry(
    c,
    nss.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
  );
  await applyRetry(
    c,
    of('PriorityClass').map((pc) => ({
      ...pc,
      metadata: { name: pc.metadata.name, ...(pc.metadata.labels ? { labels: pc.metadata.labels } : {}) },
    })),
  );

  // 2b. RuntimeClasses (their overhead is set on pods by the RuntimeClass admission plugin), then PersistentVolumes and
  // their claims, pre-bound both ways; the PV controller completes the binding (the claim Bound).
  await applyRetry(
    c,
    of('RuntimeClass').map((rc) => ({ ...rc, metadata: { name: rc.metadata.name } })),
  );
  await applyRetry(
    c,
    of('PersistentVolume').map((pv) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pv.metadata.name },
      spec: pv.spec,
    })),
  );
  const claims = of('PersistentVolumeClaim');
  await applyRetry(
    c,
    claims.map((pvc) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: pvc.metadata.name, namespace: pvc.metadata.namespace ?? 'default' },
      spec: pvc.spec,
    })),
  );
  if (claims.length > 0)
    await waitFor(
      async () =>
        ((await c.getJson(['pvc', '-A'])).items as K8sObject[]).filter((x) => x.status?.phase === 'Bound').length === claims.length,
      60_000,
      { intervalMs: 250, description: 'claims Bound' },
    );

  // 3. Bound pods, Running, then the scenario's startTime / conditions.
  await applyRetry(
    c,
    bound.map((p) => podObject(p, { finalizers: [HOLD] })),
  );
  await waitFor(
    async () => {
      const live = new Map(((await c.getJson(['pods', '-A'])).items as K8sObject[]).map((p) => [id(p), p]));
      return bound.every((p) => live.get(id(p))?.status?.phase === 'Running');
    },
    60_000,
    { intervalMs: 250, description: 'bound pods Running' },
  );
  for (const p of bound) {
    const status: K8sObject = {};
    if (p.status?.startTime) status.startTime = p.status.startTime;
    const conds = ((p.status?.conditions ?? []) as K8sObject[]).map((x) => ({
      lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...x,
    }));
    if (conds.length > 0) status.conditions = conds;
    if (Object.keys(status).length > 0) await patchStatus(c, p, status);
  }

  // 4. PDBs, observed by the disruption controller with every matching pod counted.
  const pdbs = of('PodDisruptionBudget');
  await applyRetry(
    c,
    pdbs.map((b) => ({
      apiVersion: b.apiVersion,
      kind: b.kind,
      metadata: { name: b.metadata.name, namespace: b.metadata.namespace ?? 'default' },
      spec: b.spec,
    })),
  );
  for (const b of pdbs) {
    const ns = b.metadata.namespace ?? 'default';
    const matching = bound.filter(
      (p) => (p.metadata.namespace ?? 'default') === ns && selectorMatches(b.spec?.selector, p.metadata.labels),
    ).length;
    const live = await waitFor(
      async () => {
        const x = await c.getJson(['pdb', '-n', ns, b.metadata.name]);
        return x.status?.observedGeneration !== undefined &&
          x.status.observedGeneration >= x.metadata.generation &&
          x.status.currentHealthy === matching
          ? x
          : undefined;
      },
      30_000,
      { intervalMs: 250, description: `PDB ${ns}/${b.metadata.name} observed` },
    );
    log(
      `    pdb ${ns}/${b.metadata.name}: ${JSON.stringify({ currentHealthy: live.status.currentHealthy, desiredHealthy: live.status.desiredHealthy, expectedPods: live.status.expectedPods, disruptionsAllowed: live.status.disruptionsAllowed })}`,
    );
  }

  // 5. Terminating pods.
  for (const p of bound.filter((x) => x.metadata.deletionTimestamp)) {
    await kubectlOk(c, ['delete', 'pod', '-n', p.metadata.namespace ?? 'default', p.metadata.name, '--wait=false']);
  }

  // 6. Other pending pods; those holding a nomination preempt for real on their node.
  for (const p of otherPending) {
    const nom = p.status?.nominatedNodeName as string | undefined;
    await applyRetry(c, [podObject(p, nom ? { nodeSelector: { 'kubernetes.io/hostname': nom } } : {})]);
    await waitFor(
      async () => {
        const x = await c.getJson(['pod', '-n', p.metadata.namespace ?? 'default', p.metadata.name]);
        if (nom) return x.status?.nominatedNodeName === nom;
        return (
          x.spec?.nodeName ||
          (x.status?.conditions ?? []).some(
            (k: K8sObject) => k.type === 'PodScheduled' && k.status === 'False' && k.reason === 'Unschedulable',
          )
        );
      },
      30_000,
      { intervalMs: 250, description: `pending pod ${id(p)} ${nom ? `nominated to ${nom}` : 'scheduled or unschedulable'}` },
    );
  }
  await sleep(500); // let the scheduler's informers catch up (startTime, PDB status)

  // 7. The pending pod.
  const ns = target.metadata.namespace ?? 'default';
  const preset = target.status?.nominatedNodeName as string | undefined;
  // Pods already terminating or disrupted before the pending pod exists (their events name other preemptors).
  const preDisrupted = new Set(
    ((await c.getJson(['pods', '-A'])).items as K8sObject[])
      .filter(
        (p) =>
          p.metadata.deletionTimestamp ||
          (p.status?.conditions ?? []).some((k: K8sObject) => k.type === 'DisruptionTarget' && k.status === 'True'),
      )
      .map(id),
  );
  const w: Watch = await c.watch(['pods', '-A']);
  try {
    const created = JSON.parse(
      await kubectlOk(c, ['create', '-o', 'json', '-f', '-'], JSON.stringify(podObject(target, { gate: !!preset }))),
    );
    const uid = created.metadata.uid as string;
    if (preset) {
      await patchStatus(c, target, { nominatedNodeName: preset });
      await kubectlOk(c, [
        'patch',
        'pod',
        '-n',
        ns,
        target.metadata.name,
        '--type=json',
        '-p',
        JSON.stringify([{ op: 'remove', path: '/spec/schedulingGates' }]),
      ]);
    }
    // 8. Observe: first scheduling result, then let preemption (possibly asynchronous) and events settle.
    await w.waitFor(
      (e) =>
        e.object?.metadata?.uid === uid &&
        (!!e.object.spec?.nodeName ||
          (e.object.status?.conditions ?? []).some(
            (k: K8sObject) => k.type === 'PodScheduled' && k.status === 'False' && k.reason !== 'SchedulingGated',
          )),
      30_000,
      `first scheduling result of ${podRef}`,
    );
    const victimsNow = async () => {
      const evs = (await c.getJson(['events.v1.events.k8s.io', '-A', '--field-selector', 'reason=Preempted'])).items as K8sObject[];
      const mine = evs.filter((e) => PREEMPTED_NOTE_RE.exec(e.note ?? '')?.[1] === uid);
      return {
        victims: [...new Set(mine.map((e) => `${e.regarding.namespace}/${e.regarding.name}`))].sort(),
        nodes: [...new Set(mine.map((e) => PREEMPTED_NOTE_RE.exec(e.note)![2]))],
      };
    };
    const started = Date.now();
    let last = await victimsNow();
    let stableSince = Date.now();
    while (Date.now() - started < 20_000) {
      await sleep(400);
      const cur = await victimsNow();
      if (JSON.stringify(cur) !== JSON.stringify(last)) {
        last = cur;
        stableSince = Date.now();
      }
      // Victims' DisruptionTarget seen on the watch but their events not yet listed: keep waiting.
      const disrupted = new Set(
        w.events
          .filter((e) =>
            (e.object?.status?.conditions ?? []).some(
              (k: K8sObject) => k.type === 'DisruptionTarget' && k.status === 'True' && k.reason === 'PreemptionByScheduler',
            ),
          )
          .map((e) => id(e.object)),
      );
      const pendingEvents = [...disrupted].some((v) => !preDisrupted.has(v) && !last.victims.includes(v));
      if (Date.now() - started >= 3_000 && Date.now() - stableSince >= 2_000 && !pendingEvents) break;
    }
    const pod = await c.tryGetJson(['pod', '-n', ns, target.metadata.name]);
    const fsEvents = (
      (await c.getJson(['events.v1.events.k8s.io', '-n', ns, '--field-selector', 'reason=FailedScheduling'])).items as K8sObject[]
    )
      .filter((e) => e.regarding?.uid === uid)
      .sort((a, b) =>
        String(a.eventTime ?? a.metadata.creationTimestamp).localeCompare(String(b.eventTime ?? b.metadata.creationTimestamp)),
      );
    const nominated = [
      ...new Set(
        w.events
          .filter((e) => e.object?.metadata?.uid === uid && e.object.status?.nominatedNodeName)
          .map((e) => e.object.status.nominatedNodeName as string),
      ),
    ];
    const bn =
      pod?.spec?.nodeName ?? w.events.find((e) => e.object?.metadata?.uid === uid && e.object.spec?.nodeName)?.object.spec.nodeName;
    return {
      ...(bn ? { bound: bn } : {}),
      nominated,
      eventNodes: last.nodes,
      victims: last.victims,
      ...(fsEvents.length > 0 ? { failedScheduling: fsEvents[fsEvents.length - 1].note } : {}),
      ...(preset ? { presetNomination: preset } : {}),
    };
  } finally {
    await w.stop();
  }
}

/** Compare kpl's prediction with the real scheduler; tie alternatives come from expected.json. */
function compare(exp: Expected, kpl: KplResult, real: Observed): { agree: boolean; why: string[] } {
  const why: string[] = [];
  const newNominations = real.nominated.filter((n) => n !== real.presetNomination);
  if (kpl.outcome === 'preempt') {
    const realNode = real.eventNodes[0] ?? newNominations[0] ?? real.bound;
    const okNodes = new Set([kpl.node, ...(exp.acceptedNodes ?? [])]);
    if (realNode === undefined) why.push('scheduler did not preempt');
    else if (!okNodes.has(realNode)) why.push(`node ${realNode} (kpl ${kpl.node})`);
    if (real.eventNodes.length > 1) why.push(`victims on several nodes ${real.eventNodes.join(',')}`);
    const okVictims = sameSet(real.victims, kpl.victims) || (exp.acceptedVictims ?? []).some((v) => sameSet(v, real.victims));
    if (!okVictims) why.push(`victims [${real.victims.join(', ')}] (kpl [${kpl.victims.join(', ')}])`);
  } else if (kpl.outcome === 'fits') {
    const feasible = kpl.nodes.filter((n) => n.fits).map((n) => n.node);
    if (!real.bound) why.push('not bound');
    else if (!feasible.includes(real.bound)) why.push(`bound to ${real.bound}, kpl's feasible nodes ${feasible.join(',')}`);
    if (real.victims.length > 0) why.push(`victims [${real.victims.join(', ')}]`);
  } else {
    if (real.bound) why.push(`bound to ${real.bound}`);
    if (newNominations.length > 0) why.push(`nominated ${newNominations.join(',')}`);
    if (real.victims.length > 0) why.push(`victims [${real.victims.join(', ')}]`);
    if (!real.failedScheduling) why.push('no FailedScheduling event');
  }
  return { agree: why.length === 0, why };
}

function describeReal(r: Observed): string {
  const parts: string[] = [];
  if (r.bound) parts.push(`bound ${r.bound}`);
  if (r.nominated.length > 0)
    parts.push(`nominated ${r.nominated.join(',')}${r.presetNomination ? ` (preset ${r.presetNomination})` : ''}`);
  parts.push(`victims [${r.victims.join(', ')}]`);
  if (!r.bound && r.failedScheduling) parts.push(`FailedScheduling "${r.failedScheduling}"`);
  return parts.join('; ');
}

test('differential: kpl simulate vs the real kube-scheduler on test/scenarios', { skip, timeout: 40 * 60_000 }, async (t) => {
  const t0 = Date.now();
  const root = findRepoFile('test/scenarios');
  const kplJs = findRepoFile('dist/kpl.js');
  const only = (process.env.KPL_DIFF_ONLY ?? '').split(',').filter(Boolean);
  const names = fs
    .readdirSync(root)
    .filter((n) => fs.existsSync(path.join(root, n, 'expected.json')) && fs.existsSync(path.join(root, n, 'cluster.yaml')))
    .filter((n) => only.length === 0 || only.includes(n))
    .sort();
  const documented = documentedDisagreements(path.join(root, 'DIFFERENTIAL.md'));
  const verbose = process.env.KPL_DIFF_VERBOSE === '1';
  // One line per scenario as it finishes (the runner shows a test file's stdout live); the summary also as a diagnostic.
  const print = (m: string) => process.stdout.write(`${m}\n`);

  const cluster = await startCluster({ nodes: [] });
  print(`differential: cluster started in ${Date.now() - t0} ms`);
  const results: Array<{ name: string; agree: boolean; line: string }> = [];
  try {
    for (const name of names) {
      const ts = Date.now();
      const file = path.join(root, name, 'cluster.yaml');
      const exp = JSON.parse(fs.readFileSync(path.join(root, name, 'expected.json'), 'utf8')) as Expected;
      const kpl = runKpl(kplJs, exp.pod, file);
      let line: string;
      let agree: boolean;
      try {
        const real = await replay(cluster, loadObjects(file), exp.pod, verbose ? print : () => {});
        const cmp = compare(exp, kpl, real);
        agree = cmp.agree;
        line = `${agree ? 'agree' : 'DISAGREE'} ${name}: kpl ${kpl.outcome}${kpl.node ? ` ${kpl.node}` : ''} [${kpl.victims.join(', ')}]; scheduler ${describeReal(real)}${cmp.why.length > 0 ? ` -- ${cmp.why.join('; ')}` : ''} (${((Date.now() - ts) / 1000).toFixed(1)} s)`;
      } catch (e) {
        agree = false;
        line = `DISAGREE ${name}: replay failed: ${(e as Error).message.split('\n')[0]}`;
      }
      if (!agree && documented.has(name)) line += ` [documented: ${documented.get(name)}]`;
      print(line);
      results.push({ name, agree, line });
    }
  } finally {
    await cluster.stop();
  }
  const n = results.filter((r) => r.agree).length;
  const summary = `differential: ${n} agree, ${results.length - n} disagree of ${results.length} (${((Date.now() - t0) / 1000).toFixed(0)} s)`;
  print(summary);
  t.diagnostic(summary);
  const undocumented = results.filter((r) => !r.agree && !documented.has(r.name));
  assert.deepEqual(
    undocumented.map((r) => r.line),
    [],
    'disagreements not listed in test/scenarios/DIFFERENTIAL.md',
  );
  if (only.length === 0) assert.ok(results.length >= 20, `only ${results.length} scenarios`);
});
