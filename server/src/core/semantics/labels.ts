// Label selector semantics of metav1.LabelSelector (matchLabels AND matchExpressions), as LabelSelectorAsSelector (R-K.1).
// What an empty selector `{}` selects depends on who reads it (R-K.1..R-K.3, R-E.7): the caller says which rule applies.
import type { LabelSelector } from '../model/workload';

/**
 * What `{}` selects for the caller; a nil (absent) selector selects nothing everywhere.
 * - `everything`: LabelSelectorAsSelector as is (R-K.1): affinity terms, namespaceSelector, topology spread, and policy/v1
 *   PDBs for the disruption controller and the Eviction API (R-K.2, R-K.3).
 * - `nothing`: the scheduler's PDB check during preemption (R-E.7) and policy/v1beta1 PDBs (R-K.2).
 */
export type EmptySelectorMeaning = 'everything' | 'nothing';

/** isEmptySelector is true for `{}` (no matchLabels, no matchExpressions). */
export function isEmptySelector(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/**
 * selectorMatches evaluates a selector against labels (R-K.1): undefined (nil) matches nothing, `{}` what `empty` says;
 * an unknown operator matches nothing, as a selector that fails to convert does.
 */
export function selectorMatches(selector: LabelSelector | undefined, labels: Record<string, string>, empty: EmptySelectorMeaning): boolean {
  if (selector === undefined) return false;
  if (isEmptySelector(selector)) return empty === 'everything';
  for (const [key, value] of Object.entries(selector.matchLabels)) {
    if (labels[key] !== value) return false;
  }
  for (const requirement of selector.matchExpressions) {
    const has = Object.prototype.hasOwnProperty.call(labels, requirement.key);
    const value = labels[requirement.key];
    switch (requirement.operator) {
      case 'In':
        if (!has || value === undefined || !requirement.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && requirement.values.includes(value)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** formatSelector prints a selector the way kubectl describes it (`app=web,tier in (a,b)`). */
export function formatSelector(selector: LabelSelector): string {
  const parts = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`);
  }
  return parts.length === 0 ? '<empty>' : parts.join(',');
}
