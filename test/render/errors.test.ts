// Render failures become problems at the line a person fixes: Helm's own error texts (execution, parse, nil pointer,
// YAML, kubeVersion, values schema) parsed from real `helm template` runs; dependencies not vendored, remote
// kustomize resources and helmCharts reported before any tool runs; kustomize errors at the kustomization entry.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultVariant } from '../../server/src/render/index';
import type { RenderResult } from '../../server/src/render/index';
import { lineOf, renderer } from './analyse';
import { chartYaml, configMap, removeTree, tree } from './fixture-trees';

const r = renderer();

async function helm(files: Record<string, string>): Promise<{ dir: string; result: RenderResult }> {
  const dir = tree(files);
  return { dir, result: await r.render({ tool: 'helm', dir, display: 'app', variant: defaultVariant }) };
}

function only(result: RenderResult) {
  assert.equal(result.documents.length, 0);
  assert.equal(result.problems.length, 1, JSON.stringify(result.problems));
  const [p] = result.problems;
  assert.ok(p !== undefined);
  return p;
}

describe('helm template errors, from the real helm', () => {
  test('`required` fails: the error is at the template line and column Helm names', async () => {
    const { dir, result } = await helm({
      'Chart.yaml': chartYaml,
      'templates/cm.yaml': configMap('  a: {{ .Values.a | required "a is required" }}'),
    });
    const p = only(result);
    assert.equal(p.kind, 'render-failed');
    assert.equal(p.location.file, path.join(dir, 'templates', 'cm.yaml'));
    assert.equal(p.location.line, 5);
    assert.equal(p.location.character, 19);
    assert.match(
      p.message,
      /^helm template failed for app \[default\]: execution error at \(app\/templates\/cm\.yaml:6:20\): a is required$/,
    );
    removeTree(dir);
  });

  test('an unclosed action: a parse error at its line', async () => {
    const { dir, result } = await helm({ 'Chart.yaml': chartYaml, 'templates/cm.yaml': configMap('  a: {{ .Values.a ') });
    const p = only(result);
    assert.equal(p.location.file, path.join(dir, 'templates', 'cm.yaml'));
    assert.match(p.message, /parse error at \(app\/templates\/cm\.yaml:\d+\)/);
    assert.ok(p.location.line <= 6);
    removeTree(dir);
  });

  test('a nil pointer: Helm 4 prints the position on its own line; it is still found', async () => {
    const { dir, result } = await helm({ 'Chart.yaml': chartYaml, 'templates/cm.yaml': configMap('  a: {{ .Values.a.b.c }}') });
    const p = only(result);
    assert.equal(p.location.file, path.join(dir, 'templates', 'cm.yaml'));
    assert.equal(p.location.line, 5);
    assert.match(p.message, /nil pointer evaluating interface \{\}\.b/);
    removeTree(dir);
  });

  test('rendered text that is not YAML: at the template (Helm gives no template line)', async () => {
    const { dir, result } = await helm({ 'Chart.yaml': chartYaml, 'templates/cm.yaml': configMap('  a: [') });
    const p = only(result);
    assert.equal(p.location.file, path.join(dir, 'templates', 'cm.yaml'));
    assert.equal(lineOf(p.location.file, p.location.line), 'apiVersion: v1');
    assert.match(p.message, /YAML parse error on app\/templates\/cm\.yaml/);
    removeTree(dir);
  });

  test('a kubeVersion the modelled Kubernetes does not satisfy: at Chart.yaml', async () => {
    const { dir, result } = await helm({
      'Chart.yaml': `${chartYaml}kubeVersion: "<1.20.0-0"\n`,
      'templates/cm.yaml': configMap('  a: b'),
    });
    const p = only(result);
    assert.equal(p.location.file, path.join(dir, 'Chart.yaml'));
    assert.match(p.message, /incompatible with Kubernetes v1\.36/);
    removeTree(dir);
  });

  test('a dependency missing from charts/ is reported at its entry and helm never runs', async () => {
    const { dir, result } = await helm({
      'Chart.yaml': `${chartYaml}dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n`,
      'templates/cm.yaml': configMap('  a: b'),
    });
    const p = only(result);
    assert.equal(p.kind, 'render-dependency-missing');
    assert.equal(p.location.file, path.join(dir, 'Chart.yaml'));
    assert.equal(lineOf(p.location.file, p.location.line), '- name: redis');
    assert.match(p.message, /redis \(https:\/\/charts\.example\.com\).*not fetched.*helm dependency build/);
    assert.equal(result.tool, undefined, 'no tool ran');
    removeTree(dir);
  });
});

describe('kustomize: what is never fetched, and build errors', () => {
  const k = (resources: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources}`;

  test('a remote resource is reported at its entry, and kustomize never runs', async () => {
    const dir = tree({
      'overlay/kustomization.yaml': k('  - ../base\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.8.1\n'),
      'base/kustomization.yaml': k('  - cm.yaml\n'),
      'base/cm.yaml': configMap('  a: b'),
    });
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'overlay'), display: 'overlay' });
    const p = only(result);
    assert.equal(p.kind, 'render-remote-resource');
    assert.equal(p.location.file, path.join(dir, 'overlay', 'kustomization.yaml'));
    assert.equal(p.location.line, 4);
    assert.equal(result.tool, undefined, 'no tool ran');
    removeTree(dir);
  });

  test('a remote base two levels down and helmCharts are reported too', async () => {
    const dir = tree({
      'overlay/kustomization.yaml': k('  - ../base\n'),
      'base/kustomization.yaml': `${k('  - github.com/org/repo/deploy?ref=main\n')}helmCharts:\n  - name: redis\n    repo: https://charts.example.com\n`,
    });
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'overlay'), display: 'overlay' });
    assert.deepEqual(
      result.problems.map((p) => [p.kind, path.relative(dir, p.location.file), p.location.line]),
      [
        ['render-remote-resource', 'base/kustomization.yaml', 3],
        ['render-remote-resource', 'base/kustomization.yaml', 4],
      ],
    );
    assert.match(result.problems[1]?.message ?? '', /helmCharts.*--enable-helm/);
    removeTree(dir);
  });

  test('a missing resource file: the build error is at that entry of the kustomization', async () => {
    const dir = tree({ 'app/kustomization.yaml': k('  - cm.yaml\n  - missing.yaml\n'), 'app/cm.yaml': configMap('  a: b') });
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'app'), display: 'app' });
    const p = only(result);
    assert.equal(p.kind, 'render-failed');
    assert.equal(p.location.file, path.join(dir, 'app', 'kustomization.yaml'));
    assert.equal(lineOf(p.location.file, p.location.line), '- missing.yaml');
    assert.doesNotMatch(p.message, /kpl-kustomize-/, 'the wrapper folder is not shown');
    removeTree(dir);
  });

  test('a file outside the kustomization root is refused by the load restrictor (never lifted)', async () => {
    const dir = tree({ 'app/kustomization.yaml': k('  - ../outside.yaml\n'), 'outside.yaml': configMap('  a: b') });
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'app'), display: 'app' });
    const p = only(result);
    assert.equal(p.kind, 'render-failed');
    assert.match(p.message, /is not in or below/);
    assert.equal(lineOf(p.location.file, p.location.line), '- ../outside.yaml');
    removeTree(dir);
  });

  test('a Component is never built on its own', async () => {
    const dir = tree({ 'c/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n' });
    const result = await r.render({ tool: 'kustomize', dir: path.join(dir, 'c'), display: 'c' });
    assert.deepEqual([result.documents, result.problems, result.tool], [[], [], undefined]);
    removeTree(dir);
  });
});
