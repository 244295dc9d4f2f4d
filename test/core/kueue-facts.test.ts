// Kueue's view of a workspace (core/facts/kueue-facts.ts): queue paths, Kueue priority beside pod priority, why a job
// is never admitted (Kueue's own flavor-assignment texts) and who Kueue could preempt it for.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseYamlDocument } from '../../server/src/core/syntax/parse-yaml';
import { get, isMap, stringValue } from '../../server/src/core/syntax/tree';
import { toObject } from '../../server/src/core/model/objects';
import type { K8sObject } from '../../server/src/core/model/objects';
import { KueueFacts } from '../../server/src/core/facts/kueue-facts';
import type { KueueJob } from '../../server/src/core/facts/kueue-facts';
import { analyze } from '../helpers/analyze';

/** Kueue objects read from their own documents, so KueueFacts is tested apart from the model (which reads them too). */
function kueueObjects(text: string): K8sObject[] {
  return text.split(/^---$/m).map((doc) => {
    const root = parseYamlDocument(doc, 0, doc.length, false).root;
    assert.ok(isMap(root));
    return toObject(root, stringValue(get(root, 'kind')) ?? '', 'kueue.yaml', 'workspace');
  });
}

const queues = `apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: wpc-low}
value: 100
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: WorkloadPriorityClass
metadata: {name: wpc-high}
value: 1000
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: tests}
spec:
  cohortName: ci
  namespaceSelector: {}
  preemption: {withinClusterQueue: LowerPriority}
  resourceGroups:
  - coveredResources: [cpu, memory]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 4, borrowingLimit: 2}, {name: memory, nominalQuota: 16Gi}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: evaluations}
spec:
  cohortName: ci
  namespaceSelector: {}
  preemption: {reclaimWithinCohort: Any, withinClusterQueue: LowerPriority}
  resourceGroups:
  - coveredResources: [cpu, memory]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 8, lendingLimit: 3}, {name: memory, nominalQuota: 32Gi}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata: {name: closed}
spec:
  resourceGroups:
  - coveredResources: [cpu]
    flavors:
    - name: default-flavor
      resources: [{name: cpu, nominalQuota: 4}]
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: tests, namespace: ci}
spec: {clusterQueue: tests}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: evaluations, namespace: ci}
spec: {clusterQueue: evaluations}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: closed, namespace: ci}
spec: {clusterQueue: closed}
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata: {name: lost, namespace: ci}
spec: {clusterQueue: evalutions}`;

function jobYaml(
  name: string,
  labels: Record<string, string>,
  opts: { parallelism?: number; cpu?: string; class?: string; templateLabels?: Record<string, string> } = {},
): string {
  const l = (m: Record<string, string>): string =>
    `{${Object.entries(m)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}}`;
  return [
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    `metadata: {name: ${name}, namespace: ci, labels: ${l(labels)}}`,
    'spec:',
    '  backoffLimit: 0',
    `  parallelism: ${opts.parallelism ?? 1}`,
    '  template:',
    `    metadata: {labels: ${l(opts.templateLabels ?? { app: name })}}`,
    '    spec:',
    ...(opts.class === undefined ? [] : [`      priorityClassName: ${opts.class}`]),
    '      restartPolicy: Never',
    `      containers: [{name: c, image: i, resources: {requests: {cpu: "${opts.cpu ?? '1'}", memory: 1Gi}}}]`,
  ].join('\n');
}

function facts(jobs: string[]): { facts: KueueFacts; job: (name: string) => KueueJob } {
  const classes =
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: ci-default}\nvalue: 100\nglobalDefault: true\n---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: pods-high}\nvalue: 10000\n';
  const { model } = analyze([
    { path: 'classes.yaml', content: classes },
    { path: 'jobs.yaml', content: jobs.join('\n') },
  ]);
  const f = new KueueFacts({
    objects: [...model.objects, ...kueueObjects(queues)],
    workloads: model.workloads,
    priorityClasses: model.classIndex,
  });
  return {
    facts: f,
    job: (name) => {
      const j = f.jobs.find((x) => x.workload.object.name === name);
      assert.ok(j !== undefined, `${name} is a Kueue job`);
      return j;
    },
  };
}

const q = (queue: string, wpc?: string): Record<string, string> => ({
  'kueue.x-k8s.io/queue-name': queue,
  ...(wpc === undefined ? {} : { 'kueue.x-k8s.io/priority-class': wpc }),
});

describe('Kueue facts of a workspace', () => {
  test('path, Kueue priority and pod priority of the story: WPC 1000 pods run at the globalDefault 100', () => {
    const { job } = facts([jobYaml('eval', q('evaluations', 'wpc-high')), jobYaml('tests', q('tests', 'wpc-low'))]);
    const ev = job('eval');
    assert.equal(ev.path, '/ci/evaluations');
    assert.equal(ev.priority.value, 1000);
    assert.equal(ev.workload.priority.priority, 100);
    assert.deepEqual(ev.problems, []);
  });

  test('who Kueue could preempt the tests for: the evaluations reclaim (Any), a higher test job within the queue', () => {
    const { facts: f, job } = facts([
      jobYaml('eval', q('evaluations', 'wpc-high')),
      jobYaml('tests', q('tests', 'wpc-low')),
      jobYaml('tests-urgent', q('tests', 'wpc-high')),
    ]);
    const preemptors = f.preemptorsOf(job('tests')).map((p) => [p.job.workload.object.name, p.paths.map((x) => x.reason).join('+')]);
    assert.deepEqual(preemptors, [
      ['eval', 'InCohortReclamation'],
      ['tests-urgent', 'InClusterQueue'],
    ]);
    // The tests queue does not reclaim: nothing in it can take quota back from the evaluations.
    assert.deepEqual(
      f.preemptorsOf(job('eval')).map((p) => p.job.workload.object.name),
      [],
    );
  });

  test('a queue label only on the pod template: Kueue ignores the job', () => {
    const { job } = facts([jobYaml('tmpl', { app: 'x' }, { templateLabels: q('tests') })]);
    assert.deepEqual(
      job('tmpl').problems.map((p) => p.kind),
      ['label-on-template'],
    );
  });

  test('a LocalQueue that does not exist (did you mean), one pointing at a missing ClusterQueue', () => {
    const { job } = facts([jobYaml('typo', q('test')), jobYaml('lost', q('lost'))]);
    const typo = job('typo').problems[0];
    assert.equal(typo?.kind, 'local-queue-not-found');
    assert.equal(typo?.kind === 'local-queue-not-found' ? typo.suggestions[0] : '', 'tests');
    const lost = job('lost').problems[0];
    assert.equal(lost?.kind, 'cluster-queue-not-found');
    assert.deepEqual(lost?.kind === 'cluster-queue-not-found' ? lost.suggestions : [], ['evaluations']);
  });

  test('a nil namespaceSelector admits no namespace; a resource no group covers', () => {
    const { job } = facts([jobYaml('closed', q('closed'))]);
    const problems = job('closed').problems;
    assert.deepEqual(
      problems.map((p) => p.kind),
      ['namespace-not-admitted', 'resource-not-covered'],
    );
    const uncovered = problems[1];
    assert.equal(
      uncovered?.kind === 'resource-not-covered' ? uncovered.message : '',
      "couldn't assign flavors to pod set main: resource memory unavailable in ClusterQueue",
    );
  });

  test('capacity as Kueue computes it: nominal + what the cohort lends, capped by borrowingLimit', () => {
    const { facts: f } = facts([]);
    const tests = f.clusterQueues.get('tests');
    const evaluations = f.clusterQueues.get('evaluations');
    assert.ok(tests !== undefined && evaluations !== undefined);
    // tests: 4 nominal + min(borrowingLimit 2, what the cohort holds beyond it) = 6 cpu.
    assert.equal(f.maxCapacity(tests, 'default-flavor', 'cpu'), 6000);
    // evaluations keeps 8-3 = 5 for itself and can borrow what the cohort holds: 4 (tests) + 3 (its lent part) = 12.
    assert.equal(f.maxCapacity(evaluations, 'default-flavor', 'cpu'), 12000);
  });

  test('a job larger than the queue can ever hold: Kueue never admits it, with its own message', () => {
    const { job } = facts([jobYaml('big', q('tests'), { parallelism: 4, cpu: '2' })]);
    const [p] = job('big').problems;
    assert.equal(p?.kind, 'never-fits');
    assert.equal(
      p?.kind === 'never-fits' ? p.message : '',
      "couldn't assign flavors to pod set main: insufficient quota for cpu in flavor default-flavor, previously considered podsets requests (0) + current podset request (8) > maximum capacity (6)",
    );
  });

  test('a missing WorkloadPriorityClass: no Workload at all', () => {
    const { job } = facts([jobYaml('nowpc', q('tests', 'wpc-medium'))]);
    assert.equal(job('nowpc').priority.value, undefined);
    assert.deepEqual(
      job('nowpc').problems.map((p) => p.kind),
      ['priority'],
    );
  });
});
