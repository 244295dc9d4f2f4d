// A `null` label, annotation or matchLabels value (R-K.5): the apiserver decodes JSON null into a map[string]string
// element as "" and accepts the object, so the engine reads "" and reports nothing. The real-apiserver check is in
// test/real-cluster/admission-null-labels.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, findingsOf, workload } from '../helpers/analyze';

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {app: web, env: null, tier: ~}
  annotations: {note: null}
spec:
  containers: [{name: c, image: i, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: b}
spec:
  minAvailable: 1
  selector: {matchLabels: {env: null}}
`;

describe('R-K.5 null label and annotation values', () => {
  test('no invalid-field-value finding, and the pod is admissible', () => {
    const { findings, model } = analyze(pod);
    assert.deepEqual(findingsOf(findings, 'invalid-field-value'), []);
    const w = workload(model, 'p');
    assert.deepEqual(w.object.labels, { app: 'web', env: '', tier: '' });
    assert.deepEqual(w.object.annotations, { note: '' });
    assert.equal(w.priority.admission.allowed, true);
  });
  test('a null matchLabels value selects the label with the empty value', () => {
    const { model } = analyze(pod);
    assert.deepEqual(
      model.pdbs[0]?.workloads.map((x) => x.object.name),
      ['p'],
    );
  });
});
