// Job podFailurePolicy and backoffLimit (semantics R-H.1–H.3) as the job-preemption-fails-job rule and explain see them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { explain, get, ignoresDisruptions, parseFile } from '../../server/src/core/index';
import type { YMap } from '../../server/src/core/syntax/tree';
import { analyze, findingsOf, yaml } from '../helpers/analyze';

function policy(rules: string): YMap | undefined {
  const object = parseFile({
    path: 'j.yaml',
    content: yaml('apiVersion: batch/v1', 'kind: Job', 'metadata: {name: j}', 'spec:', `  podFailurePolicy: {rules: ${rules}}`),
  }).objects[0];
  const spec = get(object?.node, 'spec');
  const node = get(spec, 'podFailurePolicy');
  return node?.type === 'map' ? node : undefined;
}

describe('R-H.1: does the podFailurePolicy ignore disruptions?', () => {
  const cases: Array<[string, string, boolean]> = [
    [
      'Ignore on DisruptionTarget (status defaults to True) ignores disruptions',
      '[{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]',
      true,
    ],
    [
      'Ignore on DisruptionTarget with status "True" ignores disruptions',
      '[{action: Ignore, onPodConditions: [{type: DisruptionTarget, status: "True"}]}]',
      true,
    ],
    [
      'Ignore on DisruptionTarget with status "False" does not match a disruption',
      '[{action: Ignore, onPodConditions: [{type: DisruptionTarget, status: "False"}]}]',
      false,
    ],
    [
      'the first matching rule wins: Count before Ignore counts the failure',
      '[{action: Count, onPodConditions: [{type: DisruptionTarget}]}, {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]',
      false,
    ],
    [
      'FailJob on DisruptionTarget fails the Job rather than ignoring',
      '[{action: FailJob, onPodConditions: [{type: DisruptionTarget}]}]',
      false,
    ],
    [
      'an exit-code rule before the Ignore rule does not match a condition',
      '[{action: FailJob, onExitCodes: {operator: In, values: [1]}}, {action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]',
      true,
    ],
    ['a rule on another condition type does not help', '[{action: Ignore, onPodConditions: [{type: ConfigIssue}]}]', false],
    ['no rules ignore nothing', '[]', false],
  ];
  for (const [name, rules, expected] of cases) test(name, () => assert.equal(ignoresDisruptions(policy(rules)), expected));
  test('an absent policy ignores nothing', () => assert.equal(ignoresDisruptions(undefined), false));
});

const high = yaml(
  '---',
  'apiVersion: scheduling.k8s.io/v1',
  'kind: PriorityClass',
  'metadata: {name: high}',
  'value: 1000',
  '---',
  'apiVersion: v1',
  'kind: Pod',
  'metadata: {name: preemptor}',
  'spec:',
  '  priorityClassName: high',
  '  containers: [{name: a, image: a}]',
);
const job = (spec: string[]): string =>
  yaml(
    '---',
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata: {name: j}',
    'spec:',
    ...spec.map((s) => `  ${s}`),
    '  template:',
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: a, image: a, resources: {limits: {cpu: 100m, memory: 64Mi}}}]',
  );

describe('R-H.3: backoffLimit against a preemption wave', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['backoffLimit 0 with parallelism 2 fails on one wave', ['backoffLimit: 0', 'parallelism: 2'], true],
    [
      'backoffLimit 0 with parallelism 1 fails on a single preemption (1 counted failure exceeds 0)',
      ['backoffLimit: 0', 'parallelism: 1'],
      true,
    ],
    [
      'backoffLimit 1 with parallelism 1 survives one preemption (failures must exceed the limit)',
      ['backoffLimit: 1', 'parallelism: 1'],
      false,
    ],
    ['the default backoffLimit 6 survives 6 parallel pods', ['parallelism: 6'], false],
    ['the default backoffLimit 6 fails with 7 parallel pods', ['parallelism: 7'], true],
    [
      'backoffLimitPerIndex makes backoffLimit unlimited',
      ['parallelism: 20', 'completions: 20', 'completionMode: Indexed', 'backoffLimitPerIndex: 0'],
      false,
    ],
    [
      'a policy that ignores DisruptionTarget makes any backoffLimit safe',
      ['backoffLimit: 0', 'parallelism: 5', 'podFailurePolicy: {rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]}'],
      false,
    ],
  ];
  for (const [name, spec, reported] of cases) {
    test(name, () => assert.equal(findingsOf(analyze(high + job(spec)).findings, 'job-preemption-fails-job').length, reported ? 1 : 0));
  }

  test('explain shows the default backoffLimit 6 and whether disruptions are ignored', () => {
    const { model } = analyze(high + job(['parallelism: 2']));
    const j = explain(model).workloads.find((w) => w.name === 'j');
    assert.deepEqual(j?.job, { backoffLimit: 6, backoffLimitIsDefault: true, ignoresDisruptionTarget: false, parallelism: 2 });
  });
});
