// One verdict per object (issue 17, 1b): whatever makes the apiserver reject an object (an error finding of kpl check)
// makes kpl explain say admission.allowed: false, with the same message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { explain } from '../../server/src/core/explain/explain';
import { analyze, findingsOf, yaml } from '../helpers/analyze';

const deployment = (resources: string[]): string =>
  yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    'spec:',
    '  selector:',
    '    matchLabels:',
    '      app: web',
    '  template:',
    '    metadata:',
    '      labels:',
    '        app: web',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: app:1',
    '          resources:',
    ...resources.map((l) => `            ${l}`),
  );

const cases: Array<[string, string, string]> = [
  ['an unparseable quantity', deployment(['requests:', '  nvidia.com/gpu: ${ACCELERATOR_QUANTITY}']), 'invalid-field-value'],
  ['a request above its limit', deployment(['requests:', '  memory: 64Mi', 'limits:', '  memory: 64M']), 'request-exceeds-limit'],
];
for (const [name, text, ruleId] of cases) {
  test(`${name}: kpl check reports ${ruleId} and explain says the same object is rejected`, () => {
    const { model, findings } = analyze(text);
    const errors = findingsOf(findings, ruleId);
    assert.equal(errors.length, 1);
    const w = explain(model, { findings }).workloads[0];
    assert.equal(w?.admission.allowed, false);
    assert.equal(w?.admission.message, errors[0]?.message);
    assert.equal(explain(model).workloads[0]?.admission.allowed, true, 'without findings explain sees only the class resolution');
  });
}

test('request-exceeds-limit quotes the apiserver: path, request and limit as written', () => {
  const { findings } = analyze(deployment(['requests:', '  memory: 64Mi', 'limits:', '  memory: 64M']));
  assert.match(
    findingsOf(findings, 'request-exceeds-limit')[0]?.message ?? '',
    /^spec\.template\.spec\.containers\[0\]\.resources\.requests\[memory\]: Invalid value: "64Mi": must be less than or equal to memory limit of 64M\./,
  );
});
