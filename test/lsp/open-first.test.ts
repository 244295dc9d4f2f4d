// The open file first (issue 18, target 2): while the first index runs, an open document gets the findings that
// depend on nothing else (server/src/core/analysis/early.ts); those that need the whole index wait for it, so nothing
// shown early is withdrawn (no false error flash), and the document is published again at the end of the index only
// if its diagnostics changed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { earlyAnalysis, newestKubernetesMinor, parseFile } from '../../server/src/core/index';
import type { Finding } from '../../server/src/core/index';
import { OpenFirst } from '../../server/src/lsp/open-first';
import { analyze, repoRoot, yaml } from '../helpers/analyze';
import { loadGenerated } from '../helpers/random-edits';
import { TestClient } from './harness';

const key = (f: Finding): string => `${f.ruleId} ${f.span.start}-${f.span.end} ${f.message}`;

/** Every file of a workspace: its early findings (the file alone) are among its findings on the whole workspace. */
function assertEarlySubset(name: string, files: ReadonlyMap<string, string | Uint8Array>): number {
  const full = analyze([...files].map(([p, content]) => ({ path: p, content }))).findings;
  let early = 0;
  for (const [p, content] of files) {
    const alone = earlyAnalysis(
      [parseFile({ path: p, content, origin: 'workspace' })],
      { kubernetesMinor: newestKubernetesMinor },
      { severities: {} },
    );
    const mine = new Set(full.filter((f) => f.file === p).map(key));
    for (const f of alone.findings.get(p) ?? []) {
      assert.ok(mine.has(key(f)), `${name}/${p}: early finding not in the complete analysis: ${key(f)}`);
      early++;
    }
  }
  return early;
}

function readTree(dir: string, out = new Map<string, Uint8Array>(), root = dir): Map<string, Uint8Array> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) readTree(p, out, root);
    else if (/\.(ya?ml|json)$/.test(e.name) && !e.name.endsWith('.expect.json')) out.set(path.relative(root, p), fs.readFileSync(p));
  }
  return out;
}

describe('early findings (the open file alone)', () => {
  test('are a subset of the complete analysis on every rule fixture, the examples and a generated workspace', () => {
    const root = repoRoot();
    let early = 0;
    const rulesDir = path.join(root, 'test', 'rules');
    for (const e of fs.readdirSync(rulesDir, { withFileTypes: true }))
      if (e.isDirectory()) early += assertEarlySubset(e.name, readTree(path.join(rulesDir, e.name)));
    early += assertEarlySubset('examples/ci-preemption', readTree(path.join(root, 'examples', 'ci-preemption')));
    early += assertEarlySubset('generated', loadGenerated(300, 7));
    assert.ok(early > 20, `the fixtures hold early findings (${early})`);
  });

  test('never say something is missing: a class not found waits for the index', () => {
    const text = yaml(
      'apiVersion: v1',
      'kind: Pod',
      'metadata: {name: web}',
      'spec:',
      '  priorityClassName: nowhere',
      '  containers: [{name: c, image: nginx}]',
    );
    assert.ok(analyze(text).findings.some((f) => f.ruleId === 'priority-class-not-found'));
    const alone = earlyAnalysis(
      [parseFile({ path: 'test.yaml', content: text })],
      { kubernetesMinor: newestKubernetesMinor },
      { severities: {} },
    );
    assert.deepEqual(alone.findings.get('test.yaml'), []);
  });
});

describe('OpenFirst', () => {
  test('hovers name the object and the index progress while the index runs, nothing after', () => {
    const doc = TextDocument.create(
      'file:///w/app.yaml',
      'yaml',
      3,
      yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: web, namespace: shop}', 'spec: {}'),
    );
    const published: Array<{ file: string; version: number; rules: string[] }> = [];
    const first = new OpenFirst({
      documents: () => [doc],
      settings: () => ({ rules: { severities: {} }, kubernetesMinor: newestKubernetesMinor }),
      publish: (file, findings, _text, version) => published.push({ file, version, rules: findings.map((f) => f.ruleId) }),
    });
    assert.equal(first.hover(doc.uri, { line: 2, character: 18 }), undefined, 'before the index starts');
    first.start();
    first.percentage = 42;
    const h = first.hover(doc.uri, { line: 2, character: 18 });
    const value = h !== undefined && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(value, /^\*\*Deployment shop\/web\*\*/);
    assert.match(value, /Indexing the workspace \(42%\)/);
    assert.deepEqual(published, [{ file: doc.uri, version: 3, rules: ['partial-manifest'] }]); // spec {} is partial: a local finding
    assert.ok(first.published(doc.uri, 3));
    first.finish();
    assert.equal(first.hover(doc.uri, { line: 2, character: 18 }), undefined, 'after the index');
  });
});

describe('language server: the open file first', () => {
  let client: TestClient;
  let folder: string;
  const pod = (name: string, className: string): string =>
    yaml(
      'apiVersion: v1',
      'kind: Pod',
      `metadata: {name: ${name}, namespace: shop}`,
      'spec:',
      `  priorityClassName: ${className}`,
      '  containers:',
      '  - name: c',
      '    image: nginx',
      '    resources:',
      '      requests: {cpu: "2", memory: 128Mi}',
      '      limits: {cpu: "1", memory: 128Mi}',
    );
  const files: Record<string, string> = {
    'classes.yaml': yaml('apiVersion: scheduling.k8s.io/v1', 'kind: PriorityClass', 'metadata: {name: high}', 'value: 1000'),
    'missing.yaml': pod('a', 'nowhere'),
    'local.yaml': pod('b', 'high'),
  };

  before(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-open-first-'));
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), text);
    // Many other files, so the index takes a while after the early publish.
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(folder, `other-${i}.yaml`), pod(`o${i}`, 'high'));
    client = await TestClient.start({ folder, deferInitialized: true });
    await client.open('missing.yaml');
    await client.open('local.yaml');
    await client.initialized();
    await client.waitFor('the index', () => client.logs.some((l) => /indexed \d+ file/.test(l)), 60_000);
  });
  after(async () => {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  const publishesOf = (name: string): string[][] =>
    client.publishes.filter((p) => p.uri === client.uri(name)).map((p) => p.diagnostics.map((d) => String(d.code)).sort());

  test('a finding that needs the index is not shown early; the document is republished once the index has it', () => {
    const complete = analyze(Object.entries(files).map(([p, content]) => ({ path: p, content }))).findings;
    assert.deepEqual(
      complete
        .filter((f) => f.file === 'missing.yaml')
        .map((f) => f.ruleId)
        .sort(),
      ['priority-class-not-found', 'request-exceeds-limit'],
    );
    assert.deepEqual(publishesOf('missing.yaml'), [['request-exceeds-limit'], ['priority-class-not-found', 'request-exceeds-limit']]);
  });

  test('a document whose diagnostics the index does not change is published once', () => {
    const complete = analyze(Object.entries(files).map(([p, content]) => ({ path: p, content }))).findings;
    assert.deepEqual(
      complete.filter((f) => f.file === 'local.yaml').map((f) => f.ruleId),
      ['request-exceeds-limit'],
    );
    assert.deepEqual(publishesOf('local.yaml'), [['request-exceeds-limit']]);
  });

  test('edits after the index are published as before', async () => {
    await client.change('local.yaml', pod('b', 'nowhere'));
    await client.waitFor('the edit', () => publishesOf('local.yaml').length === 2);
    assert.deepEqual(publishesOf('local.yaml')[1], ['priority-class-not-found', 'request-exceeds-limit']);
  });
});
