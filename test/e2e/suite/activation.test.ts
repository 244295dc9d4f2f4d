// The extension activates in the test VS Code, registers its commands and starts the language server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, EXTENSION_ID } from './helpers';

const COMMANDS = [
  'kubePriorityLens.diagnosePod',
  'kubePriorityLens.showLiveEvents',
  'kubePriorityLens.showPriorityMap',
  'kubePriorityLens.selectContext',
  'kubePriorityLens.refresh',
  'kubePriorityLens.showOutput',
  'kubePriorityLens.revealWorkloads',
  'kubePriorityLens.exportHistory',
  'kubePriorityLens.clearHistory',
];

describe('activation', () => {
  it('activates and registers every command', async () => {
    const t = await api();
    assert.equal(vscode.extensions.getExtension(EXTENSION_ID)?.isActive, true);
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of COMMANDS) assert.ok(all.has(c), `command ${c} is not registered`);
    await t.whenServerStarted();
  });

  it('contributes the settings with their defaults', () => {
    const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
    assert.equal(cfg.get('clusterAware'), true);
    assert.equal(cfg.get('history.retentionDays'), 30);
    assert.equal(cfg.get('history.maxRecords'), 50000);
    assert.deepEqual(cfg.inspect('kubeconfig')?.defaultValue, '');
  });
});
