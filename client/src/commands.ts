// Command handlers. Each is a thin request/response relay to the language server plus the UI around it.
import * as vscode from 'vscode';
import {
  Methods,
  type ClusterStateView,
  type DiagnoseOutcome,
  type DiagnoseParams,
  type DiagnoseResult,
  type ExplainWorkloadParams,
  type HistoryClearResult,
  type HistoryExportParams,
  type HistoryExportResult,
  type ListContextsResult,
  type ExplainWorkloadResult,
  type ListPodsParams,
  type ListPodsResult,
  type SourceLocation,
} from '../../server/src/protocol';
import { escapeMarkdown } from '../../server/src/core/markdown';
import type { DiagnosisDocuments } from './diagnosis-view';
import type { ServerConnection } from './language-client';
import type { LiveEventsPanel } from './live-events-panel';
import type { PriorityMapPanel } from './priority-map-panel';
import { pickPod } from './pod-picker';
import { isSourceLocation, openLocation } from './webview-host';

export interface CommandDeps {
  server: ServerConnection;
  log: vscode.LogOutputChannel;
  diagnoses: DiagnosisDocuments;
  priorityMap: PriorityMapPanel;
  liveEvents: LiveEventsPanel;
}

const CONNECTED: ReadonlySet<ClusterStateView['state']> = new Set(['live', 'partial', 'reconnecting', 'forbidden']);

/** The user-facing sentence for "no cluster", with what to do about it. */
export function noClusterMessage(state: ClusterStateView | undefined): string {
  // The server's detail may already start with the same words; keep one sentence.
  const detail = state?.detail?.replace(/^No cluster connection:\s*/i, '').replace(/\.$/, '');
  const why = detail ? ` (${detail})` : '';
  switch (state?.state) {
    case 'untrusted':
      return 'No cluster connection: this workspace is in Restricted Mode, so Kube Priority Lens does not read kubeconfig. Trust the workspace to diagnose live pods.';
    case 'disabled':
      return 'No cluster connection: kubePriorityLens.clusterAware is off. Turn it on to diagnose live pods.';
    case 'offline':
      if (state.context)
        return `No cluster connection: the cluster of context "${state.context}" is unreachable${why}. Check kubePriorityLens.kubeconfig and kubePriorityLens.context.`;
      return `No cluster connection: set kubePriorityLens.kubeconfig (or KUBECONFIG) and kubePriorityLens.context to diagnose live pods${why}.`;
    default:
      return `No cluster connection: set kubePriorityLens.kubeconfig (or KUBECONFIG) and kubePriorityLens.context to diagnose live pods${why}.`;
  }
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Are the scripting arguments of Export/Clear Preemption History (`{path}`, `{confirm: false}`) honoured? Only when
 * the extension runs its own test suites (ExtensionMode.Test): in normal use any extension or command link could
 * call the commands, and must not write a file of its choosing or delete the history without asking.
 */
export function honoursTestArguments(mode: vscode.ExtensionMode): boolean {
  return mode === vscode.ExtensionMode.Test;
}

export function registerCommands(context: vscode.ExtensionContext, deps: CommandDeps): void {
  const { server, log } = deps;
  const testArguments = honoursTestArguments(context.extensionMode);
  /** The argument object of a command, or {} (and a log line) outside test mode. */
  const scriptArgument = (command: string, arg: unknown): Record<string, unknown> => {
    if (typeof arg !== 'object' || arg === null) return {};
    if (testArguments) return arg as Record<string, unknown>;
    log.warn(
      `${command}: arguments ${JSON.stringify(Object.keys(arg)).slice(0, 200)} ignored (honoured in the extension's test mode only); asking the user instead`,
    );
    return {};
  };
  const reg = (id: string, fn: (...args: unknown[]) => unknown): void => {
    context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  };

  reg('kubePriorityLens.showOutput', () => log.show(true));

  reg('kubePriorityLens.showPriorityMap', () => {
    deps.priorityMap.show();
  });

  reg('kubePriorityLens.showLiveEvents', () => {
    deps.liveEvents.show();
  });

  reg('kubePriorityLens.refresh', async () => {
    try {
      if (!server.running) await server.restart();
      await server.request<unknown>(Methods.refresh, {});
    } catch (e) {
      log.error(`refresh failed: ${errorText(e)}`);
      void vscode.window.showErrorMessage(`Kube Priority Lens: refresh failed: ${errorText(e)}`);
      return;
    }
    await Promise.all([deps.priorityMap.refresh(), deps.liveEvents.reload()]);
  });

  reg('kubePriorityLens.selectContext', async () => {
    if (!vscode.workspace.isTrusted) {
      const pick = await vscode.window.showWarningMessage(
        'Kube Priority Lens does not access clusters in Restricted Mode.',
        'Manage Workspace Trust',
      );
      if (pick) await vscode.commands.executeCommand('workbench.trust.manage');
      return;
    }
    let res: ListContextsResult;
    try {
      res = await server.request<ListContextsResult>(Methods.listContexts, {});
    } catch (e) {
      void vscode.window.showErrorMessage(`Kube Priority Lens: could not read kubeconfig contexts: ${errorText(e)}`);
      return;
    }
    type Item = vscode.QuickPickItem & { action: 'context' | 'default' | 'settings'; name?: string };
    const configured = vscode.workspace.getConfiguration('kubePriorityLens').get<string>('context') || undefined;
    const items: Item[] = res.contexts.map((c) => ({
      label: c.name,
      description: [
        c.name === (configured ?? res.current) ? '$(check) active' : '',
        c.cluster ?? '',
        c.namespace ? `ns ${c.namespace}` : '',
      ]
        .filter(Boolean)
        .join(' · '),
      action: 'context',
      name: c.name,
    }));
    items.push(
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'settings' },
      { label: "$(history) Use the kubeconfig's current context", action: 'default' },
      { label: '$(gear) Set kubeconfig path…', action: 'settings' },
    );
    const pick = await vscode.window.showQuickPick(items, {
      title: `Select Cluster Context${res.source ? ` (${res.source})` : ''}`,
      placeHolder: res.contexts.length ? 'Context to watch for preemptions and evictions' : 'No contexts found in the kubeconfig',
    });
    if (!pick) return;
    const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
    if (pick.action === 'settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'kubePriorityLens.kubeconfig');
    } else {
      // Machine-scoped setting: it can only live in user settings.
      await cfg.update('context', pick.action === 'context' ? pick.name : undefined, vscode.ConfigurationTarget.Global);
    }
  });

  // Export Preemption History: a save dialog (JSON or CSV by extension), or `{path, format}` in the test suites.
  reg('kubePriorityLens.exportHistory', async (arg?: unknown): Promise<{ path: string; events: number } | undefined> => {
    const given = scriptArgument('kubePriorityLens.exportHistory', arg) as { path?: unknown; format?: unknown };
    let target: vscode.Uri | undefined = typeof given.path === 'string' ? vscode.Uri.file(given.path) : undefined;
    if (target === undefined) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const stamp = new Date().toISOString().slice(0, 10);
      target = await vscode.window.showSaveDialog({
        title: 'Export Preemption History',
        saveLabel: 'Export',
        filters: { JSON: ['json'], CSV: ['csv'] },
        ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, `preemption-history-${stamp}.json`) } : {}),
      });
      if (!target) return undefined;
    }
    const format: HistoryExportParams['format'] =
      given.format === 'csv' || (given.format === undefined && target.path.toLowerCase().endsWith('.csv')) ? 'csv' : 'json';
    try {
      const res = await server.request<HistoryExportResult>(Methods.historyExport, { format } satisfies HistoryExportParams);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(res.text));
      log.info(`exported ${res.events} history record(s) as ${format} to ${target.fsPath}`);
      if (typeof given.path !== 'string')
        void vscode.window.showInformationMessage(
          `Kube Priority Lens: exported ${res.events} recorded event(s) to ${vscode.workspace.asRelativePath(target)}.`,
        );
      return { path: target.fsPath, events: res.events };
    } catch (e) {
      const message = `Kube Priority Lens: export failed: ${errorText(e)}`;
      log.error(message);
      void vscode.window.showErrorMessage(message);
      return undefined;
    }
  });

  // Clear Preemption History: asks first (modal) unless called with `{confirm: false}` in the test suites.
  reg('kubePriorityLens.clearHistory', async (arg?: unknown): Promise<boolean> => {
    const ask = scriptArgument('kubePriorityLens.clearHistory', arg)['confirm'] !== false;
    if (ask) {
      const pick = await vscode.window.showWarningMessage(
        'Delete every recorded preemption and eviction, and the cached pod UIDs, from the local history?',
        { modal: true },
        'Clear History',
      );
      if (pick !== 'Clear History') return false;
    }
    try {
      const res = await server.request<HistoryClearResult>(Methods.historyClear, {});
      await deps.liveEvents.clearRows();
      log.info('history cleared');
      return res.cleared;
    } catch (e) {
      const message = `Kube Priority Lens: clearing the history failed: ${errorText(e)}`;
      log.error(message);
      void vscode.window.showErrorMessage(message);
      return false;
    }
  });

  reg('kubePriorityLens.revealWorkloads', async (...args: unknown[]) => {
    const locations = (Array.isArray(args[0]) ? args[0] : args).filter(isSourceLocation) as (SourceLocation & { label?: string })[];
    const title = typeof args[1] === 'string' ? args[1] : 'Workloads';
    if (locations.length === 0) return;
    if (locations.length === 1) {
      await openLocation(locations[0], vscode.ViewColumn.Active);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      // Peek keeps the user in place, like "N references".
      const vsLocations = locations.map(
        (l) => new vscode.Location(vscode.Uri.parse(l.uri, true), new vscode.Position(l.line, l.character)),
      );
      await vscode.commands.executeCommand(
        'editor.action.peekLocations',
        editor.document.uri,
        editor.selection.active,
        vsLocations,
        'peek',
      );
      return;
    }
    const pick = await vscode.window.showQuickPick(
      locations.map((l) => ({
        label: l.label ?? vscode.workspace.asRelativePath(vscode.Uri.parse(l.uri, true)),
        description: `line ${l.line + 1}`,
        location: l,
      })),
      { title },
    );
    if (pick) await openLocation(pick.location, vscode.ViewColumn.Active);
  });

  reg('kubePriorityLens.diagnosePod', async (arg?: unknown): Promise<DiagnoseOutcome> => {
    const explicit =
      typeof arg === 'string'
        ? arg
        : typeof arg === 'object' && arg !== null && typeof (arg as { target?: unknown }).target === 'string'
          ? (arg as { target: string }).target
          : undefined;
    try {
      if (explicit) return await diagnose(deps, explicit);
      const started = Date.now();
      const connected = (l: ListPodsResult) => CONNECTED.has(l.state.state);
      // Every pod at once (the server answers from its pod cache, without waiting for the workspace index or
      // renders); the workload under the cursor, which needs the index, re-orders the list when it is known.
      const pods = server.request<ListPodsResult>(Methods.listPods, {} satisfies ListPodsParams);
      const workloadPods = workloadUnderCursor(deps).then((workload) =>
        workload === undefined ? undefined : server.request<ListPodsResult>(Methods.listPods, { workload } satisfies ListPodsParams),
      );
      workloadPods.catch((e: unknown) => log.warn(`Diagnose Pod: the pods of the workload under the cursor: ${errorText(e)}`));
      const known = server.lastClusterState;
      // Not connected as far as the client knows: no picker flashes open, the static explanation is offered.
      if (known === undefined || !CONNECTED.has(known.state)) {
        const list = await pods;
        if (!connected(list)) return await explainWithoutCluster(deps, list);
      }
      const picked = await pickPod(known?.context, { pods, workloadPods }, connected, started, (t) =>
        log.info(
          `Diagnose Pod: picker shown after ${t.shown ?? '-'} ms, pods listed after ${t.listed ?? '-'} ms` +
            (t.workload !== undefined ? `, workload under the cursor after ${t.workload} ms` : ''),
        ),
      );
      if (picked.kind === 'not-connected') return await explainWithoutCluster(deps, picked.list);
      if (picked.kind === 'cancelled') return { kind: 'cancelled' };
      return await diagnose(deps, picked.target);
    } catch (e) {
      const message = `Kube Priority Lens: Diagnose Pod failed: ${errorText(e)}`;
      log.error(message);
      void vscode.window.showErrorMessage(message, 'Show Output').then((p) => p && log.show());
      return { kind: 'error', message };
    }
  });
}

async function diagnose(deps: CommandDeps, target: string): Promise<DiagnoseOutcome> {
  const params: DiagnoseParams = { target, format: 'markdown' };
  const res = await deps.server.request<DiagnoseResult>(Methods.diagnosePod, params);
  await deps.diagnoses.show(target, res.markdown);
  return { kind: 'shown', target, markdown: res.markdown };
}

/** `Kind/namespace/name` of the workload under the cursor of the active YAML/JSON editor, if any. */
async function workloadUnderCursor(deps: CommandDeps): Promise<string | undefined> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.scheme !== 'file' || (editor.document.languageId !== 'yaml' && editor.document.languageId !== 'json'))
    return undefined;
  const params: ExplainWorkloadParams = {
    uri: editor.document.uri.toString(),
    position: { line: editor.selection.active.line, character: editor.selection.active.character },
  };
  try {
    const res = await deps.server.request<ExplainWorkloadResult | null>(Methods.explainWorkload, params);
    return res?.workload.id;
  } catch {
    return undefined;
  }
}

/** No cluster: say so plainly, then explain the workload under the cursor from the manifests alone. */
async function explainWithoutCluster(deps: CommandDeps, list: ListPodsResult): Promise<DiagnoseOutcome> {
  const message = noClusterMessage(list.state);
  const editor = vscode.window.activeTextEditor;
  let explanation: string | undefined;
  if (editor && editor.document.uri.scheme === 'file' && (editor.document.languageId === 'yaml' || editor.document.languageId === 'json')) {
    const params: ExplainWorkloadParams = {
      uri: editor.document.uri.toString(),
      position: { line: editor.selection.active.line, character: editor.selection.active.character },
    };
    const res = await deps.server.request<DiagnoseResult | null>(Methods.explainWorkload, params);
    if (res?.markdown) {
      explanation = res.markdown;
      // The message carries the server's detail (context names, API server errors): escaped like all cluster text.
      await deps.diagnoses.show(
        `static ${vscode.workspace.asRelativePath(editor.document.uri)} ${params.position.line + 1}`,
        `> ${escapeMarkdown(message)}\n>\n> Static explanation of the workload under the cursor (from the manifests only):\n\n${res.markdown}`,
      );
    }
  }
  const suffix = explanation
    ? ' Showing the static explanation of the workload under the cursor.'
    : ' Place the cursor on a workload in a manifest to get its static explanation.';
  void vscode.window.showWarningMessage(message + suffix, 'Open Settings', 'Select Cluster Context').then((pick) => {
    if (pick === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'kubePriorityLens.kubeconfig');
    else if (pick === 'Select Cluster Context') void vscode.commands.executeCommand('kubePriorityLens.selectContext');
  });
  deps.log.info(message);
  return explanation ? { kind: 'no-cluster', message, explanation } : { kind: 'no-cluster', message };
}
