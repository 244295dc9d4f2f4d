// The kubePriorityLens/* requests: priority map for the webview, explain one workload, and the cluster-backed ones
// (listPods, diagnosePod) that answer "no cluster connection" through the ClusterSource until a live source exists.
import type { CancellationToken } from 'vscode-languageserver/node';
import { escapeMarkdown, explain, explainWorkload as explainOne, explainWorkloadPriorityClasses } from '../core/index';
import type { AnalyzedWorkload, Span, WorkloadMatch, WorkspaceModel } from '../core/index';
import { maxListedPerWorkload, maxLiveWorkloadsPerClass } from '../protocol/index';
import type {
  DiagnoseParams,
  DiagnoseResult,
  ListPodsParams,
  ExplainWorkloadByIdParams,
  ExplainWorkloadParams,
  ExplainWorkloadResult,
  ListPodsResult,
  NoClusterReport,
  LiveWorkloadUse,
  PriorityClassView,
  PriorityMapView,
  SourceLocation,
  WorkloadMapItem,
  WorkloadPriorityClassView,
} from '../protocol/index';
import type { Session } from './session';
import { sourceLabel } from '../render/index';
import { isRenderedKey } from './rendered';
import { workloadMarkdown } from './markdown';
import { yieldToEventLoop } from './safe';
import { lineIndex, toPriorityClassView, toSourceLocation, toWorkloadView } from './to-lsp';

export function workloadView(session: Session, model: WorkspaceModel, w: AnalyzedWorkload): WorkloadMapItem {
  const e = explainOne(model, w, maxListedPerWorkload);
  const file = model.files.get(w.object.file);
  const location =
    w.object.origin === 'workspace' && file !== undefined
      ? toSourceLocation(session.clientUri(w.object.file), lineIndex(file), w.object.nameSpan)
      : undefined;
  const canPreempt = w.priority.preemptionPolicy === 'Never' ? 0 : countBelow(model, w.priority.priority);
  return toWorkloadView(e, location, { preemptibleBy: model.preemptorCount(w), canPreempt });
}

/** priorityMap lists every workspace workload; yields every 500 workloads so cancellation is seen on big workspaces. */
export async function priorityMap(session: Session, token: CancellationToken): Promise<PriorityMapView | null> {
  await session.ensureFresh();
  const model = session.model();
  const workloads: WorkloadMapItem[] = [];
  // The main model's rendered objects (charts' first variants) are listed per variant by renderedWorkloads instead.
  const list = model.workloads.filter((w) => w.object.origin === 'workspace' && !isRenderedKey(w.object.file));
  for (let i = 0; i < list.length; i++) {
    if (i % 500 === 499) {
      await yieldToEventLoop();
      if (token.isCancellationRequested) return null;
      if (session.model() !== model) return priorityMap(session, token); // rebuilt meanwhile: start over on the new model
    }
    workloads.push(workloadView(session, model, list[i]));
  }
  workloads.push(...renderedWorkloads(session));
  workloads.sort((a, b) => b.priority - a.priority || a.id.localeCompare(b.id));
  const classes = explain(model, { files: new Set<string>(), maxListed: 0 }).priorityClasses.map((c) =>
    toPriorityClassView(c, locate(session, model, c.file, c.span)),
  );
  const wpcs = explainWorkloadPriorityClasses(model).map((c) => {
    const view: WorkloadPriorityClassView = { name: c.name, value: c.value, usedBy: c.usedBy };
    const location = c.origin === 'workspace' ? locate(session, model, c.file, c.span) : undefined;
    if (location !== undefined) view.location = location;
    return view;
  });
  return {
    workloads,
    priorityClasses: withLiveUse(classes, session.cluster.liveClassUsage()),
    ...(wpcs.length > 0 ? { workloadPriorityClasses: wpcs } : {}),
  };
}

/** Where a class is defined, for the editor: a chart's or overlay's object opens at its template or patch line. */
function locate(session: Session, model: WorkspaceModel, fileKey: string | undefined, span: Span | undefined): SourceLocation | undefined {
  if (fileKey === undefined || span === undefined) return undefined;
  if (isRenderedKey(fileKey)) {
    const at = session.rendered.placeMain(fileKey, span.start);
    return at === undefined
      ? undefined
      : { uri: session.clientUri(at.file), line: at.range.start.line, character: at.range.start.character };
  }
  const file = model.files.get(fileKey);
  return file === undefined ? undefined : toSourceLocation(session.clientUri(fileKey), lineIndex(file), span);
}

/** Each class names the live workloads that use it (by class name: a workspace class of that name is the cluster's). */
function withLiveUse(classes: PriorityClassView[], usage: ReadonlyMap<string, LiveWorkloadUse[]>): PriorityClassView[] {
  if (usage.size === 0) return classes;
  return classes.map((c) => {
    const all = usage.get(c.name);
    if (all === undefined) return c;
    return {
      ...c,
      live: {
        workloads: all.slice(0, maxLiveWorkloadsPerClass),
        totalWorkloads: all.length,
        totalPods: all.reduce((n, w) => n + w.pods, 0),
      },
    };
  });
}

/**
 * renderedWorkloads: the workloads of every rendered chart variant and kustomization, each with the facts of its own
 * variant's view, marked with where it comes from, and opened at its template or patch line.
 */
function renderedWorkloads(session: Session): WorkloadMapItem[] {
  const out: WorkloadMapItem[] = [];
  for (const r of session.rendered.allWorkloads()) {
    const w = r.workload;
    const e = explainOne(r.model, w, maxListedPerWorkload);
    const at = r.locate(w.object.file, w.object.nameSpan.start);
    const location =
      at === undefined ? undefined : { uri: session.clientUri(at.file), line: at.range.start.line, character: at.range.start.character };
    const canPreempt = w.priority.preemptionPolicy === 'Never' ? 0 : countBelow(r.model, w.priority.priority);
    const item = toWorkloadView(e, location, { preemptibleBy: r.model.preemptorCount(w), canPreempt });
    item.rendered = { tool: r.source.tool, root: r.source.root, variant: r.source.variant, label: sourceLabel(r.source) };
    out.push(item);
  }
  return out;
}

function findWorkload(session: Session, params: Partial<ExplainWorkloadParams & ExplainWorkloadByIdParams>): AnalyzedWorkload | undefined {
  const model = session.model();
  if (typeof params.id === 'string')
    return (
      model.workloads.find((w) => w.object.id === params.id && w.object.origin === 'workspace') ??
      model.workloads.find((w) => w.object.id === params.id)
    );
  if (typeof params.uri !== 'string' || params.position === undefined) return undefined;
  const parsed = session.parsed(params.uri);
  if (parsed === undefined) return undefined;
  const offset = lineIndex(parsed).offset(params.position);
  const object = session.objectAt(params.uri, offset);
  if (object !== undefined) return session.workloadOf(object);
  // Between objects: the nearest workload above the cursor.
  const above = model.workloadsInFile(parsed.file).filter((w) => w.object.span.start <= offset);
  return above[above.length - 1];
}

export async function explainWorkload(
  session: Session,
  params: Partial<ExplainWorkloadParams & ExplainWorkloadByIdParams>,
): Promise<ExplainWorkloadResult | null> {
  await session.ensureFresh(typeof params.uri === 'string' ? params.uri : undefined);
  const w = findWorkload(session, params);
  if (w === undefined) return null;
  const model = session.model();
  const view = workloadView(session, model, w);
  return { markdown: workloadMarkdown({ model, clientUri: (f) => session.clientUri(f) }, w), report: view, workload: view };
}

export async function listPods(session: Session, params?: ListPodsParams): Promise<ListPodsResult> {
  // The workload under the cursor: its live pods are matched by owner chain, else by the template's labels.
  let match: WorkloadMatch | undefined;
  if (typeof params?.workload === 'string') {
    await session.ready();
    const w = session.model().workloads.find((x) => x.object.id === params.workload);
    if (w !== undefined)
      match = { kind: w.object.kind, namespace: w.object.namespace ?? 'default', name: w.object.name, podLabels: w.workload.podLabels };
  }
  const live = await session.cluster.listPods(match);
  if (live.pods.length > 0) return live;
  await session.ready();
  // No cluster: the workspace's workloads, so a client can still offer a static explanation.
  const pods = session
    .model()
    .workloads.filter((w) => w.object.origin === 'workspace')
    .slice(0, 5000)
    .map((w) => ({
      target: w.object.id,
      label: `${w.object.namespace ?? ''}/${w.object.name}`,
      description: `${w.object.kind} · priority ${w.priority.priority} · ${w.qosClass}`,
      source: 'workspace' as const,
    }));
  return { state: live.state, pods, ...(match !== undefined ? { workload: `${match.kind}/${match.namespace}/${match.name}` } : {}) };
}

export async function diagnosePod(session: Session, params: DiagnoseParams): Promise<DiagnoseResult> {
  const live = await session.cluster.diagnosePod(params);
  if (live !== undefined) return live;
  await session.ensureFresh();
  const state = session.cluster.state();
  const connected = state.state === 'live' || state.state === 'partial' || state.state === 'reconnecting';
  const message = connected
    ? `No pod ${typeof params?.target === 'string' ? params.target : ''} is known in the cluster (context ${state.context ?? '?'}): explaining it from the manifests.`
    : `No cluster connection (${state.state}${state.detail !== undefined ? `: ${state.detail}` : ''}). Live pods, events and preemptors cannot be read.`;
  const report: NoClusterReport = { kind: 'no-cluster', message, state };
  // The target, context and detail come from the caller and the cluster: escaped like every such string.
  let markdown = connected ? `> ${escapeMarkdown(message)}` : `> **No cluster connection** — ${escapeMarkdown(message)}`;
  const target = typeof params?.target === 'string' ? params.target : '';
  const model = session.model();
  const w =
    model.workloads.find((x) => x.object.id === target) ??
    model.workloads.find((x) => `${x.object.namespace ?? ''}/${x.object.name}` === target);
  if (w !== undefined) {
    report.workload = workloadView(session, model, w);
    markdown += `\n\nStatic explanation from the manifests:\n\n${workloadMarkdown({ model, clientUri: (f) => session.clientUri(f) }, w)}`;
  }
  return { markdown, report };
}

/** countBelow: workloads of strictly lower priority (binary search over the sorted ranking). */
function countBelow(model: WorkspaceModel, priority: number): number {
  let lo = 0;
  let hi = model.byPriority.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((model.byPriority[mid]?.priority.priority ?? 0) < priority) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isExplainParams(value: unknown): value is Partial<ExplainWorkloadParams & ExplainWorkloadByIdParams> {
  return value !== null && typeof value === 'object';
}
