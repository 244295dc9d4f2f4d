// Extension entry point: wires the language client, status bar, webview panels and commands. No analysis here.
import * as vscode from 'vscode';
import { Methods, type KplTestApi, type PriorityMapView } from '../../server/src/protocol';
import { registerCommands } from './commands';
import { registerDemo } from './demo';
import { activePodPick } from './pod-picker';
import { DiagnosisDocuments } from './diagnosis-view';
import { ServerConnection } from './language-client';
import { LiveEventsPanel } from './live-events-panel';
import { PriorityMapPanel } from './priority-map-panel';
import { ClusterStatusBar } from './status-bar';
import { configureOpenLocation } from './webview-host';

let server: ServerConnection | undefined;

export function activate(context: vscode.ExtensionContext): KplTestApi | undefined {
  const log = vscode.window.createOutputChannel('Kube Priority Lens', { log: true });
  context.subscriptions.push(log);
  log.info(`activating (trusted workspace: ${vscode.workspace.isTrusted}, mode: ${vscode.ExtensionMode[context.extensionMode]})`);

  const testMode = context.extensionMode !== vscode.ExtensionMode.Production;
  // Views and command arguments open files inside the workspace folders (and the extension's examples) only.
  configureOpenLocation(context.extensionUri, log);
  server = new ServerConnection(context, log);
  const statusBar = new ClusterStatusBar();
  const diagnoses = new DiagnosisDocuments();
  const priorityMap = new PriorityMapPanel(context.extensionUri, server, log);
  // Fixture rows let screenshots and UI tests show the live view without a cluster; never in production.
  const fixture = testMode ? process.env.KPL_LIVE_EVENTS_FIXTURE || undefined : undefined;
  const liveEvents = new LiveEventsPanel(context.extensionUri, server, log, fixture);
  context.subscriptions.push(
    statusBar,
    diagnoses,
    priorityMap,
    liveEvents,
    server.onClusterState((s) => statusBar.update(s)),
  );

  registerCommands(context, { server, log, diagnoses, priorityMap, liveEvents });
  registerDemo(context, server.onClusterState, log);

  // Start eagerly: diagnostics should appear without any user action. Failures are reported by ServerConnection.
  void server.start().catch(() => undefined);

  if (!testMode) return undefined;
  const panels = { priorityMap, liveEvents };
  const s = server;
  return {
    whenServerStarted: () => s.start(),
    waitRendered: (view, predicate, timeoutMs) => panels[view].waitRendered(predicate, timeoutMs),
    clickInWebview: (view, id) => Promise.resolve(panels[view].post({ type: 'testClick', id })),
    postFromWebview: (view, message) => panels[view].receive(message),
    injectLiveEvents: (rows, replace) => liveEvents.injectRows(rows, replace),
    clusterState: () => s.lastClusterState?.state,
    statusBar: () => statusBar.snapshot(),
    podPicker: () => {
      const pick = activePodPick;
      if (pick === undefined) return undefined;
      const items = () => pick.quickPick.items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator);
      return {
        items: items().map((i) => ({ label: i.label, description: i.description ?? '' })),
        busy: pick.quickPick.busy,
        timings: { ...pick.timings },
        type: (value: string) => {
          // What typing does: the value changes and the list follows it.
          pick.quickPick.value = value;
          pick.typed(value);
        },
        accept: (label?: string) => {
          const item = label === undefined ? items()[0] : items().find((i) => i.label === label);
          if (item === undefined) return false;
          pick.choose(item);
          return true;
        },
      };
    },
    priorityMap: () => s.request<PriorityMapView>(Methods.priorityMap, {}),
  };
}

export async function deactivate(): Promise<void> {
  await server?.dispose();
  server = undefined;
}
