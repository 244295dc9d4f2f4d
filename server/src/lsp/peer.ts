// What the session needs from the other end of the LSP connection, and nothing more: publish diagnostics, log, show a
// message, send a notification, ask for configuration, ask for a code-lens refresh. server.ts adapts the real
// connection (connectionPeer); test/lsp/in-process.ts records what a session sends, so LSP behaviour is testable
// without a process (the stdio tests still run the real server).
import { ShowMessageNotification } from 'vscode-languageserver/node';
import type { ConfigurationItem, Connection, MessageType, PublishDiagnosticsParams } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Logger } from './safe';

export interface Peer {
  /** `window/logMessage` (the server's log). */
  readonly log: Logger;
  /** `textDocument/publishDiagnostics`. */
  publishDiagnostics(params: PublishDiagnosticsParams): void;
  /** `window/showMessage` (a notification: nothing to answer; clients without message support drop it). */
  showMessage(type: MessageType, message: string): void;
  /** Any other notification (`kubePriorityLens/clusterState`, `kubePriorityLens/liveEventsChanged`). */
  notify(method: string, params: unknown): void;
  /** `workspace/configuration`; rejects when the client does not answer it. */
  configuration(items: ConfigurationItem[]): Promise<unknown[]>;
  /** `workspace/codeLens/refresh` (clients that support it; failures ignored). */
  refreshCodeLenses(): void;
}

/** The documents the client has open, with their text and version (vscode-languageserver's TextDocuments). */
export interface OpenDocuments {
  get(uri: string): TextDocument | undefined;
  all(): TextDocument[];
}

export function connectionPeer(connection: Connection, log: Logger): Peer {
  return {
    log,
    publishDiagnostics: (params) => void connection.sendDiagnostics(params),
    showMessage: (type, message) => void connection.sendNotification(ShowMessageNotification.type, { type, message }),
    notify: (method, params) => void connection.sendNotification(method, params),
    configuration: async (items) => (await connection.workspace.getConfiguration(items)) as unknown[],
    refreshCodeLenses: () => void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined),
  };
}
