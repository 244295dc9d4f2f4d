// Suppressing findings: `# kpl-ignore: <ids>` on the line above, the kube-priority-lens.io/ignore annotation,
// and per-rule severities (what `.kpl.yaml` sets; the file itself is covered by the CLI tests).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rules, sortFindings } from '../../server/src/core/index';
import { ignoreAnnotation } from '../../server/src/core/analysis/analyze';
import { analyze, findingsOf, yaml } from '../helpers/analyze';

const podWith = (lines: string[], annotations?: string): string =>
  yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    '  name: p',
    ...(annotations === undefined ? [] : [`  annotations: {${ignoreAnnotation}: "${annotations}"}`]),
    'spec:',
    ...lines,
    '  containers: [{name: a, image: a}]',
  );

describe('suppression', () => {
  const cases: Array<[string, string, number]> = [
    [
      'a comment naming the rule on the line above suppresses it',
      podWith(['  # kpl-ignore: priority-class-not-found', '  priorityClassName: nope']),
      0,
    ],
    [
      'a comment listing several ids suppresses each of them',
      podWith(['  # kpl-ignore: missing-requests, priority-class-not-found', '  priorityClassName: nope']),
      0,
    ],
    ['a comment with "all" suppresses every rule', podWith(['  # kpl-ignore: all', '  priorityClassName: nope']), 0],
    [
      'a trailing comment on the line above works too',
      podWith(['  restartPolicy: Always # kpl-ignore: priority-class-not-found', '  priorityClassName: nope']),
      0,
    ],
    ['a comment naming another rule does not suppress', podWith(['  # kpl-ignore: missing-requests', '  priorityClassName: nope']), 1],
    [
      'a comment two lines above does not suppress',
      podWith(['  # kpl-ignore: priority-class-not-found', '  restartPolicy: Always', '  priorityClassName: nope']),
      1,
    ],
    [
      'the annotation with the rule id suppresses it on the whole object',
      podWith(['  priorityClassName: nope'], 'priority-class-not-found'),
      0,
    ],
    [
      'the annotation takes a comma-separated list with spaces',
      podWith(['  priorityClassName: nope'], 'missing-requests , priority-class-not-found'),
      0,
    ],
    ['the annotation "all" suppresses every rule of the object', podWith(['  priorityClassName: nope'], 'all'), 0],
    ['the annotation naming another rule does not suppress', podWith(['  priorityClassName: nope'], 'preemption-risk'), 1],
    [
      'CRLF line endings: the comment on the line above still suppresses',
      podWith(['  # kpl-ignore: priority-class-not-found', '  priorityClassName: nope']).replace(/\n/g, '\r\n'),
      0,
    ],
  ];
  for (const [name, text, expected] of cases) {
    test(name, () => assert.equal(findingsOf(analyze(text).findings, 'priority-class-not-found').length, expected));
  }

  // JSON manifests put a finding on the first line (no line above) or right after an empty one.
  const json =
    '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"priorityClassName": "nope", "containers": [{"name": "a", "image": "a"}]}}';
  for (const [name, text] of [
    ['a finding on the first line of a file', json],
    ['a finding after an empty first line', `\n${json}`],
    ['a finding after two empty lines', `\n\n${json}`],
  ]) {
    test(`${name} is reported (no line above to read a comment from)`, () => {
      assert.equal(findingsOf(analyze([{ path: 'p.json', content: text ?? '' }]).findings, 'priority-class-not-found').length, 1);
    });
  }

  test('an annotation on one object does not suppress findings of the next object', () => {
    const text =
      podWith(['  priorityClassName: nope'], 'all') + '---\n' + podWith(['  priorityClassName: nope']).replace('name: p', 'name: q');
    assert.deepEqual(
      findingsOf(analyze(text).findings, 'priority-class-not-found').map((f) => f.object),
      ['Pod/default/q'],
    );
  });
});

describe('severity settings', () => {
  const text = podWith(['  priorityClassName: nope']);
  test('every rule runs at its default severity when nothing is configured', () => {
    const f = findingsOf(analyze(text).findings, 'priority-class-not-found')[0];
    assert.equal(f?.severity, rules.find((r) => r.id === 'priority-class-not-found')?.defaultSeverity);
  });
  test('a rule set to off reports nothing', () => {
    assert.deepEqual(
      findingsOf(analyze(text, { severities: { 'priority-class-not-found': 'off' } }).findings, 'priority-class-not-found'),
      [],
    );
  });
  test('a configured severity replaces the default', () => {
    assert.equal(
      findingsOf(analyze(text, { severities: { 'priority-class-not-found': 'hint' } }).findings, 'priority-class-not-found')[0]?.severity,
      'hint',
    );
  });
  test("each file's findings are sorted by position, and sortFindings orders by file, then position", () => {
    const { findings } = analyze([
      { path: 'b.yaml', content: text },
      { path: 'a.yaml', content: text },
    ]);
    for (const file of ['a.yaml', 'b.yaml']) {
      const starts = findings.filter((f) => f.file === file).map((f) => f.span.start);
      assert.deepEqual(
        starts,
        [...starts].sort((x, y) => x - y),
      );
    }
    const keys = sortFindings([...findings]).map((f) => [f.file, f.span.start] as const);
    assert.deepEqual(
      keys,
      [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1])),
    );
    assert.equal(keys[0]?.[0], 'a.yaml');
  });
});
