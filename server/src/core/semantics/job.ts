// Job pod failure policy (R-H.1, R-H.2): whether a disrupted pod (DisruptionTarget=True) counts toward backoffLimit.
import { get, isSeq, stringValue } from '../syntax/tree';
import type { YNode } from '../syntax/tree';

/** ignoresDisruptions is true when a rule with action Ignore matches DisruptionTarget=True before any other rule could. */
export function ignoresDisruptions(policy: YNode | undefined): boolean {
  const rules = get(policy, 'rules');
  if (!isSeq(rules)) return false;
  for (const rule of rules.items) {
    const conditions = get(rule, 'onPodConditions');
    if (!isSeq(conditions)) continue;
    const matches = conditions.items.some(
      (c) => stringValue(get(c, 'type')) === 'DisruptionTarget' && (stringValue(get(c, 'status')) ?? 'True') === 'True',
    );
    if (matches) return stringValue(get(rule, 'action')) === 'Ignore';
  }
  return false;
}
