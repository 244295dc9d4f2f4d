// Short, bounded descriptions of workload lists for messages (a workspace can hold thousands of preemptors).
import type { AnalyzedWorkload } from '../../facts/workspace-model';

export function describePreemptors(preemptors: readonly AnalyzedWorkload[], total = preemptors.length, max = 3): string {
  const named = preemptors
    .slice(0, max)
    .map(
      (p) =>
        `${p.object.kind} ${p.object.namespace === undefined ? '' : `${p.object.namespace}/`}${p.object.name} (${p.priority.priority}${p.priority.priorityClassName === undefined ? '' : `, ${p.priority.priorityClassName}`})`,
    );
  const more = total > named.length ? ` and ${total - named.length} more` : '';
  return `${named.join(', ')}${more}`;
}
