// Compact Markdown of a workload's and a PriorityClass's priority story, shared by hover and explainWorkload.
// Every string that comes from a manifest or the cluster (names, namespaces, classes, messages) goes through
// escapeMarkdown or codeSpan; the only links are the ones built here, to workspace files.
import type { AnalyzedWorkload, K8sObject, PriorityClass, WorkspaceModel } from '../core/index';
import { codeSpan, escapeMarkdown, ignoresDisruptions, kueueSummary } from '../core/index';
import { lineIndex } from './to-lsp';

/** How many related workloads a hover lists before "and N more". */
export const maxListedInHover = 5;

export interface LinkContext {
  model: WorkspaceModel;
  /** Client URI of an analysis key. */
  clientUri(file: string): string;
}

export function ordinal(n: number): string {
  const mod100 = n % 100;
  if (mod100 >= 11 && mod100 <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** Link targets the server builds: workspace files (and the editor's own schemes), with no Markdown-significant character. */
const linkableUri = /^(?:file|untitled|vscode-[a-z-]+):[^\s()<>[\]`\\]*$/;

/** link renders `[label](file#Lline)` for workspace objects, the escaped label alone for cluster/built-in ones. */
export function link(ctx: LinkContext, object: K8sObject | undefined, label: string): string {
  const escaped = escapeMarkdown(label);
  if (object === undefined || object.origin !== 'workspace') return escaped;
  const parsed = ctx.model.files.get(object.file);
  if (parsed === undefined) return escaped;
  const uri = ctx.clientUri(object.file);
  if (!linkableUri.test(uri)) return escaped;
  const line = lineIndex(parsed).position(object.nameSpan.start).line + 1;
  return `[${escaped}](${uri}#L${line})`;
}

function classLink(ctx: LinkContext, c: PriorityClass | undefined, name: string): string {
  return c?.source === 'workspace' ? link(ctx, c.object, name) : codeSpan(name);
}

export function priorityFromText(ctx: LinkContext, w: AnalyzedWorkload): string {
  const p = w.priority;
  const name = p.priorityClassName ?? '';
  switch (p.from) {
    case 'explicit':
      return `from class ${classLink(ctx, p.priorityClass, name)}`;
    case 'globalDefault':
      return `from the globalDefault class ${classLink(ctx, p.priorityClass, name)} (no priorityClassName)`;
    case 'builtin':
      return `from the built-in class ${codeSpan(name)}`;
    case 'cluster':
      return `from the cluster's class ${codeSpan(name)}`;
    case 'spec':
      return 'from the pod spec (admitted by the cluster)';
    case 'none':
      return p.admission.allowed ? '(no priorityClassName and no globalDefault class)' : `(class ${codeSpan(name)} does not exist)`;
  }
}

function listWorkloads(ctx: LinkContext, list: readonly AnalyzedWorkload[], total: number): string {
  const shown = list.slice(0, maxListedInHover).map((p) => `${link(ctx, p.object, p.object.name)} (${p.priority.priority})`);
  const more = total - shown.length;
  return shown.join(', ') + (more > 0 ? `, and ${more} more` : '');
}

/** The kubelet's eviction order under node pressure, in words (tier 1 is evicted first, tier 3 never). */
export const evictionWords: Record<1 | 2 | 3, string> = {
  1: 'among the first the kubelet evicts when a node runs short of memory',
  2: 'evicted only after pods that use more memory than they request',
  3: 'never evicted for node pressure',
};

export function workloadMarkdown(ctx: LinkContext, w: AnalyzedWorkload): string {
  const model = ctx.model;
  const o = w.object;
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(o.kind)} ${escapeMarkdown(`${o.namespace ?? ''}/${o.name}`)}**`);
  lines.push('');
  const p = w.priority;
  lines.push(
    `- **Priority ${p.priority}** ${priorityFromText(ctx, w)} · ${codeSpan(p.preemptionPolicy)}${p.preemptionPolicy === 'Never' ? ' (never preempts others)' : ''}`,
  );
  if (!p.admission.allowed) lines.push(`- ⛔ **Rejected at admission**: ${escapeMarkdown(p.admission.message ?? '')}`);
  const qosNote =
    w.limitRange !== undefined && w.qosClass !== w.qosClassWithoutLimitRange
      ? ` — LimitRange ${codeSpan(w.limitRange)} changes it from ${w.qosClassWithoutLimitRange}`
      : '';
  lines.push(`- **QoS** ${w.qosClass}${qosNote}`);
  const rank = model.preemptionRank(w);
  if (rank.of > 0) {
    const count = model.preemptorCount(w);
    const preemptors = count === 0 ? [] : model.preemptorsOf(w, maxListedInHover);
    const by = count === 0 ? 'nothing in the workspace can preempt it' : `preemptible by: ${listWorkloads(ctx, preemptors, count)}`;
    lines.push(
      `- **Preemption order** ${ordinal(rank.position)} of ${rank.of} workloads to be preempted (lowest priority goes first); ${by}`,
    );
  }
  // Kueue (issue 21): its own priority beside the pods', the queue path, and who Kueue could preempt it for.
  const kueue = kueueSummary(model, w, maxListedInHover);
  if (kueue !== undefined) {
    const listed = kueue.preemptors.map((p) => link(ctx, p.object, p.object.name));
    const more = kueue.preemptorCount > listed.length ? `, and ${kueue.preemptorCount - listed.length} more` : '';
    const by = escapeMarkdown(kueue.preemption) + (listed.length > 0 ? ` (${listed.join(', ')}${more})` : '');
    lines.push(`- **Kueue** ${escapeMarkdown(kueue.text)}${by === '' ? '' : `; ${by}`}`);
    if (kueue.fairSharing !== undefined) lines.push(`- **Kueue fair sharing** ${escapeMarkdown(kueue.fairSharing)}`);
  }
  lines.push(`- **Eviction under node pressure** ${evictionWords[w.evictionTier.tier]}: ${escapeMarkdown(w.evictionTier.reason)}`);
  for (const pdb of w.pdbs) {
    const e = pdb.estimate;
    lines.push(
      `- **PDB** ${link(ctx, pdb.pdb.object, pdb.pdb.id)}: expected disruptionsAllowed **${e.disruptionsAllowed}** (${escapeMarkdown(e.explanation)})`,
    );
  }
  const job = w.workload.job;
  if (job !== undefined) {
    const backoff = job.backoffLimit?.value ?? 6;
    const ignores = ignoresDisruptions(job.podFailurePolicy);
    const policy = ignores
      ? 'podFailurePolicy ignores `DisruptionTarget`: preemptions and evictions do not count'
      : job.podFailurePolicy === undefined
        ? 'no podFailurePolicy: every preempted or evicted pod counts toward backoffLimit'
        : 'podFailurePolicy does not ignore `DisruptionTarget`: preempted or evicted pods count toward backoffLimit';
    const perIndex = job.backoffLimitPerIndex !== undefined ? `, backoffLimitPerIndex ${job.backoffLimitPerIndex.value}` : '';
    lines.push(
      `- **Job failures** backoffLimit ${backoff}${job.backoffLimit === undefined ? ' (default)' : ''}${perIndex}, parallelism ${job.parallelism}; ${policy}`,
    );
  }
  return lines.join('\n');
}

export function priorityClassMarkdown(ctx: LinkContext, c: PriorityClass, object: K8sObject | undefined): string {
  const model = ctx.model;
  const lines: string[] = [];
  lines.push(`**PriorityClass ${escapeMarkdown(c.name)}** — value **${c.value}** · ${codeSpan(c.preemptionPolicy)}`);
  lines.push('');
  const chosen = model.classIndex.globalDefault;
  if (c.globalDefault) {
    lines.push(
      chosen?.name === c.name
        ? '- **globalDefault**: pods without a priorityClassName get this class'
        : `- **globalDefault**, but ${codeSpan(chosen?.name ?? '?')} (lower value) is the one admission uses`,
    );
  } else
    lines.push(
      `- Not the default${chosen !== undefined ? ` (the globalDefault is ${classLink(ctx, chosen, chosen.name)}, ${chosen.value})` : ' (no globalDefault class: pods without a class get 0)'}`,
    );
  if (object !== undefined && c.object !== undefined && c.object !== object)
    lines.push(`- ⚠ Another PriorityClass named ${codeSpan(c.name)} is defined at ${link(ctx, c.object, 'this location')} and wins`);
  const shadowed = model.classIndex.clusterVersions.get(c.name);
  if (shadowed !== undefined && shadowed.value !== c.value) lines.push(`- The cluster has this class with value ${shadowed.value}`);
  const users = model.workloads.filter((w) => w.priority.priorityClassName === c.name && w.priority.admission.allowed);
  lines.push(
    users.length === 0 ? '- Used by no workload' : `- Used by ${users.length} workload(s): ${listWorkloads(ctx, users, users.length)}`,
  );
  let above = 0;
  let below = 0;
  for (const w of model.byPriority) {
    if (w.priority.priority > c.value) above++;
    else if (w.priority.priority < c.value) below++;
  }
  lines.push(`- ${above} workload(s) above it, ${below} below (of ${model.byPriority.length})`);
  return lines.join('\n');
}
