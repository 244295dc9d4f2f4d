// Real VS Code on examples/ci-preemption-kueue (run by scripts/e2e/run-all.js with KPL_E2E_KUEUE=1): a queued Job's
// hover and code lens show its Kueue priority beside its pod priority and its queue path, and the Kueue findings of the
// example are published (issue 21).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, hoverText, ourDiagnostics, waitFor } from './helpers';

async function openExample(name: string): Promise<vscode.TextDocument> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the Kueue example is open');
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, name));
  await vscode.window.showTextDocument(doc);
  return doc;
}

/** The position of `metadata.name: <name>` in the document. */
function namePosition(doc: vscode.TextDocument, name: string): vscode.Position {
  const at = doc.getText().indexOf(`name: ${name}\n`);
  assert.ok(at >= 0, `no "name: ${name}" in ${doc.uri.path}`);
  return doc.positionAt(at + 'name: '.length + 1);
}

describe('Kueue: both priorities in the editor', function () {
  this.timeout(120_000);

  it('the hover on a queued Job shows its Kueue priority beside its pod priority, with the queue path', async () => {
    const doc = await openExample('test-job.yaml');
    const position = namePosition(doc, 'integration-tests');
    const text = await waitFor(
      'a hover with the Kueue priority',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, position);
        const t = hoverText(hovers ?? []);
        return /Kueue/.test(t) ? t : undefined;
      },
      60_000,
    );
    assert.match(text, /Kueue priority 500/);
    assert.match(text, /ci-tests/);
    assert.match(text, /pod priority 100/);
    assert.match(text, /\/ci\/ci-tests/);
  });

  it('the code lens of a queued Job says the same in one line', async () => {
    const doc = await openExample('test-job.yaml');
    const lenses = await waitFor(
      'a Kueue code lens',
      async () => {
        const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 20);
        return l?.some((x) => /Kueue priority/.test(x.command?.title ?? '')) ? l : undefined;
      },
      60_000,
    );
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => /Kueue priority 500/.test(t) && /pod priority 100/.test(t)),
      JSON.stringify(titles),
    );
  });

  it('the Kueue findings of the example are published where they belong', async () => {
    const doc = await openExample('test-job.yaml');
    const codes = await waitFor(
      'the Kueue findings',
      () => {
        const found = ourDiagnostics(doc.uri).flatMap(([, ds]) => ds.map(codeOf));
        return found.includes('kueue-queue-label-on-template') && found.includes('kueue-priority-inversion') ? found : undefined;
      },
      60_000,
    );
    assert.ok(codes.includes('job-preemption-fails-job'), codes.join(', '));
  });
});

describe('Kueue: the Priority Map has a second ladder', function () {
  this.timeout(120_000);

  it('lists the WorkloadPriorityClasses, highest first, with the queued jobs and their pod priorities', async () => {
    const t = await api();
    const map = await t.priorityMap();
    assert.deepEqual(
      (map.workloadPriorityClasses ?? []).map((c) => [c.name, c.value, c.usedBy]),
      [
        ['eval-high', 1000, ['Job/ci/eval-runner']],
        ['ci-tests', 500, ['Job/ci/integration-tests']],
        ['nightly', 50, ['Job/ci/nightly-sweep']],
      ],
    );
    const tests = map.workloads.find((w) => w.id === 'Job/ci/integration-tests');
    assert.equal(tests?.kueue?.priority, 500);
    assert.equal(tests?.kueue?.path, '/ci/ci-tests');
    assert.equal(map.workloads.find((w) => w.id === 'Job/ci/smoke-tests')?.kueue?.queued, false);
    await vscode.commands.executeCommand('kubePriorityLens.showPriorityMap');
    // innerText: the section heading is styled in capitals, so the text is compared in lower case.
    const r = await t.waitRendered(
      'priorityMap',
      (x) => /kueue priorities/i.test(x.text) && x.text.includes('nightly') && x.text.includes('pod priority 1000'),
      30_000,
    );
    const text = r.text.toLowerCase();
    // The Kueue ladder comes after the PriorityClass ladder, and "Not managed by Kueue" is its last rung.
    assert.ok(text.indexOf('kueue priorities') > text.indexOf('evaluation-high'), r.text.slice(0, 2000));
    assert.ok(text.indexOf('not managed by kueue') > text.indexOf('nightly'), r.text.slice(0, 3000));
  });
});
