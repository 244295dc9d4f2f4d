// Session state of one language server: the AnalysisHost, open documents, settings, workspace folders, and the
// incremental publishing of diagnostics (debounced per URI, only files whose diagnostics changed, never stale).
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import type { Connection, Diagnostic, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { AnalysisHost, LineIndex, unreadFile } from '../core/index';
import type { AnalyzedWorkload, Finding, K8sObject, ParsedFile, WorkspaceModel } from '../core/index';
import type { ClusterTarget, LensSettings } from '../protocol/index';
import { FileReader, isTooLarge, tooLargeMessage } from '../workspace/read';
import { isInside, rootsOf, walkPaths, walkProblemFile } from '../workspace/walk';
import type { ClusterSource } from './cluster-source';
import { GlobMatcher } from './glob';
import type { Logger } from './safe';
import { defaultSettings, kubernetesMinor, ruleSettings } from './settings';
import { IdleCompactor } from './heap';
import { lineIndex, toDiagnostic } from './to-lsp';
import { canonicalUri, manifestPattern, pathToUri, uriToPath } from './uri';

export const debounceMs = 150;

/** How the findings of links out of the workspace and of files over the size bound tell the user what to do. */
const workspaceScope = { name: 'the workspace folders', advice: "add the target's folder to the workspace to analyse it" };
const sizeAdvice = 'raise the limit with the kubePriorityLens.maxFileSizeMiB setting';

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

export interface Folder {
  uri: string;
  fsPath: string;
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
  /** Digest of the last published diagnostics per canonical URI, to publish only what changed (not the JSON: 80k diagnostics' worth at 50k workloads). */
  private readonly published = new Map<string, string>();
  /**
   * Findings of the last analysis per open document (for code actions). Other files' findings are published and then
   * dropped (tens of MiB at 50k workloads); `findingsOf` recomputes them for one file when asked.
   */
  private readonly findings = new Map<string, Finding[]>();
  /** Document version whose text the host holds, per open document. */
  private readonly analyzedVersion = new Map<string, number>();
  /** The URI string the client uses for a canonical key (open documents). */
  private readonly clientUris = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<string>();
  /** Files read from disk by the index or the file watcher. */
  private readonly diskFiles = new Set<string>();
  private flushScheduled = false;
  private indexed = false;
  private indexRun: Promise<void> = Promise.resolve();
  /** Incremented per index run, so an outdated run stops writing. */
  private indexGeneration = 0;
  /** Real paths of the workspace folders, for the folders they were computed from. */
  private roots: { key: string; paths: string[] } | undefined;
  stats = { files: 0, workloads: 0, lastIndexMs: 0, lastAnalysisMs: 0, publishes: 0 };
  /** Gives the pages of a replaced model back to the system once the server is quiet. */
  readonly compactor: IdleCompactor;

  constructor(
    private readonly connection: Connection,
    readonly documents: TextDocuments<TextDocument>,
    readonly cluster: ClusterSource,
    readonly log: Logger,
    readonly repository: string,
  ) {
    this.host = new AnalysisHost({ kubernetesMinor: kubernetesMinor(this.settings) }, ruleSettings(this.settings));
    this.compactor = new IdleCompactor((message) => this.log.info(message));
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

  /** findingsOf: the findings of a file as last analysed (kept for open documents, recomputed for others). */
  findingsOf(file: string): Finding[] {
    return this.findings.get(file) ?? this.host.findingsOf(file);
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
    const parsed = this.parsed(uri);
    let best: K8sObject | undefined;
    for (const o of parsed?.objects ?? []) {
      if (
        o.span.start <= offset &&
        offset <= o.span.end &&
        (best === undefined || o.span.end - o.span.start < best.span.end - best.span.start)
      )
        best = o;
    }
    return best;
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
    const keys = uri !== undefined ? [canonicalUri(uri)] : [...this.timers.keys()];
    for (const key of keys) {
      const timer = this.timers.get(key);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(key);
        this.pending.add(key);
      }
    }
    if (this.pending.size > 0) this.flush();
  }

  // ---- document and file events ----

  isManifest(uri: string, languageId?: string): boolean {
    return manifestPattern.test(uri) || languageId === 'yaml' || languageId === 'json';
  }

  /** excluded: inside a workspace folder and matching an exclude glob (or a skipped folder). */
  excluded(file: string): boolean {
    const p = uriToPath(file);
    if (p === undefined) return false;
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
    this.pending.add(key);
    this.scheduleFlush();
  }

  changed(doc: TextDocument): void {
    const key = canonicalUri(doc.uri);
    this.clientUris.set(key, doc.uri);
    // didOpen also fires a content change: the open is already queued.
    if (this.pending.has(key) || this.analyzedVersion.get(key) === doc.version) return;
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.pending.add(key);
        this.scheduleFlush();
      }, debounceMs),
    );
  }

  async closed(uri: string): Promise<void> {
    const key = canonicalUri(uri);
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
    this.pending.delete(key);
    this.analyzedVersion.delete(key);
    // Back to the file on disk when it belongs to the workspace; otherwise it leaves the analysis.
    const p = uriToPath(key);
    const disk =
      p !== undefined && this.inWorkspace(p) && !this.excluded(key) && manifestPattern.test(p)
        ? await this.readDiskFile(key, p)
        : undefined;
    if (this.documents.get(uri) !== undefined) return; // re-opened meanwhile
    if (disk !== undefined) this.applyDiskFile(key, disk);
    else this.removeFile(key);
    this.clientUris.delete(key);
    this.analyzeAndPublish(new Set([key]));
  }

  /** watched applies `workspace/didChangeWatchedFiles`; open documents win over the disk. */
  async watched(changes: readonly { uri: string; type: number }[]): Promise<void> {
    await this.indexRun;
    const touched = new Set<string>();
    for (const change of changes) {
      const key = canonicalUri(change.uri);
      if (this.documents.get(this.clientUri(key)) !== undefined) continue;
      const p = uriToPath(key);
      if (p === undefined || !this.inWorkspace(p)) continue;
      if (change.type === 3 /* Deleted */) {
        // A deleted folder takes every file below it.
        for (const file of this.host.filePaths()) {
          if (file === key || file.startsWith(`${key}/`)) {
            this.removeFile(file);
            touched.add(file);
          }
        }
        continue;
      }
      if (!manifestPattern.test(p) || this.excluded(key)) continue;
      const disk = await this.readDiskFile(key, p);
      if (disk === undefined || this.documents.get(this.clientUri(key)) !== undefined) continue;
      this.applyDiskFile(key, disk);
      touched.add(key);
    }
    if (touched.size > 0) this.analyzeAndPublish(touched);
  }

  /**
   * readDiskFile reads a workspace file the watcher or a close named, under the index's rules: a path whose real path
   * lies outside the workspace folders (a link out) and a file over the size bound are not read, but stand for a
   * finding; undefined when the file cannot be read.
   */
  private async readDiskFile(key: string, p: string): Promise<{ content: Uint8Array } | { skipped: ParsedFile } | undefined> {
    const shown = this.relativeName(p);
    let real: string;
    try {
      real = await fs.realpath(p);
    } catch (error) {
      this.log.warn(`cannot read ${p}: ${(error as Error).message}`);
      return undefined;
    }
    const roots = await this.workspaceRoots();
    if (!isInside(real, roots)) {
      const text = await fs.readlink(p).catch(() => real);
      return {
        skipped: unreadFile(
          key,
          'symlink-outside',
          `${shown} is a symbolic link to ${text}, outside ${workspaceScope.name}; it was not followed (${workspaceScope.advice})`,
        ),
      };
    }
    try {
      const read = new FileReader(this.maxFileBytes()).read(p);
      if (isTooLarge(read))
        return { skipped: unreadFile(key, 'file-too-large', tooLargeMessage(shown, read.size, this.maxFileBytes(), sizeAdvice)) };
      return { content: read };
    } catch (error) {
      this.log.warn(`cannot read ${p}: ${(error as Error).message}`);
      return undefined;
    }
  }

  private applyDiskFile(key: string, disk: { content: Uint8Array } | { skipped: ParsedFile }): void {
    if ('content' in disk) this.host.setFile({ path: key, content: disk.content });
    else this.host.addParsed(disk.skipped);
    this.diskFiles.add(key);
  }

  /** The real paths of the workspace folders: links are followed only into them. */
  private async workspaceRoots(): Promise<string[]> {
    const key = JSON.stringify(this.folders.map((f) => f.fsPath));
    if (this.roots?.key !== key) this.roots = { key, paths: await rootsOf(this.folders.map((f) => f.fsPath)) };
    return this.roots.paths;
  }

  private maxFileBytes(): number {
    return this.settings.maxFileSizeMiB * 1024 * 1024;
  }

  /** A path as the findings name it: relative to its workspace folder. */
  private relativeName(p: string): string {
    for (const f of this.folders) {
      const rel = path.relative(f.fsPath, p);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel.split(path.sep).join('/');
    }
    return p;
  }

  private removeFile(key: string): void {
    this.host.removeFile(key);
    this.diskFiles.delete(key);
    this.findings.delete(key);
    if (this.published.has(key)) {
      this.published.delete(key);
      void this.connection.sendDiagnostics({ uri: this.clientUri(key), diagnostics: [] });
    }
  }

  private inWorkspace(p: string): boolean {
    return this.folders.some((f) => {
      const rel = path.relative(f.fsPath, p);
      return !rel.startsWith('..') && !path.isAbsolute(rel);
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      try {
        if (this.indexed) this.flush();
      } catch (error) {
        // A bad document or an engine bug must not stop the server; the next edit retries.
        this.log.error(`analysis failed: ${(error as Error).stack ?? String(error)}`);
      }
    });
  }

  /** flush hands every due document to the host (that document only), then analyses and publishes. */
  flush(): void {
    if (!this.indexed || this.pending.size === 0) return;
    const changed = new Set<string>();
    for (const key of this.pending) {
      const doc = this.documents.get(this.clientUri(key));
      if (doc === undefined) continue;
      if (!this.isManifest(doc.uri, doc.languageId) || this.excluded(key)) {
        if (this.host.hasFile(key)) this.removeFile(key);
        continue;
      }
      this.host.setFile({ path: key, content: doc.getText() });
      this.analyzedVersion.set(key, doc.version);
      changed.add(key);
    }
    this.pending.clear();
    this.analyzeAndPublish(changed);
  }

  /**
   * analyzeAndPublish runs the (incremental) analysis and publishes diagnostics: always for files whose text changed,
   * otherwise only when the diagnostics differ from the last ones published. Files with a newer edit still waiting
   * in the debounce are skipped: their own flush publishes them with the right version.
   */
  analyzeAndPublish(textChanged: ReadonlySet<string>): void {
    const started = Date.now();
    const result = this.host.analyze();
    this.stats.lastAnalysisMs = Date.now() - started;
    this.stats.files = result.model.files.size;
    this.stats.workloads = result.model.workloads.length;
    for (const [file, findings] of result.findings) {
      const doc = this.documentFor(file);
      if (doc !== undefined) this.findings.set(file, findings);
      else this.findings.delete(file);
      if (this.timers.has(file) || this.pending.has(file)) continue;
      if (doc !== undefined && this.analyzedVersion.get(file) !== doc.version) continue; // stale: newer text not analysed yet
      const parsed = result.model.files.get(file);
      if (parsed === undefined) continue;
      // A line index only for a file with findings, and not the cached one: cached, it would be kept for every such file.
      const index = findings.length === 0 ? undefined : doc !== undefined ? lineIndex(parsed) : new LineIndex(parsed.text);
      const diagnostics: Diagnostic[] = index === undefined ? [] : findings.map((f) => toDiagnostic(f, index, this.repository));
      const key = diagnostics.length === 0 ? '' : createHash('sha256').update(JSON.stringify(diagnostics)).digest('base64');
      const previous = this.published.get(file);
      if (!textChanged.has(file) && (previous === key || (previous === undefined && diagnostics.length === 0))) continue;
      this.published.set(file, key);
      this.stats.publishes++;
      const params: { uri: string; diagnostics: Diagnostic[]; version?: number } = { uri: this.clientUri(file), diagnostics };
      if (doc !== undefined && this.caps.diagnosticVersion) params.version = doc.version;
      void this.connection.sendDiagnostics(params);
    }
    // Lenses of other open documents (ranks, preemptor counts) change with a rebuild.
    if (result.rebuilt && this.caps.codeLensRefresh) void this.connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
    if (result.rebuilt) {
      this.log.info(
        `analysis rebuilt: ${this.stats.files} file(s), ${this.stats.workloads} workload(s) in ${this.stats.lastAnalysisMs} ms`,
      );
      this.compactor.rebuilt();
    } else this.compactor.touched();
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
      // A notification, not a request: nothing to answer, and clients without message support just drop it.
      void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
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

  /** index (re)reads every manifest under the workspace folders; open documents override the disk. */
  index(progress?: (message: string, percentage?: number) => void): Promise<void> {
    const generation = ++this.indexGeneration;
    const previous = this.indexRun;
    this.indexRun = previous
      .then(() => this.runIndex(generation, progress))
      .catch((error: unknown) => this.log.error(`workspace index failed: ${(error as Error).stack ?? String(error)}`));
    return this.indexRun;
  }

  private async runIndex(generation: number, progress?: (message: string, percentage?: number) => void): Promise<void> {
    const started = Date.now();
    const seen = new Set<string>();
    const roots = await this.workspaceRoots();
    const reader = new FileReader(this.maxFileBytes());
    for (const folder of this.folders) {
      const walked = await walkPaths([folder.fsPath], {
        exclude: (shown) => {
          const rel = path.relative(folder.fsPath, shown);
          return this.excludeMatcher.matches(rel.split(path.sep).join('/'));
        },
        roots,
        scope: workspaceScope,
      });
      // Links out of the workspace, symlink loops, unreadable folders: a finding on the path (not read, not walked).
      for (const p of walked.problems) {
        this.log.warn(p.message);
        const absolute = p.path.split('/').join(path.sep);
        const key = pathToUri(absolute);
        if (this.documents.get(this.clientUri(key)) !== undefined) continue;
        const relative = this.relativeName(absolute);
        this.host.addParsed(walkProblemFile({ ...p, message: p.message.split(p.path).join(relative) }, key));
        this.diskFiles.add(key);
        seen.add(key);
      }
      const batch = 64;
      for (let i = 0; i < walked.files.length; i += batch) {
        if (generation !== this.indexGeneration) return;
        progress?.(`${folder.fsPath}: ${i}/${walked.files.length} files`, Math.round((i / Math.max(1, walked.files.length)) * 100));
        await new Promise((resolve) => setImmediate(resolve)); // requests and newer index runs get through between batches
        if (generation !== this.indexGeneration) return;
        for (const f of walked.files.slice(i, i + batch)) {
          const key = pathToUri(f.absolute);
          let content;
          try {
            content = reader.read(f.absolute);
          } catch (error) {
            this.log.warn(`cannot read ${f.absolute}: ${(error as Error).message}`);
            continue;
          }
          seen.add(key);
          if (this.documents.get(this.clientUri(key)) !== undefined) continue; // the open document wins
          // parsed right away: the reader's buffer is reused for the next file
          if (isTooLarge(content))
            this.host.addParsed(
              unreadFile(key, 'file-too-large', tooLargeMessage(this.relativeName(f.absolute), content.size, reader.maxBytes, sizeAdvice)),
            );
          else this.host.setFile({ path: key, content });
          this.diskFiles.add(key);
        }
      }
    }
    // Files gone from disk (or newly excluded) since the last index leave the analysis.
    for (const key of [...this.diskFiles])
      if (!seen.has(key) && this.documents.get(this.clientUri(key)) === undefined) this.removeFile(key);
    const changed = new Set<string>();
    for (const doc of this.documents.all()) {
      const key = canonicalUri(doc.uri);
      this.clientUris.set(key, doc.uri);
      if (!this.isManifest(doc.uri, doc.languageId) || this.excluded(key)) {
        if (this.host.hasFile(key)) this.removeFile(key);
        continue;
      }
      this.host.setFile({ path: key, content: doc.getText() });
      this.analyzedVersion.set(key, doc.version);
      changed.add(key);
      this.pending.delete(key);
    }
    for (const key of [...this.pending]) if (this.documents.get(this.clientUri(key)) === undefined) this.pending.delete(key);
    this.host.setClusterParsed(this.settings.clusterAware && this.trusted ? this.cluster.snapshot() : []);
    this.indexed = true;
    this.stats.lastIndexMs = Date.now() - started;
    this.analyzeAndPublish(changed);
    this.log.info(`indexed ${this.stats.files} file(s), ${this.stats.workloads} workload(s) in ${this.stats.lastIndexMs} ms`);
  }
}
