// Kinds are identified by group and kind (issue 17, 1b): custom resources named like built-in workloads are not
// analysed as workloads, and objects in API versions the modelled Kubernetes no longer serves do not exist (R-B.6).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBuiltInGroup } from '../../server/src/core/model/objects';
import { removedApiVersion } from '../../server/src/core/semantics/api-versions';
import { analyze, findingsOf, yaml } from '../helpers/analyze';

describe('custom resources are not built-in workloads', () => {
  const cases: Array<[string, string, boolean]> = [
    ['Job', 'batch/v1', true],
    ['Job', 'batch.volcano.sh/v1alpha1', false],
    ['DaemonSet', 'apps.kruise.io/v1alpha1', false],
    ['StatefulSet', 'apps.kruise.io/v1beta1', false],
    ['Deployment', 'apps/v1', true],
    ['Deployment', 'extensions/v1beta1', true],
    ['CronJob', 'batch/v1', true],
    ['Pod', 'v1', true],
    ['Pod', 'example.com/v1', false],
    ['PriorityClass', 'scheduling.k8s.io/v1', true],
    ['Job', '', true],
    ['ClusterQueue', 'kueue.x-k8s.io/v1beta2', true],
    ['LocalQueue', 'kueue.x-k8s.io/v1beta1', true],
    ['WorkloadPriorityClass', 'kueue.x-k8s.io/v1beta2', true],
    ['ClusterQueue', 'example.com/v1', false],
    ['ResourceFlavor', 'example.com/v1', false],
  ];
  for (const [kind, apiVersion, want] of cases)
    test(`${kind} in "${apiVersion}" is ${want ? '' : 'not '}built-in`, () => assert.equal(isBuiltInGroup(kind, apiVersion), want));

  test('a Volcano Job is not reported as a BestEffort priority-0 workload', () => {
    const { model } = analyze(
      yaml(
        'apiVersion: batch.volcano.sh/v1alpha1',
        'kind: Job',
        'metadata:',
        '  name: train',
        'spec:',
        '  tasks:',
        '    - name: worker',
        '      template:',
        '        spec:',
        '          containers:',
        '            - name: w',
        '              image: w:1',
      ),
    );
    assert.deepEqual(
      model.workloads.map((w) => w.object.id),
      [],
    );
  });
});

describe('removed API versions (R-B.6)', () => {
  test('policy/v1beta1 PDB is served up to 1.24, removed from 1.25', () => {
    assert.equal(removedApiVersion('PodDisruptionBudget', 'policy/v1beta1', 24), undefined);
    assert.deepEqual(removedApiVersion('PodDisruptionBudget', 'policy/v1beta1', 25), { removedIn: 25, replacement: 'policy/v1' });
  });
  test('scheduling.k8s.io/v1beta1 PriorityClass removed in 1.22; v1 never', () => {
    assert.equal(removedApiVersion('PriorityClass', 'scheduling.k8s.io/v1beta1', 21), undefined);
    assert.equal(removedApiVersion('PriorityClass', 'scheduling.k8s.io/v1beta1', 22)?.replacement, 'scheduling.k8s.io/v1');
    assert.equal(removedApiVersion('PriorityClass', 'scheduling.k8s.io/v1', 36), undefined);
  });
  test('a v1beta1 PriorityClass resolves no pod priority and a v1beta1 PDB covers nothing (1.36)', () => {
    const { model, findings } = analyze(
      yaml(
        'apiVersion: scheduling.k8s.io/v1beta1',
        'kind: PriorityClass',
        'metadata:',
        '  name: legacy',
        'value: 1000',
        '---',
        'apiVersion: policy/v1beta1',
        'kind: PodDisruptionBudget',
        'metadata:',
        '  name: web',
        'spec:',
        '  minAvailable: 1',
        '  selector:',
        '    matchLabels:',
        '      app: web',
        '---',
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: web',
        '  labels:',
        '    app: web',
        'spec:',
        '  priorityClassName: legacy',
        '  containers:',
        '    - name: app',
        '      image: app:1',
      ),
    );
    const pod = model.workloads.find((w) => w.object.name === 'web');
    assert.equal(pod?.priority.admission.allowed, false, 'the class does not exist: the apiserver rejects the pod');
    assert.deepEqual(pod?.pdbs, []);
    assert.equal(findingsOf(findings, 'api-version-removed').length, 2);
    assert.equal(findingsOf(findings, 'priority-class-not-found').length, 1);
  });
});

describe("Kueue's objects are read from the model (issue 21)", () => {
  test('both API versions are read, LocalQueue namespaced and the other kinds cluster-scoped', () => {
    const { model } = analyze(
      yaml(
        'apiVersion: kueue.x-k8s.io/v1beta1',
        'kind: ClusterQueue',
        'metadata: {name: cq, namespace: ignored}',
        '---',
        'apiVersion: kueue.x-k8s.io/v1beta2',
        'kind: LocalQueue',
        'metadata: {name: lq, namespace: team}',
        'spec: {clusterQueue: cq}',
        '---',
        'apiVersion: kueue.x-k8s.io/v1beta2',
        'kind: WorkloadPriorityClass',
        'metadata: {name: high}',
        'value: 1000',
        '---',
        'apiVersion: kueue.x-k8s.io/v1beta2',
        'kind: ResourceFlavor',
        'metadata: {name: default-flavor}',
        '---',
        'apiVersion: kueue.x-k8s.io/v1beta2',
        'kind: Cohort',
        'metadata: {name: ci}',
        '---',
        'apiVersion: example.com/v1',
        'kind: ClusterQueue',
        'metadata: {name: not-kueue}',
      ),
    );
    assert.deepEqual(
      model.objects.map((o) => o.id),
      ['ClusterQueue/cq', 'LocalQueue/team/lq', 'WorkloadPriorityClass/high', 'ResourceFlavor/default-flavor', 'Cohort/ci'],
    );
  });
});
