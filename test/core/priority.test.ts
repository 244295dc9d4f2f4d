// Effective pod priority as the Priority admission plugin computes it (semantics R-A.1–A.6) with the exact
// rejection texts of R-I.1, and PriorityClass validation (R-B.2–B.4, R-I.1b).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFile } from '../../server/src/core/index';
import {
  readPriorityClass,
  validatePriorityClass,
  systemPriorityClasses,
  highestUserDefinablePriority,
  systemCriticalPriority,
} from '../../server/src/core/semantics/priority-class';
import type { PriorityFrom } from '../../server/src/core/semantics/priority';
import { analyze, findingsOf, workload, yaml } from '../helpers/analyze';
import type { InputFile } from '../helpers/analyze';

const cls = (name: string, value: number, extra: string[] = []): string =>
  yaml('---', 'apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata:', `  name: ${name}`, `value: ${value}`, ...extra);
const pod = (name: string, spec: string[] = [], namespace = 'default'): string =>
  yaml(
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    `  namespace: ${namespace}`,
    'spec:',
    ...spec.map((s) => `  ${s}`),
    '  containers: [{name: app, image: app}]',
  );

interface AdmissionCase {
  name: string;
  files: string;
  cluster?: string;
  pod: string;
  priority: number;
  priorityClassName: string | undefined;
  from: PriorityFrom;
  policy: 'PreemptLowerPriority' | 'Never';
  allowed: boolean;
  message?: string;
}

const cases: AdmissionCase[] = [
  {
    name: 'R-A.4: a named class gives its value, and the pod keeps the name',
    files: cls('high', 1000) + pod('p', ['priorityClassName: high']),
    pod: 'p',
    priority: 1000,
    priorityClassName: 'high',
    from: 'explicit',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.6: a named class with preemptionPolicy Never gives the pod Never',
    files: cls('gentle', 10, ['preemptionPolicy: Never']) + pod('p', ['priorityClassName: gentle']),
    pod: 'p',
    priority: 10,
    priorityClassName: 'gentle',
    from: 'explicit',
    policy: 'Never',
    allowed: true,
  },
  {
    name: 'R-A.3: without a class and without a default class the pod gets priority 0, no class name, PreemptLowerPriority',
    files: cls('high', 1000) + pod('p'),
    pod: 'p',
    priority: 0,
    priorityClassName: undefined,
    from: 'none',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: "R-A.3: without a class the global default applies, and its name becomes the pod's class name",
    files: cls('ci-default', 100, ['globalDefault: true']) + pod('p'),
    pod: 'p',
    priority: 100,
    priorityClassName: 'ci-default',
    from: 'globalDefault',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.3: with several default classes the one with the lowest value wins, with its preemption policy',
    files:
      cls('b-default', 100, ['globalDefault: true']) +
      cls('a-default', 50, ['globalDefault: true', 'preemptionPolicy: Never']) +
      cls('c-default', 75, ['globalDefault: true']) +
      pod('p'),
    pod: 'p',
    priority: 50,
    priorityClassName: 'a-default',
    from: 'globalDefault',
    policy: 'Never',
    allowed: true,
  },
  {
    name: 'R-A.3: an empty priorityClassName counts as none and takes the default',
    files: cls('d', 7, ['globalDefault: true']) + pod('p', ['priorityClassName: ""']),
    pod: 'p',
    priority: 7,
    priorityClassName: 'd',
    from: 'globalDefault',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.4: system-cluster-critical is built in and allowed in any namespace',
    files: pod('p', ['priorityClassName: system-cluster-critical'], 'apps'),
    pod: 'p',
    priority: 2_000_000_000,
    priorityClassName: 'system-cluster-critical',
    from: 'builtin',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.4: system-node-critical is built in with value 2000001000',
    files: pod('p', ['priorityClassName: system-node-critical'], 'kube-system'),
    pod: 'p',
    priority: 2_000_001_000,
    priorityClassName: 'system-node-critical',
    from: 'builtin',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.4: a class known only from the cluster state resolves with origin cluster',
    files: pod('p', ['priorityClassName: prod']),
    cluster: cls('prod', 5000),
    pod: 'p',
    priority: 5000,
    priorityClassName: 'prod',
    from: 'cluster',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.4: a workspace class shadows the cluster class of the same name',
    files: cls('prod', 6000) + pod('p', ['priorityClassName: prod']),
    cluster: cls('prod', 5000),
    pod: 'p',
    priority: 6000,
    priorityClassName: 'prod',
    from: 'explicit',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.3: a default class of the cluster state applies to workspace pods',
    files: pod('p'),
    cluster: cls('cluster-default', 42, ['globalDefault: true']),
    pod: 'p',
    priority: 42,
    priorityClassName: 'cluster-default',
    from: 'globalDefault',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.4 / R-I.1: an unknown class is rejected with "no PriorityClass with name <name> was found"',
    files: pod('web', ['priorityClassName: evaluation-hihg']),
    pod: 'web',
    priority: 0,
    priorityClassName: 'evaluation-hihg',
    from: 'none',
    policy: 'PreemptLowerPriority',
    allowed: false,
    message: 'pods "web" is forbidden: no PriorityClass with name evaluation-hihg was found',
  },
  {
    name: 'R-A.5 / R-I.1: spec.priority different from the class value is rejected with the exact admission text',
    files: cls('high', 1000) + pod('web', ['priorityClassName: high', 'priority: 5']),
    pod: 'web',
    priority: 1000,
    priorityClassName: 'high',
    from: 'explicit',
    policy: 'PreemptLowerPriority',
    allowed: false,
    message:
      'pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
  },
  {
    name: 'R-A.5: spec.priority equal to the class value is admitted',
    files: cls('high', 1000) + pod('p', ['priorityClassName: high', 'priority: 1000']),
    pod: 'p',
    priority: 1000,
    priorityClassName: 'high',
    from: 'explicit',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.5: spec.priority 0 without a class is admitted when no default class exists',
    files: pod('p', ['priority: 0']),
    pod: 'p',
    priority: 0,
    priorityClassName: undefined,
    from: 'none',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.5: spec.priority 2000 without a class is admitted when the global default is worth 2000',
    files: cls('d', 2000, ['globalDefault: true']) + pod('p', ['priority: 2000']),
    pod: 'p',
    priority: 2000,
    priorityClassName: 'd',
    from: 'globalDefault',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
  {
    name: 'R-A.5 / R-I.1: spec.priority without a class and without a default must be 0',
    files: pod('web', ['priority: 100']),
    pod: 'web',
    priority: 0,
    priorityClassName: undefined,
    from: 'none',
    policy: 'PreemptLowerPriority',
    allowed: false,
    message:
      'pods "web" is forbidden: the integer value of priority (100) must not be provided in pod spec; priority admission controller computed 0 from the given PriorityClass name',
  },
  {
    name: 'R-A.6 / R-I.1: spec.preemptionPolicy different from the class policy is rejected with the exact admission text',
    files:
      cls('gentle', 10, ['preemptionPolicy: Never']) + pod('web', ['priorityClassName: gentle', 'preemptionPolicy: PreemptLowerPriority']),
    pod: 'web',
    priority: 10,
    priorityClassName: 'gentle',
    from: 'explicit',
    policy: 'Never',
    allowed: false,
    message:
      'pods "web" is forbidden: the string value of PreemptionPolicy (PreemptLowerPriority) must not be provided in pod spec; priority admission controller computed Never from the given PriorityClass name',
  },
  {
    name: 'R-A.6 / R-I.1: without any class the computed policy is PreemptLowerPriority, so a pod asking for Never is rejected',
    files: pod('web', ['preemptionPolicy: Never']),
    pod: 'web',
    priority: 0,
    priorityClassName: undefined,
    from: 'none',
    policy: 'PreemptLowerPriority',
    allowed: false,
    message:
      'pods "web" is forbidden: the string value of PreemptionPolicy (Never) must not be provided in pod spec; priority admission controller computed PreemptLowerPriority from the given PriorityClass name',
  },
  {
    name: 'R-A.6: spec.preemptionPolicy equal to the class policy is admitted',
    files: cls('gentle', 10, ['preemptionPolicy: Never']) + pod('p', ['priorityClassName: gentle', 'preemptionPolicy: Never']),
    pod: 'p',
    priority: 10,
    priorityClassName: 'gentle',
    from: 'explicit',
    policy: 'Never',
    allowed: true,
  },
  {
    name: 'R-A.1: negative class values are used as they are',
    files: cls('background', -5) + pod('p', ['priorityClassName: background']),
    pod: 'p',
    priority: -5,
    priorityClassName: 'background',
    from: 'explicit',
    policy: 'PreemptLowerPriority',
    allowed: true,
  },
];

describe('priority admission (R-A, R-I.1)', () => {
  for (const c of cases) {
    test(c.name, () => {
      const cluster: InputFile[] | undefined = c.cluster === undefined ? undefined : [{ path: 'cluster.yaml', content: c.cluster }];
      const { model } = analyze([{ path: 'w.yaml', content: c.files }], cluster === undefined ? {} : { cluster });
      const p = workload(model, c.pod).priority;
      assert.equal(p.priority, c.priority, 'priority');
      assert.equal(p.priorityClassName, c.priorityClassName, 'priorityClassName');
      assert.equal(p.from, c.from, 'from');
      assert.equal(p.preemptionPolicy, c.policy, 'preemptionPolicy');
      assert.equal(p.admission.allowed, c.allowed, 'admission.allowed');
      assert.equal(p.admission.message, c.message, 'admission.message');
    });
  }

  test('R-A.2: a pod read back from the cluster with spec.priority is taken at face value, even if its class is gone', () => {
    const { model } = analyze([{ path: 'w.yaml', content: pod('mine') }], {
      cluster: [
        {
          path: 'c.yaml',
          content: pod('running', ['priorityClassName: deleted-class', 'priority: 777', 'preemptionPolicy: Never'], 'prod'),
        },
      ],
    });
    const p = workload(model, 'Pod/prod/running').priority;
    assert.deepEqual([p.priority, p.from, p.preemptionPolicy, p.admission.allowed], [777, 'spec', 'Never', true]);
  });

  test('R-A.2: a workload template is resolved through admission even when it comes from the cluster state', () => {
    const deployment = yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: d}',
      'spec:',
      '  template:',
      '    spec:',
      '      priorityClassName: high',
      '      containers: [{name: c, image: i}]',
    );
    const { model } = analyze([{ path: 'w.yaml', content: cls('high', 300) }], { cluster: [{ path: 'c.yaml', content: deployment }] });
    assert.equal(workload(model, 'd').priority.priority, 300);
  });

  test("a Deployment's rejection names its pods with an ellipsis, as the pods get generated names", () => {
    const deployment = yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec:',
      '  template:',
      '    spec:',
      '      priorityClassName: nope',
      '      containers: [{name: c, image: i}]',
    );
    assert.equal(
      workload(analyze(deployment).model, 'web').priority.admission.message,
      'pods "web-…" is forbidden: no PriorityClass with name nope was found',
    );
  });
});

describe('PriorityClass validation (R-B.2–B.4, R-I.1b)', () => {
  const validate = (text: string): string[] => {
    const object = parseFile({ path: 'c.yaml', content: text }).objects[0];
    assert.ok(object !== undefined);
    return validatePriorityClass(readPriorityClass(object).priorityClass).map((v) => `${v.field}: ${v.message}`);
  };
  const pc = (name: string, ...fields: string[]): string =>
    yaml('apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', `metadata: {name: ${name}}`, ...fields);
  const table: Array<[string, string, string[]]> = [
    ['R-B.1: the system constants are 1e9 (user maximum) and 2e9 (system critical)', '', []],
    ['a user class at exactly 1000000000 is valid', pc('top', 'value: 1000000000'), []],
    ['a user class may be negative', pc('bottom', 'value: -2147483648'), []],
    [
      'a user class above 1000000000 is Forbidden on value',
      pc('too-high', 'value: 1000000001'),
      ['value: maximum allowed value of a user defined priority is 1000000000'],
    ],
    [
      'an unknown system- name is Forbidden on metadata.name',
      pc('system-important', 'value: 10'),
      [
        "metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: system-important is not a known system priority class",
      ],
    ],
    [
      'system-cluster-critical must have exactly its system value',
      pc('system-cluster-critical', 'value: 1000'),
      [
        "metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: value of system-cluster-critical PriorityClass must be 2000000000",
      ],
    ],
    [
      'system-node-critical must not be the global default',
      pc('system-node-critical', 'value: 2000001000', 'globalDefault: true'),
      [
        "metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: globalDefault of system-node-critical PriorityClass must be false",
      ],
    ],
    ['the system classes as bootstrapped are valid', pc('system-node-critical', 'value: 2000001000'), []],
    [
      'a system- name is not also checked against the user maximum',
      pc('system-made-up', 'value: 1500000000'),
      [
        "metadata.name: priority class names with 'system-' prefix are reserved for system use only. error: system-made-up is not a known system priority class",
      ],
    ],
    [
      'preemptionPolicy must be PreemptLowerPriority or Never',
      pc('c', 'value: 1', 'preemptionPolicy: Sometimes'),
      ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "Never", "PreemptLowerPriority"'],
    ],
    ['preemptionPolicy Never is valid', pc('c', 'value: 1', 'preemptionPolicy: Never'), []],
  ];
  for (const [name, text, expected] of table) {
    test(name, () => {
      if (text === '') {
        assert.equal(highestUserDefinablePriority, 1_000_000_000);
        assert.equal(systemCriticalPriority, 2_000_000_000);
        assert.deepEqual(
          [...systemPriorityClasses],
          [
            ['system-cluster-critical', 2_000_000_000],
            ['system-node-critical', 2_000_001_000],
          ],
        );
        return;
      }
      assert.deepEqual(validate(text), expected);
    });
  }

  test('R-B.4 / R-I.1: a second default class is refused with "PriorityClass <existing> is already marked as default. Only one default can exist"', () => {
    const { findings } = analyze(cls('first', 1, ['globalDefault: true']) + cls('second', 2, ['globalDefault: true']));
    const f = findingsOf(findings, 'priority-class-multiple-global-default');
    assert.equal(f.length, 1);
    assert.match(
      f[0]?.message ?? '',
      /^priorityclasses "second" is forbidden: PriorityClass first is already marked as default\. Only one default can exist/,
    );
  });

  test("R-B.4: updating the cluster's default class itself (same name) is not refused", () => {
    const { findings } = analyze(cls('d', 1, ['globalDefault: true']), {
      cluster: [{ path: 'c.yaml', content: cls('d', 1, ['globalDefault: true']) }],
    });
    assert.deepEqual(findingsOf(findings, 'priority-class-multiple-global-default'), []);
  });

  test('R-B.3: changing the value of a class that exists in the cluster is Forbidden with "may not be changed in an update."', () => {
    const { findings } = analyze(cls('high', 2000), { cluster: [{ path: 'c.yaml', content: cls('high', 1000) }] });
    assert.match(
      findingsOf(findings, 'priority-class-value-immutable')[0]?.message ?? '',
      /value: Forbidden: may not be changed in an update\./,
    );
  });

  test('R-B.3: description and globalDefault may change in an update', () => {
    const { findings } = analyze(cls('high', 1000, ['description: new', 'globalDefault: true']), {
      cluster: [{ path: 'c.yaml', content: cls('high', 1000) }],
    });
    assert.deepEqual(findingsOf(findings, 'priority-class-value-immutable'), []);
  });

  test('R-B.5: a pod whose class is changed in the workspace gets the new value (pods created afterwards)', () => {
    const { model } = analyze(cls('high', 2000) + pod('p', ['priorityClassName: high']), {
      cluster: [{ path: 'c.yaml', content: cls('high', 1000) }],
    });
    assert.equal(workload(model, 'p').priority.priority, 2000);
  });
});
