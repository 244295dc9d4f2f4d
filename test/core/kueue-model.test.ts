// KueueFacts in the workspace model (issue 21, step 2): built from the model's objects and analysed workloads, and
// an edit of a Kueue object, a Namespace's labels or a PriorityClass names the files of the jobs that read it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnalysisHost } from '../../server/src/core/index';
import { yaml } from '../helpers/analyze';

const queues = (value: number, quota = '4'): string =>
  yaml(
    'apiVersion: kueue.x-k8s.io/v1beta2',
    'kind: WorkloadPriorityClass',
    'metadata: {name: high}',
    `value: ${value}`,
    '---',
    'apiVersion: kueue.x-k8s.io/v1beta2',
    'kind: ClusterQueue',
    'metadata: {name: team-a}',
    'spec:',
    '  namespaceSelector: {}',
    '  resourceGroups:',
    '  - coveredResources: [cpu]',
    '    flavors:',
    '    - name: default-flavor',
    `      resources: [{name: cpu, nominalQuota: ${quota}}]`,
    '---',
    'apiVersion: kueue.x-k8s.io/v1beta2',
    'kind: LocalQueue',
    'metadata: {name: lq, namespace: ci}',
    'spec: {clusterQueue: team-a}',
  );

const job = (name: string, queue: string): string =>
  yaml(
    'apiVersion: batch/v1',
    'kind: Job',
    `metadata: {name: ${name}, namespace: ci, labels: {kueue.x-k8s.io/queue-name: ${queue}, kueue.x-k8s.io/priority-class: high}}`,
    'spec:',
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: main, image: main:1, resources: {requests: {cpu: "1"}}}]',
  );

function host(): AnalysisHost {
  const h = new AnalysisHost({ kubernetesMinor: 36 }, { severities: {} });
  h.setFile({ path: 'queues.yaml', content: queues(1000) });
  h.setFile({ path: 'a.yaml', content: job('a', 'lq') });
  h.setFile({ path: 'b.yaml', content: job('b', 'other') });
  h.setFile({
    path: 'plain.yaml',
    content: yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: ci}', 'spec: {containers: [{name: c, image: c:1}]}'),
  });
  return h;
}

describe('KueueFacts in the workspace model', () => {
  test("the model's Kueue view: paths, priorities and problems of the queued jobs", () => {
    const { model } = host().analyze();
    const jobs = model.kueue.jobs.map((j) => [j.workload.object.name, j.path, j.priority.value, j.problems.map((p) => p.kind)]);
    assert.deepEqual(jobs, [
      ['a', '/team-a', 1000, []],
      ['b', undefined, 1000, ['local-queue-not-found']],
    ]);
  });

  test('a WorkloadPriorityClass value edit re-checks the jobs that use it, and only the model follows', () => {
    const h = host();
    h.analyze();
    h.setFile({ path: 'queues.yaml', content: queues(5) });
    const { findings, model } = h.analyze();
    assert.deepEqual([...findings.keys()].sort(), ['a.yaml', 'b.yaml', 'queues.yaml']);
    assert.deepEqual(
      model.kueue.jobs.map((j) => j.priority.value),
      [5, 5],
    );
  });

  test('a quota edit re-checks the job it no longer fits, not the other; a job edit that changes nothing Kueue reads stays local', () => {
    const h = host();
    h.analyze();
    h.setFile({ path: 'queues.yaml', content: queues(1000, '500m') });
    const { findings, model } = h.analyze();
    assert.deepEqual([...findings.keys()].sort(), ['a.yaml', 'queues.yaml']);
    assert.deepEqual(
      model.kueue.jobs[0]?.problems.map((p) => p.kind),
      ['never-fits'],
    );
    h.setFile({ path: 'b.yaml', content: job('b', 'other').replace('main:1', 'main:2') });
    assert.deepEqual([...h.analyze().findings.keys()], ['b.yaml']);
  });
});
