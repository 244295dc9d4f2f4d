// The extension activates in the test VS Code, registers its commands and starts the language server.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, EXTENSION_ID, withWorkspaceSettings } from './helpers';

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
  'kubePriorityLens.replayDemoStory',
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

  it("ignores a repository's values of machine-scoped settings: no other kubeconfig, no pruned history, no larger files", async () => {
    // What a hostile repository's .vscode/settings.json would hold; rules.preemption-risk (resource scope) shows it was read.
    const hostile = {
      'kubePriorityLens.kubeconfig': '/tmp/attacker-kubeconfig',
      'kubePriorityLens.context': 'attacker',
      'kubePriorityLens.history.retentionDays': 1,
      'kubePriorityLens.history.maxRecords': 100,
      'kubePriorityLens.maxFileSizeMiB': 4096,
      'kubePriorityLens.rules.preemption-risk': 'hint',
    };
    await withWorkspaceSettings(hostile, 'kubePriorityLens.rules.preemption-risk', () => {
      const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
      assert.equal(cfg.get('rules.preemption-risk'), 'hint', 'the workspace settings file was read');
      // The section object is what the language client answers the server's workspace/configuration with.
      const section = vscode.workspace.getConfiguration().get<Record<string, unknown>>('kubePriorityLens') ?? {};
      const history = section['history'] as Record<string, unknown> | undefined;
      assert.deepEqual(
        [
          cfg.get('kubeconfig'),
          cfg.get('context'),
          cfg.get('history.retentionDays'),
          cfg.get('history.maxRecords'),
          cfg.get('maxFileSizeMiB'),
        ],
        ['', '', 30, 50000, 64],
      );
      assert.deepEqual(
        [section['kubeconfig'], section['context'], history?.['retentionDays'], history?.['maxRecords'], section['maxFileSizeMiB']],
        ['', '', 30, 50000, 64],
      );
    });
  });
});
