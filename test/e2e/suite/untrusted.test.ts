// Restricted Mode (run with KPL_E2E_TRUST=1): static analysis works, the cluster is never contacted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { DiagnoseOutcome } from '../../../server/src/protocol';
import { api, EXPECTED_CODES, findingWithCode, waitFor, withWorkspaceSettings } from './helpers';

describe('untrusted workspace', () => {
  it('runs in Restricted Mode', () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: the untrusted profile did not apply');
  });

  it('still publishes static findings', async () => {
    await (await api()).whenServerStarted();
    await findingWithCode(EXPECTED_CODES);
  });

  it('reports the untrusted cluster state and refuses live diagnosis', async () => {
    const t = await api();
    await waitFor('cluster state "untrusted"', () => t.clusterState() === 'untrusted' || undefined);
    const outcome = await vscode.commands.executeCommand<DiagnoseOutcome>('kubePriorityLens.diagnosePod');
    assert.equal(outcome.kind, 'no-cluster');
    if (outcome.kind === 'no-cluster') assert.match(outcome.message, /Restricted Mode/);
  });

  it('says in the status bar why charts and overlays are not rendered', async () => {
    const t = await api();
    await waitFor('cluster state "untrusted"', () => t.clusterState() === 'untrusted' || undefined);
    const bar = t.statusBar();
    assert.match(bar.text, /restricted/);
    // The tooltip is a MarkdownString of escaped text (spaces as &nbsp;).
    assert.match(
      bar.tooltip.replaceAll('&nbsp;', ' '),
      /Helm charts and Kustomize overlays are not rendered: helm and kustomize never run in Restricted Mode/,
    );
  });

  it("ignores the workspace's values of the restricted settings (exclude, clusterAware) in Restricted Mode", async () => {
    const hostile = {
      'kubePriorityLens.exclude': ['**'],
      'kubePriorityLens.clusterAware': false,
      'kubePriorityLens.rules.preemption-risk': 'hint',
    };
    await withWorkspaceSettings(hostile, 'kubePriorityLens.rules.preemption-risk', () => {
      const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
      assert.equal(cfg.get('rules.preemption-risk'), 'hint', 'the workspace settings file was read');
      const section = vscode.workspace.getConfiguration().get<Record<string, unknown>>('kubePriorityLens') ?? {};
      // The section object is what the language client answers the server's workspace/configuration with.
      assert.deepEqual([cfg.get('exclude'), cfg.get('clusterAware'), section['exclude'], section['clusterAware']], [[], true, [], true]);
    });
  });
});
