// The language server's Session driven in-process through its Peer (test/lsp/in-process.ts): open, change, close,
// settings changes and watched files on examples/ci-preemption, and feature handlers on the same session. The stdio
// suites (lsp.test.ts) check the same behaviours through the real process; these pin the session's own rules
// (debounce, never a stale version, only what changed) without a process in between.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import type { Hover } from 'vscode-languageserver/node';
import { codeActions } from '../../server/src/lsp/code-actions';
import { hover } from '../../server/src/lsp/hover';
import { copyExample } from './harness';
import { InProcessClient } from './in-process';
import type { InProcessOptions } from './in-process';

const exampleFiles = ['evaluation-jobs.yaml', 'priority-classes.yaml', 'results-api.yaml', 'test-job.yaml'];
const extraPod =
  'apiVersion: v1\nkind: Pod\nmetadata:\n  name: extra\n  namespace: ci\nspec:\n  priorityClassName: nope\n  containers:\n    - name: c\n      image: x\n';

function hoverText(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  const c = h.contents;
  return typeof c === 'string' ? c : 'value' in c ? c.value : c.map((x) => (typeof x === 'string' ? x : x.value)).join('\n');
}

function messageOf(c: InProcessClient, name: string, code: string): string {
  const m = c.diagnostics.get(c.uri(name))?.diagnostics.find((d) => d.code === code)?.message ?? '';
  return typeof m === 'string' ? m : m.value;
}

let folder: string;
let client: InProcessClient | undefined;
beforeEach(() => {
  folder = copyExample();
});
afterEach(() => {
  client?.dispose();
  client = undefined;
  fs.rmSync(folder, { recursive: true, force: true });
});

async function start(options: Omit<InProcessOptions, 'folder'> = {}): Promise<InProcessClient> {
  client = await InProcessClient.start({ folder, ...options });
  return client;
}

describe('in-process session: index and documents', () => {
  test('the index publishes every example file once, without a version (not open), with rule codes', async () => {
    const c = await start();
    assert.deepEqual(c.publishes.map((p) => path.basename(p.uri)).sort(), exampleFiles);
    assert.ok(c.publishes.every((p) => p.version === undefined));
    assert.deepEqual(c.codes('evaluation-jobs.yaml'), ['priority-class-not-found']);
    assert.deepEqual(c.codes('test-job.yaml'), ['job-preemption-fails-job', 'preemption-risk', 'priority-from-global-default']);
    assert.deepEqual(c.codes('results-api.yaml'), ['missing-requests', 'pdb-blocks-all-evictions']);
    assert.deepEqual(c.codes('priority-classes.yaml'), ['priority-class-unused']);
    const notFound = c.diagnostics.get(c.uri('evaluation-jobs.yaml'))?.diagnostics[0];
    assert.equal(notFound?.codeDescription?.href, 'https://example.test/repo/blob/main/docs/rules.md#priority-class-not-found');
    assert.ok(
      c.logs.some((l) => /^indexed 4 file\(s\), 4 workload\(s\)/.test(l)),
      c.logs.join('\n'),
    );
    assert.deepEqual(c.configurationRequests, [[{ section: 'kubePriorityLens' }, { section: 'files.exclude' }]]);
  });

  test('open publishes the document with its version even when its diagnostics did not change', async () => {
    const c = await start();
    const before = c.publishes.length;
    c.open('test-job.yaml');
    const p = await c.waitFor('test-job.yaml with version 1', () => c.publishes.slice(before).find((x) => x.version === 1));
    assert.equal(p.uri, c.uri('test-job.yaml'));
    assert.deepEqual(c.publishedSince(before), ['test-job.yaml'], 'nothing else changed');
  });

  test('edits are debounced, and only the newest version is published (never a stale one)', async () => {
    const c = await start();
    c.open('test-job.yaml');
    await c.waitFor('opened', () => c.publishes.some((p) => p.version === 1));
    const before = c.publishes.length;
    const text = fs.readFileSync(path.join(folder, 'test-job.yaml'), 'utf8');
    c.change('test-job.yaml', `${text}\n# edit 1\n`);
    await new Promise((r) => setImmediate(r));
    assert.equal(c.publishes.length, before, 'nothing is analysed before the 150 ms debounce');
    c.change('test-job.yaml', `${text}\n# edit 2\n`);
    c.change('test-job.yaml', `${text}\n# edit 3\n`);
    await c.waitFor('version 4 published', () => c.publishes.slice(before).some((p) => p.version === 4));
    await c.quiet();
    assert.deepEqual(
      c.publishes.slice(before).map((p) => p.version),
      [4],
    );
  });

  test('a cross-file edit republishes the files it affects; an edit that affects no other file republishes only itself', async () => {
    const c = await start();
    c.open('priority-classes.yaml');
    await c.waitFor('opened', () => c.publishes.some((p) => p.version === 1));
    let before = c.publishes.length;
    const original = fs.readFileSync(path.join(folder, 'priority-classes.yaml'), 'utf8');
    c.change('priority-classes.yaml', original.replace('value: 100\n', 'value: 5000\n'));
    await c.waitFor('priority-classes.yaml v2', () => c.publishes.slice(before).some((p) => p.version === 2));
    // The edited document first; its dependents follow in background batches (issue 18).
    await c.session.backgroundDone();
    // Every file's findings change: the classes' values are in every workload's messages.
    assert.deepEqual(c.publishedSince(before).sort(), exampleFiles);
    assert.match(messageOf(c, 'test-job.yaml', 'priority-from-global-default'), /value 5000/);
    assert.ok(!c.codes('test-job.yaml').includes('preemption-risk'), 'nothing outranks 5000 any more');
    assert.ok(c.codes('results-api.yaml').includes('preemption-risk'));
    before = c.publishes.length;
    c.change('priority-classes.yaml', original.replace('value: 100\n', 'value: 5000\n').replace('value: 50\n', 'value: 60\n'));
    await c.waitFor('priority-classes.yaml v3', () => c.publishes.slice(before).some((p) => p.version === 3));
    await c.session.backgroundDone();
    await c.quiet();
    assert.deepEqual(c.publishedSince(before), ['priority-classes.yaml']);
    assert.match(messageOf(c, 'priority-classes.yaml', 'priority-class-unused'), /value 60/);
  });

  test('close goes back to the file on disk and republishes what the edit had changed', async () => {
    const c = await start();
    c.open('priority-classes.yaml');
    await c.waitFor('opened', () => c.publishes.some((p) => p.version === 1));
    c.change('priority-classes.yaml', c.get(c.uri('priority-classes.yaml'))!.getText().replace('value: 100\n', 'value: 5000\n'));
    await c.waitFor('edited', () => c.codes('results-api.yaml').includes('preemption-risk'));
    const before = c.publishes.length;
    await c.close('priority-classes.yaml');
    assert.deepEqual(c.publishedSince(before).sort(), exampleFiles);
    const closed = c.publishes.slice(before).find((p) => p.uri === c.uri('priority-classes.yaml'));
    assert.equal(closed?.version, undefined, 'the disk version has no document version');
    assert.ok(!c.codes('results-api.yaml').includes('preemption-risk'));
    assert.ok(c.codes('test-job.yaml').includes('preemption-risk'));
  });

  test('closing a document that is not on disk clears its diagnostics; it leaves the analysis', async () => {
    const c = await start();
    c.open('scratch.yaml', extraPod);
    await c.waitFor('scratch diagnostics', () => c.codes('scratch.yaml').includes('priority-class-not-found'));
    await c.close('scratch.yaml');
    assert.deepEqual(c.diagnostics.get(c.uri('scratch.yaml'))?.diagnostics, []);
    assert.equal(c.session.parsed(c.uri('scratch.yaml')), undefined);
  });

  test('watched files: created and changed files are read, a deleted file or folder is cleared, an open document wins', async () => {
    const c = await start();
    fs.writeFileSync(path.join(folder, 'extra.yaml'), extraPod);
    await c.watched([{ name: 'extra.yaml', type: 1 }]);
    assert.ok(c.codes('extra.yaml').includes('priority-class-not-found'));
    fs.writeFileSync(path.join(folder, 'extra.yaml'), extraPod.replace('nope', 'evaluation-high'));
    await c.watched([{ name: 'extra.yaml', type: 2 }]);
    assert.ok(!c.codes('extra.yaml').includes('priority-class-not-found'));
    // The open document's text wins over the disk's.
    c.open('extra.yaml', extraPod);
    await c.waitFor('open text analysed', () => c.codes('extra.yaml').includes('priority-class-not-found'));
    fs.writeFileSync(path.join(folder, 'extra.yaml'), extraPod.replace('nope', 'evaluation-high'));
    await c.watched([{ name: 'extra.yaml', type: 2 }]);
    assert.ok(c.codes('extra.yaml').includes('priority-class-not-found'));
    await c.close('extra.yaml');
    assert.ok(!c.codes('extra.yaml').includes('priority-class-not-found'), 'back to the disk text');
    fs.rmSync(path.join(folder, 'extra.yaml'));
    await c.watched([{ name: 'extra.yaml', type: 3 }]);
    assert.deepEqual(c.diagnostics.get(c.uri('extra.yaml'))?.diagnostics, []);
    // A deleted folder takes every file below it.
    fs.mkdirSync(path.join(folder, 'sub'));
    fs.writeFileSync(path.join(folder, 'sub', 'a.yaml'), extraPod);
    await c.watched([{ name: 'sub/a.yaml', type: 1 }]);
    assert.ok(c.codes('sub/a.yaml').includes('priority-class-not-found'));
    fs.rmSync(path.join(folder, 'sub'), { recursive: true });
    await c.watched([{ name: 'sub', type: 3 }]);
    assert.deepEqual(c.diagnostics.get(c.uri('sub/a.yaml'))?.diagnostics, []);
  });
});

describe('in-process session: settings', () => {
  test('severities and exclusions from workspace/configuration; a severity change republishes, an exclusion change re-indexes', async () => {
    const c = await start({
      settings: { rules: { 'missing-requests': 'error', 'priority-class-unused': 'off' }, exclude: ['test-*.yaml'] },
      filesExclude: { '**/evaluation-jobs.yaml': true },
    });
    assert.equal(c.diagnostics.get(c.uri('results-api.yaml'))?.diagnostics.find((d) => d.code === 'missing-requests')?.severity, 1);
    assert.ok(!c.diagnostics.has(c.uri('test-job.yaml')), 'excluded by kubePriorityLens.exclude');
    assert.ok(!c.diagnostics.has(c.uri('evaluation-jobs.yaml')), 'excluded by files.exclude');
    assert.deepEqual(c.codes('priority-classes.yaml'), []);
    let before = c.publishes.length;
    c.settings = { rules: { 'missing-requests': 'off' }, exclude: ['test-*.yaml'] };
    await c.configurationChanged();
    assert.deepEqual(c.publishedSince(before).sort(), ['priority-classes.yaml', 'results-api.yaml']);
    assert.ok(!c.codes('results-api.yaml').includes('missing-requests'));
    assert.deepEqual(c.codes('priority-classes.yaml'), ['priority-class-unused']);
    // No exclusion any more: the index runs again and the excluded files come back.
    before = c.publishes.length;
    c.settings = {};
    c.filesExclude = {};
    await c.configurationChanged();
    assert.ok(c.publishedSince(before).includes('test-job.yaml'));
    assert.deepEqual(c.codes('evaluation-jobs.yaml'), ['priority-class-not-found']);
    assert.ok(c.logs.filter((l) => /^indexed /.test(l)).length === 2, 're-indexed once');
  });

  test('a client without workspace/configuration pushes its settings with didChangeConfiguration', async () => {
    const c = await start({ caps: { configuration: false } });
    assert.deepEqual(c.configurationRequests, []);
    assert.ok(c.codes('results-api.yaml').includes('missing-requests'));
    await c.configurationChanged({
      kubePriorityLens: { rules: { 'missing-requests': 'off' } },
      files: { exclude: { '**/test-job.yaml': true } },
    });
    assert.deepEqual(c.configurationRequests, [], 'never asked');
    assert.ok(!c.codes('results-api.yaml').includes('missing-requests'));
    assert.deepEqual(c.diagnostics.get(c.uri('test-job.yaml'))?.diagnostics, [], 'newly excluded: cleared');
  });

  test('an unreadable exclude glob is shown once as a warning; the other globs still apply', async () => {
    const bad = 'a{'.repeat(3) + '[';
    const c = await start({ settings: { exclude: [bad, 'test-*.yaml'] } });
    assert.equal(c.messages.length, 1);
    assert.equal(c.messages[0]?.type, 2, 'MessageType.Warning');
    assert.match(c.messages[0]?.message ?? '', /the kubePriorityLens\.exclude pattern .* is ignored: .*The other patterns still apply/);
    assert.ok(!c.diagnostics.has(c.uri('test-job.yaml')));
    await c.configurationChanged();
    assert.equal(c.messages.length, 1, 'not repeated');
  });
});

describe('in-process session: feature handlers', () => {
  test('hover and the "did you mean" quick fix answer from the same session', async () => {
    const c = await start();
    const text = fs.readFileSync(path.join(folder, 'priority-classes.yaml'), 'utf8');
    const offset = text.indexOf('evaluation-high');
    const line = text.slice(0, offset).split('\n').length - 1;
    const character = offset - text.lastIndexOf('\n', offset - 1) - 1;
    const h = await hover(c.session, { textDocument: { uri: c.uri('priority-classes.yaml') }, position: { line, character } });
    assert.match(hoverText(h), /\*\*PriorityClass evaluation-high\*\* — value \*\*1000\*\*/);
    c.open('evaluation-jobs.yaml');
    await c.waitFor('opened', () => c.publishes.some((p) => p.version === 1));
    const diagnostic = c.diagnostics.get(c.uri('evaluation-jobs.yaml'))?.diagnostics.find((d) => d.code === 'priority-class-not-found');
    assert.ok(diagnostic);
    const actions = await codeActions(c.session, {
      textDocument: { uri: c.uri('evaluation-jobs.yaml') },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    assert.ok(actions.some((a) => a.title === 'Change priorityClassName to "evaluation-high"' && a.edit !== undefined));
  });
});
