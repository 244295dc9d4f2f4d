// Test helpers: Kueue ClusterQueues and Cohorts written as YAML and read by the core (readKueueObject), in the shape of
// Kueue's own test wrappers (utiltestingapi.MakeClusterQueue(...).ResourceGroup(...).Resource(name, nominal, borrowing,
// lending)), so tables ported from Kueue's tests read like the originals.
import assert from 'node:assert/strict';
import { parseYamlDocument } from '../../server/src/core/syntax/parse-yaml';
import { get, isMap, stringValue } from '../../server/src/core/syntax/tree';
import { toObject } from '../../server/src/core/model/objects';
import { readKueueObject } from '../../server/src/core/semantics/kueue-objects';
import type { ClusterQueue, Cohort } from '../../server/src/core/semantics/kueue-objects';

function read(text: string): ClusterQueue | Cohort {
  const root = parseYamlDocument(text, 0, text.length, false).root;
  assert.ok(isMap(root));
  const r = readKueueObject(toObject(root, stringValue(get(root, 'kind')) ?? '', 'kueue.yaml', 'workspace'));
  assert.ok(r !== undefined && (r.read.kind === 'ClusterQueue' || r.read.kind === 'Cohort'));
  assert.deepEqual(r.problems, []);
  return r.read.value;
}

/** `[nominal, borrowingLimit?, lendingLimit?]` per flavor/resource, as upstream's Resource(name, nominal, borrowing, lending). */
export type Quotas = Record<string, Record<string, [string, string?, string?]>>;

export function clusterQueue(name: string, o: { cohort?: string; quotas: Quotas; preemption?: string[]; weight?: string }): ClusterQueue {
  const groups = groupsYaml(o.quotas);
  const text = [
    'apiVersion: kueue.x-k8s.io/v1beta2',
    'kind: ClusterQueue',
    `metadata: {name: ${name}}`,
    'spec:',
    ...(o.cohort !== undefined ? [`  cohortName: ${o.cohort}`] : []),
    '  resourceGroups:',
    ...groups,
    ...(o.preemption !== undefined ? ['  preemption:', ...o.preemption.map((p) => `    ${p}`)] : []),
    ...(o.weight !== undefined ? [`  fairSharing: {weight: "${o.weight}"}`] : []),
  ].join('\n');
  return read(text) as ClusterQueue;
}

export function cohort(name: string, parent?: string, quotas?: Quotas): Cohort {
  const text = [
    'apiVersion: kueue.x-k8s.io/v1beta2',
    'kind: Cohort',
    `metadata: {name: ${name}}`,
    'spec:',
    ...(parent !== undefined ? [`  parentName: ${parent}`] : []),
    ...(quotas !== undefined ? ['  resourceGroups:', ...groupsYaml(quotas)] : []),
  ].join('\n');
  return read(text) as Cohort;
}

function groupsYaml(quotas: Quotas): string[] {
  const groups: string[] = [];
  // One resource group per distinct resource set, as upstream's ResourceGroup(...) calls build them.
  const bySet = new Map<string, string[]>();
  for (const [flavor, resources] of Object.entries(quotas)) {
    const set = Object.keys(resources).join(',');
    bySet.set(set, [...(bySet.get(set) ?? []), flavor]);
  }
  for (const [set, flavors] of bySet) {
    groups.push(`  - coveredResources: [${set}]`, '    flavors:');
    for (const f of flavors) {
      groups.push(`    - name: ${f}`, '      resources:');
      for (const [r, [nominal, borrowing, lending]] of Object.entries(quotas[f] ?? {})) {
        groups.push(`      - name: ${r}`, `        nominalQuota: "${nominal}"`);
        if (borrowing !== undefined && borrowing !== '') groups.push(`        borrowingLimit: "${borrowing}"`);
        if (lending !== undefined) groups.push(`        lendingLimit: "${lending}"`);
      }
    }
  }
  return groups;
}
