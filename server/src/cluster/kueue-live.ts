// Kueue on the live side, read-only: discovery of the group kueue.x-k8s.io (one GET; without Kueue nothing else is
// read and nothing is logged), a list+watch of Workloads (v1beta2, else v1beta1) into a bounded cache, and one-off lists
// of ClusterQueues, LocalQueues and WorkloadPriorityClasses for Diagnose. Each Workload eviction (its Evicted/Preempted
// conditions, "Previously:" texts included) is handed on as an event-like record (core workloadEvictionRecord), so it
// joins the live rows and the history next to Kueue's own events.
import { capStrings, workloadEvictionRecord, workloadRecordFromObject } from '../core/index';
import type { ApiObject, EventRecord, WorkloadRecord } from '../core/index';
import { ApiError } from './api';
import type { ApiClient } from './api';
import { readPaths } from './endpoints';
import { safeMessage } from './kubeconfig';
import { ListWatch } from './list-watch';

export type KueueVersion = 'v1beta2' | 'v1beta1';

/** Workloads by UID and by their job's UID; deleted ones kept (the most recently deleted `maxDeleted`), like the pod cache. */
export class WorkloadCache {
  private readonly byUidMap = new Map<string, WorkloadRecord>();
  private readonly byJob = new Map<string, string>();
  /** Deleted Workloads' UIDs, oldest deletion first. */
  private readonly deleted = new Map<string, true>();

  constructor(
    private readonly maxDeleted: number,
    private readonly now: () => Date,
  ) {}

  get size(): number {
    return this.byUidMap.size;
  }

  byUid(uid: string): WorkloadRecord | undefined {
    return this.byUidMap.get(uid);
  }

  /** The Workload of a job (label kueue.x-k8s.io/job-uid, else the owner reference). */
  byJobUid(jobUid: string): WorkloadRecord | undefined {
    const uid = this.byJob.get(jobUid);
    return uid === undefined ? undefined : this.byUidMap.get(uid);
  }

  /** The Workloads owned by a job of this kind and name (newest first). */
  ofJob(namespace: string, kind: string, name: string): WorkloadRecord[] {
    const out: WorkloadRecord[] = [];
    for (const w of this.byUidMap.values()) if (w.namespace === namespace && w.owner?.kind === kind && w.owner.name === name) out.push(w);
    return out.sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''));
  }

  all(): WorkloadRecord[] {
    return [...this.byUidMap.values()];
  }

  put(w: WorkloadRecord): void {
    const old = this.byUidMap.get(w.uid);
    if (old?.deletedAt !== undefined && w.deletedAt === undefined) this.deleted.delete(w.uid);
    this.byUidMap.set(w.uid, w);
    const job = w.jobUid ?? w.owner?.uid;
    if (job !== undefined) this.byJob.set(job, w.uid);
  }

  markDeleted(w: WorkloadRecord): void {
    w.deletedAt = this.now().toISOString();
    this.put(w);
    this.deleted.delete(w.uid);
    this.deleted.set(w.uid, true);
    while (this.deleted.size > this.maxDeleted) {
      const oldest = this.deleted.keys().next().value;
      if (oldest === undefined) break;
      this.deleted.delete(oldest);
      this.forget(oldest);
    }
  }

  /** A full list of one scope: Workloads of that scope absent from it were deleted while nobody watched. */
  replaceScope(items: WorkloadRecord[], namespace: string | undefined): void {
    const listed = new Set(items.map((w) => w.uid));
    for (const w of [...this.byUidMap.values()])
      if (w.deletedAt === undefined && (namespace === undefined || w.namespace === namespace) && !listed.has(w.uid)) this.markDeleted(w);
    for (const w of items) this.put(w);
  }

  private forget(uid: string): void {
    const w = this.byUidMap.get(uid);
    this.byUidMap.delete(uid);
    const job = w?.jobUid ?? w?.owner?.uid;
    if (job !== undefined && this.byJob.get(job) === uid) this.byJob.delete(job);
  }
}

export interface KueueLiveOptions {
  watch: boolean;
  backoff?: { initialMs: number; maxMs: number } | undefined;
  watchTimeoutSeconds?: number | undefined;
  maxDeletedWorkloads?: number;
  now: () => Date;
  log: (message: string) => void;
  /** Evictions seen in Workload conditions (new or changed). */
  onEvictions: (records: EventRecord[]) => void;
}

export class KueueLive {
  /** The served version read, once discovery found Kueue. */
  version: KueueVersion | undefined;
  readonly workloads: WorkloadCache;
  private streams: ListWatch[] = [];
  /** stop() came before start(): no stream is opened. */
  private stopped = false;
  /** What connect() was given, for retry(). */
  private target: { api: ApiClient; scopes: ReadonlyArray<string | undefined> } | undefined;
  /** A discovery (and start) in flight: connect() and retry() share it. */
  private inflight: Promise<void> | undefined;
  /** The last discovery error logged: a retry failing the same way logs nothing. */
  private lastLogged = '';

  constructor(private readonly o: KueueLiveOptions) {
    this.workloads = new WorkloadCache(o.maxDeletedWorkloads ?? 10_000, o.now);
  }

  /** Discovery, then the Workload streams when Kueue is served; remembers the client and scopes for retry(). */
  connect(api: ApiClient, scopes: ReadonlyArray<string | undefined>): Promise<void> {
    this.stopped = false;
    this.target = { api, scopes };
    this.inflight ??= this.discover(api)
      .then(() => this.start(api, scopes))
      .finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /**
   * Discovery again when Kueue was absent or discovery failed (the connection calls it on each periodic snapshot and
   * after a reconnect): a Kueue installed after the connection started is picked up. One GET; nothing when Kueue was
   * found, before connect(), after stop(), or while a discovery is in flight.
   */
  retry(): Promise<void> {
    const t = this.target;
    if (t === undefined || this.stopped || this.version !== undefined || this.inflight !== undefined) return Promise.resolve();
    return this.connect(t.api, t.scopes);
  }

  /**
   * GET /apis/kueue.x-k8s.io: the versions served. 404 (no Kueue) and 403 (not readable) end it quietly: Kueue is
   * then simply absent from the view (until a retry finds it). Other errors are logged once (again only when the text
   * changes).
   */
  async discover(api: ApiClient): Promise<KueueVersion | undefined> {
    this.stopped = false;
    try {
      const group = await api.get(readPaths.kueueGroup());
      const served = (Array.isArray(group['versions']) ? group['versions'] : [])
        .map((v: unknown) => (v !== null && typeof v === 'object' ? (v as ApiObject)['version'] : undefined))
        .filter((v): v is string => typeof v === 'string');
      this.version = served.includes('v1beta2') ? 'v1beta2' : served.includes('v1beta1') ? 'v1beta1' : undefined;
      this.lastLogged = '';
    } catch (error) {
      const message = `Kueue discovery: ${safeMessage(error)}`;
      if (
        !(error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 401)) &&
        message !== this.lastLogged
      )
        this.o.log(message);
      this.lastLogged = message;
      this.version = undefined;
    }
    return this.version;
  }

  /** Starts the Workload streams (one per scope); resolves after their first list. No-op without Kueue. */
  async start(api: ApiClient, scopes: ReadonlyArray<string | undefined>): Promise<void> {
    if (this.version === undefined || this.stopped) return;
    const resource = this.version === 'v1beta2' ? 'workloads' : 'workloadsV1beta1';
    for (const ns of scopes) {
      const lw = new ListWatch({
        api,
        path: readPaths.list(resource, ns),
        watch: this.o.watch,
        ...(this.o.backoff !== undefined ? { backoff: this.o.backoff } : {}),
        ...(this.o.watchTimeoutSeconds !== undefined ? { watchTimeoutSeconds: this.o.watchTimeoutSeconds } : {}),
        onStatus: (status, error) => {
          if (error !== undefined && status !== 'live')
            this.o.log(`workloads${ns !== undefined ? ` in ${ns}` : ''}: ${status}: ${error.message}`);
        },
        onList: (items) => this.onList(items, ns),
        onEvent: (type, o) => this.onObject(type, o),
      });
      this.streams.push(lw);
    }
    await Promise.all(this.streams.map((s) => s.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.streams.map((s) => s.stop()));
    this.streams = [];
  }

  private onList(items: ApiObject[], namespace: string | undefined): void {
    const records = items.map((o) => workloadRecordFromObject(o)).filter((w): w is WorkloadRecord => w !== undefined);
    this.workloads.replaceScope(records, namespace);
    this.emit(records);
  }

  private onObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject): void {
    const w = workloadRecordFromObject(o);
    if (w === undefined) return;
    if (type === 'DELETED') this.workloads.markDeleted(w);
    else this.workloads.put(w);
    this.emit([w]);
  }

  private emit(workloads: WorkloadRecord[]): void {
    const at = this.o.now().toISOString();
    const records = workloads.map((w) => workloadEvictionRecord(w, at)).filter((r): r is EventRecord => r !== undefined);
    if (records.length > 0) this.o.onEvictions(records);
  }

  /** ClusterQueues, LocalQueues (of the scopes) and WorkloadPriorityClasses, read once for Diagnose; [] when unreadable. */
  async readQueues(
    api: ApiClient,
    scopes: ReadonlyArray<string | undefined>,
  ): Promise<{ clusterQueues: ApiObject[]; localQueues: ApiObject[]; workloadPriorityClasses: ApiObject[] }> {
    const v1 = this.version === 'v1beta1';
    const list = async (path: ReturnType<typeof readPaths.list>): Promise<ApiObject[]> => {
      try {
        const l = await api.get(path, { limit: '500' });
        return Array.isArray(l['items']) ? (l['items'] as ApiObject[]).map((x) => capStrings(x)) : [];
      } catch (error) {
        this.o.log(`${path}: ${safeMessage(error)}`);
        return [];
      }
    };
    if (this.version === undefined) return { clusterQueues: [], localQueues: [], workloadPriorityClasses: [] };
    const [clusterQueues, workloadPriorityClasses, ...lqs] = await Promise.all([
      list(readPaths.list(v1 ? 'clusterqueuesV1beta1' : 'clusterqueues')),
      list(readPaths.list(v1 ? 'workloadpriorityclassesV1beta1' : 'workloadpriorityclasses')),
      ...scopes.map((ns) => list(readPaths.list(v1 ? 'localqueuesV1beta1' : 'localqueues', ns))),
    ]);
    return { clusterQueues: clusterQueues ?? [], workloadPriorityClasses: workloadPriorityClasses ?? [], localQueues: lqs.flat() };
  }
}
