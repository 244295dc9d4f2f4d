// Diagnose Pod without a cluster: a clear message, plus the static explanation of the workload under the cursor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DiagnoseOutcome } from '../../../server/src/protocol';
import { api, findingWithCode, EXPECTED_CODES, openWorkspaceManifests, workloadNamePosition } from './helpers';

describe('Diagnose Pod', () => {
  before(async () => {
    await (await api()).whenServerStarted();
    await findingWithCode(EXPECTED_CODES);
  });

  it('says there is no cluster connection and explains the workload under the cursor', async () => {
    const docs = await openWorkspaceManifests();
    const target = docs.map((d) => ({ d, p: workloadNamePosition(d) })).find((x) => x.p);
    assert.ok(target?.p);
    const editor = await vscode.window.showTextDocument(target.d);
    editor.selection = new vscode.Selection(target.p, target.p);
    const outcome = await vscode.commands.executeCommand<DiagnoseOutcome>('kubePriorityLens.diagnosePod');
    assert.equal(outcome.kind, 'no-cluster', `unexpected outcome ${JSON.stringify(outcome)}`);
    if (outcome.kind !== 'no-cluster') return;
    assert.match(outcome.message, /^No cluster connection: .*kubePriorityLens\.kubeconfig/);
    assert.ok(outcome.explanation && outcome.explanation.length > 0, 'no static explanation of the workload under the cursor');
  });
});
