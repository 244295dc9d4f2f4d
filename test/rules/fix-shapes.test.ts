// Quick fixes on manifests written in flow style or as JSON, which the rule fixtures (block YAML) do not show: a fix
// edits the one entry it means and leaves the file readable as before. kubectl reads a file whose first character is
// `{` as JSON, so such a file must still be JSON after the fix.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze, findingsOf } from '../helpers/analyze';
import { applyEdits } from '../helpers/edits';

/** fixed applies the fix of the one finding of `ruleId` in `text` (a one-file workspace named `file`). */
function fixed(ruleId: string, text: string, file = 'test.yaml'): string {
  const found = findingsOf(analyze([{ path: file, content: text }]).findings, ruleId);
  assert.equal(found.length, 1, `expected one ${ruleId} finding, got ${found.map((f) => f.message).join(' / ')}`);
  const fix = found[0]?.fix;
  assert.ok(fix !== undefined, `the ${ruleId} finding has no fix`);
  const result = applyEdits(text, fix.edits);
  assert.deepEqual(findingsOf(analyze([{ path: file, content: result }]).findings, ruleId), [], `the fix leaves the finding:\n${result}`);
  return result;
}

const highClass = 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\n---\n';

test('removing spec.priority from a flow-style spec keeps the rest of the spec', () => {
  const text = `${highClass}apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priorityClassName: high, priority: 5, containers: [{name: a, image: nginx}]}\n`;
  assert.equal(
    fixed('priority-conflicts-with-class', text),
    `${highClass}apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {priorityClassName: high, containers: [{name: a, image: nginx}]}\n`,
  );
});

test('removing spec.priority from one-line JSON keeps the document', () => {
  const text = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"priority":5,"containers":[{"name":"a","image":"nginx"}]}}';
  const result = fixed('priority-conflicts-with-class', text, 'pod.json');
  assert.equal(result, '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"a","image":"nginx"}]}}');
  JSON.parse(result);
});

test('removing the last key of a JSON object takes the comma before it', () => {
  const text = '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},\n  "spec": {\n    "containers": [{"name": "a", "image": "nginx"}],\n    "preemptionPolicy": "Never"\n  }\n}\n';
  const result = fixed('priority-conflicts-with-class', text, 'pod.json');
  assert.equal(
    result,
    '{\n  "apiVersion": "v1",\n  "kind": "Pod",\n  "metadata": {"name": "p"},\n  "spec": {\n    "containers": [{"name": "a", "image": "nginx"}]\n  }\n}\n',
  );
  JSON.parse(result);
});

test('removing an empty pod-level resources stanza from a flow-style spec keeps the containers', () => {
  const text =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {resources: {}, containers: [{name: a, image: nginx, resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}}]}\n';
  assert.equal(
    fixed('pod-level-resources-empty', text),
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, image: nginx, resources: {requests: {cpu: 1, memory: 1Gi}, limits: {cpu: 1, memory: 1Gi}}}]}\n',
  );
});

test('a corrected string in a JSON file stays a JSON string', () => {
  const policy = fixed(
    'priority-class-invalid-preemption-policy',
    '{"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "batch"}, "value": 10, "preemptionPolicy": "never"}',
    'class.json',
  );
  assert.equal((JSON.parse(policy) as { preemptionPolicy: string }).preemptionPolicy, 'Never');
  const name = fixed(
    'priority-class-not-found',
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"priorityClassName": "system-node-critcal", "containers": [{"name": "a", "image": "nginx"}]}}',
    'pod.json',
  );
  assert.equal((JSON.parse(name) as { spec: { priorityClassName: string } }).spec.priorityClassName, 'system-node-critical');
});

test('a corrected class name that YAML would read as a number is quoted', () => {
  const text =
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: "1000"}\nvalue: 1000\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  priorityClassName: "1001"\n  containers: [{name: a, image: nginx}]\n';
  assert.match(fixed('priority-class-not-found', text), /priorityClassName: "1000"\n/);
});
