// A queued job's Kueue facts carry what fair sharing means for it (kueueFairSharingNote) when its ClusterQueue's
// cohort tree uses fair sharing: `kpl explain`'s kueue.fairSharing, the hover and the code lens.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explainKueue, kueueSummary } from '../../server/src/core/explain/kueue';
import { analyze, workload } from '../helpers/analyze';

function workspace(weights: { tests?: string; evals?: string }, cohortOfEvals = 'ci'): string {
  const cq = (name: string, cohort: string, weight: string | undefined): string => `apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: ${name}}
spec:
  cohortName: ${cohort}
  namespaceSelector: {}
${weight === undefined ? '' : `  fairSharing: {weight: "${weight}"}\n`}  preemption: {reclaimWithinCohort: Any, withinClusterQueue: LowerPriority}
  resourceGroups:
  - coveredResources: [cpu]
    flavors: [{name: default, resources: [{name: cpu, nominalQuota: "4"}]}]
`;
  const job = (name: string, queue: string): string => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}, namespace: ci, labels: {kueue.x-k8s.io/queue-name: ${queue}}}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: c:1, resources: {requests: {cpu: "1"}}}]
`;
  return [
    cq('tests', 'ci', weights.tests),
    cq('evals', cohortOfEvals, weights.evals),
    `apiVersion: kueue.x-k8s.io/v1beta2\nkind: ResourceFlavor\nmetadata: {name: default}\n`,
    `apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata: {name: tests, namespace: ci}\nspec: {clusterQueue: tests}\n`,
    `apiVersion: kueue.x-k8s.io/v1beta2\nkind: LocalQueue\nmetadata: {name: evals, namespace: ci}\nspec: {clusterQueue: evals}\n`,
    job('unit', 'tests'),
    job('eval', 'evals'),
  ].join('---\n');
}

describe('Kueue fair sharing note on a queued job', () => {
  test('a cohort where one queue sets a weight: explain, hover summary and lens say what the weights imply', () => {
    const { model } = analyze(workspace({ tests: '2' }));
    const unit = explainKueue(model, workload(model, 'unit'));
    assert.ok(unit?.fairSharing !== undefined);
    assert.match(unit.fairSharing, /^fair sharing: depends on live usage; the weights imply: /);
    assert.match(unit.fairSharing, /Weights: evals 1, tests 2\./);
    assert.match(unit.fairSharing, /For equal borrowing tests's share is half of evals's, so evals's Workloads are preempted first/);
    // The queue without a weight is in the same tree: its jobs carry the note too (weight 1 by default).
    const evalJob = explainKueue(model, workload(model, 'eval'));
    assert.match(evalJob?.fairSharing ?? '', /Weights: evals 1, tests 2\./);
    const summary = kueueSummary(model, workload(model, 'unit'));
    assert.equal(summary?.fairSharing, unit.fairSharing);
    assert.match(summary?.preemption ?? '', / · fair sharing: depends on live usage$/);
  });

  test('a weight of 0 is named: its queue is preempted first whenever it borrows', () => {
    const { model } = analyze(workspace({ tests: '1', evals: '0' }));
    assert.match(explainKueue(model, workload(model, 'unit'))?.fairSharing ?? '', /evals has weight 0: whenever it borrows/);
  });

  test('no queue of the tree sets fairSharing: no note, and the lens text is unchanged', () => {
    const { model } = analyze(workspace({}));
    assert.equal(explainKueue(model, workload(model, 'unit'))?.fairSharing, undefined);
    assert.doesNotMatch(kueueSummary(model, workload(model, 'unit'))?.preemption ?? '', /fair sharing/);
  });

  test('a weight in another cohort tree does not reach this one', () => {
    const { model } = analyze(workspace({ evals: '3' }, 'research'));
    assert.equal(explainKueue(model, workload(model, 'unit'))?.fairSharing, undefined);
    assert.match(explainKueue(model, workload(model, 'eval'))?.fairSharing ?? '', /across cohort research/);
  });
});
