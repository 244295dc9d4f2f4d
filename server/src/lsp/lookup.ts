// Position → object → YAML path lookups shared by hover, definition, references and code actions.
import type { K8sObject, ParsedFile, YEntry, YNode } from '../core/index';

/** objectAt finds the object of a file whose span contains the offset (innermost for List items). */
export function objectAt(parsed: ParsedFile | undefined, offset: number): K8sObject | undefined {
  let best: K8sObject | undefined;
  for (const o of parsed?.objects ?? [])
    if (
      o.span.start <= offset &&
      offset <= o.span.end &&
      (best === undefined || o.span.end - o.span.start < best.span.end - best.span.start)
    )
      best = o;
  return best;
}

export interface PathStep {
  key: string | number;
  entry?: YEntry;
  node: YNode;
  /** True when the offset is on the key itself. */
  onKey: boolean;
}

/** pathAt descends from `node` to the innermost key or value containing `offset` (end-inclusive, for cursors at a word end). */
export function pathAt(node: YNode, offset: number): PathStep[] {
  const steps: PathStep[] = [];
  let current: YNode | undefined = node;
  while (current !== undefined) {
    const here: YNode = current;
    current = undefined;
    if (here.type === 'map') {
      for (const e of here.entries) {
        if (e.keySpan.start <= offset && offset <= e.keySpan.end) {
          steps.push({ key: e.key, entry: e, node: e.value, onKey: true });
          return steps;
        }
        if (e.value.span.start <= offset && offset <= e.value.span.end && e.value.span.end > e.value.span.start) {
          steps.push({ key: e.key, entry: e, node: e.value, onKey: false });
          current = e.value;
          break;
        }
      }
    } else if (here.type === 'seq') {
      here.items.forEach((item, i) => {
        if (current === undefined && item.span.start <= offset && offset <= item.span.end) {
          steps.push({ key: i, node: item, onKey: false });
          current = item;
        }
      });
    }
  }
  return steps;
}

export function keys(steps: readonly PathStep[]): Array<string | number> {
  return steps.map((s) => s.key);
}

/** Keys that make a hover on a workload show the workload's priority story. */
export const workloadHoverKeys: ReadonlySet<string> = new Set([
  'priorityClassName',
  'priority',
  'preemptionPolicy',
  'resources',
  'affinity',
  'podAntiAffinity',
  'podAffinity',
  'backoffLimit',
  'podFailurePolicy',
  'parallelism',
]);

/** isObjectHead: the cursor is on `kind` or `metadata.name` (key or value). */
export function isObjectHead(steps: readonly PathStep[]): boolean {
  const k = keys(steps);
  return (
    (k.length === 1 && k[0] === 'kind') ||
    (k.length >= 1 && k[0] === 'metadata' && (k.length === 1 ? steps[0]?.onKey === true : k[1] === 'name'))
  );
}

/** The step of the `priorityClassName` value under the cursor, if any. */
export function priorityClassNameStep(steps: readonly PathStep[]): PathStep | undefined {
  const last = steps[steps.length - 1];
  return last !== undefined && last.key === 'priorityClassName' ? last : undefined;
}

export function objectLabel(o: K8sObject): string {
  return o.namespace === undefined ? `${o.kind} ${o.name}` : `${o.kind} ${o.namespace}/${o.name}`;
}
