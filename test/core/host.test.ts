// The incremental AnalysisHost: edits that keep a file's summary re-check that file only and agree with a full
// rebuild; edits that change cross-file facts (a PriorityClass value) rebuild and change other files' findings.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AnalysisHost, newestKubernetesMinor } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { analyze, yaml } from '../helpers/analyze';

const classes = (high: number): string =>
  yaml(
    'apiVersion: scheduling.k8s.io/v1',
    'kind: PriorityClass',
    'metadata: {name: high}',
    `value: ${high}`,
    '---',
    'apiVersion: scheduling.k8s.io/v1',
    'kind: PriorityClass',
    'metadata: {name: low}',
    'value: 10',
  );
const workloads = (comment = ''): string =>
  yaml(
    `# workloads${comment}`,
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: batch}',
    'spec:',
    '  priorityClassName: low',
    '  containers: [{name: a, image: a}]',
    '---',
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: api}',
    'spec:',
    '  priorityClassName: high',
    '  priority: 1000',
    '  containers: [{name: a, image: a}]',
  );

const plain = (findings: readonly Finding[]): unknown =>
  findings.map((f) => ({ ruleId: f.ruleId, message: f.message, span: f.span, severity: f.severity, object: f.object, fix: f.fix }));

function host(): AnalysisHost {
  const h = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
  h.setFile({ path: 'classes.yaml', content: classes(1000) });
  h.setFile({ path: 'workloads.yaml', content: workloads() });
  return h;
}

describe('incremental analysis', () => {
  test('the first analysis rebuilds and checks every file', () => {
    const result = host().analyze();
    assert.equal(result.rebuilt, true);
    assert.deepEqual([...result.findings.keys()].sort(), ['classes.yaml', 'workloads.yaml']);
  });

  test('an edit that keeps the summary (a comment) re-checks only that file, with the same findings as a full rebuild', () => {
    const h = host();
    h.analyze();
    const edited = workloads(' — edited, and a longer comment that shifts every offset');
    h.setFile({ path: 'workloads.yaml', content: edited });
    const result = h.analyze();
    assert.equal(result.rebuilt, false);
    assert.deepEqual([...result.findings.keys()], ['workloads.yaml']);
    const full = analyze([
      { path: 'classes.yaml', content: classes(1000) },
      { path: 'workloads.yaml', content: edited },
    ]).findings.filter((f) => f.file === 'workloads.yaml');
    assert.ok(full.length > 0);
    assert.deepEqual(plain(result.findings.get('workloads.yaml') ?? []), plain(full));
  });

  test('after an incremental edit the model gives the same preemption facts as a fresh model', () => {
    const h = host();
    h.analyze();
    h.setFile({ path: 'workloads.yaml', content: workloads(' shifted') });
    const model = h.analyze().model;
    const batch = model.workloads.find((w) => w.object.name === 'batch');
    assert.ok(batch !== undefined);
    assert.deepEqual(
      model.preemptorsOf(batch).map((w) => w.object.id),
      ['Pod/default/api'],
    );
    assert.equal(batch.object.nameSpan.start, workloads(' shifted').indexOf('batch'));
  });

  test('a PriorityClass value edit changes findings in another file without a rebuild (issue 18)', () => {
    const h = host();
    const before = h.analyze().findings.get('workloads.yaml') ?? [];
    assert.ok(!before.some((f) => f.ruleId === 'priority-conflicts-with-class'));
    h.setFile({ path: 'classes.yaml', content: classes(2000) });
    const result = h.analyze();
    assert.equal(result.rebuilt, false);
    assert.deepEqual([...result.findings.keys()].sort(), ['classes.yaml', 'workloads.yaml']);
    const after = result.findings.get('workloads.yaml') ?? [];
    assert.match(
      after.find((f) => f.ruleId === 'priority-conflicts-with-class')?.message ?? '',
      /priority admission controller computed 2000/,
    );
  });

  test('removing a file re-checks its dependents: the class it defined is no longer found', () => {
    const h = host();
    h.analyze();
    h.removeFile('classes.yaml');
    const result = h.analyze();
    assert.equal(result.rebuilt, false);
    assert.deepEqual([...result.findings.keys()], ['workloads.yaml']);
    assert.equal((result.findings.get('workloads.yaml') ?? []).filter((f) => f.ruleId === 'priority-class-not-found').length, 2);
  });

  test("an edit that changes a workload's priorityClassName applies by delta and re-checks the class file (usage)", () => {
    const h = host();
    h.analyze();
    h.setFile({ path: 'workloads.yaml', content: workloads().replace('priorityClassName: low', 'priorityClassName: high') });
    const result = h.analyze();
    assert.equal(result.rebuilt, false);
    assert.deepEqual([...result.findings.keys()].sort(), ['classes.yaml', 'workloads.yaml']);
  });

  test('with `first`, the edited file and the open documents are checked now and the other dependents stay pending', () => {
    const h = host();
    h.setFile({ path: 'other.yaml', content: workloads().replace(/name: (api|batch)/g, 'name: $1-2') });
    h.analyze();
    h.setFile({ path: 'classes.yaml', content: classes(2000) });
    const result = h.analyze({ first: new Set(['workloads.yaml']) });
    assert.deepEqual([...result.findings.keys()].sort(), ['classes.yaml', 'workloads.yaml']);
    assert.equal(result.pending, 1);
    const batch = h.analyzePending(10);
    assert.deepEqual([...batch.findings.keys()], ['other.yaml']);
    assert.equal(batch.remaining, 0);
    const fresh = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    fresh.setFile({ path: 'classes.yaml', content: classes(2000) });
    fresh.setFile({ path: 'workloads.yaml', content: workloads() });
    fresh.setFile({ path: 'other.yaml', content: workloads().replace(/name: (api|batch)/g, 'name: $1-2') });
    assert.deepEqual(plain(batch.findings.get('other.yaml') ?? []), plain(fresh.analyze().findings.get('other.yaml') ?? []));
  });

  test('changing cluster state rebuilds and cluster classes become known', () => {
    const h = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    h.setFile({
      path: 'w.yaml',
      content: yaml(
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: p}',
        'spec:',
        '  priorityClassName: prod',
        '  containers: [{name: c, image: i}]',
      ),
    });
    assert.equal((h.analyze().findings.get('w.yaml') ?? []).filter((f) => f.ruleId === 'priority-class-not-found').length, 1);
    h.setClusterState([
      { path: 'c.yaml', content: yaml('apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata: {name: prod}', 'value: 5') },
    ]);
    const result = h.analyze();
    assert.equal(result.rebuilt, true);
    assert.equal((result.findings.get('w.yaml') ?? []).filter((f) => f.ruleId === 'priority-class-not-found').length, 0);
  });

  test("findingsOf recomputes one file's findings exactly as the last analysis published them", () => {
    const h = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    h.setFile({ path: 'c.yaml', content: classes(1000) });
    h.setFile({ path: 'w.yaml', content: workloads() });
    const result = h.analyze();
    const published = result.findings.get('w.yaml') ?? [];
    assert.ok(published.length > 0);
    assert.deepEqual(plain(h.findingsOf('w.yaml')), plain(published));
    assert.deepEqual(h.findingsOf('missing.yaml'), []);
  });
});
