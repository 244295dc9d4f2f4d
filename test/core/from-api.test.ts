// The direct path from API objects to the object model (core/model/from-api.ts) gives the same objects as reading the
// same values' JSON text with parseFile: identities, labels, annotations, field problems and the whole tree (values,
// their source text, quoting, key order), every span empty. Checked on every manifest object of the repository.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { nodeFromValue } from '../../server/src/core/syntax/from-value';
import { parseFile, parsedFromApi } from '../../server/src/core/index';
import { objectsFromApi } from '../../server/src/core/model/from-api';
import { readWorkload } from '../../server/src/core/model/workload';
import type { K8sObject, YNode } from '../../server/src/core/index';
import { repoRoot } from '../helpers/analyze';

const root = repoRoot();

function manifests(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) manifests(full, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

/** The value a tree holds, as JSON would carry it. */
function value(node: YNode): unknown {
  switch (node.type) {
    case 'scalar':
      return typeof node.value === 'bigint' ? Number(node.value) : node.value;
    case 'seq':
      return node.items.map(value);
    case 'map':
      return Object.fromEntries(node.entries.map((e) => [e.key, value(e.value)]));
  }
}

/** Everything of a tree but its spans. */
function shape(node: YNode): unknown {
  switch (node.type) {
    case 'scalar':
      return ['scalar', node.value, node.source, node.quoted, node.span];
    case 'seq':
      return ['seq', node.flow, node.span, node.items.map(shape)];
    case 'map':
      return ['map', node.flow, node.span, node.index?.size ?? null, node.entries.map((e) => [e.key, e.keySpan, shape(e.value)])];
  }
}

const nowhere = { start: 0, end: 0 };
function withoutSpans(o: K8sObject): unknown {
  const { node, span, nameSpan, fieldProblems, ...rest } = o;
  return { ...rest, fieldProblems: fieldProblems.map((p) => p.message), tree: JSON.stringify(shapeNoSpans(node)) };
}
function shapeNoSpans(node: YNode): unknown {
  return JSON.parse(
    JSON.stringify(shape(node), (k, v: unknown) => (k === '' || typeof v !== 'object' || v === null || !('start' in v) ? v : null)),
  );
}

test('objects read from API values equal the objects parsed from their JSON text, on every manifest of the repository', () => {
  const values: unknown[] = [];
  for (const dir of ['test/rules', 'test/scenarios', 'examples'])
    for (const file of manifests(path.join(root, dir)))
      for (const o of parseFile({ path: file, content: fs.readFileSync(file, 'utf8') }).objects) values.push(value(o.node));
  assert.ok(values.length > 200, `only ${values.length} objects found`);
  const fromText = parseFile({
    path: 'x.json',
    content: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: values }),
    origin: 'cluster',
  });
  const direct = objectsFromApi(values, 'x.json');
  assert.equal(direct.length, fromText.objects.length);
  direct.forEach((o, i) => {
    const t = fromText.objects[i];
    assert.ok(t !== undefined);
    assert.deepEqual(withoutSpans(o), withoutSpans(t), o.id);
    assert.deepEqual(o.span, nowhere);
    assert.deepEqual(o.nameSpan, nowhere);
    // What the typed readers derive is the same too (requests, limits, selectors, Job fields).
    if (['Pod', 'Deployment', 'Job', 'CronJob', 'StatefulSet', 'DaemonSet'].includes(o.kind)) {
      const a = readWorkload(o);
      const b = readWorkload(t);
      assert.deepEqual(
        [a.podLabels, a.replicas, a.priority?.value, a.containers.map((c) => [c.requests.values, c.limits.values]), a.problems.length],
        [b.podLabels, b.replicas, b.priority?.value, b.containers.map((c) => [c.requests.values, c.limits.values]), b.problems.length],
        o.id,
      );
    }
  });
});

test('values JSON cannot hold read as JSON would carry them; depth is bounded; nothing throws', () => {
  const v = nodeFromValue({ a: undefined, b: Number.NaN, c: [undefined, () => 1], d: new Date('2026-01-02T03:04:05Z'), e: 10n });
  assert.deepEqual(value(v), { b: null, c: [null, null], d: '2026-01-02T03:04:05.000Z', e: 10 });
  let deep: unknown = 'leaf';
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.doesNotThrow(() => nodeFromValue(deep));
  const cyclic: Record<string, unknown> = { kind: 'Pod', metadata: { name: 'p' } };
  cyclic['self'] = cyclic;
  assert.equal(objectsFromApi([cyclic], 'c.json').length, 1);
});

test('parsedFromApi names the file, keeps no text and flattens kind: List values', () => {
  const parsed = parsedFromApi('cluster:///ctx/PriorityClass.yaml', [
    {
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'a' }, value: 5 }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ignored' } },
  ]);
  assert.equal(parsed.text, '');
  assert.deepEqual(
    parsed.objects.map((o) => [o.file, o.origin, o.id]),
    [['cluster:///ctx/PriorityClass.yaml', 'cluster', 'PriorityClass/a']],
  );
});
