// Starts and supervises the language server. All analysis lives in the server; this file only wires transport,
// configuration sync, workspace trust and crash handling.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  Methods,
  type ClusterStateView,
  type ClusterTarget,
  type InitializationOptions,
  type LiveEventsChangedParams,
} from '../../server/src/protocol';

/**
 * kubeconfig and context from the user's own settings only. Both are machine-scoped (VS Code ignores them in workspace
 * settings); reading `globalValue` says so explicitly. The server takes them from here, never from
 * `workspace/configuration`, which a repository's `.vscode/settings.json` feeds.
 */
export function clusterTarget(): ClusterTarget {
  const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
  const user = (key: string): string => {
    const v = cfg.inspect<string>(key)?.globalValue;
    return typeof v === 'string' ? v : '';
  };
  return { kubeconfig: user('kubeconfig'), context: user('context') };
}

/** Restarts allowed inside `RESTART_WINDOW_MS` before we give up (a crash loop would otherwise spin forever). */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 3 * 60_000;

/** Crash policy: restart a few times with a visible notice, then stop and say so. */
export class BoundedRestartErrorHandler implements ErrorHandler {
  private restarts: number[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly now: () => number = Date.now,
  ) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.log.error(`connection error: ${error.message}`);
    // A few transport errors in a row are survivable; a steady stream means the server is wedged.
    return count !== undefined && count <= 3 ? { action: ErrorAction.Continue } : { action: ErrorAction.Shutdown };
  }

  closed(): CloseHandlerResult {
    const t = this.now();
    this.restarts = this.restarts.filter((r) => t - r < RESTART_WINDOW_MS);
    this.restarts.push(t);
    if (this.restarts.length <= MAX_RESTARTS) {
      const msg = `Kube Priority Lens: the language server stopped unexpectedly and is being restarted (${this.restarts.length}/${MAX_RESTARTS}).`;
      this.log.warn(msg);
      void vscode.window.showWarningMessage(msg, 'Show Output').then((pick) => pick && this.log.show());
      return { action: CloseAction.Restart, handled: true };
    }
    const msg = `Kube Priority Lens: the language server crashed ${this.restarts.length} times in ${RESTART_WINDOW_MS / 60_000} minutes and was not restarted. Run "Kube Priority Lens: Refresh" to try again.`;
    this.log.error(msg);
    void vscode.window.showErrorMessage(msg, 'Show Output').then((pick) => pick && this.log.show());
    return { action: CloseAction.DoNotRestart, handled: true };
  }

  reset(): void {
    this.restarts = [];
  }
}

export class ServerConnection implements vscode.Disposable {
  private readonly client: LanguageClient;
  private readonly errorHandler: BoundedRestartErrorHandler;
  private readonly clusterStateEmitter = new vscode.EventEmitter<ClusterStateView>();
  private readonly liveEventsEmitter = new vscode.EventEmitter<LiveEventsChangedParams>();
  private readonly disposables: vscode.Disposable[] = [];
  private starting: Promise<void> | undefined;
  /** Last state pushed by the server, so late subscribers (status bar, panels) can render at once. */
  lastClusterState: ClusterStateView | undefined;

  readonly onClusterState = this.clusterStateEmitter.event;
  readonly onLiveEventsChanged = this.liveEventsEmitter.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
    const serverOptions: ServerOptions = {
      run: { module: serverModule, transport: TransportKind.ipc },
      debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
    };
    this.errorHandler = new BoundedRestartErrorHandler(log);
    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'yaml' },
        { scheme: 'file', language: 'json' },
      ],
      synchronize: {
        configurationSection: 'kubePriorityLens',
        // Manifests changed outside the editor (git checkout, generators) must reach the server too.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,json}'),
      },
      // A function, so a restart after a trust grant sends the new value.
      // historyDir: the extension's global storage, where the server keeps the preemption/eviction history.
      initializationOptions: (): InitializationOptions => ({
        trusted: vscode.workspace.isTrusted,
        historyDir: context.globalStorageUri.fsPath,
        ...clusterTarget(),
      }),
      outputChannel: log,
      errorHandler: this.errorHandler,
      // Hovers and completion docs quote manifest text. The server builds no `command:` link, so none is trusted (an
      // untrusted MarkdownString runs no command link) and raw HTML is not rendered: set explicitly, checked by a test.
      markdown: { isTrusted: false, supportHtml: false },
    };
    // The id makes the client read `kubePriorityLens.trace.server`.
    this.client = new LanguageClient('kubePriorityLens', 'Kube Priority Lens', serverOptions, clientOptions);
    this.client.onNotification(Methods.clusterState, (state: ClusterStateView) => {
      this.lastClusterState = state;
      this.clusterStateEmitter.fire(state);
    });
    this.client.onNotification(Methods.liveEventsChanged, (params: LiveEventsChangedParams) => this.liveEventsEmitter.fire(params));
    this.disposables.push(
      this.clusterStateEmitter,
      this.liveEventsEmitter,
      // Untrusted → trusted: restart so the server re-initialises with cluster access allowed.
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        this.log.info('workspace trusted: restarting the language server with cluster access');
        void this.restart();
      }),
      // The user picked another kubeconfig or context: tell the running server (a (re)start reads them anyway).
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('kubePriorityLens.kubeconfig') && !e.affectsConfiguration('kubePriorityLens.context')) return;
        if (this.client.state === State.Stopped) return;
        void this.start()
          .then(() => this.client.sendNotification(Methods.clusterTarget, clusterTarget()))
          .catch((err: unknown) => this.log.warn(`could not send the cluster target: ${err instanceof Error ? err.message : String(err)}`));
      }),
    );
  }

  start(): Promise<void> {
    this.starting ??= this.client.start().catch((e: unknown) => {
      this.starting = undefined;
      const msg = e instanceof Error ? e.message : String(e);
      this.log.error(`language server failed to start: ${msg}`);
      void vscode.window
        .showErrorMessage(`Kube Priority Lens: the language server failed to start: ${msg}`, 'Show Output')
        .then((p) => p && this.log.show());
      throw e;
    });
    return this.starting;
  }

  get running(): boolean {
    return this.client.state === State.Running;
  }

  async restart(): Promise<void> {
    this.errorHandler.reset();
    if (this.client.state === State.Stopped) {
      this.starting = undefined;
      await this.start();
      return;
    }
    await this.client.restart();
  }

  /** Sends a custom request once the server is up. */
  async request<R>(method: string, params?: object): Promise<R> {
    await this.start();
    return params === undefined ? this.client.sendRequest<R>(method) : this.client.sendRequest<R>(method, params);
  }

  async dispose(): Promise<void> {
    for (const d of this.disposables) d.dispose();
    if (this.client.state !== State.Stopped) await this.client.stop(5000).catch(() => undefined);
  }
}
