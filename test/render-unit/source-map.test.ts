// The source map on recorded real output of the two examples (no tools needed): rendered spans → key paths →
// template, values and patch lines; documents keep their sources; origin annotations are stripped.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AnalysisHost, newestKubernetesMinor, parseFile } from '../../server/src/core/index';
import { formatKeyPath, keyPathAt, SourceMapper, toRenderedInput } from '../../server/src/render/index';
import type { MappedLocation } from '../../server/src/render/index';
import { helmExample, helmResult, kustomizeExample, kustomizeResult } from './recorded';

const lineOf = (m: MappedLocation | undefined): string =>
  m === undefined ? '' : (fs.readFileSync(m.location.file, 'utf8').split('\n')[m.location.line] ?? '').trim();

/** The offset in the joined input of `needle` inside the document of kind/name. */
function offsetOf(
  input: ReturnType<typeof toRenderedInput>,
  docs: ReturnType<typeof helmResult>['documents'],
  kind: string,
  name: string,
  needle: string,
): number {
  const i = docs.findIndex((d) => d.kind === kind && d.name === name);
  assert.ok(i >= 0, `${kind}/${name} rendered`);
  const start = input.documents[i]?.start ?? 0;
  const at = input.text.indexOf(needle, start);
  assert.ok(at >= 0 && at < (input.documents[i]?.end ?? 0), `${needle} in ${kind}/${name}`);
  return at;
}

describe('Helm example (recorded helm template output)', () => {
  test('every document keeps the template it came from; the # Source line is gone', () => {
    const result = helmResult('default');
    assert.deepEqual(
      result.documents.map((d) => `${d.kind}/${d.name} ← ${path.relative(helmExample, d.sourceFile ?? '')}`),
      [
        'PriorityClass/ci-default ← templates/priority-classes.yaml',
        'PriorityClass/evaluation-high ← templates/priority-classes.yaml',
        'PriorityClass/nightly-batch ← templates/priority-classes.yaml',
        'PodDisruptionBudget/results-api ← templates/results-api.yaml',
        'Deployment/results-api ← templates/results-api.yaml',
        'Job/eval-runner ← templates/evaluation-jobs.yaml',
        'Job/eval-baseline ← templates/evaluation-jobs.yaml',
        'Job/integration-tests ← templates/test-job.yaml',
      ],
    );
    for (const d of result.documents) assert.doesNotMatch(d.text, /^# Source:/m);
  });

  test('prod: the baseline class maps to its template line and to values-prod.yaml', () => {
    const result = helmResult('prod');
    const input = toRenderedInput(result);
    const mapper = new SourceMapper(result, input);
    const at = offsetOf(input, result.documents, 'Job', 'eval-baseline', 'evaluation-hihg');
    const m = mapper.map(at);
    assert.equal(formatKeyPath(m?.keyPath ?? []), 'spec.template.spec.priorityClassName');
    assert.equal(lineOf(m), 'priorityClassName: {{ .Values.evaluation.baseline.priorityClassName | quote }}');
    assert.equal(m?.value?.key?.file, path.join(helmExample, 'values-prod.yaml'));
    assert.equal(m?.value?.key?.line, 3);
  });

  test('default: the same line takes its value from values.yaml; toYaml blocks map into values', () => {
    const result = helmResult('default');
    const input = toRenderedInput(result);
    const mapper = new SourceMapper(result, input);
    const baseline = mapper.map(offsetOf(input, result.documents, 'Job', 'eval-baseline', 'evaluation-high'));
    assert.equal(baseline?.value?.key?.file, path.join(helmExample, 'values.yaml'));
    const cpu = mapper.map(offsetOf(input, result.documents, 'Deployment', 'results-api', '250m'));
    assert.equal(formatKeyPath(cpu?.keyPath ?? []), 'spec.template.spec.containers[api].resources.requests.cpu');
    assert.equal(lineOf(cpu), 'resources:', 'the nearest key the template writes');
    assert.equal(cpu?.matched, 6);
    assert.deepEqual(cpu?.value?.path, ['resultsApi', 'resources', 'requests', 'cpu']);
    assert.equal(cpu?.value?.key?.line, 14);
  });

  test('a key the template gets from a named template (include) maps into _helpers.tpl', () => {
    const result = helmResult('default');
    const input = toRenderedInput(result);
    const m = new SourceMapper(result, input).map(offsetOf(input, result.documents, 'PriorityClass', 'ci-default', 'helm.sh/chart'));
    assert.equal(path.basename(m?.location.file ?? ''), '_helpers.tpl');
    assert.equal(lineOf(m), 'helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}');
  });
});

describe('Kustomize example (recorded kustomize build through the origin wrapper)', () => {
  test('origins are the example files; the annotation is stripped from the text', () => {
    const result = kustomizeResult();
    for (const d of result.documents) {
      assert.doesNotMatch(d.text, /config\.kubernetes\.io\/origin/);
      assert.ok(d.sourceFile?.startsWith(path.join(kustomizeExample, 'base')), `${d.kind}/${d.name} ← ${d.sourceFile}`);
      assert.ok(fs.existsSync(d.sourceFile ?? ''));
    }
    assert.equal(
      result.documents.find((d) => d.name === 'integration-tests')?.sourceFile,
      path.join(kustomizeExample, 'base', 'test-job.yaml'),
    );
  });

  test('patched values map to the patch; the rest to the base', () => {
    const result = kustomizeResult();
    const input = toRenderedInput(result);
    const mapper = new SourceMapper(result, input);
    const backoff = mapper.map(offsetOf(input, result.documents, 'Job', 'integration-tests', 'backoffLimit'));
    assert.equal(backoff?.location.file, path.join(kustomizeExample, 'overlays', 'ci', 'test-job-fail-fast.yaml'));
    assert.equal(lineOf(backoff), 'backoffLimit: 0');
    const parallelism = mapper.map(offsetOf(input, result.documents, 'Job', 'integration-tests', 'parallelism'));
    assert.equal(parallelism?.location.file, path.join(kustomizeExample, 'base', 'test-job.yaml'));
    const typo = mapper.map(offsetOf(input, result.documents, 'Job', 'eval-baseline', 'evaluation-hihg'));
    assert.equal(typo?.location.file, path.join(kustomizeExample, 'overlays', 'ci', 'kustomization.yaml'));
    assert.equal(lineOf(typo), 'value: evaluation-hihg', 'inside the inline JSON 6902 patch');
    const namespace = mapper.map(offsetOf(input, result.documents, 'Job', 'integration-tests', 'namespace: ci'));
    assert.equal(
      namespace?.location.file,
      path.join(kustomizeExample, 'base', 'test-job.yaml'),
      'kustomize set the namespace: the base object is where it is declared',
    );
  });
});

describe('keyPathAt', () => {
  test('keys, values, sequence items with their names; outside any node is the root', () => {
    const text = 'spec:\n  containers:\n    - name: a\n      image: x\n    - image: y\n';
    assert.equal(formatKeyPath(keyPathAt(text, text.indexOf('x'))), 'spec.containers[a].image');
    assert.equal(formatKeyPath(keyPathAt(text, text.indexOf('y'))), 'spec.containers[1].image');
    assert.equal(formatKeyPath(keyPathAt(text, text.indexOf('containers'))), 'spec.containers');
    assert.deepEqual(keyPathAt('{{ not yaml', 3), []);
  });
});

describe('quick-fix edits, made where the value is written', () => {
  function analyse(result: ReturnType<typeof helmResult>) {
    const input = toRenderedInput(result);
    const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    host.addParsed(parseFile({ path: input.path, content: input.text }));
    const findings = [...host.analyze().findings.values()].flat();
    return { input, findings, mapper: new SourceMapper(result, input) };
  }
  const apply = (edit: { file: string; start: number; end: number; newText: string }) => {
    const text = fs.readFileSync(edit.file, 'utf8');
    return (text.slice(0, edit.start) + edit.newText + text.slice(edit.end)).split('\n');
  };

  test('Helm prod: the did-you-mean fix edits values-prod.yaml, not the template', () => {
    const { findings, mapper } = analyse(helmResult('prod'));
    const typo = findings.find((f) => f.ruleId === 'priority-class-not-found');
    const edit = typo?.fix?.edits[0];
    assert.ok(edit !== undefined, 'the engine offers a fix on the rendered text');
    const mapped = mapper.mapEdit(edit.span.start, edit.span.end, edit.newText);
    assert.equal(mapped?.file, path.join(helmExample, 'values-prod.yaml'));
    assert.equal(apply(mapped ?? { file: '', start: 0, end: 0, newText: '' })[3], '    priorityClassName: evaluation-high');
  });

  test('Kustomize: the fix edits the literal in the inline patch; computed values get no fix', () => {
    const result = kustomizeResult();
    const { findings, mapper, input } = analyse(result);
    const typo = findings.find((f) => f.ruleId === 'priority-class-not-found');
    const edit = typo?.fix?.edits[0];
    assert.ok(edit !== undefined);
    const mapped = mapper.mapEdit(edit.span.start, edit.span.end, edit.newText);
    assert.equal(mapped?.file, path.join(kustomizeExample, 'overlays', 'ci', 'kustomization.yaml'));
    assert.ok(apply(mapped ?? { file: '', start: 0, end: 0, newText: '' }).includes('        value: evaluation-high'));
    // Not a whole scalar: no edit.
    assert.equal(mapper.mapEdit(edit.span.start + 1, edit.span.end, 'x'), undefined);
    // `namespace: ci` was set by kustomize, not written in a file as such: no edit.
    const ns = input.text.indexOf('namespace: ci') + 'namespace: '.length;
    assert.equal(mapper.mapEdit(ns, ns + 2, 'prod'), undefined);
  });

  test('Helm: a value rendered from .Release.Namespace has no file to edit', () => {
    const result = helmResult('default');
    const { input, mapper } = analyse(result);
    const at = input.text.indexOf('namespace: ci') + 'namespace: '.length;
    assert.equal(mapper.mapEdit(at, at + 2, 'prod'), undefined);
  });
});
