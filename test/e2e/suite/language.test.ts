// Language features end to end: the real server analyses examples/ci-preemption and the editor shows the results.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, EXPECTED_CODES, findingWithCode, openWorkspaceManifests, ourDiagnostics, waitFor, workloadHover } from './helpers';

describe('language features', () => {
  before(async () => {
    await (await api()).whenServerStarted();
  });

  it('publishes findings for the example workspace', async () => {
    const { uri, diagnostic } = await findingWithCode(EXPECTED_CODES);
    assert.equal(uri.scheme, 'file');
    assert.ok(diagnostic.message.length > 0, 'finding without a message');
    assert.ok(EXPECTED_CODES.includes(codeOf(diagnostic)));
  });

  it('answers a hover on a workload name', async () => {
    assert.match(await workloadHover(), /priorit/i);
  });

  it('shows code lenses on workloads', async () => {
    const docs = await openWorkspaceManifests();
    const lenses = await waitFor('a code lens', async () => {
      for (const d of docs) {
        const ls = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', d.uri, 10);
        const ours = (ls ?? []).filter((l) => l.command && l.command.title.length > 0);
        if (ours.length) return ours;
      }
      return undefined;
    });
    assert.ok(lenses.length > 0);
  });

  it('applies a quick fix that removes the finding', async () => {
    await findingWithCode(EXPECTED_CODES);
    // The first of our findings that offers a quick fix with an edit.
    const seen: string[] = [];
    const found = await waitFor('a finding with a quick fix', async () => {
      seen.length = 0;
      for (const [uri, ds] of ourDiagnostics()) {
        for (const d of ds) {
          const as = await vscode.commands.executeCommand<vscode.CodeAction[]>(
            'vscode.executeCodeActionProvider',
            uri,
            d.range,
            vscode.CodeActionKind.QuickFix.value,
            10,
          );
          seen.push(
            `${codeOf(d)}: ${(as ?? []).map((a) => `${a.title}[edit=${!!a.edit}, diags=${(a.diagnostics ?? []).map(codeOf).join('|')}]`).join('; ') || 'no actions'}`,
          );
          const fix = (as ?? []).find(
            (a) => a.edit && ((a.diagnostics ?? []).length === 0 || (a.diagnostics ?? []).some((x) => codeOf(x) === codeOf(d))),
          );
          if (fix) return { uri, code: codeOf(d), fix };
        }
      }
      return undefined;
    }).catch((e: unknown) => {
      throw new Error(`${String(e)}; code actions seen: ${seen.join(' / ')}`);
    });
    const { uri, code, fix } = found;
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code).length;
    try {
      assert.ok(await vscode.workspace.applyEdit(fix.edit!), 'the quick fix edit was not applied');
      await waitFor(
        `fewer "${code}" findings after "${fix.title}"`,
        () => vscode.languages.getDiagnostics(uri).filter((d) => codeOf(d) === code).length < before || undefined,
      );
    } finally {
      // Leave the example workspace as it was on disk.
      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });
});
