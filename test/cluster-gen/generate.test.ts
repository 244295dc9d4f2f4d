// The scenario generator of the randomized differential run (test/real-cluster/generate.ts): deterministic per seed,
// within the sizes issue 17 asks for, and valid input for both sides (every bound pod fits its node, names unique).
/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- parsed YAML of the generated objects (K8sObject, like the real-cluster suites), checked field by field */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { generateScenario } from '../real-cluster/generate';
import type { K8sObject } from '../real-cluster/harness';

const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mebi = (q: string) => (q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : Number(q.slice(0, -2)));

test('the same seed gives the same scenario, another seed another one', () => {
  assert.equal(generateScenario(42).yaml, generateScenario(42).yaml);
  assert.notEqual(generateScenario(42).yaml, generateScenario(43).yaml);
  assert.equal(generateScenario(42).name, 'random-42');
});

test('sizes, placement and references of 120 generated scenarios', () => {
  const features = new Set<string>();
  for (let seed = 1; seed <= 120; seed++) {
    const sc = generateScenario(seed);
    sc.features.forEach((f) => features.add(f));
    const docs = parseAllDocuments(sc.yaml).map((d) => d.toJS() as K8sObject);
    assert.deepEqual(docs, JSON.parse(JSON.stringify(sc.objects)), `seed ${seed}: YAML and objects agree`);
    const nodes = docs.filter((o) => o.kind === 'Node');
    const pods = docs.filter((o) => o.kind === 'Pod');
    const bound = pods.filter((p) => p.spec.nodeName);
    assert.ok(nodes.length >= 2 && nodes.length <= 8, `seed ${seed}: ${nodes.length} nodes`);
    assert.ok(bound.length <= 40, `seed ${seed}: ${bound.length} bound pods`);
    assert.equal(pods.filter((p) => !p.spec.nodeName).length, 1, `seed ${seed}: one pending pod`);
    assert.equal(new Set(pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).size, pods.length);
    const classes = new Set(docs.filter((o) => o.kind === 'PriorityClass').map((o) => o.metadata.name));
    for (const p of pods) if (p.spec.priorityClassName) assert.ok(classes.has(p.spec.priorityClassName), `seed ${seed}: class defined`);
    for (const n of nodes) {
      const on = bound.filter((p) => p.spec.nodeName === n.metadata.name);
      const cpu = on.reduce((s, p) => s + milli(p.spec.containers[0].resources.requests.cpu), 0);
      const mem = on.reduce((s, p) => s + mebi(p.spec.containers[0].resources.requests.memory), 0);
      assert.ok(cpu <= milli(n.status.allocatable.cpu), `seed ${seed}: cpu of ${n.metadata.name}`);
      assert.ok(mem <= mebi(n.status.allocatable.memory), `seed ${seed}: memory of ${n.metadata.name}`);
      assert.ok(on.length <= Number(n.status.allocatable.pods), `seed ${seed}: pods of ${n.metadata.name}`);
      assert.ok(on.filter((p) => p.spec.containers[0].ports).length <= 1, `seed ${seed}: one host port user per node`);
    }
    for (const rs of docs.filter((o) => o.kind === 'ReplicaSet')) {
      const owned = bound.filter((p) => p.metadata.ownerReferences?.[0]?.name === rs.metadata.name);
      assert.equal(rs.spec.replicas, owned.length, `seed ${seed}: replicas of ${rs.metadata.name} = its pods`);
      // The pending pod never matches an owner's selector (the controller would adopt it).
      assert.ok(!rs.spec.selector.matchLabels.rs || !pods.some((p) => !p.spec.nodeName && p.metadata.labels.rs));
    }
  }
  for (const f of [
    'pdb',
    'owners',
    'taints',
    'host-ports',
    'pod-anti-affinity',
    'pod-affinity',
    'topology-spread',
    'preemption-never',
    'node-affinity',
  ])
    assert.ok(features.has(f), `feature ${f} exercised`);
});
