// Production mode in real VS Code (run only by test/e2e/run-production.js): Kube Priority Lens is the installed VSIX,
// this suite is another extension. The test-only command arguments must have no effect: Export Preemption History
// with `{path}` writes no file (it asks with the save dialog), Clear Preemption History with `{confirm: false}` clears
// nothing (it asks with a modal), and revealWorkloads opens no file outside the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, sleep, waitFor } from './helpers';

const env = (name: string): string => {
  const v = process.env[name];
  assert.ok(v !== undefined && v !== '', `${name} is not set (run test/e2e/run-production.js)`);
  return v;
};

type Outcome<T> = { value: T | undefined } | { error: string } | 'still asking';

/** Runs a command without waiting for it (it may wait for a dialog); `outcome(ms)` says how it ended, if it did. */
function start<T>(command: string, ...args: unknown[]): { outcome: (waitMs: number) => Promise<Outcome<T>> } {
  const result: Promise<Outcome<T>> = Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)).then(
    (value) => ({ value }),
    (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
  );
  return { outcome: (waitMs) => Promise.race([result, sleep(waitMs).then(() => 'still asking' as const)]) };
}

/** The workbench of an extension test run refuses dialogs: that refusal proves the command asked. */
const refusedDialog = (o: Outcome<unknown>, text: RegExp): boolean =>
  typeof o === 'object' && 'error' in o && /refused to show dialog/.test(o.error) && text.test(o.error);

describe('production mode (installed VSIX): test-only command arguments are ignored', function () {
  this.timeout(90_000);

  before(async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not installed`);
    assert.ok(
      path.resolve(ext.extensionPath).startsWith(path.resolve(env('KPL_E2E_EXTENSIONS_DIR'))),
      `${EXTENSION_ID} runs from ${ext.extensionPath}, not the installed VSIX`,
    );
    const exports: unknown = await ext.activate();
    assert.equal(exports, undefined, 'the extension returned its test API: it is not in production mode');
    await waitFor('the commands to be registered', async () =>
      (await vscode.commands.getCommands(true)).includes('kubePriorityLens.clearHistory'),
    );
  });

  it('revealWorkloads opens a workspace manifest, and no file outside the workspace', async () => {
    const outside = path.join(env('KPL_E2E_SCRATCH'), 'outside.yaml');
    fs.writeFileSync(outside, 'apiVersion: v1\nkind: Secret\nmetadata: {name: not-yours}\n');
    await vscode.commands.executeCommand('kubePriorityLens.revealWorkloads', [
      { uri: vscode.Uri.file(outside).toString(), line: 0, character: 0 },
    ]);
    await sleep(1500);
    assert.deepEqual(
      vscode.workspace.textDocuments.filter((d) => d.uri.fsPath === outside).map((d) => d.uri.toString()),
      [],
      'a file outside the workspace was opened',
    );
    const manifest = (await vscode.workspace.findFiles('**/*.yaml'))[0];
    assert.ok(manifest);
    await vscode.commands.executeCommand('kubePriorityLens.revealWorkloads', [{ uri: manifest.toString(), line: 0, character: 0 }]);
    await waitFor('the workspace manifest to open', () => vscode.window.activeTextEditor?.document.uri.toString() === manifest.toString());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('Export Preemption History ignores a `path` argument: nothing is written, the save dialog asks', async () => {
    const target = path.join(env('KPL_E2E_SCRATCH'), 'exported-by-another-extension.json');
    const run = start<{ path: string } | undefined>('kubePriorityLens.exportHistory', { path: target, format: 'json' });
    await sleep(5000);
    assert.equal(fs.existsSync(target), false, 'the export wrote the file named by the caller');
    // Dismiss the dialog (code-server's save dialog is a quick input), then the command ends without a file.
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    const outcome = await run.outcome(10_000);
    assert.ok(
      outcome === 'still asking' || ('value' in outcome && outcome.value === undefined) || refusedDialog(outcome, /./),
      `the export answered ${JSON.stringify(outcome)}`,
    );
    assert.equal(fs.existsSync(target), false);
  });

  it('Clear Preemption History ignores `confirm: false`: it asks first, the recorded history stays', async () => {
    const history = env('KPL_E2E_HISTORY_FILE');
    assert.match(fs.readFileSync(history, 'utf8'), /kpl-production-seeded-event/, 'the seeded history is in place');
    const run = start<boolean>('kubePriorityLens.clearHistory', { confirm: false });
    await sleep(3000);
    assert.match(fs.readFileSync(history, 'utf8'), /kpl-production-seeded-event/, 'the history was cleared without asking');
    // It asked: the confirmation is up, was dismissed, or was refused by the test workbench. Never "cleared".
    const outcome = await run.outcome(2000);
    assert.ok(
      outcome === 'still asking' ||
        ('value' in outcome && outcome.value === false) ||
        refusedDialog(outcome, /Delete every recorded preemption/),
      `Clear Preemption History answered ${JSON.stringify(outcome)}`,
    );
  });
});
