// Language server integration tests: the real server process (dist/server.js --stdio) on the example workspace.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CodeAction, CodeLens, CompletionItem, DocumentSymbol, Hover, Location } from 'vscode-languageserver-protocol/node';
import { TestClient, copyExample, uriOf } from './harness';

const all = (c: TestClient) =>
  ['evaluation-jobs.yaml', 'priority-classes.yaml', 'results-api.yaml', 'test-job.yaml'].every((f) => c.diagnostics.has(c.uri(f)));

function hoverText(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents;
  return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
}

describe('language server on examples/ci-preemption', () => {
  let client: TestClient;
  let folder: string;

  before(async () => {
    folder = copyExample();
    client = await TestClient.start({ folder });
    await client.waitFor('diagnostics of every example file', () => all(client));
  });
  after(async () => {
    await client.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  test('publishes the expected diagnostics with rule codes and docs links', () => {
    assert.deepEqual(client.codes('evaluation-jobs.yaml'), ['priority-class-not-found']);
    assert.deepEqual(client.codes('test-job.yaml'), ['job-preemption-fails-job', 'preemption-risk', 'priority-from-global-default']);
    assert.deepEqual(client.codes('results-api.yaml'), ['missing-requests', 'pdb-blocks-all-evictions']);
    assert.deepEqual(client.codes('priority-classes.yaml'), ['priority-class-unused']);
    const notFound = client.diagnosticsOf('evaluation-jobs.yaml')[0];
    assert.ok(notFound);
    assert.equal(notFound.source, 'kube-priority-lens');
    assert.equal(notFound.severity, 1);
    assert.equal(
      notFound.codeDescription?.href,
      'https://github.com/kube-priority-lens/kube-priority-lens/blob/main/docs/rules.md#priority-class-not-found',
    );
    assert.deepEqual(notFound.range.start, { line: 38, character: 25 });
    const globalDefault = client.diagnosticsOf('test-job.yaml').find((d) => d.code === 'priority-from-global-default');
    assert.equal(globalDefault?.severity, 2);
  });

  test('hover on a workload: effective priority, QoS, preemption order, eviction in words, Job exposure', async () => {
    const text = hoverText(
      await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('test-job.yaml') },
        position: client.positionOf('test-job.yaml', 'integration-tests\n', 3),
      }),
    );
    assert.match(text, /\*\*Job ci\/integration-tests\*\*/);
    assert.match(text, /\*\*Priority 100\*\* from the globalDefault class \[ci-default\]\(file:\/\/.*priority-classes\.yaml#L5\)/);
    assert.match(text, /PreemptLowerPriority/);
    assert.match(text, /\*\*QoS\*\* Burstable/);
    assert.match(
      text,
      /\*\*Preemption order\*\* 1st of 3 workloads to be preempted \(lowest priority goes first\); preemptible by: \[(eval-runner|results-api)\]\(.*\) \(1000\), \[(eval-runner|results-api)\]\(.*\) \(1000\)/,
    );
    assert.match(text, /\*\*Eviction under node pressure\*\* among the first the kubelet evicts when a node runs short of memory/);
    // Plain words: no internal jargon in what the user reads.
    assert.doesNotMatch(text, /\b(rank|tier|reprieved|UID cache)\b/i);
    assert.match(text, /backoffLimit 0, parallelism 2; no podFailurePolicy/);
  });

  test('hover on a workload with a PDB and on priorityClassName', async () => {
    const text = hoverText(
      await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('results-api.yaml') },
        position: client.positionOf('results-api.yaml', 'priorityClassName'),
      }),
    );
    assert.match(text, /\*\*Priority 1000\*\* from class \[evaluation-high\]/);
    assert.match(text, /\*\*PDB\*\* \[ci\/results-api\]\(.*results-api\.yaml#L30\): expected disruptionsAllowed \*\*0\*\*/);
    const none = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('results-api.yaml') },
      position: client.positionOf('results-api.yaml', 'image:'),
    });
    assert.equal(none, null, 'no hover on unrelated keys');
  });

  test('hover on a rejected workload and on a PriorityClass', async () => {
    const rejected = hoverText(
      await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('evaluation-jobs.yaml') },
        position: client.positionOf('evaluation-jobs.yaml', 'evaluation-hihg'),
      }),
    );
    assert.match(rejected, /Rejected at admission/);
    const cls = hoverText(
      await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('priority-classes.yaml') },
        position: client.positionOf('priority-classes.yaml', 'evaluation-high'),
      }),
    );
    assert.match(cls, /\*\*PriorityClass evaluation-high\*\* — value \*\*1000\*\*/);
    assert.match(cls, /Not the default \(the globalDefault is \[ci-default\]/);
    assert.match(cls, /Used by 2 workload\(s\)/);
    assert.match(cls, /0 workload\(s\) above it, 1 below \(of 3\)/);
    const def = hoverText(
      await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('priority-classes.yaml') },
        position: client.positionOf('priority-classes.yaml', 'globalDefault: true'),
      }),
    );
    assert.match(def, /\*\*globalDefault\*\*: pods without a priorityClassName get this class/);
  });

  test('code lenses above each workload', async () => {
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri('test-job.yaml') } });
    assert.equal(lenses.length, 1);
    const lens = lenses[0];
    assert.equal(lens.command?.title, 'priority 100 (globalDefault) · Burstable · preemptible by 2');
    assert.equal(lens.command?.command, 'kubePriorityLens.revealWorkloads');
    assert.equal(lens.range.start.line, 3, 'on the kind line');
    const [locations] = lens.command?.arguments as [Array<{ uri: string; line: number; character: number; label: string }>];
    assert.deepEqual(locations.map((l) => [path.basename(l.uri), l.line]).sort(), [
      ['evaluation-jobs.yaml', 4],
      ['results-api.yaml', 4],
    ]);
    const jobs = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri('evaluation-jobs.yaml') } });
    assert.deepEqual(
      jobs.map((l) => l.command?.title),
      [
        'priority 1000 (evaluation-high) · Guaranteed · preemptible by 0',
        'rejected at admission: no PriorityClass "evaluation-hihg" · Burstable',
      ],
    );
  });

  test('completion of priorityClassName, preemptionPolicy and resources snippets', async () => {
    await client.open('evaluation-jobs.yaml');
    const pos = client.positionOf('evaluation-jobs.yaml', 'evaluation-hihg', 'evaluation-h'.length);
    const items = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: client.uri('evaluation-jobs.yaml') },
      position: pos,
    });
    assert.deepEqual(
      items.map((i) => i.label),
      ['evaluation-high', 'ci-default', 'nightly-batch', 'system-node-critical', 'system-cluster-critical'],
    );
    assert.equal(items[1]?.detail, 'value 100 · globalDefault');
    assert.equal(items[0]?.detail, 'value 1000');
    const edit = items[0]?.textEdit as { range: { start: { character: number }; end: { character: number } } };
    assert.deepEqual([edit.range.start.character, edit.range.end.character], [25, 40], 'replaces the whole value');

    const text = client
      .text('evaluation-jobs.yaml')
      .replace(
        '      restartPolicy: Never\n      containers:\n        - name: eval\n          image: registry.example.com/ml/eval:2.0\n          resources:\n            requests:\n              cpu: "2"\n              memory: 4Gi\n',
        '      restartPolicy: Never\n      preemptionPolicy: \n      containers:\n        - name: eval\n          image: registry.example.com/ml/eval:2.0\n          resources:\n            \n',
      );
    await client.change('evaluation-jobs.yaml', text);
    const policy = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: client.uri('evaluation-jobs.yaml') },
      position: client.positionOf('evaluation-jobs.yaml', 'preemptionPolicy: ', 18),
    });
    assert.deepEqual(policy.map((i) => i.label).sort(), ['Never', 'PreemptLowerPriority']);
    const lines = text.split('\n');
    const line = lines.lastIndexOf('            ');
    const snippets = await client.request<CompletionItem[]>('textDocument/completion', {
      textDocument: { uri: client.uri('evaluation-jobs.yaml') },
      position: { line, character: 12 },
    });
    const guaranteed = snippets.find((i) => i.label === 'requests = limits (Guaranteed)');
    assert.ok(guaranteed, JSON.stringify(snippets.map((s) => s.label)));
    assert.equal(guaranteed.insertTextFormat, 2);
    assert.equal(
      (guaranteed.textEdit as { newText: string }).newText,
      'requests:\n              cpu: ${1:500m}\n              memory: ${2:512Mi}\n            limits:\n              cpu: ${1}\n              memory: ${2}',
    );
    // Restore the file for the next tests.
    await client.change('evaluation-jobs.yaml', fs.readFileSync(path.join(folder, 'evaluation-jobs.yaml'), 'utf8'));
  });

  test('definition, references and document symbols', async () => {
    const defs = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: client.uri('results-api.yaml') },
      position: client.positionOf('results-api.yaml', 'evaluation-high', 3),
    });
    assert.deepEqual(
      defs.map((d) => [path.basename(d.uri), d.range.start.line, d.range.start.character]),
      [['priority-classes.yaml', 12, 8]],
    );
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: client.uri('priority-classes.yaml') },
      position: client.positionOf('priority-classes.yaml', 'evaluation-high'),
      context: { includeDeclaration: false },
    });
    assert.deepEqual(refs.map((r) => [path.basename(r.uri), r.range.start.line]).sort(), [
      ['evaluation-jobs.yaml', 13],
      ['results-api.yaml', 16],
    ]);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
      textDocument: { uri: client.uri('results-api.yaml') },
    });
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail]),
      [
        ['Deployment results-api', 'ci'],
        ['PodDisruptionBudget results-api', 'ci'],
      ],
    );
  });

  test('quick fix "did you mean" removes the finding', async () => {
    const uri = client.uri('evaluation-jobs.yaml');
    const diagnostic = client.diagnosticsOf('evaluation-jobs.yaml').find((d) => d.code === 'priority-class-not-found');
    assert.ok(diagnostic);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const fix = actions.find((a) => a.title === 'Change priorityClassName to "evaluation-high"');
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(
      fix.diagnostics?.map((d) => d.code),
      ['priority-class-not-found'],
    );
    const before = client.publishes.length;
    await client.applyEdit(fix.edit);
    assert.match(
      client.text('evaluation-jobs.yaml'),
      /priorityClassName: evaluation-high\n      restartPolicy: Never\n      containers:\n        - name: eval\n          image: registry.example.com\/ml\/eval:2.0\n          resources:\n            requests:\n              cpu: "2"\n              memory: 4Gi\n$/,
    );
    const version = client.docs.get(uri)?.version;
    const published = await client.waitFor('republished evaluation-jobs.yaml', () =>
      client.publishes.slice(before).find((p) => p.uri === uri && p.version === version),
    );
    assert.deepEqual(
      published.diagnostics.map((d) => d.code),
      [],
    );
  });

  test('quick fix podFailurePolicy on the Job keeps indentation', async () => {
    await client.open('test-job.yaml');
    const uri = client.uri('test-job.yaml');
    const diagnostic = client.diagnosticsOf('test-job.yaml').find((d) => d.code === 'job-preemption-fails-job');
    assert.ok(diagnostic);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const fix = actions.find((a) => a.title.startsWith('Add a podFailurePolicy'));
    assert.ok(fix?.edit);
    await client.applyEdit(fix.edit);
    assert.match(
      client.text('test-job.yaml'),
      /\nspec:\n {2}podFailurePolicy:\n {4}rules:\n {4}- action: Ignore\n {6}onPodConditions:\n {6}- type: DisruptionTarget\n {2}backoffLimit: 0\n/,
    );
    const version = client.docs.get(uri)?.version;
    const published = await client.waitFor('republished test-job.yaml', () =>
      client.publishes.find((p) => p.uri === uri && p.version === version),
    );
    assert.ok(!published.diagnostics.some((d) => d.code === 'job-preemption-fails-job'));
  });

  test('editing a PriorityClass value updates diagnostics of other files', async () => {
    await client.open('priority-classes.yaml');
    let before = client.publishes.length;
    await client.change('priority-classes.yaml', client.text('priority-classes.yaml').replace('value: 100\n', 'value: 5000\n'));
    // test-job.yaml is open from the previous test; results-api.yaml is not open at all.
    const testJob = await client.waitFor('test-job.yaml republished', () =>
      client.publishes.slice(before).find((p) => p.uri === client.uri('test-job.yaml')),
    );
    const message = testJob.diagnostics.find((d) => d.code === 'priority-from-global-default')?.message ?? '';
    assert.match(message, /value 5000/);
    assert.ok(!testJob.diagnostics.some((d) => d.code === 'preemption-risk'), 'nothing outranks 5000 any more');
    const results = await client.waitFor('results-api.yaml republished', () =>
      client.publishes.slice(before).find((p) => p.uri === client.uri('results-api.yaml')),
    );
    assert.match(results.diagnostics.find((d) => d.code === 'preemption-risk')?.message ?? '', /integration-tests \(5000, ci-default\)/);

    // An edit that changes no other file's findings republishes the edited file only.
    await client.change('priority-classes.yaml', fs.readFileSync(path.join(folder, 'priority-classes.yaml'), 'utf8'));
    await client.waitFor('restored', () =>
      client.diagnostics.get(client.uri('results-api.yaml'))?.diagnostics.every((d) => d.code !== 'preemption-risk'),
    );
    await new Promise((r) => setTimeout(r, 300));
    before = client.publishes.length;
    await client.change('priority-classes.yaml', client.text('priority-classes.yaml').replace('value: 50\n', 'value: 60\n'));
    await client.waitFor('priority-classes.yaml republished', () =>
      client.publishes.slice(before).find((p) => p.uri === client.uri('priority-classes.yaml')),
    );
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(
      client.publishes.slice(before).map((p) => path.basename(p.uri)),
      ['priority-classes.yaml'],
    );
    assert.match(client.diagnosticsOf('priority-classes.yaml')[0]?.message ?? '', /value 60/);
    await client.change('priority-classes.yaml', fs.readFileSync(path.join(folder, 'priority-classes.yaml'), 'utf8'));
  });

  test('requests = limits and preemptionPolicy: Never code actions', async () => {
    await client.open('results-api.yaml');
    const uri = client.uri('results-api.yaml');
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: client.positionOf('results-api.yaml', 'image:'), end: client.positionOf('results-api.yaml', 'image:') },
      context: { diagnostics: [] },
    });
    const eq = actions.find((a) => a.title.startsWith('Set requests equal to limits'));
    assert.ok(eq?.edit, JSON.stringify(actions.map((a) => a.title)));
    await client.applyEdit(eq.edit);
    assert.match(client.text('results-api.yaml'), /requests:\n {14}cpu: 500m\n {12}limits:\n {14}cpu: 500m\n/);

    const pc = client.uri('priority-classes.yaml');
    const at = client.positionOf('priority-classes.yaml', 'nightly-batch');
    const pcActions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: pc },
      range: { start: at, end: at },
      context: { diagnostics: [] },
    });
    const never = pcActions.find((a) => a.title === 'Add preemptionPolicy: Never to PriorityClass nightly-batch');
    assert.ok(never?.edit, JSON.stringify(pcActions.map((a) => a.title)));
    await client.applyEdit(never.edit);
    assert.match(client.text('priority-classes.yaml'), /name: nightly-batch\nvalue: 50\npreemptionPolicy: Never\ndescription:/);
  });

  test('custom requests: priority map, explain, list pods, diagnose pod without a cluster', async () => {
    const map = await client.request<{
      workloads: Array<{
        id: string;
        priority: number;
        preemptionRank: { position: number; of: number };
        preemptibleByCount: number;
        location?: { uri: string };
      }>;
      priorityClasses: Array<{ name: string }>;
    }>('kubePriorityLens/priorityMap', {});
    assert.equal(map.workloads.length, 4);
    const it = map.workloads.find((w) => w.id === 'Job/ci/integration-tests');
    assert.ok(it?.location?.uri.endsWith('test-job.yaml'));
    assert.deepEqual(map.priorityClasses.map((c) => c.name).slice(2), ['evaluation-high', 'ci-default', 'nightly-batch']);
    const explained = await client.request<{ markdown: string; workload: { id: string } } | null>('kubePriorityLens/explainWorkload', {
      uri: client.uri('test-job.yaml'),
      position: { line: 10, character: 4 },
    });
    assert.equal(explained?.workload.id, 'Job/ci/integration-tests');
    assert.match(explained?.markdown ?? '', /Priority/);
    const byId = await client.request<{ workload: { id: string } } | null>('kubePriorityLens/explainWorkload', {
      id: 'Deployment/ci/results-api',
    });
    assert.equal(byId?.workload.id, 'Deployment/ci/results-api');
    const pods = await client.request<{ state: { state: string }; pods: unknown[] }>('kubePriorityLens/listPods', {});
    // The live cluster source with no kubeconfig (the harness points KUBECONFIG at a missing file).
    assert.equal(pods.state.state, 'no-kubeconfig');
    const diagnosis = await client.request<{ markdown: string; report: { kind: string } }>('kubePriorityLens/diagnosePod', {
      target: 'Job/ci/eval-runner',
    });
    assert.equal(diagnosis.report.kind, 'no-cluster');
    assert.match(diagnosis.markdown, /No cluster connection/);
    assert.match(diagnosis.markdown, /Priority 1000/);
    assert.ok(client.notifications.some((n) => n.method === 'kubePriorityLens/clusterState'));
    // History requests answer without a cluster (an empty history).
    const exported = await client.request<{ format: string; text: string; events: number }>('kubePriorityLens/historyExport', {
      format: 'json',
    });
    assert.equal(exported.events, 0);
    assert.deepEqual((JSON.parse(exported.text) as { events: unknown[] }).events, []);
    const csv = await client.request<{ format: string; text: string; events: number }>('kubePriorityLens/historyExport', { format: 'csv' });
    assert.equal(csv.format, 'csv');
    assert.deepEqual(await client.request('kubePriorityLens/historyClear', {}), { cleared: true });
  });

  test('a throwing handler answers null and the server keeps serving; malformed JSON-RPC does not kill it', async () => {
    const bad = await client.request<unknown>('textDocument/hover', { textDocument: null, position: 'nowhere' }).catch((e: unknown) => e);
    assert.ok(bad === null || bad instanceof Error);
    assert.ok(
      client.logs.some((l) => l.includes('textDocument/hover failed')),
      'the failure is logged',
    );
    client.proc.stdin.write('Content-Length: 12\r\n\r\n{not json!!}');
    await new Promise((r) => setTimeout(r, 200));
    const h = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('priority-classes.yaml') },
      position: client.positionOf('priority-classes.yaml', 'ci-default'),
    });
    assert.match(hoverText(h), /PriorityClass ci-default/);
    assert.equal(client.exited, undefined);
  });

  test('a broken document gets a syntax finding and the server keeps serving', async () => {
    const name = 'broken.yaml';
    fs.writeFileSync(path.join(folder, name), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [unclosed\n  spec: :\n\t- x\u0000');
    await client.open(name);
    await client.waitFor('broken.yaml diagnostics', () => client.diagnostics.get(client.uri(name)));
    await client.change(
      name,
      'kind: Pod\nmetadata:\n  name: ok\nspec:\n  containers:\n    - name: c\n      resources: {limits: {cpu: 1, memory: 1Gi}}\n' +
        '['.repeat(5000),
    );
    await client.change(name, '- - - - *a &a\n'.repeat(200));
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri(name) } });
    assert.ok(Array.isArray(symbols));
    const h = await client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: client.uri('priority-classes.yaml') },
      position: client.positionOf('priority-classes.yaml', 'ci-default'),
    });
    assert.match(hoverText(h), /PriorityClass ci-default/);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: client.uri(name) } });
    fs.rmSync(path.join(folder, name));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: client.uri(name), type: 3 }] });
    assert.equal(client.exited, undefined);
  });

  test('watched file changes: a new manifest is indexed, a deleted one is cleared', async () => {
    const file = path.join(folder, 'extra.yaml');
    fs.writeFileSync(
      file,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: extra\n  namespace: ci\nspec:\n  priorityClassName: nope\n  containers:\n    - name: c\n      image: x\n',
    );
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 1 }] });
    await client.waitFor('extra.yaml diagnostics', () => client.codes('extra.yaml').includes('priority-class-not-found'));
    fs.rmSync(file);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 3 }] });
    await client.waitFor('extra.yaml cleared', () => client.diagnostics.get(uriOf(file))?.diagnostics.length === 0);
  });
});

describe('settings, exclusion and resolve', () => {
  test('per-rule severities and exclude globs from workspace/configuration', async () => {
    const folder = copyExample();
    const client = await TestClient.start({
      folder,
      settings: { rules: { 'missing-requests': 'error', 'priority-class-unused': 'off' }, exclude: ['test-*.yaml'] },
      filesExclude: { '**/evaluation-jobs.yaml': true },
    });
    try {
      await client.waitFor('results-api diagnostics', () => client.diagnostics.has(client.uri('results-api.yaml')));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(client.diagnosticsOf('results-api.yaml').find((d) => d.code === 'missing-requests')?.severity, 1);
      assert.ok(!client.diagnostics.has(client.uri('test-job.yaml')), 'excluded by kubePriorityLens.exclude');
      assert.ok(!client.diagnostics.has(client.uri('evaluation-jobs.yaml')), 'excluded by files.exclude');
      assert.deepEqual(client.codes('priority-classes.yaml'), []);
      // Turning the rule back on through didChangeConfiguration republishes.
      client.settings = { rules: { 'missing-requests': 'off' }, exclude: ['test-*.yaml'] };
      await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
      await client.waitFor(
        'missing-requests off',
        () =>
          !client.codes('results-api.yaml').includes('missing-requests') &&
          client.codes('priority-classes.yaml').includes('priority-class-unused'),
      );
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('code action resolve: edits computed lazily, stale versions ignored', async () => {
    const folder = copyExample();
    const client = await TestClient.start({
      folder,
      capabilities: {
        workspace: { configuration: true, workspaceEdit: { documentChanges: true } },
        textDocument: {
          codeAction: {
            resolveSupport: { properties: ['edit'] },
            codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } },
          },
        },
      },
    });
    try {
      await client.waitFor('diagnostics', () => client.diagnostics.has(client.uri('evaluation-jobs.yaml')));
      await client.open('evaluation-jobs.yaml');
      const uri = client.uri('evaluation-jobs.yaml');
      const at = client.positionOf('evaluation-jobs.yaml', 'evaluation-hihg');
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: at, end: at },
        context: { diagnostics: [] },
      });
      const fix = actions.find((a) => a.title.startsWith('Change priorityClassName'));
      assert.ok(fix && fix.edit === undefined);
      const resolved = await client.request<CodeAction>('codeAction/resolve', fix);
      assert.ok(resolved.edit, 'resolved with an edit');
      await client.change('evaluation-jobs.yaml', `# edited\n${client.text('evaluation-jobs.yaml')}`);
      const stale = await client.request<CodeAction>('codeAction/resolve', fix);
      assert.equal(stale.edit, undefined, 'stale version: no edit');
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  test('`kpl lsp --stdio` serves the same server', async () => {
    const folder = copyExample();
    const client = await TestClient.start({ folder, command: 'kpl', capabilities: {} });
    try {
      await client.waitFor('diagnostics', () => client.codes('evaluation-jobs.yaml').includes('priority-class-not-found'));
      const h = await client.request<Hover | null>('textDocument/hover', {
        textDocument: { uri: client.uri('test-job.yaml') },
        position: client.positionOf('test-job.yaml', 'integration-tests\n'),
      });
      assert.match(hoverText(h), /Priority 100/);
    } finally {
      await client.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
