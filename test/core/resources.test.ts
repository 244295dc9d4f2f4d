// Request arithmetic: LimitRange defaulting (R-D.1, R-D.2) and the effective pod request (R-D.3, R-D.4).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseQuantity } from '../../server/src/core/quantity';
import type { Resources } from '../../server/src/core/semantics/resource-amounts';
import { analyze, workload, yaml } from '../helpers/analyze';

const q = (text: string): number => parseQuantity(text) ?? NaN;

function limitRange(item: string, name = 'lr'): string {
  return yaml(
    '---',
    'apiVersion: v1',
    'kind: LimitRange',
    `metadata: {name: ${name}, namespace: ns}`,
    'spec:',
    '  limits:',
    `    - ${item}`,
  );
}

function pod(containers: string[], extra: string[] = [], name = 'p'): string {
  return yaml(
    '---',
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}, namespace: ns}`,
    'spec:',
    ...extra.map((e) => `  ${e}`),
    '  containers:',
    ...containers.map((c) => `    - ${c}`),
  );
}

describe('LimitRange defaults (R-D.2)', () => {
  const cases: Array<[string, string, string, { requests: Resources; limits: Resources }]> = [
    [
      'default and defaultRequest are added to a container without resources',
      '{type: Container, default: {cpu: 500m, memory: 512Mi}, defaultRequest: {cpu: 100m, memory: 128Mi}}',
      '{name: a, image: a}',
      { requests: { cpu: q('100m'), memory: q('128Mi') }, limits: { cpu: q('500m'), memory: q('512Mi') } },
    ],
    [
      'a missing default is filled from max',
      '{type: Container, max: {cpu: "1"}}',
      '{name: a, image: a}',
      { requests: { cpu: q('1') }, limits: { cpu: q('1') } },
    ],
    [
      'a missing defaultRequest is filled from default',
      '{type: Container, default: {memory: 256Mi}}',
      '{name: a, image: a}',
      { requests: { memory: q('256Mi') }, limits: { memory: q('256Mi') } },
    ],
    [
      'a missing defaultRequest is filled from min when there is no default',
      '{type: Container, min: {cpu: 50m}}',
      '{name: a, image: a}',
      { requests: { cpu: q('50m') }, limits: {} },
    ],
    [
      'default takes precedence over min for the default request',
      '{type: Container, min: {cpu: 50m}, default: {cpu: 200m}}',
      '{name: a, image: a}',
      { requests: { cpu: q('200m') }, limits: { cpu: q('200m') } },
    ],
    [
      'values present in the container are never overwritten',
      '{type: Container, default: {cpu: 500m, memory: 512Mi}, defaultRequest: {cpu: 100m, memory: 128Mi}}',
      '{name: a, image: a, resources: {requests: {cpu: 300m}, limits: {memory: 1Gi}}}',
      { requests: { cpu: q('300m'), memory: q('1Gi') }, limits: { cpu: q('500m'), memory: q('1Gi') } },
    ],
    [
      'a container with only a limit keeps request = its own limit, not the LimitRange defaultRequest',
      '{type: Container, defaultRequest: {memory: 64Mi}}',
      '{name: a, image: a, resources: {limits: {memory: 1Gi}}}',
      { requests: { memory: q('1Gi') }, limits: { memory: q('1Gi') } },
    ],
    [
      'items of type Pod or PersistentVolumeClaim give no container defaults',
      '{type: Pod, max: {cpu: "4"}}',
      '{name: a, image: a}',
      { requests: {}, limits: {} },
    ],
  ];
  for (const [name, item, container, expected] of cases) {
    test(name, () => {
      const { model } = analyze(limitRange(item) + pod([container]));
      const c = workload(model, 'p').containers[0];
      assert.deepEqual({ requests: c?.requests, limits: c?.limits }, expected);
    });
  }

  test('the defaults of a LimitRange in another namespace do not apply', () => {
    const other = limitRange('{type: Container, default: {cpu: "1"}}').replace('namespace: ns', 'namespace: other');
    const { model } = analyze(other + pod(['{name: a, image: a}']));
    assert.deepEqual(workload(model, 'p').containers[0]?.limits, {});
  });

  test('a LimitRange records which resources it filled, for hovers and limitrange-changes-qos', () => {
    const { model } = analyze(
      limitRange('{type: Container, default: {cpu: "1"}}', 'defaults') + pod(['{name: a, image: a, resources: {requests: {cpu: 100m}}}']),
    );
    const w = workload(model, 'p');
    assert.deepEqual(w.containers[0]?.fromLimitRange, [{ resource: 'cpu', field: 'limit', limitRange: 'ns/defaults' }]);
    assert.equal(w.qosClassWithoutLimitRange, 'Burstable');
    assert.equal(w.qosClass, 'Burstable');
    assert.equal(w.limitRange, undefined, 'the class did not change, so no LimitRange is blamed');
  });

  test('LimitRange defaults also apply to init and sidecar containers', () => {
    const { model } = analyze(
      limitRange('{type: Container, default: {cpu: "1", memory: 1Gi}}') +
        pod(['{name: a, image: a}'], ['initContainers: [{name: i, image: i}, {name: s, image: s, restartPolicy: Always}]']),
    );
    assert.deepEqual(
      workload(model, 'p').containers.map((c) => [c.container.name, c.requests.cpu]),
      [
        ['i', 1000],
        ['s', 1000],
        ['a', 1000],
      ],
    );
    assert.equal(workload(model, 'p').qosClass, 'Guaranteed');
  });
});

describe('effective pod request (R-D.3, R-D.4)', () => {
  const cases: Array<[string, string[], string[], Resources, number?]> = [
    [
      'app container requests are summed',
      ['{name: a, image: a, resources: {requests: {cpu: 100m, memory: 64Mi}}}', '{name: b, image: b, resources: {requests: {cpu: 200m}}}'],
      [],
      { cpu: 300, memory: q('64Mi') },
    ],
    ['a limit without a request counts as the request', ['{name: a, image: a, resources: {limits: {cpu: 500m}}}'], [], { cpu: 500 }],
    [
      'a regular init container larger than the apps sets the request (max of init and app sum)',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['initContainers: [{name: i, image: i, resources: {requests: {cpu: "2"}}}]'],
      { cpu: 2000 },
    ],
    [
      'a sidecar counts toward the app sum',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['initContainers: [{name: s, image: s, restartPolicy: Always, resources: {requests: {cpu: 100m}}}]'],
      { cpu: 600 },
    ],
    [
      "a sidecar declared before an init container adds to that init container's request",
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      [
        'initContainers: [{name: s, image: s, restartPolicy: Always, resources: {requests: {cpu: 100m}}}, {name: i, image: i, resources: {requests: {cpu: "1"}}}]',
      ],
      { cpu: 1100 },
    ],
    [
      'a sidecar declared after an init container does not add to it',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      [
        'initContainers: [{name: i, image: i, resources: {requests: {cpu: "1"}}}, {name: s, image: s, restartPolicy: Always, resources: {requests: {cpu: 100m}}}]',
      ],
      { cpu: 1000 },
    ],
    [
      'pod overhead is added to a non-zero total',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['overhead: {cpu: 250m}'],
      { cpu: 750 },
    ],
    [
      'pod overhead is not added to a resource nobody requests',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['overhead: {cpu: 250m, memory: 120Mi}'],
      { cpu: 750 },
    ],
    [
      'pod-level requests replace the container sum (1.34+)',
      ['{name: a, image: a, resources: {requests: {cpu: 500m, memory: 1Gi}}}'],
      ['resources: {requests: {cpu: "2"}}'],
      { cpu: 2000, memory: q('1Gi') },
    ],
    [
      'pod-level limits default pod-level requests (R-D.4)',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['resources: {limits: {cpu: "3"}}'],
      { cpu: 3000 },
    ],
    [
      "hugepages: the pod-level request defaults from the containers' aggregated request, not the pod-level limit (R-D.4, 1.36)",
      ['{name: a, image: a, resources: {requests: {hugepages-2Mi: 100Mi}, limits: {hugepages-2Mi: 100Mi}}}'],
      ['resources: {limits: {cpu: "1", hugepages-2Mi: 200Mi}}'],
      { cpu: 1000, 'hugepages-2Mi': q('100Mi') },
    ],
    [
      'pod-level resources are ignored before 1.34',
      ['{name: a, image: a, resources: {requests: {cpu: 500m}}}'],
      ['resources: {requests: {cpu: "2"}}'],
      { cpu: 500 },
      33,
    ],
  ];
  for (const [name, containers, extra, expected, minor] of cases) {
    test(name, () => {
      const { model } = analyze(pod(containers, extra), minor === undefined ? {} : { kubernetesMinor: minor });
      assert.deepEqual(workload(model, 'p').requests, expected);
    });
  }
});
