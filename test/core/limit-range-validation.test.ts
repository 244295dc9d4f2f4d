// LimitRanger validation (R-D.10), cases from plugin/pkg/admission/limitranger admission.go (minConstraint,
// maxConstraint, limitRequestRatioConstraint, PodValidateLimitFunc) and its TestPodLimitFunc table: the cause each
// rejection carries, containers and init containers per Container item, the pod's totals per Pod item.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze, findingsOf } from '../helpers/analyze';

const limitRange = (items: string): string => `apiVersion: v1\nkind: LimitRange\nmetadata: {name: lr}\nspec:\n  limits:\n${items}\n---\n`;
const pod = (spec: string): string => `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n${spec}\n`;
const container = (name: string, resources: string, extra = ''): string =>
  `    - name: ${name}\n      image: i${extra}\n      resources: ${resources}`;

function causes(text: string): string[] {
  return findingsOf(analyze(text).findings, 'limitrange-violation').map(
    (f) => /is forbidden: (.*?)\. LimitRange/.exec(f.message)?.[1] ?? f.message,
  );
}

describe('R-D.10 LimitRanger validation', () => {
  const cases: Array<[string, string, string, string[]]> = [
    [
      'min: a request below the minimum',
      '    - type: Container\n      min: {memory: 64Mi}',
      `  containers:\n${container('c', '{requests: {memory: 32Mi}}')}`,
      ['minimum memory usage per Container is 64Mi, but request is 32Mi'],
    ],
    [
      'min: a limit below the minimum (request defaulted from the limit is below too: the request is reported first)',
      '    - type: Container\n      min: {cpu: 200m}',
      `  containers:\n${container('c', '{limits: {cpu: 100m}}')}`,
      ['minimum cpu usage per Container is 200m, but request is 100m'],
    ],
    [
      'min: no request and no default (min itself is the defaultRequest, so none is missing)',
      '    - type: Container\n      min: {cpu: 200m}',
      `  containers:\n${container('c', '{}')}`,
      [],
    ],
    [
      'max: a request above the maximum with the limit within it cannot happen (request ≤ limit), so the limit is reported',
      '    - type: Container\n      max: {cpu: "1"}',
      `  containers:\n${container('c', '{requests: {cpu: 1500m}, limits: {cpu: "2"}}')}`,
      ['maximum cpu usage per Container is 1, but limit is 2'],
    ],
    [
      'max equal to the limit is accepted',
      '    - type: Container\n      max: {memory: 1Gi}',
      `  containers:\n${container('c', '{limits: {memory: 1024Mi}}')}`,
      [],
    ],
    [
      'ratio: exactly the maximum ratio is accepted',
      '    - type: Container\n      maxLimitRequestRatio: {cpu: "2"}',
      `  containers:\n${container('c', '{requests: {cpu: 500m}, limits: {cpu: "1"}}')}`,
      [],
    ],
    [
      'ratio: above the maximum prints the ratio with six decimals',
      '    - type: Container\n      maxLimitRequestRatio: {memory: "1.5"}',
      `  containers:\n${container('c', '{requests: {memory: 300Mi}, limits: {memory: 1000Mi}}')}`,
      ['memory max limit to request ratio per Container is 1500m, but provided ratio is 3.333333'],
    ],
    [
      'Container items apply to init containers too',
      '    - type: Container\n      max: {memory: 1Gi}',
      `  initContainers:\n${container('init', '{limits: {memory: 2Gi}}')}\n  containers:\n${container('c', '{limits: {memory: 1Gi}}')}`,
      ['maximum memory usage per Container is 1Gi, but limit is 2Gi'],
    ],
    [
      'Pod items: app containers add up',
      '    - type: Pod\n      max: {memory: 1Gi}',
      `  containers:\n${container('a', '{limits: {memory: 768Mi}}')}\n${container('b', '{limits: {memory: 512Mi}}')}`,
      ['maximum memory usage per Pod is 1Gi, but limit is 1280Mi'],
    ],
    [
      'Pod items: a regular init container counts as the max, not the sum',
      '    - type: Pod\n      max: {memory: 1Gi}',
      `  initContainers:\n${container('init', '{limits: {memory: 1Gi}}')}\n  containers:\n${container('a', '{limits: {memory: 512Mi}}')}`,
      [],
    ],
    [
      'Pod items: a sidecar adds to the containers',
      '    - type: Pod\n      max: {memory: 1Gi}',
      `  initContainers:\n${container('side', '{limits: {memory: 768Mi}}', '\n      restartPolicy: Always')}\n  containers:\n${container('a', '{limits: {memory: 512Mi}}')}`,
      ['maximum memory usage per Pod is 1Gi, but limit is 1280Mi'],
    ],
    [
      'Pod items: pod-level resources replace the containers total',
      '    - type: Pod\n      max: {memory: 1Gi}',
      `  resources: {limits: {memory: 2Gi}}\n  containers:\n${container('a', '{limits: {memory: 512Mi}}')}`,
      ['maximum memory usage per Pod is 1Gi, but limit is 2Gi'],
    ],
  ];
  for (const [name, items, spec, expected] of cases)
    test(name, () => {
      assert.deepEqual(causes(limitRange(items) + pod(spec)), expected);
    });

  test('a violation rejects the pod in kpl explain too (one verdict)', () => {
    const { findings } = analyze(
      limitRange('    - type: Container\n      max: {cpu: "1"}') + pod(`  containers:\n${container('c', '{limits: {cpu: "2"}}')}`),
    );
    const f = findingsOf(findings, 'limitrange-violation')[0];
    assert.equal(f?.severity, 'error');
    assert.match(f?.message ?? '', /^pods "p" is forbidden: maximum cpu usage per Container is 1, but limit is 2\./);
  });
});
