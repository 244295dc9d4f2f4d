// View models of the analysis: per-workload explanations and the PriorityClass ladder (CLI `explain`, hovers, Priority Map).
import type { AnalyzedWorkload, WorkspaceModel } from '../facts/workspace-model';
import { ignoresDisruptions } from '../semantics/job';
import type { PriorityFrom } from '../semantics/priority';
import type { QosClass } from '../semantics/qos';
import type { Span } from '../text';
import { rules } from '../rules/index';
import type { Finding } from '../rules/rule';
import { explainKueue } from './kueue';
import type { KueueExplanation } from './kueue';

export interface WorkloadExplanation {
  kind: string;
  namespace: string;
  name: string;
  id: string;
  file: string;
  span: Span;
  priority: number;
  priorityClassName?: string;
  priorityFrom: PriorityFrom;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  qosClass: QosClass;
  qosClassWithoutLimitRange: QosClass;
  limitRange?: string;
  admission: { allowed: boolean; message?: string };
  preemptibleBy: string[];
  canPreempt: string[];
  preemptionRank: { position: number; of: number };
  evictionTier: { tier: 1 | 2 | 3; reason: string };
  pdbs: string[];
  pdbDetails: Array<{ id: string; disruptionsAllowed: number; explanation: string }>;
  job?: { backoffLimit: number; backoffLimitIsDefault: boolean; ignoresDisruptionTarget: boolean; parallelism: number };
  /** Kueue's view, for a workload that names a queue (issue 21). */
  kueue?: KueueExplanation;
}

export interface PriorityClassExplanation {
  name: string;
  value: number;
  globalDefault: boolean;
  preemptionPolicy: 'PreemptLowerPriority' | 'Never';
  source: 'workspace' | 'cluster' | 'builtin';
  file?: string;
  span?: Span;
  usedBy: string[];
  /** Workloads of higher and lower priority than this class. */
  above: number;
  below: number;
}

export interface Explanation {
  workloads: WorkloadExplanation[];
  priorityClasses: PriorityClassExplanation[];
}

export interface ExplainOptions {
  /** Only workloads of these files (default: every workspace workload). */
  files?: ReadonlySet<string>;
  /** Cap on listed preemptors/victims per workload (full lists by default). */
  maxListed?: number;
  /**
   * The analysis's findings: a finding of a rule whose default severity is `error` is an apiserver rejection, so a
   * workload with one is not admitted (one verdict per object for `kpl check` and `kpl explain`).
   */
  findings?: readonly Finding[];
}

const rejectingRules = new Set(rules.filter((r) => r.defaultSeverity === 'error').map((r) => r.id));

/** rejectionsByObject maps `file\0object id` to the first rejecting finding's message. */
function rejectionsByObject(findings: readonly Finding[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of findings) {
    if (f.object === undefined || !rejectingRules.has(f.ruleId)) continue;
    const key = `${f.file}\u0000${f.object}`;
    if (!out.has(key)) out.set(key, f.message);
  }
  return out;
}

export function explainWorkload(model: WorkspaceModel, w: AnalyzedWorkload, maxListed = Infinity): WorkloadExplanation {
  const job = w.workload.job;
  const result: WorkloadExplanation = {
    kind: w.object.kind,
    namespace: w.object.namespace ?? '',
    name: w.object.name,
    id: w.object.id,
    file: w.object.file,
    span: w.object.nameSpan,
    priority: w.priority.priority,
    priorityFrom: w.priority.from,
    preemptionPolicy: w.priority.preemptionPolicy,
    qosClass: w.qosClass,
    qosClassWithoutLimitRange: w.qosClassWithoutLimitRange,
    admission: w.priority.admission,
    preemptibleBy: model
      .preemptorsOf(w, maxListed)
      .map((p) => p.object.id)
      .sort(),
    canPreempt: model
      .victimsOf(w, maxListed)
      .map((p) => p.object.id)
      .sort(),
    preemptionRank: model.preemptionRank(w),
    evictionTier: w.evictionTier,
    pdbs: w.pdbs.map((p) => p.pdb.id).sort(),
    pdbDetails: w.pdbs.map((p) => ({
      id: p.pdb.id,
      disruptionsAllowed: p.estimate.disruptionsAllowed,
      explanation: p.estimate.explanation,
    })),
  };
  if (w.priority.priorityClassName !== undefined) result.priorityClassName = w.priority.priorityClassName;
  if (w.limitRange !== undefined) result.limitRange = w.limitRange;
  if (job !== undefined) {
    result.job = {
      backoffLimit: job.backoffLimit?.value ?? 6,
      backoffLimitIsDefault: job.backoffLimit === undefined,
      ignoresDisruptionTarget: ignoresDisruptions(job.podFailurePolicy),
      parallelism: job.parallelism,
    };
  }
  const kueue = explainKueue(model, w, maxListed);
  if (kueue !== undefined) result.kueue = kueue;
  return result;
}

export function explain(model: WorkspaceModel, options: ExplainOptions = {}): Explanation {
  const rejections = rejectionsByObject(options.findings ?? []);
  const workloads = model.workloads
    // A partial manifest (R-D.11) is not a workload on its own: it is explained through what completes it.
    .filter(
      (w) =>
        w.object.origin === 'workspace' && w.partial === undefined && (options.files === undefined || options.files.has(w.object.file)),
    )
    .map((w) => {
      const e = explainWorkload(model, w, options.maxListed);
      const rejected = rejections.get(`${w.object.file}\u0000${w.object.id}`);
      if (e.admission.allowed && rejected !== undefined) e.admission = { allowed: false, message: rejected };
      return e;
    })
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.span.start - b.span.start));
  const usedBy = new Map<string, string[]>();
  for (const w of model.workloads) {
    const name = w.priority.priorityClassName;
    if (name === undefined) continue;
    const list = usedBy.get(name) ?? [];
    list.push(w.object.id);
    usedBy.set(name, list);
  }
  const priorities = model.byPriority.map((w) => w.priority.priority);
  const priorityClasses = [...model.classIndex.byName.values()]
    .sort((a, b) => b.value - a.value || a.name.localeCompare(b.name))
    .map((c) => {
      const item: PriorityClassExplanation = {
        name: c.name,
        value: c.value,
        globalDefault: c.globalDefault,
        preemptionPolicy: c.preemptionPolicy,
        source: c.source,
        usedBy: (usedBy.get(c.name) ?? []).sort(),
        above: priorities.filter((p) => p > c.value).length,
        below: priorities.filter((p) => p < c.value).length,
      };
      if (c.object !== undefined && c.source === 'workspace') {
        item.file = c.object.file;
        item.span = c.object.nameSpan;
      }
      return item;
    });
  return { workloads, priorityClasses };
}
