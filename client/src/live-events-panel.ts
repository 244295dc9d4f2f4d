// Hosts the Live Preemptions & Evictions webview: initial rows by request, then incremental server notifications.
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  Methods,
  type ClusterStateView,
  type LiveEventRow,
  type LiveEventsResult,
  type LiveNodeView,
  type WebviewToHost,
} from '../../server/src/protocol';
import type { ServerConnection } from './language-client';
import { openLocation, WebviewPanelHost } from './webview-host';

export class LiveEventsPanel extends WebviewPanelHost {
  private readonly subscriptions: vscode.Disposable[] = [];
  private state: ClusterStateView = { state: 'connecting' };
  /** Rows injected by tests/screenshots (non-production modes only), shown instead of the server's. */
  private fixtureRows: LiveEventRow[] | undefined;
  private fixtureNodes: LiveNodeView[] | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly server: ServerConnection,
    private readonly log: vscode.LogOutputChannel,
    fixtureFile: string | undefined,
  ) {
    super(extensionUri, 'kubePriorityLens.liveEvents', 'Live Preemptions & Evictions', 'liveEvents');
    if (fixtureFile) {
      // Either an array of rows or `{rows, nodes}` (nodes: the per-node eviction view).
      const data = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as LiveEventRow[] | { rows: LiveEventRow[]; nodes?: LiveNodeView[] };
      this.fixtureRows = Array.isArray(data) ? data : data.rows;
      if (!Array.isArray(data) && data.nodes !== undefined) this.fixtureNodes = data.nodes;
    }
    this.subscriptions.push(
      server.onLiveEventsChanged((p) => {
        if (p.state) this.state = p.state;
        if (this.fixtureRows) return;
        void this.post({ type: 'liveEvents', rows: p.rows, state: this.state, replace: p.replace });
      }),
      server.onClusterState((s) => {
        this.state = s;
        void this.post({ type: 'liveEvents', rows: [], state: s, replace: false });
      }),
    );
  }

  protected async onMessage(m: Exclude<WebviewToHost, { type: 'rendered' }>): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.reload();
        return;
      case 'open':
        await openLocation(m.location);
        return;
      case 'diagnose':
        await vscode.commands.executeCommand('kubePriorityLens.diagnosePod', m.target);
        return;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        void vscode.window.setStatusBarMessage('Kube Priority Lens: event copied as Markdown', 3000);
        return;
    }
  }

  async reload(): Promise<void> {
    if (!this.visible) return;
    if (this.fixtureRows) {
      await this.post({
        type: 'liveEvents',
        rows: this.fixtureRows,
        state: { state: 'live', context: 'fixture' },
        replace: true,
        ...(this.fixtureNodes !== undefined ? { nodes: this.fixtureNodes } : {}),
      });
      return;
    }
    try {
      const res = await this.server.request<LiveEventsResult>(Methods.liveEvents, {});
      this.state = res.state;
      await this.post({
        type: 'liveEvents',
        rows: res.rows,
        state: res.state,
        replace: true,
        ...(res.nodes !== undefined ? { nodes: res.nodes } : {}),
      });
    } catch (e) {
      this.log.error(`liveEvents request failed: ${e instanceof Error ? e.message : String(e)}`);
      await this.post({
        type: 'liveEvents',
        rows: [],
        state: this.server.lastClusterState ?? { state: 'offline', detail: 'The language server did not answer.' },
        replace: true,
      });
    }
  }

  /** After "Clear Preemption History": empty the view (fixture rows included), whatever the server sends later. */
  async clearRows(): Promise<void> {
    if (this.fixtureRows) this.fixtureRows = [];
    if (this.fixtureNodes) this.fixtureNodes = [];
    await this.post({ type: 'liveEvents', rows: [], state: this.state, replace: true, nodes: [] });
  }

  /** Test hook: replace what the view shows with these rows (`replace=false` upserts). */
  async injectRows(rows: LiveEventRow[], replace: boolean): Promise<void> {
    this.fixtureRows = replace ? rows : [...(this.fixtureRows ?? []), ...rows];
    await this.post({ type: 'liveEvents', rows, state: { state: 'live', context: 'fixture' }, replace });
  }

  override dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    super.dispose();
  }
}
