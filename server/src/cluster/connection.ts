// ClusterConnection: the only network code of the project. Read-only (GET list/get/watch) access to one kubeconfig
// context: watches events (filtered to the preemption/eviction reasons) and pods (UID cache that keeps deleted pods),
// lists PriorityClasses, LimitRanges, PDBs and Nodes into a snapshot, and falls back to namespaces when RBAC forbids
// cluster scope. States (connecting, live, partial, reconnecting, forbidden, offline) go to listeners.
// A thin orchestrator of its parts: scope.ts (cluster-wide or namespaces), streams.ts (the list+watch streams),
// pod-cache.ts (UID cache), event-store.ts, snapshot-poller.ts, connection-state.ts (the state as a pure function of
// what happened), node-rankings.ts and kueue-live.ts (Kueue's Workloads, only when the cluster serves Kueue).
import { watchedEventReasons } from '../core/index';
import type { ApiObject, DiagnoseReport, EventRecord, NodeEvictionRanking, ParsedFile, PodRecord, WorkloadRecord } from '../core/index';
import type { ClusterConnectionState, ClusterStateView, LiveEventRow } from '../protocol/index';
import { ApiClient, ApiError } from './api';
import { connectionState, kubeconfigFailureState, versionProbeState } from './connection-state';
import { eventReasonSelector, readPaths } from './endpoints';
import { EventStore } from './event-store';
import type { HistoryRecord, HistoryStore } from './history';
import { clientCertificateProblem, KubeconfigError, safeMessage } from './kubeconfig';
import type { LoadedKubeconfig } from './kubeconfig';
import { nodeRankings } from './node-rankings';
import { PodCache } from './pod-cache';
import { KueueLive } from './kueue-live';
import { diagnoseJob, diagnosePod } from './diagnose-pod';
import { getObject } from './reconstruction-reads';
import type { DiagnoseDeps, DiagnoseTarget } from './diagnose-pod';
import { liveEventRow } from './rows';
import { dedupeKueueRows } from './kueue-rows';
import type { PodLookup } from './rows';
import { canListClusterWide, fallbackNamespaces } from './scope';
import { snapshotParsed } from './snapshot';
import type { ClusterSnapshot } from './snapshot';
import { SnapshotPoller } from './snapshot-poller';
import { openStream, streamFacts, streamStats } from './streams';
import type { Stream, StreamStats } from './streams';

export interface ClusterConnectionOptions {
  /** kubeconfig path; undefined/empty = `$KUBECONFIG`, then `~/.kube/config`. */
  kubeconfig?: string;
  /** Context; undefined/empty = current-context. */
  context?: string;
  /** false = refuse exec credential plugins (untrusted workspace). Default true. */
  trusted?: boolean;
  /** Namespaces to watch when cluster scope is forbidden; default: the context's namespace. */
  namespaces?: string[];
  /** Keep records here (UID cache and events survive restarts and the 1 h event TTL). */
  history?: HistoryStore;
  /** false = list once, no watches (CLI). Default true. */
  watch?: boolean;
  backoff?: { initialMs: number; maxMs: number };
  watchTimeoutSeconds?: number;
  /** Re-list the snapshot kinds this often (ms); 0 = never. Default 60 s. */
  snapshotIntervalMs?: number;
  /** Cap of events kept in memory. Default 50,000. */
  maxEvents?: number;
  /** Cap of deleted pods kept in the UID cache (the most recently deleted). Default 10,000. */
  maxDeletedPods?: number;
  /** Diagnostic log (never receives credentials). */
  log?: (message: string) => void;
  now?: () => Date;
}

export type EventsListener = (records: EventRecord[]) => void;
export type StateListener = (state: ClusterStateView) => void;

export class ClusterConnection implements PodLookup {
  private loaded: LoadedKubeconfig | undefined;
  private api: ApiClient | undefined;
  private streams: Stream[] = [];
  private readonly eventStore: EventStore;
  private readonly podCache: PodCache;
  readonly kueue: KueueLive;
  private readonly poller: SnapshotPoller;
  private readonly stateListeners = new Set<StateListener>();
  private readonly eventListeners = new Set<EventsListener>();
  private current: ClusterStateView = { state: 'connecting' };
  private scopeNamespaces: string[] | undefined;
  private stopped = false;
  private fatal: string | undefined;

  constructor(private readonly options: ClusterConnectionOptions = {}) {
    const now = () => this.now();
    this.podCache = new PodCache(
      options.history,
      now,
      options.maxDeletedPods !== undefined ? { maxDeletedPods: options.maxDeletedPods } : {},
    );
    this.eventStore = new EventStore(options.history, options.maxEvents ?? 50_000, now);
    const { backoff, watchTimeoutSeconds } = options;
    const onEvictions = (records: EventRecord[]) =>
      this.emitEvents(records.map((r) => this.eventStore.upsertRecord(r)).filter((r) => r !== undefined));
    this.kueue = new KueueLive({ watch: options.watch !== false, backoff, watchTimeoutSeconds, now, log: (m) => this.log(m), onEvictions });
    this.poller = new SnapshotPoller({
      api: () => this.api,
      namespaces: () => this.scopeNamespaces,
      stopped: () => this.stopped,
      now,
      onRead: () => this.recomputeState(),
      // Back after an outage, and every period: Kueue's discovery again if it found no Kueue (kueue-live.ts retry).
      onResnapshotted: () => (this.recomputeState(), void this.kueue.retry()),
      onTick: () => void this.kueue.retry(),
    });
  }

  /** Duplicate deliveries (same uid + resourceVersion) that were dropped: for tests and diagnostics. */
  get duplicatesDropped(): number {
    return this.eventStore.duplicatesDropped;
  }

  /** Sizes of what the connection keeps (pods in the UID cache, events in the store, events dropped by the bound). */
  get counts(): { pods: number; deletedPods: number; events: number; eventsEvicted: number; workloads: number } {
    return {
      workloads: this.kueue.workloads.size,
      pods: this.podCache.size,
      deletedPods: this.podCache.deletedSize,
      events: this.eventStore.size,
      eventsEvicted: this.eventStore.evictedCount,
    };
  }

  // ---- state ---------------------------------------------------------------------------------

  get contextName(): string | undefined {
    return this.loaded?.context ?? this.options.context;
  }

  state(): ClusterStateView {
    return this.current;
  }

  onState(listener: StateListener): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** New or updated event records (already deduplicated). */
  onEvents(listener: EventsListener): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** The snapshot (PriorityClasses, LimitRanges, PDBs, Nodes) changed. */
  onSnapshot(listener: () => void): () => void {
    return this.poller.onChange(listener);
  }

  private log(message: string): void {
    this.options.log?.(message);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private setState(state: ClusterConnectionState, detail?: string): void {
    const view: ClusterStateView = { state };
    const context = this.contextName;
    if (context !== undefined && context !== '') view.context = context;
    if (detail !== undefined && detail !== '') view.detail = detail;
    if (this.scopeNamespaces !== undefined) view.namespaces = [...this.scopeNamespaces];
    if (JSON.stringify(view) === JSON.stringify(this.current)) return;
    this.current = view;
    this.log(`cluster state: ${state}${detail !== undefined ? ` (${detail})` : ''}`);
    for (const l of this.stateListeners) l(view);
  }

  private recomputeState(): void {
    if (this.stopped || this.fatal !== undefined) return;
    const next = connectionState({
      context: this.contextName,
      streams: streamFacts(this.streams),
      scopeNamespaces: this.scopeNamespaces,
      snapshotMissing: this.poller.current().missing,
      resnapshotting: this.poller.resnapshotting,
      certificateProblem: clientCertificateProblem(this.loaded?.clientCertificate, this.now()),
    });
    if (next !== undefined) this.setState(next.state, next.detail);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /**
   * Loads the kubeconfig, checks the server is reachable, picks the scope (cluster or namespaces), and starts the
   * streams. Resolves when the initial lists are done (or failed). Throws KubeconfigError for kubeconfig problems and
   * ApiError (status 0) when the cluster cannot be reached at all, after setting the state.
   */
  async start(): Promise<void> {
    this.stopped = false;
    this.fatal = undefined;
    this.setState('connecting');
    let api: ApiClient;
    try {
      const connected = ApiClient.connect({
        kubeconfig: this.options.kubeconfig,
        context: this.options.context,
        trusted: this.options.trusted,
      });
      this.loaded = connected.loaded;
      api = connected.api;
    } catch (error) {
      const msg = error instanceof Error ? error.message : String(error);
      this.fatal = msg;
      this.setState(kubeconfigFailureState(error instanceof KubeconfigError ? error.kind : undefined), msg);
      throw error;
    }
    const certificate = clientCertificateProblem(this.loaded.clientCertificate, this.now());
    if (certificate !== undefined) this.log(`context ${this.loaded.context}: ${certificate}`);
    this.api = api;
    try {
      await api.get(readPaths.version());
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(safeMessage(error), 0);
      const offline = versionProbeState(e.status, this.loaded.context, e.message);
      if (offline !== undefined) {
        this.setState(offline.state, offline.detail);
        if (this.options.watch === false) throw new ApiError(offline.detail ?? e.message, 0);
        // The watch loops below keep retrying with backoff.
      }
    }
    const clusterWide = await canListClusterWide(api, (m) => this.log(m));
    this.scopeNamespaces = clusterWide
      ? undefined
      : fallbackNamespaces(this.options.namespaces, this.loaded?.namespace, (m) => this.log(m));
    const scopes: Array<string | undefined> = clusterWide ? [undefined] : (this.scopeNamespaces ?? []);
    for (const ns of scopes) {
      // One events stream per watched reason: the apiserver filters (fieldSelector reason=…), so the Scheduled,
      // Pulled and Created events of a large cluster (one or more per pod) are never sent, parsed or dropped here.
      for (const reason of watchedEventReasons) this.streams.push(this.makeStream('events', ns, eventReasonSelector(reason)));
      this.streams.push(this.makeStream('pods', ns));
    }
    // Kueue's Workloads only when discovery finds its group (retried each snapshot period): no log line without Kueue.
    await Promise.all([...this.streams.map((s) => s.lw.start()), this.refreshSnapshot(), this.kueue.connect(api, scopes)]);
    this.recomputeState();
    const interval = this.options.snapshotIntervalMs ?? 60_000;
    if (this.options.watch !== false && interval > 0) this.poller.startPeriodic(interval);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poller.stop();
    await Promise.all([...this.streams.map((s) => s.lw.stop()), this.kueue.stop()]);
    this.streams = [];
    await this.options.history?.flush();
  }

  /** Streams' counters, for tests: lists and watch connections per stream. */
  streamStats(): StreamStats[] {
    return streamStats(this.streams);
  }

  private makeStream(name: 'events' | 'pods', namespace: string | undefined, fieldSelector?: string): Stream {
    return openStream(this.api!, name, namespace, {
      watch: this.options.watch !== false,
      backoff: this.options.backoff,
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      fieldSelector,
      onStatus: (status, error) => {
        if (error !== undefined && status !== 'live')
          this.log(
            `${name}${fieldSelector !== undefined ? ` (${fieldSelector})` : ''}${namespace !== undefined ? ` in ${namespace}` : ''}: ${status}: ${error.message}`,
          );
        this.poller.onStreamStatus(status);
        this.recomputeState();
      },
      onList: (items) => (name === 'events' ? this.onEventList(items) : this.podCache.onList(items, namespace)),
      onListPage: name === 'pods' ? (items, first, last) => this.podCache.onListPage(items, first, last, namespace) : undefined,
      onEvent: (type, o) => (name === 'events' ? this.onEventObject(type, o) : this.podCache.onObject(type, o)),
    });
  }

  // ---- events --------------------------------------------------------------------------------

  private onEventList(items: ApiObject[]): void {
    const changed: EventRecord[] = [];
    for (const o of items) {
      const r = this.eventStore.upsert(o);
      if (r !== undefined) changed.push(r);
    }
    this.emitEvents(changed);
  }

  private onEventObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject): void {
    // DELETED = the event's TTL expired: keep it (the view and the history keep evidence).
    if (type === 'DELETED') return;
    const r = this.eventStore.upsert(o);
    if (r !== undefined) this.emitEvents([r]);
  }

  private emitEvents(records: EventRecord[]): void {
    if (records.length === 0) return;
    const history = this.options.history;
    if (history !== undefined) {
      const at = this.now().toISOString();
      const recs: HistoryRecord[] = records.map((event) => ({ type: 'event', at, event }));
      // Keep the pods the events talk about (victim and preemptor), so UIDs resolve after restarts.
      recs.push(...this.podCache.recordsFor(records, at));
      void history.append(recs).catch((error: unknown) => this.log(`history write failed: ${safeMessage(error)}`));
    }
    for (const l of this.eventListeners) l(records);
  }

  // ---- pods ----------------------------------------------------------------------------------

  /**
   * "Clear Preemption History": forgets the recorded events and the deleted pods of the UID cache (live pods stay: the
   * watch would not report them again until they change). Events older than now are not taken back from a relist.
   */
  clearRecords(): void {
    this.eventStore.clear();
    this.podCache.clearDeleted();
  }

  byUid(uid: string): PodRecord | undefined {
    return this.podCache.byUid(uid);
  }

  byName(namespace: string, name: string): PodRecord | undefined {
    return this.podCache.byName(namespace, name);
  }

  workloadByUid(uid: string): WorkloadRecord | undefined {
    return this.kueue.workloads.byUid(uid);
  }

  workloadByJobUid(jobUid: string): WorkloadRecord | undefined {
    return this.kueue.workloads.byJobUid(jobUid);
  }

  pods(): PodRecord[] {
    return this.podCache.all();
  }

  events(): EventRecord[] {
    return this.eventStore.all();
  }

  /** Rows of the Live Preemptions & Evictions view (newest first). */
  liveRows(): LiveEventRow[] {
    return dedupeKueueRows(
      this.events()
        .reverse()
        .map((e) => liveEventRow(e, this)),
    );
  }

  // ---- snapshot ------------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return this.poller.current();
  }

  snapshotParsed(): ParsedFile[] {
    return snapshotParsed(this.poller.current(), this.contextName ?? 'cluster');
  }

  refreshSnapshot(): Promise<ClusterSnapshot> {
    return this.poller.refresh();
  }

  /**
   * Per-node eviction view for the live view: conditions and the predicted next eviction victims of the nodes that
   * have recorded events or a pressure condition now (at most `limit`, pressured nodes first).
   */
  nodeRankings(limit = 20): NodeEvictionRanking[] {
    return nodeRankings(this.poller.current(), this.poller.podMetrics, this.eventStore.newestFirst(), this.podCache, limit);
  }

  // ---- one-off reads -------------------------------------------------------------------------

  /**
   * Diagnose Pod: reads the pod (if still there) and its owning Job, then builds the report from the UID cache,
   * the events (live and history) and the snapshot (diagnose-pod.ts). `workspace` links fixes to manifest lines.
   */
  diagnose(target: DiagnoseTarget, workspace?: readonly ParsedFile[]): Promise<DiagnoseReport> {
    return diagnosePod(this.diagnoseDeps(), target, workspace);
  }

  /** Diagnose of a Job (`Job/namespace/name`): Kueue's evictions of its Workload and kube-scheduler's of its pods. */
  diagnoseJob(target: { namespace: string; name: string }): Promise<DiagnoseReport> {
    return diagnoseJob(this.diagnoseDeps(), target);
  }

  private diagnoseDeps(): DiagnoseDeps {
    return {
      api: this.api,
      watch: this.options.watch !== false,
      poller: this.poller,
      refreshSnapshot: () => this.refreshSnapshot(),
      // GET one object; undefined on 404 (and on 403: the caller reports partial data).
      getObject: (path) => (this.api === undefined ? Promise.resolve(undefined) : getObject(this.api, path)),
      remember: (r) => this.podCache.put(r),
      pods: this,
      allPods: () => this.pods(),
      events: () => this.events(),
      state: () => this.state(),
      scopeNamespaces: this.scopeNamespaces,
      kueue: this.kueue,
      now: () => this.now(),
      log: (m) => this.log(m),
    };
  }
}
