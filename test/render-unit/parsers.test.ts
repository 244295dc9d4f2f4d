// Reading what the tools print and what kustomizations say, without the tools: Helm's error texts (recorded from
// real runs by test/render/record.test.ts), the origin annotation, and references kustomize would fetch.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseHelmError } from '../../server/src/render/helm';
import { stripOrigin, splitYamlStream } from '../../server/src/render/kustomize';
import { isRemote, readKustomization } from '../../server/src/render/kustomization';
import { matchPattern } from '../../server/src/render/locate-kustomize';
import { identityOf } from '../../server/src/render/documents';
import { kustomizeExample, recording } from './recorded';

describe('Helm errors (recorded from helm v4.3.2)', () => {
  const chart = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-helm-error-'));
  fs.mkdirSync(path.join(chart, 'templates'));
  fs.writeFileSync(path.join(chart, 'templates', 'cm.yaml'), 'x\n');
  const parse = (name: string) => parseHelmError(recording(`helm-error-${name}`).stderr.replaceAll('<CHART>', chart), chart);

  test('execution error at (file:line:col)', () => {
    const e = parse('required');
    assert.deepEqual([e.file, e.line, e.character], [path.join(chart, 'templates', 'cm.yaml'), 5, 19]);
    assert.equal(e.message, 'execution error at (app/templates/cm.yaml:6:20): a is required');
  });
  test('parse error at (file:line)', () => {
    const e = parse('unclosed');
    assert.equal(e.file, path.join(chart, 'templates', 'cm.yaml'));
    assert.equal(e.character, undefined);
    assert.ok(e.line !== undefined && e.line >= 5);
  });
  test("helm 4's multi-line error: position first, message below, on one line", () => {
    const e = parse('nil');
    assert.deepEqual([e.line, e.character], [5, 14]);
    assert.equal(
      e.message,
      'app/templates/cm.yaml:6:15 executing "app/templates/cm.yaml" at <.Values.a.b.c>: nil pointer evaluating interface {}.b',
    );
  });
  test('YAML parse error: the file, no line', () => {
    const e = parse('yaml');
    assert.deepEqual([e.file, e.line], [path.join(chart, 'templates', 'cm.yaml'), undefined]);
  });
  test('a path outside the chart, or no path: no file', () => {
    assert.equal(parseHelmError('Error: execution error at (app/templates/../../../etc/passwd:1:1): x', chart).file, undefined);
    assert.equal(parseHelmError('Error: validation: chart.metadata.name is required', chart).file, undefined);
    assert.equal(parseHelmError('template: x/templates/missing.yaml:3:1: y', chart).file, undefined, 'a file that does not exist');
  });
  test('hostile stderr stays linear (1 MiB)', () => {
    const started = performance.now();
    parseHelmError('/templates/'.repeat(100_000) + ':1'.repeat(100_000), chart);
    assert.ok(performance.now() - started < 2000);
  });
});

describe('kustomize output', () => {
  test('stripOrigin removes the annotation (and annotations: left empty) and reads it', () => {
    const doc =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../x/cm.yaml\n  name: a\n';
    assert.deepEqual(stripOrigin(doc), {
      text: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
      path: '../x/cm.yaml',
      configuredIn: undefined,
    });
    const kept =
      'metadata:\n  annotations:\n    a: b\n    config.kubernetes.io/origin: |\n      configuredIn: k/kustomization.yaml\n      configuredBy:\n        kind: ConfigMapGenerator\n    z: y\n  name: a\n';
    const s = stripOrigin(kept);
    assert.equal(s.text, 'metadata:\n  annotations:\n    a: b\n    z: y\n  name: a\n');
    assert.equal(s.configuredIn, 'k/kustomization.yaml');
    assert.deepEqual(stripOrigin('kind: X\n'), { text: 'kind: X\n' });
  });

  test('documents split at --- lines; identity read from the text', () => {
    const docs = splitYamlStream('a: 1\n---\nkind: Job\nmetadata:\n  labels:\n    name: no\n  name: "yes"\n---\n');
    assert.equal(docs.length, 2);
    assert.deepEqual(identityOf(docs[1] ?? ''), { kind: 'Job', name: 'yes' });
  });
});

describe('kustomization files', () => {
  test("the example overlay: its base, a patch file and an inline JSON 6902 patch with the patch text's position", () => {
    const file = path.join(kustomizeExample, 'overlays', 'ci', 'kustomization.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const k = readKustomization(file, text);
    assert.deepEqual(
      k.resources.map((r) => r.value),
      ['../../base'],
    );
    assert.equal(k.patches.length, 2);
    assert.deepEqual(
      [k.patches[0]?.file, k.patches[0]?.json6902],
      [path.join(kustomizeExample, 'overlays', 'ci', 'test-job-fail-fast.yaml'), false],
    );
    assert.deepEqual(k.patches[1]?.target, { kind: 'Job', name: 'eval-baseline' });
    assert.equal(k.patches[1]?.json6902, true);
    const inline = k.patches[1]?.inline;
    assert.ok(inline !== undefined);
    assert.ok(text.slice(inline.offset).trimStart().startsWith('- op: replace'));
  });

  test('remote references, helmCharts and Components are recognised', () => {
    const k = readKustomization(
      '/k/kustomization.yaml',
      'kind: Component\nresources:\n  - github.com/org/repo//deploy?ref=v1\n  - https://example.com/x.yaml\n  - ../local\n  - git@github.com:org/repo.git\ncomponents:\n  - ../c\nhelmCharts:\n  - name: x\npatches:\n  - path: https://example.com/p.yaml\nconfigMapGenerator:\n  - name: c\n    files: [https://example.com/f]\n',
    );
    assert.equal(k.kind, 'Component');
    assert.deepEqual(
      k.remote.map((r) => r.value),
      [
        'github.com/org/repo//deploy?ref=v1',
        'https://example.com/x.yaml',
        'git@github.com:org/repo.git',
        'https://example.com/f',
        'https://example.com/p.yaml',
      ],
    );
    assert.deepEqual(
      k.resources.map((r) => r.value),
      ['../local'],
    );
    assert.equal(k.helmCharts.length, 1);
    for (const local of ['base', '../base', 'deployment.yaml', './x/y.yml']) assert.equal(isRemote(local), false, local);
  });

  test('an unreadable kustomization is an error, not a crash', () => {
    assert.match(readKustomization('/k/kustomization.yaml', 'resources: [\n').error ?? '', /./);
    assert.equal(readKustomization('/k/kustomization.yaml', '- a\n').error, 'not a YAML mapping');
  });

  test('patch target names: literal and .* patterns exactly, other regular expressions assumed to match', () => {
    assert.equal(matchPattern('app', 'app'), true);
    assert.equal(matchPattern('app', 'app-db'), false);
    assert.equal(matchPattern('app-.*', 'app-db'), true);
    assert.equal(matchPattern('.*-db', 'app-db'), true);
    assert.equal(matchPattern('.*-db', 'app-web'), false);
    assert.equal(matchPattern('(a|b)+$', 'anything'), true);
  });
});
