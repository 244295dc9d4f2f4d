// The language server: connection, session state and the wiring table from LSP methods to the feature handlers.
// Started by server/src/main.ts (dist/server.js: IPC from the VS Code client, or --stdio) and by `kpl lsp --stdio`.
import {
  CodeActionKind,
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeLensRequest,
  CompletionRequest,
  createConnection,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentSymbolRequest,
  HoverRequest,
  ProposedFeatures,
  ReferencesRequest,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import type { CancellationToken, Connection, InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import * as os from 'node:os';
import * as path from 'node:path';
import { LiveClusterSource } from '../cluster/source';
import type { LiveClusterSourceOptions } from '../cluster/source';
import { Methods } from '../protocol/index';
import type {
  ClusterTarget,
  DiagnoseParams,
  ListPodsParams,
  HistoryClearResult,
  HistoryExportParams,
  HistoryExportResult,
  InitializationOptions,
  RefreshResult,
} from '../protocol/index';
import type { ClusterSource } from './cluster-source';
import { codeActions, resolveCodeAction } from './code-actions';
import { codeLens } from './code-lens';
import { completion } from './completion';
import { diagnosePod, explainWorkload, isExplainParams, listPods, priorityMap } from './custom-requests';
import { definition } from './definition';
import { documentSymbols } from './document-symbols';
import { hover } from './hover';
import { references } from './references';
import { describe, safe, safeNotification } from './safe';
import type { Logger } from './safe';
import { connectionPeer } from './peer';
import { Session } from './session';
import { settingsSection } from './settings';
import { repositoryUrl } from './to-lsp';
import { pathToUri, uriToPath } from './uri';

const version = process.env.KPL_VERSION ?? '0.0.0';

export interface StartOptions {
  /** The cluster seam; default LiveClusterSource (server/src/cluster), NoClusterSource for manifests only. */
  cluster?: ClusterSource;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The cluster target of initializationOptions or a clusterTarget notification (strings only; anything else = empty). */
export function clusterTargetOf(o: unknown): ClusterTarget {
  const r = o !== null && typeof o === 'object' ? (o as Record<string, unknown>) : {};
  return { kubeconfig: text(r['kubeconfig']), context: text(r['context']) };
}

/** History directory when the client does not pass one (editors other than VS Code): `~/.cache/kube-priority-lens/history`. */
export function defaultHistoryDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return path.join(xdg !== undefined && xdg !== '' ? xdg : path.join(os.homedir(), '.cache'), 'kube-priority-lens', 'history');
}

interface Route {
  method: string;
  register(connection: Connection, log: Logger): void;
}

/** route builds one row of the wiring table: a request method, its isolated handler and its empty answer. */
function route<P, R, E>(method: string, empty: E, handler: (params: P, token: CancellationToken) => R | Promise<R>): Route {
  return { method, register: (connection, log) => connection.onRequest(method, safe(log, method, empty, handler)) };
}

export function startServer(options: StartOptions = {}): Connection {
  // createConnection reads --node-ipc / --stdio / --socket / --pipe from argv (and patches console for stdio).
  const connection = createConnection(ProposedFeatures.all);
  const log: Logger = {
    info: (m) => connection.console.info(m),
    warn: (m) => connection.console.warn(m),
    error: (m) => connection.console.error(m),
  };
  process.on('uncaughtException', (error) => log.error(`uncaught exception (server keeps running): ${describe(error)}`));
  process.on('unhandledRejection', (error) => log.error(`unhandled rejection (server keeps running): ${describe(error)}`));

  const documents = new TextDocuments(TextDocument);
  // The live source is configured only after `initialize` (trust, history dir) and the first settings pull; with
  // clusterAware off or an untrusted workspace it never creates a connection (no kubeconfig read, no exec plugin).
  const liveOptions: LiveClusterSourceOptions = {
    workspace: () => [...session.model().files.values()].filter((f) => f.objects.every((o) => o.origin !== 'cluster')),
    onLiveEvents: (params) => {
      if (session.clientReady) peer.notify(Methods.liveEventsChanged, params);
    },
    log: (m) => log.info(`cluster: ${m}`),
  };
  const cluster: ClusterSource = options.cluster ?? new LiveClusterSource(liveOptions);
  const peer = connectionPeer(connection, log);
  const session = new Session(peer, documents, cluster, repositoryUrl(process.env.KPL_REPOSITORY));
  let folderEvents = false;
  let lastClusterState = '';
  const sendClusterState = (): void => {
    const state = cluster.state();
    const key = JSON.stringify(state);
    if (key === lastClusterState) return;
    lastClusterState = key;
    peer.notify(Methods.clusterState, state);
  };

  async function indexWithProgress(): Promise<void> {
    const progress = session.caps.workDoneProgress ? await connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Kube Priority Lens: indexing manifests', 0, undefined, false);
    try {
      await session.index((message, percentage) => progress?.report(percentage ?? 0, message));
    } finally {
      progress?.done();
    }
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    session.caps = {
      configuration: c.workspace?.configuration === true,
      watchedFilesDynamic: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
      documentChanges: c.workspace?.workspaceEdit?.documentChanges === true,
      snippets: c.textDocument?.completion?.completionItem?.snippetSupport === true,
      codeActionResolve: c.textDocument?.codeAction?.resolveSupport?.properties.includes('edit') === true,
      diagnosticVersion: c.textDocument?.publishDiagnostics?.versionSupport === true,
      workDoneProgress: c.window?.workDoneProgress === true,
      codeLensRefresh: c.workspace?.codeLens?.refreshSupport === true,
    };
    folderEvents = c.workspace?.workspaceFolders === true;
    const init = params.initializationOptions as (InitializationOptions & { settings?: unknown }) | undefined;
    // Untrusted unless the client says `trusted: true`: an editor that knows nothing of this server (or a project
    // config that starts it) gets manifests only, with no kubeconfig read, no cluster contacted, no plugin run.
    session.trusted = init?.trusted === true;
    session.clusterTarget = clusterTargetOf(init);
    log.info(
      session.trusted
        ? `trusted: cluster access with kubeconfig ${session.clusterTarget.kubeconfig || '$KUBECONFIG or ~/.kube/config'}${session.clusterTarget.context ? `, context ${session.clusterTarget.context}` : ''}`
        : 'untrusted: manifests only, no kubeconfig read and no cluster contacted (initializationOptions {"trusted": true} allows cluster access)',
    );
    liveOptions.historyDir = typeof init?.historyDir === 'string' && init.historyDir !== '' ? init.historyDir : defaultHistoryDir();
    // Settings at start: `{settings: {kubePriorityLens: …}}`, or `{kubePriorityLens: …}` (Helix sends its `config` table).
    const initSettings =
      (init as Record<string, unknown> | undefined)?.[settingsSection] ??
      (init?.settings as Record<string, unknown> | undefined)?.[settingsSection] ??
      init?.settings;
    if (initSettings !== undefined) session.clientSettings.pushSection(initSettings);
    const folders =
      params.workspaceFolders ??
      (params.rootUri
        ? [{ uri: params.rootUri, name: 'root' }]
        : params.rootPath
          ? [{ uri: pathToUri(params.rootPath), name: 'root' }]
          : []);
    session.folders = folders.flatMap((f) => {
      const fsPath = uriToPath(f.uri);
      return fsPath === undefined ? [] : [{ uri: f.uri, fsPath }];
    });
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        completionProvider: { triggerCharacters: [':', ' '], resolveProvider: false },
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: true },
        codeLensProvider: { resolveProvider: false },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'kube-priority-lens', version },
    };
  });

  connection.onInitialized(
    safeNotification(log, 'initialized', async () => {
      session.clientReady = true;
      if (session.caps.watchedFilesDynamic) {
        await connection.client
          .register(DidChangeWatchedFilesNotification.type, {
            watchers: [
              { globPattern: '**/*.{yaml,yml,json,tpl}' },
              { globPattern: '**/Kustomization' },
              { globPattern: '**/', kind: 4 /* Delete */ },
            ],
          })
          .catch((e: unknown) => log.warn(`file watcher registration failed: ${describe(e)}`));
      }
      if (session.caps.configuration) {
        await connection.client
          .register(DidChangeConfigurationNotification.type, { section: [settingsSection, 'files.exclude'] })
          .catch(() => undefined);
      }
      if (folderEvents)
        connection.workspace.onDidChangeWorkspaceFolders(
          safeNotification(log, 'workspace/didChangeWorkspaceFolders', async (event) => {
            const removed = new Set(event.removed.map((f) => f.uri));
            session.folders = session.folders.filter((f) => !removed.has(f.uri));
            for (const f of event.added) {
              const fsPath = uriToPath(f.uri);
              if (fsPath !== undefined) session.folders.push({ uri: f.uri, fsPath });
            }
            await session.index();
          }),
        );
      cluster.onDidChange((what) => {
        if (what.snapshot) session.clusterChanged();
        if (what.state && session.clientReady) sendClusterState();
      });
      await session.pullSettings();
      sendClusterState();
      await indexWithProgress();
    }),
  );

  connection.onDidChangeConfiguration(
    safeNotification(log, 'workspace/didChangeConfiguration', (params) => session.configurationChanged(params.settings)),
  );

  // The editor's own (user-level) kubeconfig/context changed: VS Code sends this for its machine-scoped settings.
  connection.onNotification(
    Methods.clusterTarget,
    safeNotification(log, Methods.clusterTarget, (params: unknown) => {
      const target = clusterTargetOf(params);
      // Before `initialized` the settings are not read yet: keep the target, the first pullSettings() applies it.
      if (session.clientReady) session.setClusterTarget(target);
      else session.clusterTarget = target;
    }),
  );

  connection.onDidChangeWatchedFiles(safeNotification(log, 'workspace/didChangeWatchedFiles', (params) => session.watched(params.changes)));
  documents.onDidOpen((e) => safeNotification(log, 'textDocument/didOpen', () => session.opened(e.document))(undefined));
  documents.onDidChangeContent((e) => safeNotification(log, 'textDocument/didChange', () => session.changed(e.document))(undefined));
  documents.onDidClose((e) => safeNotification(log, 'textDocument/didClose', () => session.closed(e.document.uri))(undefined));

  // The wiring table: one row per request, each handler isolated (logs, answers its empty value, never throws out).
  const routes: Route[] = [
    route(HoverRequest.method, null, (p: Parameters<typeof hover>[1]) => hover(session, p)),
    route(CodeLensRequest.method, [], (p: Parameters<typeof codeLens>[1], token) => codeLens(session, p, token)),
    route(CompletionRequest.method, [], (p: Parameters<typeof completion>[1]) => completion(session, p)),
    route(DefinitionRequest.method, null, (p: Parameters<typeof definition>[1]) => definition(session, p)),
    route(ReferencesRequest.method, null, (p: Parameters<typeof references>[1]) => references(session, p)),
    route(DocumentSymbolRequest.method, [], (p: Parameters<typeof documentSymbols>[1]) => documentSymbols(session, p)),
    route(CodeActionRequest.method, [], (p: Parameters<typeof codeActions>[1]) => codeActions(session, p)),
    route(CodeActionResolveRequest.method, null, (p: Parameters<typeof resolveCodeAction>[1]) => resolveCodeAction(session, p)),
    route(Methods.priorityMap, null, (_p: unknown, token) => priorityMap(session, token)),
    route(Methods.explainWorkload, null, (p: unknown) => (isExplainParams(p) ? explainWorkload(session, p) : null)),
    route(Methods.listPods, null, (p: ListPodsParams | undefined) =>
      listPods(session, p !== null && typeof p === 'object' ? p : undefined),
    ),
    route(Methods.diagnosePod, null, (p: DiagnoseParams) => diagnosePod(session, p)),
    route(Methods.liveEvents, null, () => cluster.liveEvents()),
    route(Methods.listContexts, null, () => cluster.listContexts()),
    route(Methods.historyExport, null, async (p: Partial<HistoryExportParams> | undefined): Promise<HistoryExportResult> => {
      const format = p?.format === 'csv' ? 'csv' : 'json';
      const { text, events } = await cluster.exportHistory(format);
      return { format, text, events };
    }),
    route(Methods.historyClear, null, async (): Promise<HistoryClearResult> => {
      await cluster.clearHistory();
      log.info('history cleared');
      return { cleared: true };
    }),
    route(Methods.refresh, null, async (): Promise<RefreshResult> => {
      await session.pullSettings();
      await cluster.refresh();
      await session.index();
      return { files: session.stats.files, workloads: session.stats.workloads, cluster: cluster.state() };
    }),
  ];
  for (const r of routes) r.register(connection, log);

  connection.onShutdown(() => {
    session.rendered.dispose();
    session.compactor.dispose();
    cluster.dispose();
  });
  documents.listen(connection);
  connection.listen();
  return connection;
}
