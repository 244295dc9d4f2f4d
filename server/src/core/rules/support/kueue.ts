// What the Kueue rules share (issue 21): the queued jobs of the target files, where a job's Kueue labels are written,
// and how a job is named in messages.
import type { Span } from '../../text';
import { entry, get, isMap } from '../../syntax/tree';
import type { YMap } from '../../syntax/tree';
import type { K8sObject } from '../../model/objects';
import type { KueueFacts, KueueJob } from '../../facts/kueue-facts';
import type { RuleContext } from '../rule';
import { kueueJobLabelsMap } from '../../semantics/kueue-objects';

/** The queued jobs (a KueueJob: the queue label on the object or its template) of the target files. */
export function queuedJobs(ctx: RuleContext): KueueJob[] {
  if (!ctx.model.hasKueue()) return [];
  const kueue = ctx.model.kueue;
  const out: KueueJob[] = [];
  for (const w of ctx.workloads) {
    const job = kueue.byWorkload.get(w);
    if (job !== undefined) out.push(job);
  }
  return out;
}

/** The span of a label's value on the job's own metadata (the object's name when it is not written there). */
export function ownLabelSpan(object: K8sObject, key: string): Span {
  return entry(kueueJobLabelsMap(object), key)?.value.span ?? object.nameSpan;
}

/** The pod template's labels map (`spec.template`, a CronJob's `spec.jobTemplate.spec.template`). */
export function templateLabelsMap(object: K8sObject): YMap | undefined {
  const template =
    object.kind === 'CronJob' ? get(object.node, 'spec', 'jobTemplate', 'spec', 'template') : get(object.node, 'spec', 'template');
  const labels = get(template, 'metadata', 'labels');
  return isMap(labels) ? labels : undefined;
}

/** `Job ci/train`. */
export function jobName(job: KueueJob): string {
  const o = job.workload.object;
  return `${o.kind} ${o.namespace ?? 'default'}/${o.name}`;
}

/** A label written as a YAML key/value pair: the value quoted when YAML would read it as anything but a string. */
export function yamlString(value: string): string {
  return /^[A-Za-z_][\w.-]*$/.test(value) && !/^(y|n|yes|no|true|false|on|off|null|~)$/i.test(value) ? value : JSON.stringify(value);
}

/** "Did you mean" text and the closest name, from suggestions. */
export function didYouMean(suggestions: readonly string[], known: readonly string[], what: string): string {
  const best = suggestions[0];
  if (best !== undefined) return ` Did you mean "${best}"?`;
  if (known.length === 0) return ` The workspace defines no ${what}.`;
  const listed = [...known].sort().slice(0, 5);
  return ` Known: ${listed.join(', ')}${known.length > listed.length ? ` and ${known.length - listed.length} more` : ''}.`;
}

/**
 * The queued jobs Kueue could preempt `job`'s Workload for, as kpl explain and the hover order them (highest Kueue
 * priority first, then by id), each with its Kueue priority and Kueue's reasons (`InClusterQueue`, ...): the first
 * `max`, then `and N more`. Empty when Kueue would preempt it for none. Only jobs of its own ClusterQueue or cohort
 * tree can be named, so an edit elsewhere does not change the text.
 */
export function describeKueuePreemptors(kueue: KueueFacts, job: KueueJob, max = 3): string {
  const preemptors = kueue
    .preemptorsOf(job)
    .sort(
      (a, b) => (b.job.priority.value ?? 0) - (a.job.priority.value ?? 0) || (a.job.workload.object.id < b.job.workload.object.id ? -1 : 1),
    );
  const named = preemptors
    .slice(0, max)
    .map((p) => `${jobName(p.job)} (Kueue priority ${p.job.priority.value ?? 0}, ${[...new Set(p.paths.map((x) => x.reason))].join('/')})`);
  const more = preemptors.length > named.length ? ` and ${preemptors.length - named.length} more` : '';
  return `${named.join(', ')}${more}`;
}
