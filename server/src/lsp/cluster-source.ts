// The seam between the language server and a live cluster: a snapshot of cluster objects (as parsed files fed to
// AnalysisHost.setClusterParsed), the connection state, and the cluster-only requests. The live implementation
// (server/src/cluster/source.ts, LiveClusterSource) is what the server uses; NoClusterSource answers "no cluster
// connection" (tests, and embedders that want manifests only).
import type { ParsedFile, WorkloadMatch } from '../core/index';
import type {
  ClusterStateView,
  DiagnoseParams,
  ListContextsResult,
  ListPodsResult,
  LiveEventsResult,
  LiveWorkloadUse,
} from '../protocol/index';
import type { ClusterConfig } from '../cluster/config';

export interface Disposable {
  dispose(): void;
}

export interface ClusterSource {
  /** (Re)configure: called at start and whenever the settings or trust change. */
  configure(config: ClusterConfig): void;
  state(): ClusterStateView;
  /** Cluster objects (PriorityClasses, LimitRanges, PDBs, pods, nodes) as parsed files with origin `cluster`. */
  snapshot(): ParsedFile[];
  /** Fires when the snapshot or the state changed; the server re-analyses and notifies `kubePriorityLens/clusterState`. */
  onDidChange(listener: (what: { snapshot: boolean; state: boolean }) => void): Disposable;
  /** Live workloads per PriorityClass name (Priority Map), from the pods the connection holds; empty without one. */
  liveClassUsage(): Map<string, LiveWorkloadUse[]>;
  /** Live and recently deleted pods; with `match`, the pods of that workload carry `matchesWorkload`. */
  listPods(match?: WorkloadMatch): Promise<ListPodsResult>;
  /** Undefined when the source cannot diagnose the target (no connection): the server answers statically. */
  diagnosePod(params: DiagnoseParams): Promise<{ markdown: string; report: unknown } | undefined>;
  liveEvents(): Promise<LiveEventsResult>;
  listContexts(): Promise<ListContextsResult>;
  refresh(): Promise<void>;
  /** `kubePriorityLens/historyExport`: the local history as JSON or CSV text. */
  exportHistory(format: 'json' | 'csv'): Promise<{ text: string; events: number }>;
  /** `kubePriorityLens/historyClear`. */
  clearHistory(): Promise<void>;
  dispose(): void;
}

/** NoClusterSource: manifests only. States: `disabled` (setting off), `untrusted`, or `offline` (no live support). */
export class NoClusterSource implements ClusterSource {
  private config: ClusterConfig = { enabled: false, trusted: false, kubeconfig: '', context: '' };
  private readonly listeners = new Set<(what: { snapshot: boolean; state: boolean }) => void>();

  configure(config: ClusterConfig): void {
    const before = JSON.stringify(this.state());
    this.config = config;
    if (JSON.stringify(this.state()) !== before) for (const l of this.listeners) l({ snapshot: false, state: true });
  }

  state(): ClusterStateView {
    if (!this.config.enabled)
      return { state: 'disabled', detail: 'Cluster-aware analysis is off (kubePriorityLens.clusterAware): manifests only.' };
    if (!this.config.trusted) return { state: 'untrusted', detail: 'Restricted Mode: the cluster is not read; manifests only.' };
    const view: ClusterStateView = { state: 'offline', detail: 'No cluster connection: this server analyses the manifests only.' };
    if (this.config.context !== '') view.context = this.config.context;
    return view;
  }

  snapshot(): ParsedFile[] {
    return [];
  }

  onDidChange(listener: (what: { snapshot: boolean; state: boolean }) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  liveClassUsage(): Map<string, LiveWorkloadUse[]> {
    return new Map<string, LiveWorkloadUse[]>();
  }

  async listPods(): Promise<ListPodsResult> {
    return { state: this.state(), pods: [] };
  }

  async diagnosePod(): Promise<undefined> {
    return undefined;
  }

  async liveEvents(): Promise<LiveEventsResult> {
    return { rows: [], state: this.state() };
  }

  async listContexts(): Promise<ListContextsResult> {
    return { contexts: [] };
  }

  async refresh(): Promise<void> {
    // Nothing to re-read.
  }

  async exportHistory(format: 'json' | 'csv'): Promise<{ text: string; events: number }> {
    return { text: format === 'json' ? '{"events":[],"pods":[]}\n' : '', events: 0 };
  }

  async clearHistory(): Promise<void> {
    // No history without a cluster source.
  }

  dispose(): void {
    this.listeners.clear();
  }
}
