// Wire contracts between the language server, the VS Code client and the webview: method names and JSON view models.
// Types and constants only; nothing here may import runtime code, so every side can include it.
import type { LiveKueueInfo } from './live-kueue';
import type { WorkloadKueueView, WorkloadPriorityClassView } from './priority-map-kueue';

export type { LiveKueueInfo } from './live-kueue';
export type { WorkloadKueueView, WorkloadPriorityClassView } from './priority-map-kueue';

/** Custom LSP requests and notifications, all namespaced `kubePriorityLens/`. */
export const Methods = {
  /** client → server: every workload of the workspace with its priority, QoS and ranks (Priority Map). */
  priorityMap: 'kubePriorityLens/priorityMap',
  /** client → server: explain one workload (Diagnose Pod, static part). */
  explainWorkload: 'kubePriorityLens/explainWorkload',
  /** client → server: diagnose a live pod (cluster part, falls back to the workspace). */
  diagnosePod: 'kubePriorityLens/diagnosePod',
  /** client → server: list pods that can be diagnosed (live, recently deleted, workspace). */
  listPods: 'kubePriorityLens/listPods',
  /** client → server: current rows of the live preemption/eviction view. */
  liveEvents: 'kubePriorityLens/liveEvents',
  /** server → client: cluster connection state changed. */
  clusterState: 'kubePriorityLens/clusterState',
  /** server → client: new or updated live event rows. */
  liveEventsChanged: 'kubePriorityLens/liveEventsChanged',
  /** client → server: list contexts of the configured kubeconfig (names only, never credentials). */
  listContexts: 'kubePriorityLens/listContexts',
  /** client → server: export or clear the local history store. */
  historyExport: 'kubePriorityLens/historyExport',
  historyClear: 'kubePriorityLens/historyClear',
  /** client → server: re-read the workspace and the cluster. */
  refresh: 'kubePriorityLens/refresh',
  /** client → server notification: the kubeconfig and context changed in the user's own settings (ClusterTarget). */
  clusterTarget: 'kubePriorityLens/clusterTarget',
} as const;

export interface SourceLocation {
  /** file URI (LSP) */
  uri: string;
  /** 0-based line and UTF-16 character of the object's `metadata.name` value. */
  line: number;
  character: number;
}

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type PriorityFrom = 'explicit' | 'globalDefault' | 'builtin' | 'cluster' | 'spec' | 'none';

export interface WorkloadView {
  /** `Kind/namespace/name` */
  id: string;
  kind: string;
  namespace: string;
  name: string;
  location?: SourceLocation;
  priority: number;
  priorityClassName?: string;
  priorityFrom: PriorityFrom;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  qosClass: QosClass;
  qosClassWithoutLimitRange: QosClass;
  preemptibleBy: string[];
  canPreempt: string[];
  preemptionRank: { position: number; of: number };
  evictionTier: { tier: 1 | 2 | 3; reason: string };
  pdbs: string[];
  admission: { allowed: boolean; message?: string };
  /** A workload of a rendered chart or kustomization: which one and which variant (its facts are that variant's). */
  rendered?: { tool: 'helm' | 'kustomize'; root: string; variant: string; label: string };
  /** A job that names a Kueue queue: its Workload's priority and queue (the Priority Map's second ladder). */
  kueue?: WorkloadKueueView;
}

export interface PriorityClassView {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  source: 'workspace' | 'cluster' | 'builtin';
  location?: SourceLocation;
  usedBy: string[];
  /** With a live cluster: the running and pending workloads there that use this class (from the pod cache). */
  live?: LiveClassUse;
}

/** The live workloads of one class: the first `maxLiveWorkloadsPerClass` (most pods first) and the totals. */
export interface LiveClassUse {
  workloads: LiveWorkloadUse[];
  totalWorkloads: number;
  totalPods: number;
}

/** Live workloads listed per class in the Priority Map (the rest are counted). */
export const maxLiveWorkloadsPerClass = 50;

/** A workload in the live cluster (its pods grouped by their top owner) and how many of its pods use a class. */
export interface LiveWorkloadUse {
  kind: string;
  namespace: string;
  name: string;
  pods: number;
}

export interface PriorityMapView {
  workloads: WorkloadView[];
  priorityClasses: PriorityClassView[];
  /** Kueue's WorkloadPriorityClasses, highest first (present when the workspace uses Kueue). */
  workloadPriorityClasses?: WorkloadPriorityClassView[];
}

export type ClusterConnectionState =
  'disabled' | 'untrusted' | 'no-kubeconfig' | 'connecting' | 'live' | 'reconnecting' | 'forbidden' | 'partial' | 'offline';

export interface ClusterStateView {
  state: ClusterConnectionState;
  context?: string;
  /** Human-readable detail, already free of credentials. */
  detail?: string;
  /** Namespaces watched when cluster scope is forbidden. */
  namespaces?: string[];
}

export interface DiagnoseParams {
  /** `namespace/name` of a live or recently deleted pod, or a workload id `Kind/namespace/name`. */
  target: string;
  format?: 'markdown' | 'json';
}

export interface DiagnoseResult {
  markdown: string;
  /** Structured report (same content). */
  report: unknown;
}

/** Messages between the extension host and the webviews. */
export type HostToWebview =
  | { type: 'priorityMap'; map: PriorityMapView }
  | { type: 'liveEvents'; rows: LiveEventRow[]; state: ClusterStateView; replace: boolean; nodes?: LiveNodeView[] }
  | { type: 'diagnosis'; markdownHtml: string }
  /** Test hook (extension tests only): click the element with this `data-id` through the real DOM handler. */
  | { type: 'testClick'; id: string };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'open'; location: SourceLocation }
  | { type: 'diagnose'; target: string }
  | { type: 'copy'; text: string }
  /** Sent after each render so the host (and e2e tests) know what the user sees. */
  | { type: 'rendered'; view: WebviewKind; text: string; count: number; domRows?: number };

/** Which app `dist/webview.js` boots; set by the host as `<body data-view>`. */
export type WebviewKind = 'priorityMap' | 'liveEvents';

/**
 * `initializationOptions` the client sends. Only `trusted: true` lets the server read a kubeconfig, contact a cluster
 * or run a credential plugin; absent or anything else = untrusted, static analysis only. VS Code sends its workspace
 * trust and restarts the server when the user grants it. The cluster target comes from here (the editor's own user
 * configuration), never from `workspace/configuration`, which a repository can set.
 */
export interface InitializationOptions extends Partial<ClusterTarget> {
  trusted?: boolean;
  /** Directory of the local preemption/eviction history (VS Code: the extension's globalStorageUri). Other editors:
   *  omitted = `~/.cache/kube-priority-lens/history` (`$XDG_CACHE_HOME` respected). */
  historyDir?: string;
}

/** Which cluster to read (trusted servers only): `initializationOptions` and the `kubePriorityLens/clusterTarget` notification. */
export interface ClusterTarget {
  /** kubeconfig path; empty = `$KUBECONFIG`, then `~/.kube/config`. */
  kubeconfig: string;
  /** Context name; empty = the kubeconfig's current-context. */
  context: string;
}

/** `kubePriorityLens/historyExport` params and result. */
export interface HistoryExportParams {
  format: 'json' | 'csv';
}

export interface HistoryExportResult {
  format: 'json' | 'csv';
  /** The export (JSON document or CSV with a header line). */
  text: string;
  /** Events in the export. */
  events: number;
}

/** `kubePriorityLens/historyClear` result. */
export interface HistoryClearResult {
  cleared: boolean;
}

/** `kubePriorityLens/explainWorkload` params: the workload whose object contains `position` in `uri`. */
export interface ExplainWorkloadParams {
  uri: string;
  position: { line: number; character: number };
}

/** One entry of `kubePriorityLens/listPods`. */
export interface PodListItem {
  /** Value for `DiagnoseParams.target`. */
  target: string;
  label: string;
  description?: string;
  /** `victim`: named by a recent Preempted/Evicted/TaintManagerEviction event (or the history), newest first. */
  source: 'victim' | 'live' | 'deleted' | 'workspace';
  /** The pod belongs to the workload asked for in `ListPodsParams.workload` (owner chain or template labels). */
  matchesWorkload?: boolean;
  /** For victims: when it happened (ISO), to order them newest first. */
  time?: string;
}

/** `kubePriorityLens/listPods` params: `workload` = `Kind/namespace/name` (e.g. the workload under the cursor). */
export interface ListPodsParams {
  workload?: string;
}

/** `kubePriorityLens/listPods` result; `state` tells the client whether a cluster is reachable. */
export interface ListPodsResult {
  state: ClusterStateView;
  pods: PodListItem[];
  /** Echo of `ListPodsParams.workload` when it names a workspace workload (its pods carry `matchesWorkload`). */
  workload?: string;
}

/** `kubePriorityLens/listContexts` result (names only). */
export interface ListContextsResult {
  contexts: { name: string; cluster?: string; namespace?: string }[];
  current?: string;
  /** kubeconfig path(s) that were read, for the quick pick title. */
  source?: string;
}

/** Arguments of the client command `kubePriorityLens.revealWorkloads` (code lens command): locations, optional label each. */
export type RevealWorkloadsArgs = [locations: (SourceLocation & { label?: string })[], title?: string];

/** `kueue-preemption` / `kueue-eviction`: Kueue evicted a Workload (its Job suspended), never a pod preemption. */
export type LiveEventType = 'preemption' | 'eviction' | 'failure' | 'other' | 'kueue-preemption' | 'kueue-eviction';

/** One row of the Live Preemptions & Evictions view. */
export interface LiveEventRow {
  /** Stable across updates (event UID or a hash), used to keep selection. */
  id: string;
  /** ISO 8601 */
  time: string;
  /** Event/condition reason, e.g. `Preempted`, `Evicted`, `DisruptionTarget`. */
  reason: string;
  type: LiveEventType;
  message: string;
  namespace: string;
  victim: { name: string; uid?: string; priority?: number; priorityClassName?: string; qosClass?: QosClass; owner?: string };
  node?: string;
  preemptor?: {
    uid: string;
    name?: string;
    namespace?: string;
    priority?: number;
    priorityClassName?: string;
    owner?: string;
    resolved: boolean;
  };
  /** preemptor priority − victim priority, when both are known (Kueue rows: Kueue priorities). */
  priorityGap?: number;
  /** Kueue rows only: victim and preemptor are Jobs, their priorities Kueue priorities (Workload spec.priority). */
  kueue?: LiveKueueInfo;
  /** Workspace manifest of the victim's workload, when one matches (enables "Open manifest"). */
  location?: SourceLocation;
}

/** `kubePriorityLens/liveEvents` result. */
export interface LiveEventsResult {
  rows: LiveEventRow[];
  state: ClusterStateView;
  /** Per-node eviction view: nodes with recorded events or a pressure condition now. */
  nodes?: LiveNodeView[];
}

/** One node of the live view's per-node section: its pressure now and the kubelet's predicted next eviction victims. */
export interface LiveNodeView {
  node: string;
  /** `*Pressure` conditions that are True now. */
  pressure: string[];
  conditions: { type: string; status: string; reason?: string; message?: string }[];
  /** The eviction signal ranked for (e.g. `memory.available`). */
  signal: string;
  /** First evicted first. */
  nextVictims: { namespace: string; name: string; priority: number; qosClass?: string; exceeds?: boolean }[];
  /** `podmetrics`: ranked by PodMetrics usage; `none`: static QoS tier then priority (no metrics-server). */
  usageSource: 'podmetrics' | 'none';
}

/** `kubePriorityLens/liveEventsChanged` params: `replace` = full list, otherwise upsert by `id`. */
export interface LiveEventsChangedParams {
  rows: LiveEventRow[];
  replace: boolean;
  state?: ClusterStateView;
}

/** Result of the command `kubePriorityLens.diagnosePod` (for `executeCommand` callers and tests). */
export type DiagnoseOutcome =
  | { kind: 'shown'; target: string; markdown: string }
  | { kind: 'no-cluster'; message: string; explanation?: string }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string };

/** What a webview reported after its last render. */
export interface RenderedInfo {
  text: string;
  count: number;
  /** Table rows present in the DOM (virtualised views). */
  domRows?: number;
}

/** Exports of the extension outside production mode: hooks for the e2e suite and the screenshot script. */
export interface KplTestApi {
  whenServerStarted(): Promise<void>;
  waitRendered(view: WebviewKind, predicate?: (r: RenderedInfo) => boolean, timeoutMs?: number): Promise<RenderedInfo>;
  /** Clicks the element with `data-id` through the webview's real DOM handler. */
  clickInWebview(view: WebviewKind, id: string): Promise<boolean>;
  /** Delivers `message` to the host as if the webview had posted it (a compromised webview's view of the host). */
  postFromWebview(view: WebviewKind, message: unknown): Promise<void>;
  injectLiveEvents(rows: LiveEventRow[], replace: boolean): Promise<void>;
  clusterState(): ClusterConnectionState | undefined;
  /** Text and tooltip of the cluster status bar item, as the user sees them. */
  statusBar(): { text: string; tooltip: string };
  /**
   * The Diagnose Pod quick pick while it is open: its items as shown, `type` sets its value (as typing does; the list
   * follows), `accept` selects the item with that label (or the first) as a click does.
   */
  podPicker():
    | {
        items: { label: string; description: string }[];
        /** Still reading pods (the picker opens at once and fills as the lists arrive). */
        busy: boolean;
        /** Milliseconds from the command to the picker shown, the pods listed, the workload under the cursor's pods. */
        timings: { shown?: number; listed?: number; workload?: number };
        type(value: string): void;
        accept(label?: string): boolean;
      }
    | undefined;
  priorityMap(): Promise<PriorityMapView>;
}

// ---- Language server additions (issue 4) ----

/** `kubePriorityLens/explainWorkload` by workload id (`Kind/namespace/name`) instead of a position. */
export interface ExplainWorkloadByIdParams {
  id: string;
}

/** `kubePriorityLens/explainWorkload` result (null when no workload is at the position / with the id). */
export interface ExplainWorkloadResult extends DiagnoseResult {
  /** Same as `report`. */
  workload: WorkloadView;
  report: WorkloadView;
}

/** `kubePriorityLens/refresh` result: what the server indexed. */
export interface RefreshResult {
  files: number;
  workloads: number;
  cluster: ClusterStateView;
}

/** `kubePriorityLens/diagnosePod` result while no cluster is connected: `report.kind === 'no-cluster'`. */
export interface NoClusterReport {
  kind: 'no-cluster';
  message: string;
  state: ClusterStateView;
  /** Static explanation when the target names a workspace workload. */
  workload?: WorkloadView;
}

/** Settings under the `kubePriorityLens` section (`workspace/configuration`); every field optional on the wire. */
export interface LensSettings {
  clusterAware: boolean;
  /** Globs relative to each workspace folder. */
  exclude: string[];
  /** Per-rule severity: `kubePriorityLens.rules.<id>`. */
  rules: Record<string, 'off' | 'hint' | 'info' | 'warning' | 'error'>;
  /** Kubernetes minor version modelled, e.g. "1.33"; empty = newest supported. */
  kubernetesVersion: string;
  /** `kubePriorityLens.history.*`: limits of the local history store (machine scope: a workspace cannot prune it). */
  history: { retentionDays: number; maxRecords: number };
  /** `kubePriorityLens.maxFileSizeMiB`: files larger than this are not read (machine scope). */
  maxFileSizeMiB: number;
  /** `kubePriorityLens.render.*` (machine scope: a workspace cannot name the tools a trusted editor runs). */
  render: { enabled: boolean; helmPath: string; kustomizePath: string; timeoutSeconds: number };
}

/** Cap on the preemptor/victim ids listed per workload in `PriorityMapView` (the counts are exact). */
export const maxListedPerWorkload = 100;

/** Exact counts next to the (capped) lists of `WorkloadView`. */
export interface WorkloadCounts {
  preemptibleByCount: number;
  canPreemptCount: number;
}

/** `PriorityMapView.workloads` items as the server sends them. */
export type WorkloadMapItem = WorkloadView & WorkloadCounts;
