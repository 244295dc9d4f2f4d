// Pure parts of the language server layer: glob matching, settings parsing, edit builders, URI keys.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineIndex, parseFile, rules } from '../../server/src/core/index';
import type { YMap } from '../../server/src/core/syntax/tree';
import { get } from '../../server/src/core/index';
import { addPreemptionPolicyNever, requestsEqualLimits } from '../../server/src/core/edits/quick-fixes';
import { matchesAny } from '../../server/src/lsp/glob';
import { readSettings } from '../../server/src/lsp/settings';
import { canonicalUri, pathToUri } from '../../server/src/lsp/uri';
import { toDiagnostic } from '../../server/src/lsp/to-lsp';

function apply(text: string, edits: { span: { start: number; end: number }; newText: string }[]): string {
  return [...edits]
    .sort((a, b) => b.span.start - a.span.start)
    .reduce((t, e) => t.slice(0, e.span.start) + e.newText + t.slice(e.span.end), text);
}

test('globs: **, *, ?, braces, classes, folder prefixes', () => {
  assert.ok(matchesAny('charts/app/templates/deploy.yaml', ['charts/**/templates/**']));
  assert.ok(matchesAny('a/b/.git/config', ['**/.git']));
  assert.ok(matchesAny('node_modules/x/y.yaml', ['node_modules']));
  assert.ok(!matchesAny('src/node_modules.yaml', ['node_modules']));
  assert.ok(matchesAny('test-job.yaml', ['test-*.yaml']));
  assert.ok(!matchesAny('dir/test-job.yaml', ['test-*.yaml']));
  assert.ok(matchesAny('x/a.yml', ['**/*.{yaml,yml}']));
  assert.ok(matchesAny('v1.json', ['v?.json']));
  assert.ok(matchesAny('b.yaml', ['[abc].yaml']));
  assert.ok(!matchesAny('d.yaml', ['[abc].yaml']));
  assert.ok(!matchesAny('a.yaml', []));
});

test('settings: defaults, nested and flattened rule keys, bad values ignored', () => {
  assert.deepEqual(readSettings(null).rules, {});
  assert.equal(readSettings(undefined).clusterAware, true);
  const logs: string[] = [];
  const s = readSettings(
    {
      clusterAware: false,
      exclude: ['a/**', 3],
      rules: { 'missing-requests': 'error', nope: 'off', 'preemption-risk': 'loud' },
      'rules.priority-class-unused': false,
    },
    (m) => logs.push(m),
  );
  assert.equal(s.clusterAware, false);
  assert.deepEqual(s.exclude, ['a/**']);
  assert.deepEqual(s.rules, { 'missing-requests': 'error', 'priority-class-unused': 'off' });
  assert.equal(logs.length, 2);
});

test('requests = limits: adds a missing requests block at the limits indentation', () => {
  const text =
    'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      resources:\n        # keep me\n        limits:\n            cpu: "2"\n            memory: 1Gi\n';
  const container = get(parseFile({ path: 'p.yaml', content: text }).objects[0]?.node, 'spec', 'containers', 0) as YMap;
  const result = requestsEqualLimits(text, container);
  assert.equal(result?.title, 'Set requests equal to limits (Guaranteed)');
  assert.equal(
    apply(text, result?.edits ?? []),
    'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      resources:\n        # keep me\n        requests:\n            cpu: "2"\n            memory: 1Gi\n        limits:\n            cpu: "2"\n            memory: 1Gi\n',
  );
});

test('requests = limits: fixes differing and missing requests, nothing when already equal', () => {
  const text =
    'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      resources:\n        requests:\n          cpu: 100m # low\n        limits:\n          cpu: "1"\n          memory: 512Mi\n';
  const container = get(parseFile({ path: 'p.yaml', content: text }).objects[0]?.node, 'spec', 'containers', 0) as YMap;
  const fixed = apply(text, requestsEqualLimits(text, container)?.edits ?? []);
  assert.equal(
    fixed,
    'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      resources:\n        requests:\n          memory: 512Mi\n          cpu: "1" # low\n        limits:\n          cpu: "1"\n          memory: 512Mi\n',
  );
  const again = get(parseFile({ path: 'p.yaml', content: fixed }).objects[0]?.node, 'spec', 'containers', 0) as YMap;
  assert.equal(requestsEqualLimits(fixed, again), undefined);
});

test('preemptionPolicy: Never goes after value:, or replaces an existing policy', () => {
  const text =
    'apiVersion: scheduling.k8s.io/v1\r\nkind: PriorityClass\r\nmetadata:\r\n  name: batch\r\nvalue: 10 # low\r\ndescription: x\r\n';
  const object = parseFile({ path: 'c.yaml', content: text }).objects[0];
  assert.ok(object);
  assert.equal(
    apply(text, addPreemptionPolicyNever(text, object) ?? []),
    'apiVersion: scheduling.k8s.io/v1\r\nkind: PriorityClass\r\nmetadata:\r\n  name: batch\r\nvalue: 10 # low\r\npreemptionPolicy: Never\r\ndescription: x\r\n',
  );
  const other = 'kind: PriorityClass\nmetadata:\n  name: b\nvalue: 1\npreemptionPolicy: PreemptLowerPriority\n';
  const o2 = parseFile({ path: 'c.yaml', content: other }).objects[0];
  assert.ok(o2);
  assert.equal(
    apply(other, addPreemptionPolicyNever(other, o2) ?? []),
    'kind: PriorityClass\nmetadata:\n  name: b\nvalue: 1\npreemptionPolicy: Never\n',
  );
});

test('URIs: disk paths and editor URIs share one key', () => {
  assert.equal(pathToUri('/tmp/a b/c@d.yaml'), 'file:///tmp/a%20b/c%40d.yaml');
  assert.equal(canonicalUri('file:///tmp/a%20b/c@d.yaml'), 'file:///tmp/a%20b/c%40d.yaml');
  assert.equal(canonicalUri('untitled:Untitled-1'), 'untitled:Untitled-1');
});

test("diagnostic tags come from the rule's metadata: priority-class-unused is Unnecessary, the others untagged", () => {
  const index = new LineIndex('kind: PriorityClass\n');
  const finding = (ruleId: string) => ({ ruleId, severity: 'hint' as const, message: 'm', file: 'f.yaml', span: { start: 0, end: 4 } });
  assert.deepEqual(toDiagnostic(finding('priority-class-unused'), index, 'https://x').tags, [1]); // DiagnosticTag.Unnecessary
  assert.equal(toDiagnostic(finding('missing-requests'), index, 'https://x').tags, undefined);
  assert.deepEqual(
    rules.filter((r) => r.tags !== undefined).map((r) => [r.id, r.tags]),
    [['priority-class-unused', ['unnecessary']]],
  );
});
