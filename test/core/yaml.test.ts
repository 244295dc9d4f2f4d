// Reading manifests as kubectl does: YAML 1.1 scalars, duplicate keys, anchors and merge keys, line endings, BOM,
// JSON files, `kind: List`, Helm templates, documents of other kinds, syntax errors and non-text files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LineIndex, parseFile } from '../../server/src/core/index';
import { analyze, findingsOf, workload, yaml } from '../helpers/analyze';

const pod = (name: string, extra: string[] = []): string =>
  yaml(
    'apiVersion: v1',
    'kind: Pod',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    ...extra,
    '  containers:',
    '    - name: app',
    '      image: app:1',
  );

const priorityClass = (name: string, ...fields: string[]): string =>
  yaml('apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata:', `  name: ${name}`, ...fields);

describe('YAML 1.1 scalars', () => {
  test('a leading-zero integer is octal in YAML 1.1: value 0400 is 256', () => {
    const { model } = analyze(priorityClass('octal', 'value: 0400'));
    assert.equal(model.priorityClasses[0]?.value, 256);
  });

  const booleans: Array<[string, string, boolean | undefined]> = [
    ['"yes" is true', 'yes', true],
    ['"no" is false', 'no', false],
    ['"on" is true', 'on', true],
    ['"off" is false', 'off', false],
    ['"True" is true', 'True', true],
    ['"y" is true (YAML 1.1 single letter)', 'y', true],
    ['a quoted "yes" is a string, not a boolean', '"yes"', undefined],
  ];
  for (const [name, source, expected] of booleans) {
    test(`globalDefault: ${source} — ${name}`, () => {
      const { model, findings } = analyze(priorityClass('c', 'value: 1', `globalDefault: ${source}`));
      const c = model.priorityClasses[0];
      assert.equal(c?.globalDefaultField?.value, expected);
      assert.equal(findingsOf(findings, 'invalid-field-value').length, expected === undefined ? 1 : 0);
    });
  }

  test('an unquoted version-like label (1.10) is a number to YAML and is reported, keeping its source text as the label', () => {
    const { model } = analyze(
      yaml(
        'apiVersion: v1',
        'kind: Pod',
        'metadata:',
        '  name: p',
        '  labels:',
        '    version: 1.10',
        'spec:',
        '  containers: [{name: c, image: i}]',
      ),
    );
    assert.equal(workload(model, 'p').workload.podLabels['version'], '1.10');
  });
});

describe('duplicate keys, anchors, aliases and merge keys', () => {
  test('a repeated key keeps the last value (as kubectl does) and is reported once at the second key', () => {
    const text = yaml(
      priorityClass('high', 'value: 1000').trimEnd(),
      '---',
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  priorityClassName: missing',
      '  priorityClassName: high',
      '  containers: [{name: c, image: i}]',
    );
    const { model, findings } = analyze(text);
    const w = workload(model, 'p');
    assert.equal(w.priority.priority, 1000);
    const dup = findingsOf(findings, 'yaml-duplicate-key');
    assert.equal(dup.length, 1);
    assert.equal(dup[0]?.span.start, text.lastIndexOf('priorityClassName'));
    assert.equal(findingsOf(findings, 'priority-class-not-found').length, 0);
  });

  test('an alias reuses the anchored labels, and a PDB selector written as an alias selects the same pods', () => {
    const text = yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: 2',
      '  selector:',
      '    matchLabels: &labels {app: web}',
      '  template:',
      '    metadata:',
      '      labels: *labels',
      '    spec:',
      '      containers: [{name: web, image: nginx}]',
    );
    const { model } = analyze([
      { path: 'a.yaml', content: text },
      {
        path: 'pdb.yaml',
        content: yaml(
          'apiVersion: policy/v1',
          'kind: PodDisruptionBudget',
          'metadata:',
          '  name: web',
          'spec:',
          '  maxUnavailable: 1',
          '  selector:',
          '    matchLabels: {app: web}',
        ),
      },
    ]);
    assert.deepEqual(workload(model, 'web').workload.podLabels, { app: 'web' });
    assert.deepEqual(
      workload(model, 'web').pdbs.map((p) => p.pdb.id),
      ['default/web'],
    );
  });

  test('a merge key (<<) brings in entries, and a key set next to it overrides without a duplicate-key finding', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      '  labels:',
      '    <<: {app: web, tier: frontend}',
      '    tier: backend',
      'spec:',
      '  containers: [{name: c, image: i}]',
    );
    const { model, findings } = analyze(text);
    assert.deepEqual(workload(model, 'p').workload.podLabels, { app: 'web', tier: 'backend' });
    assert.equal(findingsOf(findings, 'yaml-duplicate-key').length, 0);
  });

  test('a merged container template keeps its resources, and the override of name applies', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: p}',
      'spec:',
      '  containers:',
      '    - &c',
      '      name: one',
      '      image: app',
      '      resources: {limits: {cpu: "1", memory: 1Gi}}',
      '    - <<: *c',
      '      name: two',
    );
    const { model } = analyze(text);
    const w = workload(model, 'p');
    assert.deepEqual(
      w.workload.containers.map((c) => c.name),
      ['one', 'two'],
    );
    assert.equal(w.qosClass, 'Guaranteed');
  });

  test('an alias bomb (a billion laughs) is read as a small graph and analysed quickly', () => {
    const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: bomb', '  annotations:', '    a0: &a0 "lol"'];
    for (let i = 1; i < 10; i++) lines.push(`    a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    lines.push('spec:', '  containers: [{name: c, image: i}]');
    const started = Date.now();
    const { model } = analyze(yaml(...lines));
    assert.ok(Date.now() - started < 5000);
    assert.equal(model.workloads.length, 1);
  });
});

describe('line endings, BOM and JSON', () => {
  test('CRLF files give the same line/character positions as LF files', () => {
    const lf = pod('p', ['  priorityClassName: nope']);
    const crlf = lf.replace(/\n/g, '\r\n');
    const a = findingsOf(analyze(lf).findings, 'priority-class-not-found')[0];
    const b = findingsOf(analyze(crlf).findings, 'priority-class-not-found')[0];
    assert.ok(a !== undefined && b !== undefined);
    assert.deepEqual(new LineIndex(crlf).range(b.span), new LineIndex(lf).range(a.span));
    assert.deepEqual(new LineIndex(lf).range(a.span), { start: { line: 5, character: 21 }, end: { line: 5, character: 25 } });
  });

  test('a UTF-8 byte order mark is ignored and offsets stay those of the decoded text', () => {
    const text = pod('p', ['  priorityClassName: nope']);
    const bytes = new TextEncoder().encode(`\ufeff${text}`);
    const parsed = parseFile({ path: 'bom.yaml', content: bytes });
    assert.equal(parsed.objects.length, 1);
    assert.equal(parsed.problems.length, 0);
    const finding = findingsOf(analyze([{ path: 'bom.yaml', content: bytes }]).findings, 'priority-class-not-found')[0];
    assert.deepEqual(finding === undefined ? undefined : new LineIndex(parsed.text).range(finding.span).start, { line: 5, character: 21 });
  });

  test('a .json manifest is read with JSON semantics: "yes" stays a string and numbers are numbers', () => {
    const json = JSON.stringify(
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'c' }, value: 10, globalDefault: 'yes' },
      null,
      2,
    );
    const { model, findings } = analyze([{ path: 'c.json', content: json }]);
    assert.equal(model.priorityClasses[0]?.value, 10);
    assert.equal(model.priorityClasses[0]?.globalDefault, false);
    assert.match(findingsOf(findings, 'invalid-field-value')[0]?.message ?? '', /globalDefault must be a boolean, got the string "yes"/);
  });

  test('a .json manifest with a kind: List of items yields every item', () => {
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'i' }] } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
      ],
    });
    const parsed = parseFile({ path: 'list.json', content: json });
    assert.deepEqual(
      parsed.objects.map((o) => o.id),
      ['Pod/default/a'],
    );
  });
});

describe('documents: List, templates, other kinds, syntax errors, non-text', () => {
  test('kind: List items become objects of their own, with their own namespaces', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: List',
      'items:',
      '  - {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: x}, spec: {containers: [{name: c, image: i}]}}',
      '  - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: c}, value: 5}',
      '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: ignored}}',
    );
    assert.deepEqual(
      parseFile({ path: 'l.yaml', content: text }).objects.map((o) => o.id),
      ['Pod/x/a', 'PriorityClass/c'],
    );
  });

  test('a typed list (PodList) is read for its items like List', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: PodList',
      'items:',
      '  - {apiVersion: v1, kind: Pod, metadata: {name: a}, spec: {containers: [{name: c, image: i}]}}',
    );
    assert.deepEqual(
      parseFile({ path: 'l.yaml', content: text }).objects.map((o) => o.id),
      ['Pod/default/a'],
    );
  });

  test('a Helm template document is skipped without a syntax error', () => {
    const text = yaml(
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ .Release.Name }}',
      'spec:',
      '  replicas: {{ .Values.replicas }}',
    );
    const parsed = parseFile({ path: 'templates/d.yaml', content: text });
    assert.equal(parsed.objects.length, 0);
    assert.equal(parsed.problems.length, 0);
    assert.equal(parsed.parsedDocuments, 0);
  });

  test('a "{{" inside an ordinary string value does not make a document a template', () => {
    const text = pod('p', ['  priorityClassName: nope']).replace('  name: p', '  name: p\n  annotations: {doc: "use {{ and }} freely"}');
    assert.equal(parseFile({ path: 'p.yaml', content: text }).objects.length, 1);
  });

  test('documents of kinds the engine does not read are counted but never parsed', () => {
    const text = [yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data: {a: "unterminated'), '---\n', pod('p')].join('');
    const parsed = parseFile({ path: 'm.yaml', content: text });
    assert.equal(parsed.documents, 2);
    assert.equal(parsed.parsedDocuments, 1);
    assert.equal(parsed.problems.length, 0);
    assert.deepEqual(
      parsed.objects.map((o) => o.id),
      ['Pod/default/p'],
    );
  });

  test('a syntax error in one document is reported there, and the other documents are still analysed', () => {
    const broken = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: broken',
      '  labels: app: web',
      'spec:',
      '  containers: [{name: c, image: i}]',
    );
    const text = `${broken}---\n${pod('fine', ['  priorityClassName: nope'])}`;
    const { findings } = analyze(text);
    const syntax = findingsOf(findings, 'yaml-syntax-error');
    assert.equal(syntax.length, 1);
    assert.ok((syntax[0]?.span.start ?? Infinity) < broken.length, 'the syntax error points into the broken document');
    assert.equal(findingsOf(findings, 'priority-class-not-found').length, 1);
  });

  test('an unterminated quote is reported inside its own document, not on the next document separator', () => {
    const broken = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: "unterminated',
      'spec:',
      '  containers: [{name: c, image: i}]',
    );
    const text = `${broken}---\n${pod('fine')}`;
    const syntax = findingsOf(analyze(text).findings, 'yaml-syntax-error');
    assert.equal(syntax.length, 1);
    assert.ok(
      (syntax[0]?.span.end ?? Infinity) <= broken.length,
      `span ${JSON.stringify(syntax[0]?.span)} leaves the broken document (length ${broken.length})`,
    );
  });

  const notText: Array<[string, Uint8Array, RegExp]> = [
    [
      'a file with a NUL byte gives exactly one info finding and nothing else',
      new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x00, 0x0a]),
      /not a text manifest: it contains a NUL byte at offset 4; it was not analysed\./,
    ],
    [
      'a file with invalid UTF-8 gives exactly one info finding and nothing else',
      new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xc3, 0x28, 0x0a]),
      /not a text manifest: it is not valid UTF-8; it was not analysed\./,
    ],
  ];
  for (const [name, bytes, message] of notText) {
    test(name, () => {
      const { findings } = analyze([{ path: 'blob.yaml', content: bytes }]);
      assert.equal(findings.length, 1);
      assert.equal(findings[0]?.ruleId, 'file-not-text');
      assert.equal(findings[0]?.severity, 'info');
      assert.match(findings[0]?.message ?? '', message);
      assert.match(findings[0]?.message ?? '', /^blob\.yaml /);
    });
  }

  test('a string content with a NUL character is not text either', () => {
    const parsed = parseFile({ path: 'x.yaml', content: 'kind: Pod\u0000' });
    assert.deepEqual(
      parsed.problems.map((p) => p.kind),
      ['not-text'],
    );
  });

  test('a document nested deeper than any manifest is reported instead of overflowing the stack', () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: deep}', `spec: {x: ${deep}}`);
    const { findings } = analyze(text);
    assert.ok(findingsOf(findings, 'yaml-syntax-error').length >= 1);
  });

  test('the text of a file with nothing of interest is not kept; files with objects or problems keep theirs', () => {
    const configMap = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data: {a: b}');
    assert.equal(parseFile({ path: 'c.yaml', content: configMap }).text, '', 'no object, no problem: nothing can point into it');
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: p}', 'spec: {containers: [{name: a, image: a}]}');
    assert.equal(parseFile({ path: 'p.yaml', content: configMap + '---\n' + pod }).text, configMap + '---\n' + pod);
    const broken = yaml('apiVersion: v1', 'kind: Pod', 'metadata: {name: "p}');
    const parsed = parseFile({ path: 'b.yaml', content: broken });
    assert.equal(parsed.objects.length, 0);
    assert.ok(parsed.problems.length > 0);
    assert.equal(parsed.text, broken, 'a problem points into the text, so it is kept');
  });

  test('a YAML document written as one flow mapping (kubectl -o json saved as .yaml) is analysed', () => {
    const json =
      '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"priorityClassName": "nope", "containers": [{"name": "a", "image": "a"}]}}';
    const flow = '{apiVersion: v1, kind: Pod, metadata: {name: q}, spec: {priorityClassName: nope, containers: [{name: a, image: a}]}}';
    const configMap = '{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {kind: Pod}}';
    const { findings } = analyze(['# exported', json, '---', flow, '---', configMap, ''].join('\n'));
    assert.deepEqual(
      findingsOf(findings, 'priority-class-not-found').map((f) => f.object),
      ['Pod/default/p', 'Pod/default/q'],
    );
  });
});
