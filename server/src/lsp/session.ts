// Over 400 lines because it is the one place that orders the index, debounced edits, renders and settings against each other.
// Session state of one language server: the AnalysisHost, open documents (debounced edits, never a stale version),
// settings, workspace folders and the cluster target. Its parts: indexer.ts (the workspace walk and disk reads),
// publisher.ts (diagnostics, only what changed), open-first.ts (open documents during the first index) and
// client-settings.ts; it talks to the client only through a Peer (peer.ts), so the stdio server (server.ts) and the
// in-process tests (test/lsp/in-process.test.ts) drive the same code.
import * as path from 'node:path';
import { MessageType } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisHost } from '../core/index';
import type { AnalyzedWorkload, Finding, K8sObject, LineIndex, ParsedFile, WorkspaceModel } from '../core/index';
import type { ClusterTarget, LensSettings } from '../protocol/index';
import { ClientSettings } from './client-settings';
import { EditQueue } from './edit-queue';
import type { ClusterSource } from './cluster-source';
import { GlobMatcher } from './glob';
import { IdleCompactor } from './heap';
import { Indexer } from './indexer';
import { objectAt } from './lookup';
import { OpenFirst } from './open-first';
import type { Folder } from './indexer';
import type { OpenDocuments, Peer } from './peer';
import { Publisher } from './publisher';
import { isRenderedKey, RenderedInputs } from './rendered';
import type { SessionStats } from './publisher';
import type { Logger } from './safe';
import { defaultSettings, kubernetesMinor, ruleSettings } from './settings';
import { lineIndex } from './to-lsp';
import { canonicalUri, manifestPattern, uriToPath } from './uri';

/** A chart or kustomization among the indexed files: renders will follow the index. */
const renderRootFile = /\/(Chart\.yaml|kustomization\.ya?ml)$/;

export type { Folder } from './indexer';
export { debounceMs } from './edit-queue';

export interface ClientCapabilitiesSummary {
  configuration: boolean;
  watchedFilesDynamic: boolean;
  documentChanges: boolean;
  snippets: boolean;
  codeActionResolve: boolean;
  diagnosticVersion: boolean;
  workDoneProgress: boolean;
  codeLensRefresh: boolean;
}

export class Session {
  host: AnalysisHost;
  settings: LensSettings = defaultSettings();
  excludes: string[] = [];
  private excludeMatcher = new GlobMatcher([]);
  /** Invalid exclude globs already reported to the user (once per glob for the server's lifetime). */
  private readonly reportedGlobs = new Set<string>();
  folders: Folder[] = [];
  /** Only `initializationOptions.trusted === true` makes a session trusted (server.ts): the cluster is never read otherwise. */
  trusted = false;
  /** kubeconfig and context: from initializationOptions and the clusterTarget notification, never from workspace settings. */
  clusterTarget: ClusterTarget = { kubeconfig: '', context: '' };
  caps: ClientCapabilitiesSummary = {
    configuration: false,
    watchedFilesDynamic: false,
    documentChanges: false,
    snippets: false,
    codeActionResolve: false,
    diagnosticVersion: false,
    workDoneProgress: false,
    codeLensRefresh: false,
  };
  /** The client sent `initialized`: settings changes apply from now on (before, the first pull reads them). */
  clientReady = false;
  /** Settings the client pushed, and reading them (workspace/configuration or the pushed ones). */
  readonly clientSettings: ClientSettings;
  /** The URI string the client uses for a canonical key (open documents). */
  private readonly clientUris = new Map<string, string>();
  private indexed = false;
  /** Rendered objects are being applied to the host (their rebuild does not ask for a re-analysis of the renders). */
  private applyingRendered = false;
  private indexRun: Promise<void> = Promise.resolve();
  /** Incremented per index run, so an outdated run stops writing. */
  private indexGeneration = 0;
  stats: SessionStats = {
    files: 0,
    workloads: 0,
    lastIndexMs: 0,
    lastAnalysisMs: 0,
    publishes: 0,
    backgroundFiles: 0,
    lastBackgroundMs: 0,
  };
  /** Gives the pages of a replaced model back to the system once the server is quiet. */
  readonly compactor: IdleCompactor;
  readonly log: Logger;
  private readonly indexer: Indexer;
  private readonly publisher: Publisher;
  private readonly edits: EditQueue;
  /** Charts and kustomizations of the workspace, rendered and analysed beside the plain files. */
  readonly rendered: RenderedInputs;
  /** The open documents' early findings and hovers while the first index runs. */
  readonly openFirst: OpenFirst;

  constructor(
    private readonly peer: Peer,
    readonly documents: OpenDocuments,
    readonly cluster: ClusterSource,
    readonly repository: string,
  ) {
    this.log = peer.log;
    this.host = new AnalysisHost({ kubernetesMinor: kubernetesMinor(this.settings) }, ruleSettings(this.settings));
    this.compactor = new IdleCompactor((message) => this.log.info(message));
    this.clientSettings = new ClientSettings(peer);
    this.edits = new EditQueue(() => this.flush(), this.log);
    this.indexer = new Indexer({
      host: this.host,
      log: this.log,
      folders: () => this.folders,
      excludeMatcher: () => this.excludeMatcher,
      maxFileBytes: () => this.settings.maxFileSizeMiB * 1024 * 1024,
      isOpen: (key) => this.documents.get(this.clientUri(key)) !== undefined,
    });
    this.publisher = new Publisher({
      host: this.host,
      peer,
      repository,
      stats: this.stats,
      compactor: this.compactor,
      caps: () => this.caps,
      documentFor: (file) => this.documentFor(file),
      openFiles: () => new Set(this.documents.all().map((d) => canonicalUri(d.uri))),
      clientUri: (file) => this.clientUri(file),
      analyzedVersion: (file) => this.edits.analyzedVersionOf(file),
      waiting: (file) => this.edits.waiting(file),
      rendered: (file) => this.rendered.diagnosticsOf(file),
      isRendered: isRenderedKey,
      holdBack: (finding) => this.rendered.holdBack(finding),
      rebuilt: () => {
        if (!this.applyingRendered) void this.rendered.reanalyse();
      },
    });
    this.openFirst = new OpenFirst({
      documents: () => this.documents.all().filter((d) => this.isManifest(d.uri, d.languageId) && !this.excluded(canonicalUri(d.uri))),
      settings: () => ({ rules: ruleSettings(this.settings), kubernetesMinor: kubernetesMinor(this.settings) }),
      publish: (file, findings, text, version) => this.publisher.publishEarly(file, findings, text, version),
    });
    this.rendered = new RenderedInputs({
      log: this.log,
      repository,
      folders: () => this.folders,
      trusted: () => this.trusted,
      settings: () => this.settings,
      model: () => this.host.current(),
      changed: (uris) => this.publisher.publishRendered(uris),
      // Chart files and kustomize patches leave the plain analysis once found (rendered, they are analysed as output).
      partialFound: () => this.dropPartial(),
      modelFiles: (files) => this.setRenderedFiles(files),
      settled: () => this.publisher.releaseHeld(),
      analysed: () => {
        if (this.caps.codeLensRefresh) this.peer.refreshCodeLenses();
      },
    });
  }

  // ---- lookups used by the feature handlers ----

  /** ready resolves when the workspace index is complete. */
  ready(): Promise<void> {
    return this.indexRun;
  }

  model(): WorkspaceModel {
    return this.host.current();
  }

  parsed(uri: string): ParsedFile | undefined {
    return this.model().files.get(canonicalUri(uri));
  }

  indexOf(file: string): LineIndex | undefined {
    const parsed = this.model().files.get(file);
    return parsed === undefined ? undefined : lineIndex(parsed);
  }

  /** backgroundDone resolves when the other files an edit affected are re-checked and published too. */
  backgroundDone(): Promise<void> {
    return this.publisher.backgroundDone();
  }

  /** findingsOf: the findings of a file as last analysed (kept for open documents, recomputed for others). */
  findingsOf(file: string): Finding[] {
    return this.publisher.findingsOf(file);
  }

  /** clientUri: the URI to send to the client for an analysis key. */
  clientUri(file: string): string {
    return this.clientUris.get(file) ?? file;
  }

  documentFor(file: string): TextDocument | undefined {
    return this.documents.get(this.clientUri(file));
  }

  versionOf(file: string): number | null {
    return this.documentFor(file)?.version ?? null;
  }

  /** objectAt finds the workspace object whose span contains the offset (innermost for List items). */
  objectAt(uri: string, offset: number): K8sObject | undefined {
    return objectAt(this.parsed(uri), offset);
  }

  workloadOf(object: K8sObject): AnalyzedWorkload | undefined {
    return this.model()
      .workloadsInFile(object.file)
      .find((w) => w.object === object);
  }

  /** ensureFresh applies a pending edit of `uri` now, so a request sees the text the client sees. */
  async ensureFresh(uri?: string): Promise<void> {
    await this.indexRun;
    // One document (its pending edit), or every pending edit for workspace-wide requests.
    if (this.edits.pullForward(uri !== undefined ? [canonicalUri(uri)] : undefined)) this.flush();
  }

  // ---- document and file events ----

  isManifest(uri: string, languageId?: string): boolean {
    return manifestPattern.test(uri) || languageId === 'yaml' || languageId === 'json';
  }

  /** excluded: inside a workspace folder and matching an exclude glob (or a skipped folder). */
  excluded(file: string): boolean {
    const p = uriToPath(file);
    if (p === undefined) return false;
    if (this.settings.render.enabled && this.rendered.isPartial(p)) return true;
    for (const folder of this.folders) {
      const rel = path.relative(folder.fsPath, p);
      if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
      return this.excludeMatcher.matches(rel.split(path.sep).join('/'));
    }
    return false;
  }

  opened(doc: TextDocument): void {
    const key = canonicalUri(doc.uri);
    this.clientUris.set(key, doc.uri);
    this.edits.opened(key);
  }

  changed(doc: TextDocument): void {
    const key = canonicalUri(doc.uri);
    this.clientUris.set(key, doc.uri);
    this.edits.changed(key, doc.version);
  }

  async closed(uri: string): Promise<void> {
    const key = canonicalUri(uri);
    this.edits.closed(key);
    // Back to the file on disk when it belongs to the workspace; otherwise it leaves the analysis.
    const p = uriToPath(key);
    const disk =
      p !== undefined && this.indexer.inWorkspace(p) && !this.excluded(key) && manifestPattern.test(p)
        ? await this.indexer.readDiskFile(key, p)
        : undefined;
    if (this.documents.get(uri) !== undefined) return; // re-opened meanwhile
    if (disk !== undefined) this.indexer.applyDiskFile(key, disk);
    else this.removeFile(key);
    this.clientUris.delete(key);
    this.analyzeAndPublish(new Set([key]));
  }

  /** watched applies `workspace/didChangeWatchedFiles`; open documents win over the disk. */
  async watched(changes: readonly { uri: string; type: number }[]): Promise<void> {
    await this.indexRun;
    const touched = new Set<string>();
    this.rendered.watched(changes.map((c) => uriToPath(canonicalUri(c.uri))));
    for (const change of changes) {
      const key = canonicalUri(change.uri);
      if (this.documents.get(this.clientUri(key)) !== undefined) continue;
      const p = uriToPath(key);
      if (p === undefined || !this.indexer.inWorkspace(p)) continue;
      if (change.type === 3 /* Deleted */) {
        // A deleted file is one lookup; only a deleted folder needs the scan for every file below it (51,500 paths at
        // 50k: about 20 ms of a file deletion's 41 ms in the full run of 2026-12-07).
        if (this.host.hasFile(key)) {
          this.removeFile(key);
          touched.add(key);
          continue;
        }
        for (const file of this.host.filePaths()) {
          if (file.startsWith(`${key}/`)) {
            this.removeFile(file);
            touched.add(file);
          }
        }
        continue;
      }
      if (!manifestPattern.test(p) || this.excluded(key)) continue;
      const disk = await this.indexer.readDiskFile(key, p);
      if (disk === undefined || this.documents.get(this.clientUri(key)) !== undefined) continue;
      this.indexer.applyDiskFile(key, disk);
      touched.add(key);
    }
    if (touched.size > 0) this.analyzeAndPublish(touched);
  }

  private dropPartial(publish = true): void {
    const removed = this.host.filePaths().filter((f) => this.excluded(f) && this.documents.get(this.clientUri(f)) === undefined);
    for (const file of removed) this.removeFile(file);
    if (publish && removed.length > 0) this.analyzeAndPublish(new Set(removed));
  }

  /**
   * setRenderedFiles: the rendered objects that join the one workspace model (a chart's PriorityClass resolves a plain
   * manifest's priorityClassName, its PDBs cover plain pods); replaced when a render changed them, then republished.
   */
  private setRenderedFiles(files: readonly ParsedFile[]): void {
    const keep = new Set(files.map((f) => f.file));
    let changed = false;
    for (const key of this.host.filePaths())
      if (isRenderedKey(key) && !keep.has(key)) {
        this.host.removeFile(key);
        changed = true;
      }
    const current = this.host.current().files;
    for (const f of files)
      if (current.get(f.file)?.text !== f.text || !this.host.hasFile(f.file)) {
        this.host.addParsed(f);
        changed = true;
      }
    if (!changed || !this.indexed) return;
    // The rebuild this causes is the render's own: the rendered analysis that follows already sees it.
    this.applyingRendered = true;
    try {
      this.analyzeAndPublish(new Set());
    } finally {
      this.applyingRendered = false;
    }
  }

  private removeFile(key: string): void {
    this.host.removeFile(key);
    this.indexer.diskFiles.delete(key);
    this.publisher.retract(key);
  }

  /** flush hands every due document to the host (that document only), then analyses and publishes. */
  flush(): void {
    if (!this.indexed) return this.openFirst.preview();
    if (!this.edits.hasQueued()) return;
    const changed = new Set<string>();
    for (const key of this.edits.takeQueued()) {
      const doc = this.documents.get(this.clientUri(key));
      if (doc === undefined) continue;
      if (!this.isManifest(doc.uri, doc.languageId) || this.excluded(key)) {
        if (this.host.hasFile(key)) this.removeFile(key);
        continue;
      }
      this.host.setFile({ path: key, content: doc.getText() });
      this.edits.analyzed(key, doc.version);
      changed.add(key);
    }
    this.analyzeAndPublish(changed);
  }

  /** analyzeAndPublish: see Publisher.analyzeAndPublish. */
  analyzeAndPublish(textChanged: ReadonlySet<string>): void {
    this.publisher.analyzeAndPublish(textChanged);
  }

  // ---- settings and cluster ----

  /** pullSettings reads the settings (workspace/configuration, else the pushed ones) and applies them. */
  async pullSettings(): Promise<{ reindex: boolean }> {
    const { settings, excludes } = await this.clientSettings.read(this.caps.configuration);
    return this.applySettings(settings, excludes);
  }

  /** `workspace/didChangeConfiguration`: keep what was pushed, then re-read; a changed exclusion re-indexes. */
  async configurationChanged(pushed: unknown): Promise<void> {
    this.clientSettings.push(pushed);
    if (!this.clientReady) return;
    const { reindex } = await this.pullSettings();
    if (reindex) await this.index();
  }

  /** applySettings swaps the rule severities / Kubernetes version and republishes what changed. */
  applySettings(settings: LensSettings, excludes: string[]): { reindex: boolean } {
    const excludesChanged =
      JSON.stringify(excludes) !== JSON.stringify(this.excludes) || settings.maxFileSizeMiB !== this.settings.maxFileSizeMiB;
    this.settings = settings;
    this.excludes = excludes;
    this.excludeMatcher = new GlobMatcher(excludes);
    this.reportInvalidGlobs(settings);
    this.host.setSettings(ruleSettings(settings), { kubernetesMinor: kubernetesMinor(settings) });
    this.configureCluster();
    if (this.indexed && !excludesChanged) this.analyzeAndPublish(new Set());
    // Rendering settings, severities or the Kubernetes version may have changed: renders come from the cache.
    if (this.indexed) void this.rendered.schedule();
    return { reindex: excludesChanged };
  }

  /** An unreadable exclude glob is ignored (the rest still apply) and named once in a warning the user sees. */
  private reportInvalidGlobs(settings: LensSettings): void {
    for (const { glob, reason } of this.excludeMatcher.invalid) {
      if (this.reportedGlobs.has(glob)) continue;
      this.reportedGlobs.add(glob);
      const setting = settings.exclude.includes(glob) ? 'kubePriorityLens.exclude' : 'files.exclude';
      const shown = glob.length > 80 ? `${glob.slice(0, 80)}…` : glob;
      const message = `Kube Priority Lens: the ${setting} pattern ${JSON.stringify(shown)} is ignored: ${reason}. The other patterns still apply; fix or remove this one in your settings.`;
      this.log.warn(message);
      this.peer.showMessage(MessageType.Warning, message);
    }
  }

  /** The client named another kubeconfig or context (the user's own settings): reconnect. */
  setClusterTarget(target: ClusterTarget): void {
    this.clusterTarget = { kubeconfig: target.kubeconfig, context: target.context };
    this.configureCluster();
  }

  private configureCluster(): void {
    const s = this.settings;
    this.cluster.configure({
      enabled: s.clusterAware,
      trusted: this.trusted,
      kubeconfig: this.clusterTarget.kubeconfig,
      context: this.clusterTarget.context,
      retentionDays: s.history.retentionDays,
      maxRecords: s.history.maxRecords,
    });
  }

  clusterChanged(): void {
    this.host.setClusterParsed(this.settings.clusterAware && this.trusted ? this.cluster.snapshot() : []);
    if (this.indexed) this.analyzeAndPublish(new Set());
  }

  // ---- the workspace index ----

  /** index (re)reads every manifest under the workspace folders; open documents override the disk. */
  index(progress?: (message: string, percentage?: number) => void): Promise<void> {
    const generation = ++this.indexGeneration;
    const previous = this.indexRun;
    const tracked = (message: string, percentage = this.openFirst.percentage): void =>
      progress?.(message, (this.openFirst.percentage = percentage));
    this.indexRun = previous
      .then(() => this.runIndex(generation, tracked))
      .catch((error: unknown) => this.log.error(`workspace index failed: ${(error as Error).stack ?? String(error)}`));
    return this.indexRun;
  }

  private async runIndex(generation: number, progress?: (message: string, percentage?: number) => void): Promise<void> {
    const started = Date.now();
    if (!this.indexed) this.openFirst.start();
    const seen = await this.indexer.walk(() => generation === this.indexGeneration, progress);
    if (seen === undefined) return;
    // Files gone from disk (or newly excluded) since the last index leave the analysis.
    for (const key of [...this.indexer.diskFiles])
      if (!seen.has(key) && this.documents.get(this.clientUri(key)) === undefined) this.removeFile(key);
    this.dropPartial(false); // chart files and kustomize patches found by the last render stay out
    const read = new Set<string>();
    const changed = new Set<string>(); // published whatever their diagnostics (not the open-file-first ones: if changed)
    for (const doc of this.documents.all()) {
      const key = canonicalUri(doc.uri);
      this.clientUris.set(key, doc.uri);
      if (!this.isManifest(doc.uri, doc.languageId) || this.excluded(key)) {
        if (this.host.hasFile(key)) this.removeFile(key);
        continue;
      }
      this.host.setFile({ path: key, content: doc.getText() });
      this.edits.analyzed(key, doc.version);
      read.add(key);
      if (!this.openFirst.published(key, doc.version)) changed.add(key);
    }
    // Queued edits of documents the index just read, or of closed documents, are done.
    this.edits.unqueue((key) => !read.has(key) && this.documents.get(this.clientUri(key)) !== undefined);
    this.host.setClusterParsed(this.settings.clusterAware && this.trusted ? this.cluster.snapshot() : []);
    this.indexed = true;
    this.stats.lastIndexMs = Date.now() - started;
    this.rendered.expect(this.host.filePaths().some((f) => renderRootFile.test(f)));
    this.analyzeAndPublish(changed);
    // The index is complete when every file's diagnostics are out: the open documents went first, the rest now.
    this.publisher.drain();
    this.openFirst.finish();
    this.log.info(`indexed ${this.stats.files} file(s), ${this.stats.workloads} workload(s) in ${this.stats.lastIndexMs} ms`);
    // Renders run after the plain files are published, off the path of every edit.
    void this.rendered.schedule();
  }
}
