// Status bar item: which cluster context the server watches and in what state. Click = Select Cluster Context.
import * as vscode from 'vscode';
import type { ClusterConnectionState, ClusterStateView } from '../../server/src/protocol';

const ICON: Record<ClusterConnectionState, string> = {
  disabled: '$(circle-slash)',
  untrusted: '$(shield)',
  'no-kubeconfig': '$(debug-disconnect)',
  connecting: '$(sync~spin)',
  live: '$(pulse)',
  reconnecting: '$(sync~spin)',
  forbidden: '$(warning)',
  partial: '$(warning)',
  offline: '$(debug-disconnect)',
};

const WORDS: Record<ClusterConnectionState, string> = {
  disabled: 'cluster access off',
  untrusted: 'restricted mode: no cluster access',
  'no-kubeconfig': 'no kubeconfig',
  connecting: 'connecting',
  live: 'live',
  reconnecting: 'reconnecting',
  forbidden: 'forbidden',
  partial: 'partial access',
  offline: 'offline',
};

/** Why charts and kustomizations show no rendered findings in Restricted Mode (the server reports render-restricted too). */
export const restrictedRenderNote =
  'Helm charts and Kustomize overlays are not rendered: helm and kustomize never run in Restricted Mode. Trust the workspace to analyse what they render.';

export function statusText(s: ClusterStateView): string {
  const ctx = s.context ? `${s.context}` : 'KPL';
  switch (s.state) {
    case 'live':
      // The state in words beside the context, not only in the tooltip.
      return `${ICON.live} ${ctx}: live`;
    case 'disabled':
    case 'untrusted':
    case 'no-kubeconfig':
      return `${ICON[s.state]} KPL: ${s.state === 'no-kubeconfig' ? 'no cluster' : s.state === 'untrusted' ? 'restricted' : 'cluster off'}`;
    default:
      return `${ICON[s.state]} ${ctx}: ${WORDS[s.state]}`;
  }
}

export class ClusterStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor() {
    this.item = vscode.window.createStatusBarItem('kubePriorityLens.cluster', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Kube Priority Lens: Cluster';
    this.item.command = 'kubePriorityLens.selectContext';
    this.update(initialState());
    this.item.show();
  }

  update(s: ClusterStateView): void {
    this.item.text = statusText(s);
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = false;
    tip.appendText(`Kube Priority Lens — cluster ${s.context ? `context "${s.context}"` : ''}: ${WORDS[s.state]}`);
    if (s.detail) tip.appendText(`\n\n${s.detail}`);
    if (s.state === 'untrusted') tip.appendText(`\n\n${restrictedRenderNote}`);
    if (s.namespaces?.length) tip.appendText(`\n\nWatching namespaces: ${s.namespaces.join(', ')}`);
    tip.appendText('\n\nClick to select a cluster context.');
    this.item.tooltip = tip;
    this.item.backgroundColor =
      s.state === 'forbidden' || s.state === 'offline' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
  }

  /** What the item shows (test API). */
  snapshot(): { text: string; tooltip: string } {
    const tip = this.item.tooltip;
    return { text: this.item.text, tooltip: typeof tip === 'string' ? tip : (tip?.value ?? '') };
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** What we can tell before the server's first notification. */
function initialState(): ClusterStateView {
  if (!vscode.workspace.isTrusted) return { state: 'untrusted' };
  const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
  if (!cfg.get<boolean>('clusterAware', true)) return { state: 'disabled' };
  const context = cfg.get<string>('context') || undefined;
  return context ? { state: 'connecting', context } : { state: 'connecting' };
}
