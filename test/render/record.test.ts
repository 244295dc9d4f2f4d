// Recordings of real tool output for the unit tests of npm test (test/render-unit/), which run without the tools:
// `helm template` of the Helm example (both variants) and of charts that fail in known ways (stderr), and
// `kustomize build` of the Kustomize example through the origin-annotation wrapper. This test renders them again and
// fails when a recording is stale; UPDATE_RECORDINGS=1 rewrites them. Paths that depend on the machine are replaced:
// the wrapper's relative path to the example by `<ROOT>`, temporary chart folders by `<CHART>`.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { helmArgs } from '../../server/src/render/helm';
import { kustomizeArgs, writeWrapper } from '../../server/src/render/kustomize';
import { defaultVariant, runTool } from '../../server/src/render/index';
import type { HelmVariant } from '../../server/src/render/index';
import { chartYaml, configMap, removeTree, tree } from './fixture-trees';
import { realTools, root } from './tools';

const recorded = path.join(root, 'test', 'render-unit', 'recorded');
const helmExample = path.join(root, 'examples', 'ci-preemption-helm');
const kustomizeExample = path.join(root, 'examples', 'ci-preemption-kustomize');

export interface Recording {
  what: string;
  argv: string[];
  code: number | undefined;
  stdout: string;
  stderr: string;
}

function check(name: string, recording: Recording): void {
  const file = path.join(recorded, `${name}.json`);
  const text = `${JSON.stringify(recording, null, 1)}\n`;
  if (process.env['UPDATE_RECORDINGS'] === '1') {
    fs.writeFileSync(file, text);
    return;
  }
  const existing = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  assert.ok(
    existing === text,
    `${path.relative(root, file)} is stale: run UPDATE_RECORDINGS=1 npm run test:render -- record and commit it`,
  );
}

test('recordings of helm template and kustomize build for the unit tests are current', async () => {
  const tools = realTools();
  assert.ok(tools !== undefined);
  const variants: Array<[string, HelmVariant]> = [
    ['helm-example-default', { ...defaultVariant, namespace: 'ci' }],
    ['helm-example-prod', { ...defaultVariant, name: 'prod', namespace: 'ci', valuesFiles: [path.join(helmExample, 'values-prod.yaml')] }],
  ];
  for (const [name, variant] of variants) {
    const argv = helmArgs(helmExample, variant, 'v1.36.0');
    const run = await runTool(tools.helm, argv);
    assert.equal(run.code, 0, run.stderr);
    check(name, {
      what: `helm template of examples/ci-preemption-helm [${variant.name}]`,
      argv: argv.map((a) => a.replaceAll(root, '<REPO>')),
      code: run.code,
      stdout: run.stdout,
      stderr: run.stderr,
    });
  }
  const failing: Record<string, string> = {
    required: configMap('  a: {{ .Values.a | required "a is required" }}'),
    unclosed: configMap('  a: {{ .Values.a '),
    nil: configMap('  a: {{ .Values.a.b.c }}'),
    yaml: configMap('  a: ['),
  };
  for (const [name, template] of Object.entries(failing)) {
    const dir = tree({ 'Chart.yaml': chartYaml, 'templates/cm.yaml': template });
    const run = await runTool(tools.helm, ['template', dir]);
    removeTree(dir);
    assert.notEqual(run.code, 0);
    check(`helm-error-${name}`, {
      what: `helm template of a chart whose templates/cm.yaml is:\n${template}`,
      argv: ['template', '<CHART>'],
      code: run.code,
      stdout: '',
      stderr: run.stderr.replaceAll(dir, '<CHART>'),
    });
  }
  const overlay = path.join(kustomizeExample, 'overlays', 'ci');
  const wrapper = await writeWrapper(overlay);
  try {
    const run = await runTool(tools.kustomize, kustomizeArgs(tools.kustomize, wrapper.dir));
    assert.equal(run.code, 0, run.stderr);
    const rel = path.relative(wrapper.dir, kustomizeExample).split(path.sep).join('/');
    check('kustomize-example-ci', {
      what: 'kustomize build of a wrapper (originAnnotations) around examples/ci-preemption-kustomize/overlays/ci',
      argv: ['build', '<WRAPPER>'],
      code: run.code,
      stdout: run.stdout.replaceAll(rel, '<ROOT>'),
      stderr: run.stderr,
    });
  } finally {
    await wrapper.remove();
  }
});
