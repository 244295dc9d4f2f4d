// Edit builders for the quick fixes the editor offers beyond the rules' fixes: requests = limits (Guaranteed) on a
// container, and `preemptionPolicy: Never` on a PriorityClass. Built on text-edits.ts, so indentation and comments stay.
import type { K8sObject } from '../model/objects';
import { parseQuantity } from '../quantity';
import { entry, get, isMap, scalarText, stringValue } from '../syntax/tree';
import type { YEntry, YMap } from '../syntax/tree';
import { columnOf, eolOf, insertKey, replace } from './text-edits';
import type { TextEdit } from './text-edits';

function sameQuantity(a: YEntry, b: YEntry): boolean {
  const x = scalarText(a.value);
  const y = scalarText(b.value);
  if (x === undefined || y === undefined) return false;
  const qx = parseQuantity(x);
  const qy = parseQuantity(y);
  return qx !== undefined && qx === qy;
}

/**
 * requestsEqualLimits sets every request of a container to its limit (missing requests are added), which makes the
 * container Guaranteed when cpu and memory limits are both set. Undefined when there is nothing to do or no safe edit.
 */
export function requestsEqualLimits(text: string, container: YMap): { title: string; edits: TextEdit[] } | undefined {
  const resources = get(container, 'resources');
  if (!isMap(resources) || resources.flow) return undefined;
  const limits = get(resources, 'limits');
  if (!isMap(limits) || limits.entries.length === 0) return undefined;
  const limitsKey = entry(resources, 'limits');
  const valueText = (e: YEntry): string => text.slice(e.value.span.start, e.value.span.end);
  const guaranteed = entry(limits, 'cpu') !== undefined && entry(limits, 'memory') !== undefined;
  const title = guaranteed ? 'Set requests equal to limits (Guaranteed)' : 'Set requests equal to limits';
  const requests = get(resources, 'requests');
  if (!isMap(requests)) {
    if (requests !== undefined && !(requests.type === 'scalar' && requests.value === null)) return undefined;
    if (requests !== undefined) {
      // `requests:` with no value: fill the block in place after the key.
      const key = entry(resources, 'requests');
      if (key === undefined) return undefined;
      const indent = ' '.repeat(columnOf(text, key.keySpan.start) + 2);
      const eol = eolOf(text);
      const block = limits.entries.map((e) => `${eol}${indent}${e.key}: ${valueText(e)}`).join('');
      return { title, edits: [{ span: { start: key.value.span.end, end: key.value.span.end }, newText: block }] };
    }
    if (limits.flow || limitsKey === undefined) {
      const edit = insertKey(text, resources, 'requests', `{${limits.entries.map((e) => `${e.key}: ${valueText(e)}`).join(', ')}}`);
      return edit === undefined ? undefined : { title, edits: [edit] };
    }
    const relative = Math.max(1, columnOf(text, limits.entries[0]?.keySpan.start ?? 0) - columnOf(text, limitsKey.keySpan.start));
    const block = limits.entries.map((e) => `\n${' '.repeat(relative)}${e.key}: ${valueText(e)}`).join('');
    const edit = insertKey(text, resources, 'requests', block);
    return edit === undefined ? undefined : { title, edits: [edit] };
  }
  const edits: TextEdit[] = [];
  let inserted: TextEdit | undefined;
  for (const limit of limits.entries) {
    const request = entry(requests, limit.key);
    if (request !== undefined) {
      if (!sameQuantity(request, limit)) edits.push(replace(request.value.span, valueText(limit)));
      continue;
    }
    const edit = insertKey(text, requests, limit.key, valueText(limit));
    if (edit === undefined) return undefined;
    // Several keys inserted at the same place: one edit, in limit order.
    if (inserted === undefined) {
      inserted = edit;
      edits.push(inserted);
    } else inserted.newText += edit.newText;
  }
  return edits.length === 0 ? undefined : { title, edits };
}

/** addPreemptionPolicyNever sets a PriorityClass's preemptionPolicy to Never, next to its `value:` when it adds the key. */
export function addPreemptionPolicyNever(text: string, object: K8sObject): TextEdit[] | undefined {
  if (object.kind !== 'PriorityClass') return undefined;
  const root = object.node;
  const field = entry(root, 'preemptionPolicy');
  if (field !== undefined) return stringValue(field.value) === 'Never' ? undefined : [replace(field.value.span, 'Never')];
  const anchor = entry(root, 'value') ?? entry(root, 'globalDefault');
  if (anchor !== undefined && !root.flow && anchor.value.type === 'scalar') {
    let lineEnd = text.indexOf('\n', anchor.value.span.end);
    if (lineEnd === -1) lineEnd = text.length;
    else if (text[lineEnd - 1] === '\r') lineEnd--;
    // A trailing comment stays on the `value:` line; the new key goes on the next line at the same column.
    const eol = eolOf(text);
    const indent = ' '.repeat(columnOf(text, anchor.keySpan.start));
    return [{ span: { start: lineEnd, end: lineEnd }, newText: `${eol}${indent}preemptionPolicy: Never` }];
  }
  const edit = insertKey(text, root, 'preemptionPolicy', 'Never');
  return edit === undefined ? undefined : [edit];
}
