// Hosts the Priority Map webview: asks the server for the map and relays clicks back to the editor.
import * as vscode from 'vscode';
import { Methods, type PriorityMapView, type WebviewToHost } from '../../server/src/protocol';
import type { ServerConnection } from './language-client';
import { openLocation, WebviewPanelHost } from './webview-host';

export class PriorityMapPanel extends WebviewPanelHost {
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly server: ServerConnection,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super(extensionUri, 'kubePriorityLens.priorityMap', 'Priority Map', 'priorityMap');
    // Diagnostics change after every re-analysis, which is exactly when the map may have changed too.
    this.subscriptions.push(vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh()));
    // The live workloads of each class follow the cluster: its state, and preemptions/evictions as they are seen.
    this.subscriptions.push(
      server.onClusterState(() => this.scheduleRefresh()),
      server.onLiveEventsChanged(() => this.scheduleRefresh()),
    );
  }

  protected async onMessage(m: Exclude<WebviewToHost, { type: 'rendered' }>): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.refresh();
        return;
      case 'open':
        await openLocation(m.location);
        return;
      default:
        return;
    }
  }

  async refresh(): Promise<void> {
    if (!this.visible) return;
    try {
      const map = await this.server.request<PriorityMapView>(Methods.priorityMap, {});
      await this.post({ type: 'priorityMap', map });
    } catch (e) {
      this.log.error(`priorityMap request failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private scheduleRefresh(): void {
    if (!this.visible) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refresh(), 400);
  }

  override dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.subscriptions) d.dispose();
    super.dispose();
  }
}
