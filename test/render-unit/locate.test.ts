// The key-path locator over template text (not YAML: an indentation-aware search), the `.Values` origin detector and
// the values file locator, on small templates written here: each case is one shape real charts use.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineIndex, locateInTemplate, TemplateFile } from '../../server/src/render/locate-template';
import { refsOf, scanRefs } from '../../server/src/render/template-refs';
import { readTemplateLines } from '../../server/src/render/template-lines';
import { valueOrigin, ValuesDocument } from '../../server/src/render/values';
import type { KeyPath } from '../../server/src/render/index';

const t = (...lines: string[]) => new TemplateFile('/chart/templates/x.yaml', `${lines.join('\n')}\n`);
const at = (file: TemplateFile, path: KeyPath, kind?: string) => {
  const m = locateInTemplate(file, path, { kind });
  return { line: file.text.split('\n')[m.line]?.trim(), matched: m.matched, refs: m.valueRefs.map((r) => r.join('.')) };
};

describe('template lines', () => {
  test('keys, items, actions, comments, block scalars and separators are told apart', () => {
    const lines = readTemplateLines(
      ['# c', '{{- if .Values.x }}', 'a: 1', '  - b: "{{ .Values.y }}"', 'c: |', '  d: not a key', '---', '{{ .Values.k }}: v'].join('\n'),
    );
    assert.deepEqual(
      lines.map((l) => [l.kind, l.key ?? null, l.dashes]),
      [
        ['comment', null, []],
        ['action', null, []],
        ['structure', 'a', []],
        ['structure', 'b', [2]],
        ['structure', 'c', []],
        ['text', null, []],
        ['separator', null, []],
        ['structure', null, []],
      ],
    );
    assert.equal(lines[7]?.hasKey, true, 'a templated key is a key, just not matchable');
  });
});

describe('locateInTemplate', () => {
  const deployment = t(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ include "app.fullname" . }}',
    'spec:',
    '  template:',
    '    spec:',
    '      {{- with .Values.priorityClassName }}',
    '      priorityClassName: {{ . }}',
    '      {{- end }}',
    '      containers:',
    '      - name: main',
    '        image: x',
    '        resources:',
    '          {{- toYaml .Values.resources | nindent 10 }}',
    '      - name: {{ .Values.sidecar.name }}',
    '        resources: {}',
  );

  test('the key path itself, with refs through `with`', () => {
    assert.deepEqual(at(deployment, ['spec', 'template', 'spec', 'priorityClassName']), {
      line: 'priorityClassName: {{ . }}',
      matched: 4,
      refs: ['priorityClassName'],
    });
  });

  test('sequence items by their name, a templated name, else by index', () => {
    assert.equal(at(deployment, ['spec', 'template', 'spec', 'containers', { index: 0, name: 'main' }, 'image']).line, 'image: x');
    assert.equal(at(deployment, ['spec', 'template', 'spec', 'containers', { index: 1, name: 'side' }, 'resources']).line, 'resources: {}');
    assert.equal(at(deployment, ['spec', 'template', 'spec', 'containers', { index: 1 }, 'resources']).line, 'resources: {}');
  });

  test('below a toYaml block: the nearest key, with the values path extended by the rest', () => {
    assert.deepEqual(
      at(deployment, ['spec', 'template', 'spec', 'containers', { index: 0, name: 'main' }, 'resources', 'requests', 'memory']),
      {
        line: 'resources:',
        matched: 6,
        refs: ['resources.requests.memory'],
      },
    );
  });

  test('a key that is not written: the nearest enclosing key; nothing at all: the first line of the document', () => {
    assert.deepEqual(at(deployment, ['spec', 'template', 'spec', 'nodeSelector']), { line: 'spec:', matched: 3, refs: [] });
    assert.deepEqual(at(deployment, ['status', 'x']), { line: 'apiVersion: apps/v1', matched: 0, refs: [] });
  });

  test('several documents in one template: the one of the rendered kind', () => {
    const both = t(
      '{{- if eq .Values.kind "DaemonSet" }}',
      'kind: DaemonSet',
      'spec:',
      '  updateStrategy: {}',
      '{{- else }}',
      '---',
      'kind: Deployment',
      'spec:',
      '  replicas: 2',
      '{{- end }}',
    );
    assert.equal(at(both, ['spec', 'replicas'], 'Deployment').line, 'replicas: 2');
    assert.equal(at(both, ['spec'], 'DaemonSet').line, 'spec:');
    assert.equal(locateInTemplate(both, ['spec'], { kind: 'DaemonSet' }).line, 2);
  });

  test('compact sequences (items at the key’s column), as kustomize and many charts write them', () => {
    const file = t('spec:', '  containers:', '  - name: a', '    image: x', '  - name: b', '    image: y', '  volumes: []');
    assert.equal(at(file, ['spec', 'containers', { index: 1, name: 'b' }, 'image']).line, 'image: y');
    assert.equal(at(file, ['spec', 'volumes']).line, 'volumes: []');
  });

  test('include: the search continues in the named template, in its own file', () => {
    const helpers = new TemplateFile(
      '/chart/templates/_pod.tpl',
      '{{- define "app.pod" -}}\npriorityClassName: {{ .Values.pc }}\ncontainers:\n  - name: c\n{{- end }}\n',
    );
    const main = t('kind: Deployment', 'spec:', '  template:', '    spec:', '      {{- include "app.pod" . | nindent 6 }}');
    const m = locateInTemplate(
      main,
      ['spec', 'template', 'spec', 'priorityClassName'],
      { kind: 'Deployment' },
      defineIndex([helpers, main]),
    );
    assert.equal(m.file.file, '/chart/templates/_pod.tpl');
    assert.equal(m.line, 1);
    assert.equal(m.matched, 4);
    assert.deepEqual(m.valueRefs, [['pc']]);
  });

  test('never a position outside the file: empty and hostile texts', () => {
    for (const text of [
      '',
      '\n\n',
      '{{',
      '}}}}',
      '- - - -',
      ':'.repeat(1000),
      `${' '.repeat(5000)}a: b`,
      '{{ define "x" }}{{ include "x" . }}{{ end }}',
    ]) {
      const file = new TemplateFile('/x', text);
      const m = locateInTemplate(file, ['a', { index: 3, name: 'n' }, 'b'], { kind: 'K' }, defineIndex([file]));
      assert.ok(m.line >= 0 && m.line < Math.max(1, file.lines.length), JSON.stringify(text.slice(0, 20)));
    }
  });
});

describe('.Values refs of an action', () => {
  test('directly, through default, quote, coalesce, index, toYaml, with-bound dot and variables', () => {
    const refs = (body: string) => refsOf(body, 'root').refs.map((r) => r.join('.'));
    assert.deepEqual(refs('.Values.a.b'), ['a.b']);
    assert.deepEqual(refs('.Values.a | default "x" | quote'), ['a']);
    assert.deepEqual(refs('default "x" .Values.a'), ['a']);
    assert.deepEqual(refs('coalesce .Values.global.pc .Values.c.pc'), ['global.pc', 'c.pc']);
    assert.deepEqual(refs('index .Values "a-b" "c"'), ['a-b.c']);
    assert.deepEqual(refs('$.Values.x'), ['x']);
    assert.deepEqual(refs('.Release.Name'), []);
    assert.deepEqual(refs('"{{ .Values.not }}"'), [], 'inside a string literal');
    assert.equal(refsOf('toYaml .Values.r | nindent 2', 'root').toYaml, true);
    assert.equal(refsOf('include "app.labels" .', 'root').include, 'app.labels');
    const lines = readTemplateLines(
      '{{- $pc := coalesce .Values.g .Values.l }}\n{{- with .Values.w }}\na: {{ .x }} {{ . }} {{ $pc }}\n{{- end }}\nb: {{ .x }}\n',
    );
    const scanned = scanRefs(lines).map((l) => l.flatMap((a) => a.refs.map((r) => r.join('.'))));
    assert.deepEqual(scanned[2], ['w.x', 'w', 'g', 'l']);
    assert.deepEqual(scanned[4], [], 'outside with, .x is not a value');
  });
});

describe('values files', () => {
  const values = new ValuesDocument({ file: '/chart/values.yaml', text: 'a:\n  b: 1\n  empty: ""\nlist:\n  - x\ndup: 1\ndup: 2\n' });
  const prod = new ValuesDocument({ file: '/chart/values-prod.yaml', text: 'a:\n  b: 2\n' });

  test('lookup: key and value spans; lists by index; the last duplicate wins', () => {
    assert.equal(values.lookup(['a', 'b'])?.key.line, 1);
    assert.equal(values.lookup(['list', 0])?.key.line, 4);
    assert.equal(values.lookup(['dup'])?.key.line, 6);
    assert.equal(values.lookup(['missing']), undefined);
    assert.equal(values.lookup(['a', 'empty'])?.empty, true);
  });

  test('precedence: set entries, then the variant’s files (last first), then values.yaml; the first non-empty ref wins', () => {
    const layers = [
      { prefix: [], set: ['x=1'] },
      { prefix: [], document: prod },
      { prefix: [], document: values },
    ];
    assert.equal(valueOrigin([['a', 'b']], layers)?.key?.file, '/chart/values-prod.yaml');
    assert.equal(valueOrigin([['x']], layers)?.set, 'x=1');
    assert.deepEqual(
      valueOrigin(
        [
          ['a', 'empty'],
          ['a', 'b'],
        ],
        layers,
      )?.path,
      ['a', 'b'],
      'coalesce skips the empty value',
    );
    assert.deepEqual(
      valueOrigin([['a', 'empty']], layers)?.path,
      ['a', 'empty'],
      'an empty value is still the origin when nothing else is set',
    );
    assert.equal(valueOrigin([['nope']], layers), undefined);
    // A subchart's values sit under its name in the parent's files; `global` is shared.
    const sub = [{ prefix: ['a'], document: values }];
    assert.equal(valueOrigin([['b']], sub)?.key?.line, 1);
    assert.equal(
      new ValuesDocument({ file: '/v', text: ': : :\n\t- [' }).lookup(['a']),
      undefined,
      'broken YAML is no origin, not a crash',
    );
  });
});
