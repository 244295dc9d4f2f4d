// Demo mode (`npm run demo -- --cluster` sets KPL_DEMO_DIR for code-server): the CI story is played by the demo script
// when the extension reports the cluster live, and again on "Kube Priority Lens: Replay Demo Story". The extension only
// leaves marker files in that directory (`live`, `replay-<n>`); the demo script watches it and talks to the cluster.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ClusterStateView } from '../../server/src/protocol';

export function registerDemo(
  context: vscode.ExtensionContext,
  onClusterState: vscode.Event<ClusterStateView>,
  log: vscode.LogOutputChannel,
): void {
  const dir = process.env['KPL_DEMO_DIR'];
  void vscode.commands.executeCommand('setContext', 'kubePriorityLens.demo', dir !== undefined && dir !== '');
  context.subscriptions.push(
    vscode.commands.registerCommand('kubePriorityLens.replayDemoStory', () => {
      if (dir === undefined || dir === '') {
        void vscode.window.showInformationMessage('Replay Demo Story works only in the demo (npm run demo -- --cluster).');
        return false;
      }
      fs.writeFileSync(path.join(dir, `replay-${Date.now()}`), '');
      void vscode.window.showInformationMessage(
        'Kube Priority Lens: the demo story is replaying on the local cluster (about a minute); watch Live Preemptions & Evictions.',
      );
      return true;
    }),
  );
  if (dir === undefined || dir === '') return;
  let told = false;
  context.subscriptions.push(
    onClusterState((s) => {
      if (told || s.state !== 'live') return;
      told = true;
      log.info('demo: cluster live; the demo script starts the story');
      fs.writeFileSync(path.join(dir, 'live'), new Date().toISOString());
    }),
  );
}
