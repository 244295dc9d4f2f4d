// Diagnose Pod on a live connection: the one-off reads (the pod if still there, its Job, and for a pod this process
// never saw, what the cluster still has: reconstruction-reads.ts), then the core's report from the UID cache, the
// events (live and history) and the snapshot. Split from connection.ts, which passes in what it owns.
import { buildDiagnoseReport, buildKueueJobReport, podRecordFromObject } from '../core/index';
import type { ApiObject, DiagnoseReport, EventRecord, ParsedFile, PodRecord } from '../core/index';
import type { ClusterStateView } from '../protocol/index';
import type { ApiClient } from './api';
import { isNamespaceName, isObjectName, readPaths } from './endpoints';
import type { ReadPath } from './endpoints';
import { readForReconstruction } from './reconstruction-reads';
import type { PodLookup } from './rows';
import type { SnapshotPoller } from './snapshot-poller';
import type { KueueLive } from './kueue-live';

/** A snapshot an earlier Diagnose read less than this ago is reused as it is (a burst on 1,000 nodes would re-read every Node each time). */
const DIAGNOSE_SNAPSHOT_MAX_AGE_MS = 5000;
/**
 * Up to this age, such a snapshot is still used at once while a newer one is read in the background (stale while
 * revalidate); the report says how old it was. Older, Diagnose waits for the new read.
 */
export const DIAGNOSE_SNAPSHOT_MAX_STALE_MS = 30_000;

export interface DiagnoseTarget {
  namespace: string;
  name: string;
  uid?: string;
}

/** What the connection lends Diagnose: its client, caches, snapshot poller and state. */
export interface DiagnoseDeps {
  api: ApiClient | undefined;
  /** false = the CLI's one-shot connection (its snapshot was just read). */
  watch: boolean;
  poller: SnapshotPoller;
  refreshSnapshot(): Promise<unknown>;
  getObject(path: ReadPath): Promise<ApiObject | undefined>;
  /** Puts a freshly read pod into the UID cache. */
  remember(record: PodRecord): void;
  pods: PodLookup;
  allPods(): PodRecord[];
  events(): EventRecord[];
  state(): ClusterStateView;
  scopeNamespaces: string[] | undefined;
  /** Kueue's Workloads (version undefined: the cluster serves no Kueue). */
  kueue?: KueueLive;
  now(): Date;
  log(message: string): void;
}

export async function diagnosePod(c: DiagnoseDeps, target: DiagnoseTarget, workspace?: readonly ParsedFile[]): Promise<DiagnoseReport> {
  // Classes, PDBs and nodes may have changed since the last periodic refresh: read them now (4 GETs), alongside the
  // pod's own read, unless an earlier Diagnose read them seconds ago (a burst of Diagnose Pod on 1,000 nodes would
  // re-read every Node each time). A periodic or start-up snapshot is never reused: a class created since then would
  // be missing from the report.
  // Between 5 and 30 s old, the snapshot is used now and re-read alongside (shared with any read in flight), so that a
  // burst of Diagnoses does not wait for 1,000 Nodes every 5 s; the report gives its age.
  const reuse = c.poller.reusableForDiagnose(DIAGNOSE_SNAPSHOT_MAX_AGE_MS);
  const stale = c.watch && !reuse && c.poller.reusableForDiagnose(DIAGNOSE_SNAPSHOT_MAX_STALE_MS);
  const staleTakenAt = stale ? c.poller.current().takenAt : undefined;
  const read = () => c.refreshSnapshot().then(() => c.poller.markReadForDiagnose());
  if (stale) void read().catch(() => undefined);
  const refreshing = c.watch && !reuse && !stale ? read() : Promise.resolve(undefined);
  // A name Kubernetes would not accept cannot exist: no request (and no path that is not a plain object read).
  const validTarget = isNamespaceName(target.namespace) && isObjectName(target.name);
  const [live] = await Promise.all([
    validTarget ? c.getObject(readPaths.object('pods', target.namespace, target.name)) : undefined,
    refreshing,
  ]);
  if (live !== undefined) {
    const r = podRecordFromObject(live, c.now().toISOString());
    if (r !== undefined) c.remember(r);
  }
  const pod = target.uid !== undefined ? c.pods.byUid(target.uid) : c.pods.byName(target.namespace, target.name);
  const jobs: ApiObject[] = [];
  for (const owner of pod?.owners ?? []) {
    if (owner.kind !== 'Job' || !isNamespaceName(target.namespace) || !isObjectName(owner.name)) continue;
    const job = await c.getObject(readPaths.object('jobs', target.namespace, owner.name));
    if (job !== undefined) jobs.push(job);
  }
  // Never seen by this process (deleted before it started): what the cluster still has, read once.
  const extra =
    pod === undefined && validTarget && c.api !== undefined
      ? await readForReconstruction(c.api, target, c.allPods(), { now: () => c.now(), log: (m) => c.log(m) })
      : undefined;
  if (extra !== undefined) jobs.push(...extra.jobs);
  const view = c.state();
  const source: NonNullable<Parameters<typeof buildDiagnoseReport>[0]['source']> = {
    state: view.state,
    partial: view.state === 'partial',
  };
  if (view.context !== undefined) source.context = view.context;
  if (c.scopeNamespaces !== undefined) source.namespaces = c.scopeNamespaces;
  const snap = c.poller.current();
  // Still the older snapshot (the background read has not landed): the report says how old it is.
  if (staleTakenAt !== undefined && snap.takenAt === staleTakenAt) source.snapshotAgeMs = c.poller.ageMs();
  const events = c.events();
  if (extra !== undefined) {
    const known = new Set(events.map((e) => e.uid));
    events.push(...extra.podEvents.filter((e) => !known.has(e.uid)));
  }
  const kueue = await kueueInput(c);
  return buildDiagnoseReport({
    ...(kueue !== undefined ? { kueue } : {}),
    target,
    pods: c.allPods(),
    podByUid: (uid) => c.pods.byUid(uid),
    events,
    now: c.now().toISOString(),
    ...(extra !== undefined ? { controllerEvents: extra.controllerEvents, replicaSets: extra.replicaSets } : {}),
    priorityClasses: snap.priorityClasses,
    pdbs: snap.pdbs,
    nodes: snap.nodes,
    podMetrics: c.poller.podMetrics,
    jobs,
    source,
    ...(workspace !== undefined ? { workspace } : {}),
  });
}

/** The Kueue part of Diagnose's input: the Workloads known, and the queues and classes read now (when Kueue is served). */
async function kueueInput(c: DiagnoseDeps): Promise<NonNullable<Parameters<typeof buildDiagnoseReport>[0]['kueue']> | undefined> {
  if (c.kueue?.version === undefined || c.api === undefined) return undefined;
  const scopes = c.scopeNamespaces ?? [undefined];
  const q = await c.kueue.readQueues(c.api, scopes);
  return { workloads: c.kueue.workloads.all(), clusterQueues: q.clusterQueues, workloadPriorityClasses: q.workloadPriorityClasses };
}

/**
 * Diagnose of a Job (`Job/namespace/name`): what Kueue (its Workload's conditions and events) and kube-scheduler (its
 * pods' Preempted events) did to it; the Job read once. Also after the fact: the Workload outlives the events.
 */
export async function diagnoseJob(c: DiagnoseDeps, target: { namespace: string; name: string }): Promise<DiagnoseReport> {
  const valid = isNamespaceName(target.namespace) && isObjectName(target.name);
  const [job, kueue] = await Promise.all([
    valid ? c.getObject(readPaths.object('jobs', target.namespace, target.name)) : undefined,
    kueueInput(c),
    c.watch ? c.refreshSnapshot() : undefined,
  ]);
  const view = c.state();
  const source: NonNullable<Parameters<typeof buildKueueJobReport>[0]['source']> = { state: view.state, partial: view.state === 'partial' };
  if (view.context !== undefined) source.context = view.context;
  if (c.scopeNamespaces !== undefined) source.namespaces = c.scopeNamespaces;
  return buildKueueJobReport({
    target,
    ...(job !== undefined ? { job } : {}),
    pods: c.allPods(),
    events: c.events(),
    priorityClasses: c.poller.current().priorityClasses,
    kueue: kueue ?? { workloads: [] },
    now: c.now().toISOString(),
    source,
  });
}
