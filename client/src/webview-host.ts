// Shared hosting for the project's webviews: strict CSP with a per-load nonce, resource roots limited to dist/ and
// media/, and a validated message channel. Both views share dist/webview.js; `<body data-view>` picks the app.
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { HostToWebview, RenderedInfo, SourceLocation, WebviewKind, WebviewToHost } from '../../server/src/protocol';

/** Builds the HTML shell. No data goes into the HTML: everything arrives later by postMessage and is set with textContent. */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: WebviewKind, title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'styles.css'));
  const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${webview.cspSource}`, `img-src ${webview.cspSource}`].join(
    '; ',
  );
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

/** Where openLocation may go besides the workspace folders, and where it reports refusals (set at activation). */
const openPolicy: { examples?: vscode.Uri; log?: vscode.LogOutputChannel } = {};

export function configureOpenLocation(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): void {
  openPolicy.examples = vscode.Uri.joinPath(extensionUri, 'examples');
  openPolicy.log = log;
}

interface UriLike {
  scheme: string;
  authority: string;
  path: string;
}

/**
 * Is `uri` the folder `root` or below it? Same scheme and authority, and the path, with `.`/`..` resolved, under the
 * root's (case-insensitively for file URIs on Windows and macOS, whose default file systems are).
 */
export function isInside(uri: UriLike, root: UriLike, platform: NodeJS.Platform = process.platform): boolean {
  if (uri.scheme !== root.scheme || uri.authority.toLowerCase() !== root.authority.toLowerCase()) return false;
  const fold = (p: string) => (uri.scheme === 'file' && (platform === 'win32' || platform === 'darwin') ? p.toLowerCase() : p);
  const target = fold(path.posix.normalize(uri.path));
  const normalized = fold(path.posix.normalize(root.path));
  let end = normalized.length;
  while (end > 0 && normalized[end - 1] === '/') end--; // not `/\/+$/`: quadratic on a long run of `/`
  const base = normalized.slice(0, end);
  return target === base || target.startsWith(`${base}/`);
}

/**
 * May a location from a webview message or a command argument be opened? Only a file inside a workspace folder, one of
 * the extension's example manifests, or a document the editor already has open: a crafted message must not open
 * other files (say `~/.kube/config`) or other schemes.
 */
export function mayOpen(uri: UriLike, roots: readonly UriLike[], openDocuments: readonly UriLike[]): boolean {
  if (uri.scheme !== 'file' && uri.scheme !== 'vscode-remote') return false;
  return (
    roots.some((r) => isInside(uri, r)) ||
    openDocuments.some((d) => d.scheme === uri.scheme && d.authority === uri.authority && d.path === uri.path)
  );
}

/** Opens a manifest at a server-provided location, beside nothing: in the first editor group. */
export async function openLocation(location: SourceLocation, column = vscode.ViewColumn.One): Promise<vscode.TextEditor | undefined> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(location.uri, true);
  } catch {
    openPolicy.log?.warn(`refused to open ${JSON.stringify(location.uri.slice(0, 200))}: not a URI`);
    return undefined;
  }
  const roots = [
    ...(vscode.workspace.workspaceFolders ?? []).map((f) => f.uri),
    ...(openPolicy.examples !== undefined ? [openPolicy.examples] : []),
  ];
  if (
    !mayOpen(
      uri,
      roots,
      vscode.workspace.textDocuments.map((d) => d.uri),
    )
  ) {
    openPolicy.log?.warn(
      `refused to open ${uri.toString(true).slice(0, 300)}: only files inside the workspace folders are opened from a view or a command argument`,
    );
    return undefined;
  }
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
    const panel = vscode.window.createWebviewPanel(
      this.viewType,
      this.title,
      { viewColumn: column, preserveFocus: false },
      {
        enableScripts: true,
        retainContextWhenHidden: true,
        localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
      },
    );
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, this.extensionUri, this.view, this.title);
    this.panel = panel;
    this.lastRendered = undefined;
    panel.onDidDispose(
      () => {
        this.panel = undefined;
        this.lastRendered = undefined;
      },
      undefined,
      this.disposables,
    );
    panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m), undefined, this.disposables);
    return panel;
  }

  /** Everything the webview posts arrives here (tests call it too, as a compromised webview would post). */
  receive(m: unknown): Promise<void> {
    if (!isWebviewToHost(m)) return Promise.resolve();
    if (m.type === 'rendered') {
      this.lastRendered = m.domRows === undefined ? { text: m.text, count: m.count } : { text: m.text, count: m.count, domRows: m.domRows };
      this.renderWaiters = this.renderWaiters.filter((w) => {
        if (!w.predicate(this.lastRendered!)) return true;
        w.resolve(this.lastRendered!);
        return false;
      });
      return Promise.resolve();
    }
    return this.onMessage(m);
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
      const timer = setTimeout(
        () => reject(new Error(`${this.view} webview did not render in ${timeoutMs} ms (last: ${JSON.stringify(this.lastRendered)})`)),
        timeoutMs,
      );
      this.renderWaiters.push({
        predicate,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      });
    });
  }

  protected abstract onMessage(message: Exclude<WebviewToHost, { type: 'rendered' }>): Promise<void>;

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
