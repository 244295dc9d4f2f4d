// LiveClusterSource: the live implementation of the language server's ClusterSource seam (server/src/lsp/cluster-source.ts),
// matching that interface structurally so this layer does not depend on the LSP layer. Owns one ClusterConnection
// and the history store; the server calls configure() on start and on every settings/trust change.
import type { EventRecord, ParsedFile, WorkloadMatch } from '../core/index';
import { podsOfWorkload, renderDiagnoseMarkdown } from '../core/index';
import type {
  ClusterStateView,
  DiagnoseParams,
  ListContextsResult,
  ListPodsResult,
  LiveEventsChangedParams,
  LiveEventsResult,
  LiveNodeView,
  LiveWorkloadUse,
  PodListItem,
} from '../protocol/index';
import type { ClusterConfig } from './config';
import { ClusterConnection } from './connection';
import { HistoryStore } from './history';
import { kubeconfigPaths, listKubeContexts, safeMessage } from './kubeconfig';
import { liveClassUsage } from './class-usage';
import { liveEventRow } from './rows';
import { dedupeKueueRows } from './kueue-rows';
import { recentVictims } from './recent-victims';

/** A pod UID as the apiserver writes it (RFC 4122 text). */
export function isUid(s: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s.trim());
}

function splitTarget(t: string): [string, string] {
  const i = t.indexOf('/');
  return [t.slice(0, i), t.slice(i + 1)];
}

/** How long new event records wait to be sent to the views together. */
const BATCH_MS = 100;

export interface LiveClusterSourceOptions {
  /** Directory of the history store (the extension's globalStorage); none = no history. */
  historyDir?: string;
  /** Workspace manifests, to link Diagnose Pod fixes to lines. */
  workspace?: () => readonly ParsedFile[];
  /** Pushes live rows (`kubePriorityLens/liveEventsChanged`). */
  onLiveEvents?: (params: LiveEventsChangedParams) => void;
  log?: (message: string) => void;
}

export class LiveClusterSource {
  private config: ClusterConfig = { enabled: false, trusted: false, kubeconfig: '', context: '' };
  private connection: ClusterConnection | undefined;
  private history: HistoryStore | undefined;
  private historyKey = '';
  private historyOpening: Promise<HistoryStore | undefined> | undefined;
  private connectionKey = '';
  private fixedState: ClusterStateView | undefined = { state: 'disabled' };
  private readonly listeners = new Set<(what: { snapshot: boolean; state: boolean }) => void>();
  private generation = 0;
  private readonly pendingRows = new Map<string, EventRecord>();
  private pendingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: LiveClusterSourceOptions = {}) {}

  configure(config: ClusterConfig): void {
    this.config = config;
    if (!config.enabled || !config.trusted) {
      this.teardown();
      this.setFixed(
        config.enabled
          ? { state: 'untrusted', detail: 'Restricted Mode: the cluster is not read; manifests only.' }
          : { state: 'disabled', detail: 'Cluster-aware analysis is off (kubePriorityLens.clusterAware): manifests only.' },
      );
      return;
    }
    const key = JSON.stringify([config.kubeconfig, config.context, config.namespaces ?? [], config.retentionDays, config.maxRecords]);
    if (key === this.connectionKey && this.connection !== undefined) return;
    this.teardown();
    this.connectionKey = key;
    this.fixedState = undefined;
    void this.connect(++this.generation);
  }

  private setFixed(state: ClusterStateView): void {
    this.fixedState = state;
    this.fire({ snapshot: true, state: true });
  }

  private fire(what: { snapshot: boolean; state: boolean }): void {
    for (const l of this.listeners) l(what);
  }

  /** Opens (or reopens, when the limits changed) the history store; undefined without a historyDir or on error. */
  private async ensureHistory(): Promise<HistoryStore | undefined> {
    const dir = this.options.historyDir;
    if (dir === undefined || dir === '') return undefined;
    const c = this.config;
    const key = JSON.stringify([dir, c.retentionDays, c.maxRecords]);
    if (this.history !== undefined && this.historyKey === key) return this.history;
    this.historyOpening ??= (async () => {
      try {
        await this.history?.flush();
        const h = await HistoryStore.open({
          dir,
          ...(c.retentionDays !== undefined ? { retentionDays: c.retentionDays } : {}),
          ...(c.maxRecords !== undefined ? { maxRecords: c.maxRecords } : {}),
        });
        for (const m of h.messages) this.options.log?.(m);
        this.history = h;
        this.historyKey = key;
      } catch (error) {
        this.options.log?.(`history store unavailable: ${safeMessage(error)}`);
      } finally {
        this.historyOpening = undefined;
      }
      return this.history;
    })();
    return this.historyOpening;
  }

  private async connect(generation: number): Promise<void> {
    const c = this.config;
    // No kubeconfig at all: nothing to record, so do not create the history directory either.
    if (kubeconfigPaths(c.kubeconfig).length > 0) await this.ensureHistory();
    if (generation !== this.generation) return;
    // The history shows (and stamps) the records of this context only: another cluster's past is not shown as this one's.
    if (this.history !== undefined) this.history.context = this.contextName(c);
    const connection = new ClusterConnection({
      trusted: c.trusted,
      ...(c.kubeconfig !== '' ? { kubeconfig: c.kubeconfig } : {}),
      ...(c.context !== '' ? { context: c.context } : {}),
      ...(c.namespaces !== undefined ? { namespaces: c.namespaces } : {}),
      ...(this.history !== undefined ? { history: this.history } : {}),
      ...(this.options.log !== undefined ? { log: this.options.log } : {}),
    });
    this.connection = connection;
    connection.onState(() => this.fire({ snapshot: false, state: true }));
    connection.onSnapshot(() => this.fire({ snapshot: true, state: false }));
    connection.onEvents((records) => this.queueRows(connection, records));
    try {
      await connection.start();
    } catch {
      // The state (no-kubeconfig, offline, untrusted) says why; watches keep retrying when the server was unreachable.
    }
    if (generation === this.generation) {
      // The full list below holds every pending record too.
      this.dropPendingRows();
      this.options.onLiveEvents?.({ rows: connection.liveRows(), replace: true, state: connection.state() });
    }
  }

  /**
   * New or changed event records wait up to BATCH_MS and go to the views in one notification: a storm of thousands of
   * events a second is a few notifications, not thousands. Pending records are keyed by UID (an update replaces the
   * pending one), so the queue never holds more than the event store does.
   */
  private queueRows(connection: ClusterConnection, records: readonly EventRecord[]): void {
    for (const r of records) this.pendingRows.set(r.uid, r);
    this.pendingTimer ??= setTimeout(() => {
      this.pendingTimer = undefined;
      const pending = [...this.pendingRows.values()];
      this.pendingRows.clear();
      if (connection !== this.connection || pending.length === 0) return;
      this.options.onLiveEvents?.({
        rows: dedupeKueueRows(pending.map((r) => liveEventRow(r, connection))),
        replace: false,
        state: connection.state(),
      });
    }, BATCH_MS);
  }

  private dropPendingRows(): void {
    if (this.pendingTimer !== undefined) clearTimeout(this.pendingTimer);
    this.pendingTimer = undefined;
    this.pendingRows.clear();
  }

  /** The context a configuration names: its `context`, else the kubeconfig's current-context (names only, no credentials). */
  private contextName(c: ClusterConfig): string | undefined {
    if (c.context !== '') return c.context;
    try {
      return listKubeContexts({ kubeconfig: c.kubeconfig }).current;
    } catch {
      return undefined;
    }
  }

  private teardown(): void {
    this.dropPendingRows();
    this.generation++;
    const c = this.connection;
    this.connection = undefined;
    this.connectionKey = '';
    if (c !== undefined) void c.stop();
  }

  state(): ClusterStateView {
    return this.fixedState ?? this.connection?.state() ?? { state: 'connecting' };
  }

  snapshot(): ParsedFile[] {
    return this.connection?.snapshotParsed() ?? [];
  }

  onDidChange(listener: (what: { snapshot: boolean; state: boolean }) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  liveClassUsage(): Map<string, LiveWorkloadUse[]> {
    const c = this.connection;
    const s = c?.state().state;
    // Only while connected (reconnecting: what was last seen): an offline cache would name workloads that may be gone.
    return c !== undefined && (s === 'live' || s === 'partial' || s === 'reconnecting')
      ? liveClassUsage(c.pods())
      : new Map<string, LiveWorkloadUse[]>();
  }

  async listPods(match?: WorkloadMatch): Promise<ListPodsResult> {
    const pods: PodListItem[] = [];
    const all = this.connection?.pods() ?? [];
    // Recent victims (recent-victims.ts): pods, and Kueue-evicted Jobs (target `Job/ns/name`).
    const victims = this.connection !== undefined ? recentVictims(this.connection) : [];
    const matching = match === undefined ? new Set<string>() : new Set(podsOfWorkload(all, match).map((p) => p.uid));
    for (const p of all) {
      const deleted = p.deletedAt !== undefined;
      const parts = [
        p.priority !== undefined ? `priority ${p.priority}` : undefined,
        p.priorityClassName,
        deleted ? `deleted ${p.deletedAt ?? ''}` : p.phase,
        p.node,
      ].filter((x): x is string => x !== undefined && x !== '');
      const item: PodListItem = {
        target: `${p.namespace}/${p.name}`,
        label: `${p.namespace}/${p.name}`,
        description: parts.join(' · '),
        source: deleted ? 'deleted' : 'live',
      };
      if (matching.has(p.uid)) item.matchesWorkload = true;
      pods.push(item);
    }
    // Live first, then recently deleted (newest first), each by name.
    pods.sort((a, b) => (a.source === b.source ? a.label.localeCompare(b.label) : a.source === 'live' ? -1 : 1));
    const seen = new Set<string>();
    const result: ListPodsResult = {
      state: this.state(),
      // Victims first (newest first); a victim is not listed again among the deleted pods.
      pods: [...victims, ...pods.filter((p) => !(p.source === 'deleted' && victims.some((v) => v.target === p.target)))].filter((p) =>
        seen.has(`${p.source}:${p.target}`) ? false : (seen.add(`${p.source}:${p.target}`), true),
      ),
    };
    if (match !== undefined)
      for (const v of result.pods)
        if (v.source === 'victim' && matching.has(this.connection?.byName(...splitTarget(v.target))?.uid ?? '')) v.matchesWorkload = true;
    if (match !== undefined) result.workload = `${match.kind}/${match.namespace}/${match.name}`;
    return result;
  }

  /** `namespace/name` (or a pod UID) of a pod; undefined for workload ids (`Kind/ns/name`) or without a connection. */
  async diagnosePod(params: DiagnoseParams): Promise<{ markdown: string; report: unknown } | undefined> {
    const c = this.connection;
    if (c !== undefined && isUid(params.target)) {
      // A UID: the pod (live, deleted or in the history) or the object of an event that names it.
      const uid = params.target.toLowerCase();
      const known = c.byUid(uid);
      const ev = known === undefined ? c.events().find((e) => e.regarding.uid === uid && e.regarding.kind === 'Pod') : undefined;
      const ns = known?.namespace ?? ev?.regarding.namespace;
      const name = known?.name ?? ev?.regarding.name;
      if (ns === undefined || name === undefined) return undefined;
      const report = await c.diagnose({ namespace: ns, name, uid }, this.options.workspace?.());
      return { markdown: renderDiagnoseMarkdown(report), report };
    }
    // A Kueue-managed Job (the live view's Kueue rows): what Kueue and kube-scheduler did to it. Other Jobs: as before.
    const job = /^(Job|Workload)\/([^/]+)\/([^/]+)$/.exec(params.target);
    if (c !== undefined && job !== null) {
      const [, kind, ns = '', name = ''] = job;
      const w = kind === 'Workload' ? c.kueue.workloads.all().find((x) => x.namespace === ns && x.name === name) : undefined;
      const jobName = kind === 'Job' ? name : w?.owner?.kind === 'Job' ? w.owner.name : undefined;
      if (jobName === undefined || c.kueue.workloads.ofJob(ns, 'Job', jobName).length === 0) return undefined;
      const report = await c.diagnoseJob({ namespace: ns, name: jobName });
      return { markdown: renderDiagnoseMarkdown(report), report };
    }
    const parts = params.target.split('/');
    if (c === undefined || parts.length !== 2 || parts.some((p) => p === '')) return undefined;
    const s = c.state().state;
    if (s === 'no-kubeconfig' || s === 'untrusted' || s === 'forbidden' || s === 'offline') {
      // Still answer from the history when it knows the pod.
      if (c.byName(parts[0] ?? '', parts[1] ?? '') === undefined) return undefined;
    }
    const report = await c.diagnose({ namespace: parts[0] ?? '', name: parts[1] ?? '' }, this.options.workspace?.());
    return { markdown: renderDiagnoseMarkdown(report), report };
  }

  async liveEvents(): Promise<LiveEventsResult> {
    const c = this.connection;
    const result: LiveEventsResult = { rows: c?.liveRows() ?? [], state: this.state() };
    if (c !== undefined) {
      result.nodes = c.nodeRankings().map((r): LiveNodeView => ({
        node: r.node,
        pressure: r.pressure,
        conditions: r.conditions,
        signal: r.signal,
        nextVictims: r.next.map((v) => ({
          namespace: v.namespace,
          name: v.name,
          priority: v.priority,
          ...(v.qosClass !== undefined ? { qosClass: v.qosClass } : {}),
          ...(v.exceeds !== undefined ? { exceeds: v.exceeds } : {}),
        })),
        usageSource: r.usageSource,
      }));
    }
    return result;
  }

  async listContexts(): Promise<ListContextsResult> {
    if (!this.config.trusted) return { contexts: [] };
    try {
      return listKubeContexts({ kubeconfig: this.config.kubeconfig });
    } catch {
      return { contexts: [] };
    }
  }

  async refresh(): Promise<void> {
    await this.connection?.refreshSnapshot();
  }

  /** `kubePriorityLens/historyExport`: the history as JSON or CSV text. */
  async exportHistory(format: 'json' | 'csv'): Promise<{ text: string; events: number }> {
    const h = this.history ?? (await this.ensureHistory());
    if (h === undefined) return { text: format === 'json' ? '{"events":[],"pods":[]}\n' : '', events: 0 };
    await h.flush();
    return { text: format === 'json' ? h.exportJson() : h.exportCsv(), events: h.events().length };
  }

  /** `kubePriorityLens/historyClear`. */
  async clearHistory(): Promise<void> {
    const h = this.history ?? (await this.ensureHistory());
    await h?.clear();
    // The rows in memory and in every open view go too (the history file alone would come back from memory).
    const c = this.connection;
    this.dropPendingRows();
    c?.clearRecords();
    this.options.onLiveEvents?.({ rows: [], replace: true, state: this.state() });
  }

  dispose(): void {
    this.teardown();
    this.listeners.clear();
  }
}
