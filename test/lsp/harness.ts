// Test client for the real language server process: spawns `node dist/server.js --stdio` (or `dist/kpl.js lsp --stdio`)
// and talks LSP over its stdio with vscode-languageserver-protocol's client side.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import type {
  ProtocolConnection,
  PublishDiagnosticsParams,
  Diagnostic,
  WorkspaceEdit,
  ClientCapabilities,
} from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const repoRoot = (() => {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'esbuild.mjs'))) return dir;
  return process.cwd();
})();

export function copyExample(name = 'ci-preemption'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-lsp-'));
  fs.cpSync(path.join(repoRoot, 'examples', name), dir, { recursive: true });
  return dir;
}

/** The URI of a file as the server writes it (VS Code encoding; plain paths need no escaping in our temp dirs). */
export function uriOf(file: string): string {
  return pathToFileURL(file).href;
}

export interface StartOptions {
  folder: string;
  settings?: Record<string, unknown>;
  filesExclude?: Record<string, boolean>;
  command?: 'server' | 'kpl';
  capabilities?: ClientCapabilities;
  /** Default `{ trusted: true }`; pass `undefined` explicitly (the key present) to send none, as an editor that knows
   *  nothing of this server does. */
  initializationOptions?: unknown;
  /** Extra environment of the server process. By default KUBECONFIG points at a missing file, so a developer's
   *  own cluster is never contacted by the unit tests (state `no-kubeconfig`). */
  env?: Record<string, string>;
  /** Node options before the server script (the benchmark: `--expose-gc -r out/bench/lsp-preload.js`). */
  nodeArgs?: string[];
  /** Leave `initialized` to the caller (client.initialized()): the benchmark times the index from it. */
  deferInitialized?: boolean;
}

export class TestClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly publishes: PublishDiagnosticsParams[] = [];
  readonly logs: string[] = [];
  readonly notifications: Array<{ method: string; params: unknown }> = [];
  readonly docs = new Map<string, TextDocument>();
  settings: Record<string, unknown>;
  filesExclude: Record<string, boolean>;
  stderr = '';
  exited: number | null | undefined = undefined;
  /** Called as each message arrives (the benchmark times them; tests poll the arrays above). */
  private readonly listeners = {
    publish: [] as Array<(p: PublishDiagnosticsParams) => void>,
    log: [] as Array<(message: string) => void>,
    stderr: [] as Array<(chunk: string) => void>,
  };

  private constructor(
    readonly proc: ChildProcessWithoutNullStreams,
    readonly connection: ProtocolConnection,
    readonly folder: string,
    options: StartOptions,
  ) {
    this.settings = options.settings ?? {};
    this.filesExclude = options.filesExclude ?? {};
  }

  static async start(options: StartOptions): Promise<TestClient> {
    const args =
      options.command === 'kpl'
        ? [path.join(repoRoot, 'dist', 'kpl.js'), 'lsp', '--stdio']
        : [path.join(repoRoot, 'dist', 'server.js'), '--stdio'];
    const env = {
      ...process.env,
      KUBECONFIG: path.join(os.tmpdir(), 'kpl-lsp-tests-no-kubeconfig'),
      XDG_CACHE_HOME: path.join(os.tmpdir(), 'kpl-lsp-tests-cache'),
      ...(options.env ?? {}),
    };
    const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'], env });
    const connection = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new TestClient(proc, connection, options.folder, options);
    proc.stderr.on('data', (d: Buffer) => {
      const chunk = d.toString();
      client.stderr += chunk;
      for (const l of client.listeners.stderr) l(chunk);
    });
    proc.on('exit', (code) => (client.exited = code));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p);
      client.publishes.push(p);
      for (const l of client.listeners.publish) l(p);
    });
    connection.onNotification('window/logMessage', (p: { message: string }) => {
      client.logs.push(p.message);
      for (const l of client.listeners.log) l(p.message);
    });
    for (const method of ['kubePriorityLens/clusterState', 'kubePriorityLens/liveEventsChanged', '$/progress', 'window/showMessage'])
      connection.onNotification(method, (params: unknown) => client.notifications.push({ method, params }));
    connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map((i) => (i.section === 'kubePriorityLens' ? client.settings : i.section === 'files.exclude' ? client.filesExclude : null)),
    );
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.listen();
    const capabilities: ClientCapabilities = options.capabilities ?? {
      workspace: {
        configuration: true,
        didChangeWatchedFiles: { dynamicRegistration: true },
        workspaceEdit: { documentChanges: true },
        workspaceFolders: true,
      },
      textDocument: { completion: { completionItem: { snippetSupport: true } }, publishDiagnostics: { versionSupport: true } },
    };
    const exited = new Promise<never>((_, reject) =>
      proc.on('exit', (code) => reject(new Error(`server exited (${String(code)}) during initialize\n${client.stderr}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      exited,
      connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: uriOf(options.folder),
        workspaceFolders: [{ uri: uriOf(options.folder), name: path.basename(options.folder) }],
        capabilities,
        initializationOptions: 'initializationOptions' in options ? options.initializationOptions : { trusted: true },
      }),
    ]);
    if (options.deferInitialized !== true) await client.initialized();
    return client;
  }

  /** Sends `initialized` (start() does, unless deferInitialized): the server pulls its settings and indexes. */
  initialized(): Promise<void> {
    return this.connection.sendNotification('initialized', {});
  }

  onPublish(listener: (p: PublishDiagnosticsParams) => void): void {
    this.listeners.publish.push(listener);
  }

  onLog(listener: (message: string) => void): void {
    this.listeners.log.push(listener);
  }

  /** Server stderr as it arrives, in chunks (not split into lines). */
  onStderr(listener: (chunk: string) => void): void {
    this.listeners.stderr.push(listener);
  }

  uri(name: string): string {
    return uriOf(path.join(this.folder, name));
  }

  codes(name: string): string[] {
    return (this.diagnostics.get(this.uri(name))?.diagnostics ?? []).map((d) => String(d.code)).sort();
  }

  diagnosticsOf(name: string): Diagnostic[] {
    return this.diagnostics.get(this.uri(name))?.diagnostics ?? [];
  }

  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined && value !== false) return value;
      if (this.exited !== undefined) throw new Error(`server exited (${String(this.exited)}) while waiting for ${what}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; logs:\n${this.logs.slice(-20).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** settle waits until no diagnostics arrived for `quietMs` (a rebuild's republishing has reached the client). */
  async settle(quietMs: number, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let count = -1;
    while (count !== this.publishes.length && Date.now() < deadline) {
      count = this.publishes.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  }

  async open(name: string): Promise<TextDocument> {
    const uri = this.uri(name);
    const text = fs.readFileSync(path.join(this.folder, name), 'utf8');
    const doc = TextDocument.create(uri, name.endsWith('.json') ? 'json' : 'yaml', 1, text);
    this.docs.set(uri, doc);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: doc.languageId, version: 1, text } });
    return doc;
  }

  /** change replaces the document's full text (a full-range incremental change) and bumps its version. */
  async change(name: string, text: string): Promise<TextDocument> {
    const uri = this.uri(name);
    const old = this.docs.get(uri);
    if (old === undefined) throw new Error(`${name} is not open`);
    const range = { start: { line: 0, character: 0 }, end: old.positionAt(old.getText().length) };
    const doc = TextDocument.create(uri, old.languageId, old.version + 1, text);
    this.docs.set(uri, doc);
    await this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: doc.version },
      contentChanges: [{ range, text }],
    });
    return doc;
  }

  /** applyEdit applies a WorkspaceEdit to the open documents and sends the changes. */
  async applyEdit(edit: WorkspaceEdit): Promise<void> {
    const perUri = new Map<
      string,
      { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]
    >();
    for (const c of edit.documentChanges ?? [])
      if ('textDocument' in c)
        perUri.set(c.textDocument.uri, [...(perUri.get(c.textDocument.uri) ?? []), ...c.edits.map((e) => ('range' in e ? e : e))]);
    for (const [uri, edits] of Object.entries(edit.changes ?? {})) perUri.set(uri, [...(perUri.get(uri) ?? []), ...edits]);
    for (const [uri, edits] of perUri) {
      const doc = this.docs.get(uri);
      if (doc === undefined) throw new Error(`edit for a document that is not open: ${uri}`);
      const name = path.relative(this.folder, new URL(uri).pathname);
      await this.change(name, TextDocument.applyEdits(doc, edits));
    }
  }

  text(name: string): string {
    return this.docs.get(this.uri(name))?.getText() ?? '';
  }

  /** Position of the first occurrence of `needle` in an open document (character offset within the match). */
  positionOf(name: string, needle: string, within = 0): { line: number; character: number } {
    const doc = this.docs.get(this.uri(name));
    const text = doc?.getText() ?? fs.readFileSync(path.join(this.folder, name), 'utf8');
    const offset = text.indexOf(needle);
    if (offset === -1) throw new Error(`"${needle}" not in ${name}`);
    const d = doc ?? TextDocument.create('x', 'yaml', 0, text);
    return d.positionAt(offset + within);
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest<R>(method, params);
  }

  /** rssKiB reads the server's resident set (current and peak) from /proc, or from `ps` elsewhere. */
  memory(): { rssMiB: number; peakMiB: number } {
    try {
      const status = fs.readFileSync(`/proc/${this.proc.pid ?? 0}/status`, 'utf8');
      const kib = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
      return { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024 };
    } catch {
      return { rssMiB: NaN, peakMiB: NaN };
    }
  }

  async stop(): Promise<void> {
    if (this.exited === undefined) {
      try {
        await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await this.connection.sendNotification('exit');
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 200));
      if (this.exited === undefined) this.proc.kill();
    }
    this.connection.dispose();
  }
}
