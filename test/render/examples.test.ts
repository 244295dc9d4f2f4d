// The two story examples rendered with the real tools: every finding lands on the template, values or patch line a
// person edits. examples/ci-preemption-helm (class names from values; values-prod.yaml has the typo) and
// examples/ci-preemption-kustomize (overlays/ci patches the test Job's backoffLimit and the baseline's class).
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultVariant, parseRenderConfig, variantsOf } from '../../server/src/render/index';
import * as fs from 'node:fs';
import { renderAndAnalyse } from './analyse';
import type { MappedFinding } from './analyse';
import { root } from './tools';

const helmDir = path.join(root, 'examples', 'ci-preemption-helm');
const kustomizeDir = path.join(root, 'examples', 'ci-preemption-kustomize');

function show(findings: MappedFinding[]): string {
  return findings
    .map(
      (f) =>
        `${f.finding.ruleId} → ${f.mapped === undefined ? '?' : `${path.relative(root, f.mapped.location.file)}:${f.mapped.location.line + 1}`} ${f.line}${f.valueLine === undefined ? '' : ` ← ${f.valueLine}`}`,
    )
    .sort()
    .join('\n');
}

function helmVariant(name: string) {
  const config = parseRenderConfig(fs.readFileSync(path.join(helmDir, '.kpl.yaml'), 'utf8'), helmDir);
  assert.deepEqual(config.errors, []);
  const v = variantsOf(config.config, helmDir).find((x) => x.name === name);
  assert.ok(v !== undefined, `variant ${name} is configured`);
  return v;
}

describe('examples/ci-preemption-helm with helm template', () => {
  test('the .kpl.yaml configures the variants default and prod', () => {
    const config = parseRenderConfig(fs.readFileSync(path.join(helmDir, '.kpl.yaml'), 'utf8'), helmDir);
    assert.deepEqual(
      variantsOf(config.config, helmDir).map((v) => [v.name, v.namespace, v.valuesFiles.map((f) => path.relative(helmDir, f))]),
      [
        ['default', 'ci', []],
        ['prod', 'ci', ['values-prod.yaml']],
      ],
    );
    assert.notDeepEqual(variantsOf(config.config, helmDir), [defaultVariant]);
  });

  test('prod: the class-name typo is found on the template line and traced to values-prod.yaml', async () => {
    const { result, findings } = await renderAndAnalyse({
      tool: 'helm',
      dir: helmDir,
      display: 'examples/ci-preemption-helm',
      variant: helmVariant('prod'),
    });
    assert.deepEqual(result.problems, []);
    assert.equal(result.source.variant, 'prod');
    const typo = findings.filter((f) => f.finding.ruleId === 'priority-class-not-found');
    assert.equal(typo.length, 1, show(findings));
    const [f] = typo;
    assert.equal(path.relative(root, f?.mapped?.location.file ?? ''), 'examples/ci-preemption-helm/templates/evaluation-jobs.yaml');
    assert.equal(f?.line, 'priorityClassName: {{ .Values.evaluation.baseline.priorityClassName | quote }}');
    assert.equal(f?.mapped?.matched, f?.mapped?.keyPath?.length, 'the key path itself is on that line');
    assert.equal(path.relative(root, f?.mapped?.value?.key?.file ?? ''), 'examples/ci-preemption-helm/values-prod.yaml');
    assert.equal(f?.valueLine, 'priorityClassName: evaluation-hihg');
    assert.deepEqual(f?.mapped?.value?.path, ['evaluation', 'baseline', 'priorityClassName']);
    // The value span is the typo itself: a quick fix edits it there.
    const valuesText = fs.readFileSync(path.join(helmDir, 'values-prod.yaml'), 'utf8');
    assert.equal(valuesText.slice(f?.mapped?.value?.value?.start, f?.mapped?.value?.value?.end), 'evaluation-hihg');
  });

  test('default: no typo; the story findings land on template lines and their values entries', async () => {
    const { result, findings } = await renderAndAnalyse({
      tool: 'helm',
      dir: helmDir,
      display: 'examples/ci-preemption-helm',
      variant: helmVariant('default'),
    });
    assert.deepEqual(result.problems, []);
    assert.equal(findings.filter((f) => f.finding.ruleId === 'priority-class-not-found').length, 0, show(findings));
    const byRule = (id: string) => findings.find((f) => f.finding.ruleId === id);
    const fails = byRule('job-preemption-fails-job');
    assert.equal(fails?.line, 'backoffLimit: {{ .Values.tests.backoffLimit }}', show(findings));
    assert.equal(fails?.valueLine, 'backoffLimit: 0');
    const pdb = byRule('pdb-blocks-all-evictions');
    assert.equal(pdb?.line, 'minAvailable: {{ .Values.resultsApi.pdb.minAvailable }}', show(findings));
    assert.equal(pdb?.valueLine, 'minAvailable: 2');
    const unused = byRule('priority-class-unused');
    assert.equal(unused?.line, 'name: nightly-batch');
    assert.equal(path.basename(unused?.mapped?.location.file ?? ''), 'priority-classes.yaml');
    const globalDefault = byRule('priority-from-global-default');
    assert.equal(globalDefault?.line, 'name: integration-tests');
    assert.equal(path.basename(globalDefault?.mapped?.location.file ?? ''), 'test-job.yaml');
    // `resources:` then `{{- toYaml .Values.resultsApi.resources | nindent 12 }}`: the values block is the origin.
    const requests = byRule('missing-requests');
    assert.equal(requests?.line, 'resources:');
    assert.deepEqual(requests?.mapped?.value?.path, ['resultsApi', 'resources']);
    assert.equal(path.basename(requests?.mapped?.value?.key?.file ?? ''), 'values.yaml');
    for (const f of findings) assert.notEqual(f.mapped, undefined, `${f.finding.ruleId} is mapped`);
  });
});

describe('examples/ci-preemption-kustomize with kustomize build', () => {
  test('overlays/ci: findings land on the patch lines, others on the base files', async () => {
    const { result, findings } = await renderAndAnalyse({
      tool: 'kustomize',
      dir: path.join(kustomizeDir, 'overlays', 'ci'),
      display: 'examples/ci-preemption-kustomize/overlays/ci',
    });
    assert.deepEqual(result.problems, []);
    const byRule = (id: string) => findings.find((f) => f.finding.ruleId === id);
    const fails = byRule('job-preemption-fails-job');
    assert.equal(path.relative(kustomizeDir, fails?.mapped?.location.file ?? ''), 'overlays/ci/test-job-fail-fast.yaml', show(findings));
    assert.equal(fails?.line, 'backoffLimit: 0');
    assert.equal(fails?.mapped?.via, 'patch');
    const typo = byRule('priority-class-not-found');
    assert.equal(path.relative(kustomizeDir, typo?.mapped?.location.file ?? ''), 'overlays/ci/kustomization.yaml', show(findings));
    assert.equal(typo?.line, 'value: evaluation-hihg');
    const pdb = byRule('pdb-blocks-all-evictions');
    assert.equal(path.relative(kustomizeDir, pdb?.mapped?.location.file ?? ''), 'base/results-api.yaml');
    assert.equal(pdb?.line, 'minAvailable: 2');
    assert.equal(pdb?.mapped?.via, 'resource');
    // The patch's metadata.name only says which Job it patches: the name itself is written in the base.
    const globalDefault = byRule('priority-from-global-default');
    assert.equal(path.relative(kustomizeDir, globalDefault?.mapped?.location.file ?? ''), 'base/test-job.yaml');
    assert.equal(globalDefault?.line, 'name: integration-tests');
    // Identities are the rendered ones: kustomize applied `namespace: ci`.
    assert.match(pdb?.finding.message ?? '', /ci\/results-api/);
  });
});
