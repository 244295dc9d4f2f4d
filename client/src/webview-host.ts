// Shared hosting for the project's webviews: strict CSP with a per-load nonce, resource roots limited to dist/ and
// media/, and a validated message channel. Both views share dist/webview.js; `<body data-view>` picks the app.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { HostToWebview, RenderedInfo, SourceLocation, WebviewKind, WebviewToHost } from '../../server/src/protocol';

/** Builds the HTML shell. No data goes into the HTML: everything arrives later by postMessage and is set with textContent. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: WebviewKind, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'styles.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`].join('; ');
  const safeTitle = title.replace(/[<>&"']/g, '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>${safeTitle}</title>
</head>
<body data-view="${view}">
<div id="app" role="main"></div>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
}

export function isWebviewToHost(m: unknown): m is WebviewToHost {
  if (typeof m !== 'object' || m === null) return false;
  const t = (m as { type?: unknown }).type;
  switch (t) {
    case 'ready':
      return true;
    case 'open':
      return isSourceLocation((m as { location?: unknown }).location);
    case 'diagnose':
      return typeof (m as { target?: unknown }).target === 'string';
    case 'copy':
      return typeof (m as { text?: unknown }).text === 'string';
    case 'rendered':
      return typeof (m as { text?: unknown }).text === 'string' && typeof (m as { count?: unknown }).count === 'number';
    default:
      return false;
  }
}

export function isSourceLocation(l: unknown): l is SourceLocation {
  if (typeof l !== 'object' || l === null) return false;
  const o = l as Record<string, unknown>;
  return typeof o.uri === 'string' && typeof o.line === 'number' && typeof o.character === 'number';
}

/** Opens a manifest at a server-provided location, beside nothing: in the first editor group. */
export async function openLocation(location: SourceLocation, column = vscode.ViewColumn.One): Promise<vscode.TextEditor | undefined> {
  const uri = vscode.Uri.parse(location.uri, true);
  // Only local manifests: a crafted message must not make us open arbitrary schemes.
  if (uri.scheme !== 'file' && uri.scheme !== 'untitled' && uri.scheme !== 'vscode-remote') return undefined;
  const pos = new vscode.Position(location.line, location.character);
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { viewColumn: column, selection: new vscode.Range(pos, pos), preview: false });
}

/**
 * One singleton panel of a given kind. Subclasses load data and react to messages; this class owns the lifecycle,
 * the HTML, and the `rendered` bookkeeping the e2e tests use.
 */
export abstract class WebviewPanelHost implements vscode.Disposable {
  protected panel: vscode.WebviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private lastRendered: RenderedInfo | undefined;
  private renderWaiters: { predicate: (r: RenderedInfo) => boolean; resolve: (r: RenderedInfo) => void }[] = [];

  constructor(
    protected readonly extensionUri: vscode.Uri,
    private readonly viewType: string,
    private readonly title: string,
    private readonly view: WebviewKind,
  ) {}

  show(column = vscode.ViewColumn.Beside): vscode.WebviewPanel {
    if (this.panel) {
      this.panel.reveal(column);
      return this.panel;
    }
    const panel = vscode.window.createWebviewPanel(this.viewType, this.title, { viewColumn: column, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    });
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, this.view, this.title);
    this.panel = panel;
    this.lastRendered = undefined;
    panel.onDidDispose(() => {
      this.panel = undefined;
      this.lastRendered = undefined;
    }, undefined, this.disposables);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isWebviewToHost(m)) return;
      if (m.type === 'rendered') {
        this.lastRendered = m.domRows === undefined ? { text: m.text, count: m.count } : { text: m.text, count: m.count, domRows: m.domRows };
        this.renderWaiters = this.renderWaiters.filter((w) => {
          if (!w.predicate(this.lastRendered!)) return true;
          w.resolve(this.lastRendered!);
          return false;
        });
        return;
      }
      void this.onMessage(m);
    }, undefined, this.disposables);
    return panel;
  }

  get visible(): boolean {
    return this.panel !== undefined;
  }

  post(message: HostToWebview): Thenable<boolean> {
    return this.panel ? this.panel.webview.postMessage(message) : Promise.resolve(false);
  }

  /** Resolves with the first render that satisfies `predicate` (the current one if it already does). */
  waitRendered(predicate: (r: RenderedInfo) => boolean = () => true, timeoutMs = 20_000): Promise<RenderedInfo> {
    if (this.lastRendered && predicate(this.lastRendered)) return Promise.resolve(this.lastRendered);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.view} webview did not render in ${timeoutMs} ms (last: ${JSON.stringify(this.lastRendered)})`)), timeoutMs);
      this.renderWaiters.push({ predicate, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
  }

  protected abstract onMessage(message: Exclude<WebviewToHost, { type: 'rendered' }>): Promise<void>;

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
