// In-process client of the language server's Session: the documents it has open (as vscode-languageserver's
// TextDocuments keeps them) and a Peer that records what the session sends and answers workspace/configuration.
// The same Session code as the stdio server, without a process: the stdio suites (harness.ts) still test the wiring.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PublishDiagnosticsParams } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { NoClusterSource } from '../../server/src/lsp/cluster-source';
import type { OpenDocuments, Peer } from '../../server/src/lsp/peer';
import { Session } from '../../server/src/lsp/session';
import type { ClientCapabilitiesSummary } from '../../server/src/lsp/session';
import { settingsSection } from '../../server/src/lsp/settings';
import { uriOf } from './harness';

export interface InProcessOptions {
  folder: string;
  /** The `kubePriorityLens` section workspace/configuration answers (when the client supports it). */
  settings?: Record<string, unknown>;
  filesExclude?: Record<string, boolean>;
  caps?: Partial<ClientCapabilitiesSummary>;
  /** `initializationOptions.trusted` (default false, as server.ts reads it). */
  trusted?: boolean;
}

/** What TestClient's default client advertises (test/lsp/harness.ts), as server.ts reads it at initialize. */
const defaultCaps: ClientCapabilitiesSummary = {
  configuration: true,
  watchedFilesDynamic: true,
  documentChanges: true,
  snippets: true,
  codeActionResolve: false,
  diagnosticVersion: true,
  workDoneProgress: false,
  codeLensRefresh: false,
};

export class InProcessClient implements OpenDocuments {
  readonly publishes: PublishDiagnosticsParams[] = [];
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly messages: Array<{ type: number; message: string }> = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly configurationRequests: unknown[][] = [];
  codeLensRefreshes = 0;
  settings: Record<string, unknown>;
  filesExclude: Record<string, boolean>;
  readonly session: Session;
  private readonly docs = new Map<string, TextDocument>();

  private constructor(
    readonly folder: string,
    options: InProcessOptions,
  ) {
    this.settings = options.settings ?? {};
    this.filesExclude = options.filesExclude ?? {};
    const peer: Peer = {
      log: {
        info: (m) => this.logs.push(m),
        warn: (m) => this.logs.push(m),
        error: (m) => this.logs.push(m),
      },
      publishDiagnostics: (p) => {
        this.publishes.push(p);
        this.diagnostics.set(p.uri, p);
      },
      showMessage: (type, message) => this.messages.push({ type, message }),
      notify: (method, params) => this.notifications.push({ method, params }),
      configuration: async (items) => {
        this.configurationRequests.push(items);
        return items.map((i) => (i.section === settingsSection ? this.settings : i.section === 'files.exclude' ? this.filesExclude : null));
      },
      refreshCodeLenses: () => this.codeLensRefreshes++,
    };
    this.session = new Session(peer, this, new NoClusterSource(), 'https://example.test/repo');
    this.session.caps = { ...defaultCaps, ...options.caps };
    this.session.folders = [{ uri: uriOf(folder), fsPath: folder }];
    this.session.trusted = options.trusted === true;
  }

  /** initialize + initialized, as server.ts does them: settings pulled, then the workspace indexed. */
  static async start(options: InProcessOptions): Promise<InProcessClient> {
    const client = new InProcessClient(options.folder, options);
    client.session.clientReady = true;
    await client.session.pullSettings();
    await client.session.index();
    return client;
  }

  // ---- OpenDocuments (what vscode-languageserver's TextDocuments answers) ----

  get(uri: string): TextDocument | undefined {
    return this.docs.get(uri);
  }

  all(): TextDocument[] {
    return [...this.docs.values()];
  }

  // ---- what the client does ----

  uri(name: string): string {
    return uriOf(path.join(this.folder, name));
  }

  /** didOpen: TextDocuments fires onDidOpen, then onDidChangeContent. */
  open(name: string, text = fs.readFileSync(path.join(this.folder, name), 'utf8')): TextDocument {
    const doc = TextDocument.create(this.uri(name), name.endsWith('.json') ? 'json' : 'yaml', 1, text);
    this.docs.set(doc.uri, doc);
    this.session.opened(doc);
    this.session.changed(doc);
    return doc;
  }

  /** didChange with the document's full new text (version + 1). */
  change(name: string, text: string): TextDocument {
    const old = this.docs.get(this.uri(name));
    if (old === undefined) throw new Error(`${name} is not open`);
    const doc = TextDocument.update(old, [{ text }], old.version + 1);
    this.docs.set(doc.uri, doc);
    this.session.changed(doc);
    return doc;
  }

  /** didClose: TextDocuments forgets the document, then fires onDidClose. */
  close(name: string): Promise<void> {
    this.docs.delete(this.uri(name));
    // Also the other files the change affected: they are re-checked in background batches.
    return this.session.closed(this.uri(name)).then(() => this.session.backgroundDone());
  }

  /** workspace/didChangeWatchedFiles (1 created, 2 changed, 3 deleted). */
  watched(changes: Array<{ name: string; type: 1 | 2 | 3 }>): Promise<void> {
    return this.session.watched(changes.map((c) => ({ uri: this.uri(c.name), type: c.type }))).then(() => this.session.backgroundDone());
  }

  /** workspace/didChangeConfiguration (pull clients send `{settings: null}`). */
  configurationChanged(settings: unknown = null): Promise<void> {
    return this.session.configurationChanged(settings).then(() => this.session.backgroundDone());
  }

  codes(name: string): string[] {
    return (this.diagnostics.get(this.uri(name))?.diagnostics ?? []).map((d) => String(d.code)).sort();
  }

  publishedSince(count: number): string[] {
    return this.publishes.slice(count).map((p) => path.basename(p.uri));
  }

  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${this.logs.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Lets the debounce (150 ms) and the flush that follows run. */
  async quiet(ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
  }

  dispose(): void {
    this.session.rendered.dispose();
    this.session.compactor.dispose();
  }
}
