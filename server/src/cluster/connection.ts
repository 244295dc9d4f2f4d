// ClusterConnection: the only network code of the project. Read-only (GET list/get/watch) access to one kubeconfig
// context: watches events (filtered to the preemption/eviction reasons) and pods (UID cache that keeps deleted pods),
// lists PriorityClasses, LimitRanges, PDBs and Nodes into a snapshot, and falls back to namespaces when RBAC forbids
// cluster scope. States (connecting, live, partial, reconnecting, forbidden, offline) go to listeners.
import {
  buildDiagnoseReport,
  capStrings,
  eventRecordFromObject,
  mergePodRecord,
  podRecordFromObject,
  rankNodeForEviction,
  watchedEventReasons,
} from '../core/index';
import type { ApiObject, DiagnoseReport, EventRecord, NodeEvictionRanking, ParsedFile, PodRecord } from '../core/index';
import type { ClusterConnectionState, ClusterStateView, LiveEventRow } from '../protocol/index';
import { ApiClient, ApiError } from './api';
import { isNamespaceName, isObjectName, readPaths } from './endpoints';
import type { ReadPath } from './endpoints';
import type { HistoryRecord, HistoryStore } from './history';
import { clientCertificateProblem, KubeconfigError, safeMessage } from './kubeconfig';
import type { LoadedKubeconfig } from './kubeconfig';
import { ListWatch } from './list-watch';
import type { StreamStatus } from './list-watch';
import { liveEventRow } from './rows';
import type { PodLookup } from './rows';
import { snapshotParsed } from './snapshot';
import type { ClusterSnapshot } from './snapshot';

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
  /** Diagnostic log (never receives credentials). */
  log?: (message: string) => void;
  now?: () => Date;
}

export type EventsListener = (records: EventRecord[]) => void;
export type StateListener = (state: ClusterStateView) => void;

interface Stream {
  name: 'events' | 'pods';
  namespace?: string;
  lw: ListWatch;
}

const reasons = new Set(watchedEventReasons);

export class ClusterConnection implements PodLookup {
  private loaded: LoadedKubeconfig | undefined;
  private api: ApiClient | undefined;
  private streams: Stream[] = [];
  private readonly eventsByUid = new Map<string, EventRecord>();
  private readonly podsByUid = new Map<string, PodRecord>();
  private readonly stateListeners = new Set<StateListener>();
  private readonly eventListeners = new Set<EventsListener>();
  private readonly snapshotListeners = new Set<() => void>();
  private snapshotKey = '';
  private current: ClusterStateView = { state: 'connecting' };
  private snap: ClusterSnapshot = { priorityClasses: [], limitRanges: [], pdbs: [], nodes: [], takenAt: '', missing: [] };
  private scopeNamespaces: string[] | undefined;
  private snapshotTimer: ReturnType<typeof setInterval> | undefined;
  private resnapshotTimer: ReturnType<typeof setTimeout> | undefined;
  /** A stream was offline/reconnecting since the last snapshot: re-read it when the streams are live again. */
  private outage = false;
  private resnapshotting = false;
  private stopped = false;
  private fatal: string | undefined;
  /** UIDs named as preemptors by Preempted events: their pod records are kept in the history. */
  private readonly preemptorUids = new Set<string>();
  /** Duplicate deliveries (same uid + resourceVersion) that were dropped: for tests and diagnostics. */
  duplicatesDropped = 0;
  /** PodMetrics (metrics.k8s.io) from the last snapshot; empty when metrics-server is absent or not readable. */
  private podMetrics: ApiObject[] = [];
  /** Set by clearRecords(): events that last occurred before this instant (ms) are not taken back on a relist. */
  private clearedBefore: number | undefined;

  constructor(private readonly options: ClusterConnectionOptions = {}) {
    const history = options.history;
    if (history !== undefined) {
      for (const p of history.pods()) this.podsByUid.set(p.uid, p);
      for (const e of history.events()) this.eventsByUid.set(e.uid, e);
    }
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
    this.snapshotListeners.add(listener);
    return () => this.snapshotListeners.delete(listener);
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
    if (this.stopped) return;
    if (this.fatal !== undefined) return;
    const statuses = this.streams.map((s) => s.lw.status);
    const errors = this.streams.map((s) => s.lw.lastError).filter((e): e is ApiError => e !== undefined);
    const lastError = errors[errors.length - 1];
    if (statuses.length === 0) return;
    const offline = statuses.filter((s) => s === 'offline' || s === 'reconnecting');
    if (offline.length > 0) {
      const msg =
        lastError?.status === 429
          ? `the API server of context ${this.contextName ?? '?'} is throttling requests (429), retrying with backoff: ${lastError.message}`
          : `cannot reach the cluster of context ${this.contextName ?? '?'}: ${lastError?.message ?? 'no response'}`;
      this.setState(statuses.includes('reconnecting') ? 'reconnecting' : 'offline', msg);
      return;
    }
    if (statuses.some((s) => s === 'connecting')) {
      this.setState('connecting');
      return;
    }
    const forbidden = this.streams.filter((s) => s.lw.status === 'forbidden');
    if (forbidden.length === this.streams.length) {
      // An expired (or not yet valid) client certificate only yields "401 Unauthorized": say what is wrong and when.
      const certificate = lastError?.status === 401 ? clientCertificateProblem(this.loaded?.clientCertificate, this.now()) : undefined;
      if (certificate !== undefined) {
        this.setState(
          'forbidden',
          `${certificate} (context ${this.contextName ?? '?'}; the API server answered: ${lastError?.message ?? 'Unauthorized'})`,
        );
        return;
      }
      this.setState(
        'forbidden',
        `not allowed to list events or pods with context ${this.contextName ?? '?'}${this.scopeNamespaces !== undefined ? ` in namespaces ${this.scopeNamespaces.join(', ')}` : ''}: ${lastError?.message ?? ''}`,
      );
      return;
    }
    const parts: string[] = [];
    if (this.scopeNamespaces !== undefined) parts.push(`cluster scope forbidden; watching namespaces ${this.scopeNamespaces.join(', ')}`);
    if (forbidden.length > 0)
      parts.push(`forbidden: ${forbidden.map((s) => `${s.name}${s.namespace !== undefined ? ` in ${s.namespace}` : ''}`).join(', ')}`);
    // While the snapshot is being re-read after an outage, its network failures are stale: not a reason for `partial`.
    const missing = this.resnapshotting ? this.snap.missing.filter((m) => m.endsWith('(forbidden)')) : this.snap.missing;
    if (missing.length > 0) parts.push(`not readable: ${missing.join(', ')}`);
    this.setState(parts.length > 0 ? 'partial' : 'live', parts.join('; '));
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
      this.setState(
        error instanceof KubeconfigError && error.kind === 'missing'
          ? 'no-kubeconfig'
          : error instanceof KubeconfigError && error.kind === 'untrusted-exec'
            ? 'untrusted'
            : 'offline',
        msg,
      );
      throw error;
    }
    const certificate = clientCertificateProblem(this.loaded.clientCertificate, this.now());
    if (certificate !== undefined) this.log(`context ${this.loaded.context}: ${certificate}`);
    this.api = api;
    try {
      await api.get(readPaths.version());
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(safeMessage(error), 0);
      if (e.status === 0 || e.status >= 500) {
        const msg = `cannot reach the cluster of context ${this.loaded.context}: ${e.message}`;
        this.setState('offline', msg);
        if (this.options.watch === false) throw new ApiError(msg, 0);
        // The watch loops below keep retrying with backoff.
      }
      // 401/403 on /version: carry on, lists will report forbidden.
    }
    const clusterWide = await this.canListClusterWide(api);
    this.scopeNamespaces = clusterWide ? undefined : this.fallbackNamespaces();
    const scopes: Array<string | undefined> = clusterWide ? [undefined] : (this.scopeNamespaces ?? []);
    for (const ns of scopes) {
      this.streams.push(this.makeStream('events', ns));
      this.streams.push(this.makeStream('pods', ns));
    }
    await Promise.all([...this.streams.map((s) => s.lw.start()), this.refreshSnapshot()]);
    this.recomputeState();
    const interval = this.options.snapshotIntervalMs ?? 60_000;
    if (this.options.watch !== false && interval > 0) {
      this.snapshotTimer = setInterval(() => void this.refreshSnapshot().catch(() => undefined), interval);
      this.snapshotTimer.unref?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.snapshotTimer !== undefined) clearInterval(this.snapshotTimer);
    if (this.resnapshotTimer !== undefined) clearTimeout(this.resnapshotTimer);
    this.resnapshotTimer = undefined;
    await Promise.all(this.streams.map((s) => s.lw.stop()));
    this.streams = [];
    await this.options.history?.flush();
  }

  /** Streams' counters, for tests: lists and watch connections per stream. */
  streamStats(): Array<{
    name: string;
    namespace?: string;
    status: StreamStatus;
    lists: number;
    watches: number;
    resourceVersion?: string;
  }> {
    return this.streams.map((s) => {
      const out: { name: string; namespace?: string; status: StreamStatus; lists: number; watches: number; resourceVersion?: string } = {
        name: s.name,
        status: s.lw.status,
        lists: s.lw.lists,
        watches: s.lw.watches,
      };
      if (s.namespace !== undefined) out.namespace = s.namespace;
      if (s.lw.resourceVersion !== undefined) out.resourceVersion = s.lw.resourceVersion;
      return out;
    });
  }

  private scheduleResnapshot(): void {
    if (this.resnapshotTimer !== undefined || this.stopped) return;
    this.resnapshotting = true;
    this.resnapshotTimer = setTimeout(() => {
      this.resnapshotTimer = undefined;
      if (this.stopped) return;
      this.outage = false;
      void this.refreshSnapshot()
        .catch(() => undefined)
        .finally(() => {
          this.resnapshotting = false;
          this.recomputeState();
        });
    }, 200);
    this.resnapshotTimer.unref?.();
  }

  private fallbackNamespaces(): string[] {
    // Only names Kubernetes accepts reach a request path (endpoints.ts); say which ones were dropped.
    const valid = (ns: string): boolean => {
      if (isNamespaceName(ns)) return true;
      this.log(`ignoring ${JSON.stringify(ns.slice(0, 80))}: not a valid namespace name`);
      return false;
    };
    const configured = this.options.namespaces?.filter((n) => n !== '' && valid(n));
    if (configured !== undefined && configured.length > 0) return configured;
    const own = this.loaded?.namespace ?? 'default';
    return [valid(own) ? own : 'default'];
  }

  private async canListClusterWide(api: ApiClient): Promise<boolean> {
    try {
      await Promise.all([api.get(readPaths.list('events'), { limit: '1' }), api.get(readPaths.list('pods'), { limit: '1' })]);
      return true;
    } catch (error) {
      if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
        this.log(`cluster-wide list forbidden (${error.message}); falling back to namespaces`);
        return false;
      }
      return true; // unreachable: the streams retry and report
    }
  }

  private makeStream(name: 'events' | 'pods', namespace: string | undefined): Stream {
    const api = this.api!;
    const path = readPaths.list(name, namespace);
    const stream: Stream = { name, lw: undefined as unknown as ListWatch };
    if (namespace !== undefined) stream.namespace = namespace;
    const lwOptions = {
      api,
      path,
      watch: this.options.watch !== false,
      onStatus: (status: StreamStatus, error?: ApiError) => {
        if (error !== undefined && status !== 'live')
          this.log(`${name}${namespace !== undefined ? ` in ${namespace}` : ''}: ${status}: ${error.message}`);
        if (status === 'offline' || status === 'reconnecting') this.outage = true;
        // Back after an outage (or the snapshot failed while the server was away): re-read the snapshot at once, so
        // the state does not stay `partial` ("not readable: … ECONNREFUSED") until the next periodic refresh.
        if (status === 'live' && (this.outage || this.snap.missing.some((m) => !m.endsWith('(forbidden)')))) this.scheduleResnapshot();
        this.recomputeState();
      },
      onList: (items: ApiObject[]) => (name === 'events' ? this.onEventList(items) : this.onPodList(items, namespace)),
      onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject) =>
        name === 'events' ? this.onEventObject(type, o) : this.onPodObject(type, o),
      ...(this.options.backoff !== undefined ? { backoff: this.options.backoff } : {}),
      ...(this.options.watchTimeoutSeconds !== undefined ? { watchTimeoutSeconds: this.options.watchTimeoutSeconds } : {}),
    };
    stream.lw = new ListWatch(lwOptions);
    return stream;
  }

  // ---- events --------------------------------------------------------------------------------

  private onEventList(items: ApiObject[]): void {
    const changed: EventRecord[] = [];
    for (const o of items) {
      const r = this.upsertEvent(o);
      if (r !== undefined) changed.push(r);
    }
    this.emitEvents(changed);
  }

  private onEventObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject): void {
    // DELETED = the event's TTL expired: keep it (the view and the history keep evidence).
    if (type === 'DELETED') return;
    const r = this.upsertEvent(o);
    if (r !== undefined) this.emitEvents([r]);
  }

  /** Returns the record when it is new or changed; undefined for filtered-out reasons and duplicates. */
  private upsertEvent(o: ApiObject): EventRecord | undefined {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cluster JSON: text of whatever the field holds
    if (!reasons.has(String(o['reason'] ?? ''))) return undefined;
    const r = eventRecordFromObject(o, this.now().toISOString());
    if (r === undefined) return undefined;
    // Cleared by the user: the apiserver still holds these events for up to an hour; a relist must not bring them back.
    if (this.clearedBefore !== undefined && (Date.parse(r.time) || 0) <= this.clearedBefore) return undefined;
    const old = this.eventsByUid.get(r.uid);
    if (old !== undefined && old.resourceVersion === r.resourceVersion) {
      this.duplicatesDropped++;
      return undefined;
    }
    if (old?.seenAt !== undefined) r.seenAt = old.seenAt;
    this.eventsByUid.set(r.uid, r);
    const max = this.options.maxEvents ?? 50_000;
    if (this.eventsByUid.size > max) {
      const oldest = [...this.eventsByUid.values()].sort((a, b) => a.time.localeCompare(b.time)).slice(0, this.eventsByUid.size - max);
      for (const e of oldest) this.eventsByUid.delete(e.uid);
    }
    return r;
  }

  private emitEvents(records: EventRecord[]): void {
    if (records.length === 0) return;
    const history = this.options.history;
    if (history !== undefined) {
      const at = this.now().toISOString();
      const recs: HistoryRecord[] = records.map((event) => ({ type: 'event', at, event }));
      // Keep the pods the events talk about (victim and preemptor), so UIDs resolve after restarts.
      for (const e of records) {
        const preemptor = e.reason === 'Preempted' ? (/^Preempted by pod (\S+) on node/.exec(e.note)?.[1] ?? e.related?.uid) : undefined;
        if (preemptor !== undefined) this.preemptorUids.add(preemptor);
        for (const uid of [e.regarding.uid, e.related?.uid, preemptor]) {
          const p = uid === undefined ? undefined : this.podsByUid.get(uid);
          if (p !== undefined) recs.push({ type: 'pod', at, pod: p });
        }
      }
      void history.append(recs).catch((error: unknown) => this.log(`history write failed: ${safeMessage(error)}`));
    }
    for (const l of this.eventListeners) l(records);
  }

  // ---- pods ----------------------------------------------------------------------------------

  private onPodList(items: ApiObject[], namespace: string | undefined): void {
    const seen = new Set<string>();
    const at = this.now().toISOString();
    for (const o of items) {
      const r = podRecordFromObject(o, at);
      if (r === undefined) continue;
      seen.add(r.uid);
      this.putPod(r);
    }
    // Pods deleted while we were not watching (relist after 410 or a reconnect): mark them deleted.
    for (const p of this.podsByUid.values()) {
      if (p.deletedAt !== undefined || seen.has(p.uid)) continue;
      if (namespace !== undefined && p.namespace !== namespace) continue;
      if (p.seenAt === undefined || p.seenAt >= at) continue;
      this.putPod({ ...p, deletedAt: at });
    }
  }

  private onPodObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject): void {
    const at = this.now().toISOString();
    const r = podRecordFromObject(o, at);
    if (r === undefined) return;
    if (type === 'DELETED') r.deletedAt = at;
    this.putPod(r);
  }

  private putPod(r: PodRecord): void {
    const old = this.podsByUid.get(r.uid);
    const merged = mergePodRecord(old, r);
    this.podsByUid.set(r.uid, merged);
    // Persist pods that matter for explanations: disrupted, deleted or failed ones, and high-priority preemptors are
    // written when an event references them (emitEvents). Healthy pods stay in memory only.
    const history = this.options.history;
    if (history !== undefined) {
      const interesting =
        this.preemptorUids.has(merged.uid) ||
        merged.deletedAt !== undefined ||
        merged.phase === 'Failed' ||
        merged.conditions?.some((c) => c.type === 'DisruptionTarget') === true;
      if (interesting) void history.append([{ type: 'pod', at: this.now().toISOString(), pod: merged }]).catch(() => undefined);
    }
  }

  /**
   * "Clear Preemption History": forgets the recorded events and the deleted pods of the UID cache (live pods stay: the
   * watch would not report them again until they change). Events older than now are not taken back from a relist.
   */
  clearRecords(): void {
    this.eventsByUid.clear();
    for (const [uid, p] of this.podsByUid) if (p.deletedAt !== undefined) this.podsByUid.delete(uid);
    this.preemptorUids.clear();
    this.clearedBefore = this.now().getTime();
  }

  byUid(uid: string): PodRecord | undefined {
    return this.podsByUid.get(uid);
  }

  byName(namespace: string, name: string): PodRecord | undefined {
    let best: PodRecord | undefined;
    for (const p of this.podsByUid.values()) {
      if (p.namespace !== namespace || p.name !== name) continue;
      if (best === undefined || (p.creationTime ?? '') > (best.creationTime ?? '')) best = p;
    }
    return best;
  }

  pods(): PodRecord[] {
    return [...this.podsByUid.values()];
  }

  events(): EventRecord[] {
    return [...this.eventsByUid.values()].sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Rows of the Live Preemptions & Evictions view (newest first). */
  liveRows(): LiveEventRow[] {
    return this.events()
      .reverse()
      .map((e) => liveEventRow(e, this));
  }

  // ---- snapshot ------------------------------------------------------------------------------

  snapshot(): ClusterSnapshot {
    return this.snap;
  }

  snapshotParsed(): ParsedFile[] {
    return snapshotParsed(this.snap, this.contextName ?? 'cluster');
  }

  async refreshSnapshot(): Promise<ClusterSnapshot> {
    const api = this.api;
    if (api === undefined) return this.snap;
    const missing: string[] = [];
    const namespaces = this.scopeNamespaces;
    const listAll = async (kind: string, resource: 'limitranges' | 'poddisruptionbudgets'): Promise<ApiObject[]> => {
      const paths = namespaces === undefined ? [readPaths.list(resource)] : namespaces.map((ns) => readPaths.list(resource, ns));
      const out: ApiObject[] = [];
      for (const p of paths) {
        try {
          const list = await api.get(p);
          out.push(...((list['items'] as ApiObject[] | undefined) ?? []));
        } catch (error) {
          if (error instanceof ApiError && (error.status === 403 || error.status === 401)) missing.push(`${kind} (forbidden)`);
          else missing.push(`${kind} (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      return out;
    };
    const clusterScoped = async (kind: string, p: ReadPath): Promise<ApiObject[]> => {
      try {
        return ((await api.get(p))['items'] as ApiObject[] | undefined) ?? [];
      } catch (error) {
        missing.push(
          `${kind} (${error instanceof ApiError && (error.status === 403 || error.status === 401) ? 'forbidden' : error instanceof Error ? error.message : String(error)})`,
        );
        return [];
      }
    };
    // Free text in these objects (node condition messages, class descriptions, annotations) is bounded like event notes.
    const [priorityClasses, nodes, limitRanges, pdbs] = (
      await Promise.all([
        clusterScoped('PriorityClass', readPaths.list('priorityclasses')),
        clusterScoped('Node', readPaths.list('nodes')),
        listAll('LimitRange', 'limitranges'),
        listAll('PodDisruptionBudget', 'poddisruptionbudgets'),
      ])
    ).map((items) => items.map((o) => capStrings(o)));
    // Optional: metrics-server may be absent (404/503) or forbidden; never a `missing` kind, never an error state.
    this.podMetrics = await this.listPodMetrics(api, namespaces);
    this.snap = { priorityClasses, nodes, limitRanges, pdbs, takenAt: this.now().toISOString(), missing: [...new Set(missing)] };
    this.recomputeState();
    // Node status changes every heartbeat: compare what the analysis uses (resourceVersions of all but Nodes, node conditions/allocatable).
    const key = JSON.stringify([
      [priorityClasses, limitRanges, pdbs].map((xs) =>
        xs.map((o) => (o['metadata'] as { uid?: string; resourceVersion?: string } | undefined)?.resourceVersion),
      ),
      nodes.map((n) => [
        (n['metadata'] as { name?: string } | undefined)?.name,
        (n['status'] as ApiObject | undefined)?.['allocatable'],
        ((n['status'] as ApiObject | undefined)?.['conditions'] as ApiObject[] | undefined)?.map(
          (c) => `${String(c['type'])}=${String(c['status'])}`,
        ),
      ]),
      this.snap.missing,
    ]);
    if (key !== this.snapshotKey) {
      this.snapshotKey = key;
      for (const l of this.snapshotListeners) l();
    }
    return this.snap;
  }

  private async listPodMetrics(api: ApiClient, namespaces: string[] | undefined): Promise<ApiObject[]> {
    const paths = namespaces === undefined ? [readPaths.list('podmetrics')] : namespaces.map((ns) => readPaths.list('podmetrics', ns));
    const out: ApiObject[] = [];
    for (const p of paths) {
      try {
        out.push(...(((await api.get(p))['items'] as ApiObject[] | undefined) ?? []).map((o) => capStrings(o)));
      } catch {
        // No metrics-server: the eviction ranking falls back to the static tier.
      }
    }
    return out;
  }

  /**
   * Per-node eviction view for the live view: conditions and the predicted next eviction victims of the nodes that
   * have recorded events or a pressure condition now (at most `limit`, pressured nodes first).
   */
  nodeRankings(limit = 20): NodeEvictionRanking[] {
    const named = new Set<string>();
    for (const n of this.snap.nodes) {
      const conds = ((n['status'] as ApiObject | undefined)?.['conditions'] as ApiObject[] | undefined) ?? [];
      if (conds.some((c) => /Pressure$/.test(String(c['type'])) && c['status'] === 'True'))
        // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cluster JSON: text of whatever the field holds
        named.add(String((n['metadata'] as ApiObject | undefined)?.['name'] ?? ''));
    }
    for (const e of [...this.eventsByUid.values()].sort((a, b) => b.time.localeCompare(a.time))) {
      const node =
        e.host ??
        /on node (\S+)$/.exec(e.note)?.[1] ??
        (e.regarding.uid !== undefined ? this.podsByUid.get(e.regarding.uid)?.node : undefined);
      if (node !== undefined && node !== '') named.add(node);
      if (named.size >= limit) break;
    }
    named.delete('');
    const pods = this.pods();
    return [...named].slice(0, limit).map((node) =>
      rankNodeForEviction({
        node,
        pods,
        nodes: this.snap.nodes,
        priorityClasses: this.snap.priorityClasses,
        podMetrics: this.podMetrics,
        limit: 5,
      }),
    );
  }

  // ---- one-off reads -------------------------------------------------------------------------

  /** GET one object; undefined on 404 (and on 403: the caller reports partial data). */
  async getObject(path: ReadPath): Promise<ApiObject | undefined> {
    if (this.api === undefined) return undefined;
    try {
      return capStrings(await this.api.get(path));
    } catch (error) {
      if (error instanceof ApiError && (error.status === 404 || error.status === 403 || error.status === 401)) return undefined;
      throw error;
    }
  }

  /**
   * Diagnose Pod: reads the pod (if still there) and its owning Job, then builds the report from the UID cache,
   * the events (live and history) and the snapshot. `workspace` links fixes to manifest lines.
   */
  async diagnose(target: { namespace: string; name: string; uid?: string }, workspace?: readonly ParsedFile[]): Promise<DiagnoseReport> {
    // Classes, PDBs and nodes may have changed since the last periodic refresh: read them now (4 GETs).
    if (this.options.watch !== false) await this.refreshSnapshot();
    // A name Kubernetes would not accept cannot exist: no request (and no path that is not a plain object read).
    const validTarget = isNamespaceName(target.namespace) && isObjectName(target.name);
    const live = validTarget ? await this.getObject(readPaths.object('pods', target.namespace, target.name)) : undefined;
    if (live !== undefined) {
      const r = podRecordFromObject(live, this.now().toISOString());
      if (r !== undefined) this.putPod(r);
    }
    const pod = target.uid !== undefined ? this.byUid(target.uid) : this.byName(target.namespace, target.name);
    const jobs: ApiObject[] = [];
    for (const owner of pod?.owners ?? []) {
      if (owner.kind !== 'Job' || !isNamespaceName(target.namespace) || !isObjectName(owner.name)) continue;
      const job = await this.getObject(readPaths.object('jobs', target.namespace, owner.name));
      if (job !== undefined) jobs.push(job);
    }
    const view = this.state();
    const source: NonNullable<Parameters<typeof buildDiagnoseReport>[0]['source']> = {
      state: view.state,
      partial: view.state === 'partial',
    };
    if (view.context !== undefined) source.context = view.context;
    if (this.scopeNamespaces !== undefined) source.namespaces = this.scopeNamespaces;
    return buildDiagnoseReport({
      target,
      pods: this.pods(),
      events: this.events(),
      priorityClasses: this.snap.priorityClasses,
      pdbs: this.snap.pdbs,
      nodes: this.snap.nodes,
      podMetrics: this.podMetrics,
      jobs,
      source,
      ...(workspace !== undefined ? { workspace } : {}),
    });
  }
}
