// Publishing diagnostics: after each (incremental) analysis, only the files whose diagnostics changed (a digest per
// file, not the JSON: 80k diagnostics' worth at 50k workloads), always the files whose text changed, never a stale
// version. Findings are kept for open documents only (code actions); other files' are recomputed when asked.
// The edited files and the open documents are re-checked and published first; the other files a cross-file edit
// affects follow in bounded background batches, which a newer edit re-targets (the host keeps them pending).
import { createHash } from 'node:crypto';
import type { Diagnostic } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { LineIndex } from '../core/index';
import type { AnalysisHost, Finding } from '../core/index';
import type { IdleCompactor } from './heap';
import type { Peer } from './peer';
import { lineIndex, toDiagnostic } from './to-lsp';

export interface SessionStats {
  files: number;
  workloads: number;
  lastIndexMs: number;
  lastAnalysisMs: number;
  publishes: number;
  /** Files re-checked in background batches, and the time the last round of batches took from its edit. */
  backgroundFiles: number;
  lastBackgroundMs: number;
}

export interface PublisherContext {
  host: AnalysisHost;
  peer: Peer;
  repository: string;
  stats: SessionStats;
  compactor: IdleCompactor;
  /** The client's capabilities (set at initialize). */
  caps(): { diagnosticVersion: boolean; codeLensRefresh: boolean };
  /** The open document of an analysis key, if any. */
  documentFor(file: string): TextDocument | undefined;
  /** The analysis keys of the open documents (checked before the rest of an edit's dependents). */
  openFiles(): ReadonlySet<string>;
  /** The URI to send to the client for an analysis key. */
  clientUri(file: string): string;
  /** The version of an open document whose text the host holds. */
  analyzedVersion(file: string): number | undefined;
  /** A newer edit of the file waits in the debounce or the queue: its own flush publishes it. */
  waiting(file: string): boolean;
  /** Diagnostics of the file from rendered input (charts, overlays), published with its own. */
  rendered(file: string): Diagnostic[];
  /** Rendered objects joined the analysis under this key: its findings are placed and published by the rendered side. */
  isRendered(file: string): boolean;
  /** A finding of this rule waits for the first render (a chart may define the PriorityClass it misses). */
  holdBack(finding: Finding): boolean;
  /** The model was rebuilt (the rendered analysis follows the plain files). */
  rebuilt(): void;
}

export class Publisher {
  /** Digest of the last published diagnostics per canonical URI ('' = none). */
  private readonly published = new Map<string, string>();
  /**
   * Findings of the last analysis per open document (for code actions). Other files' findings are published and then
   * dropped (tens of MiB at 50k workloads); `findingsOf` recomputes them for one file when asked.
   */
  private readonly findings = new Map<string, Finding[]>();
  /** Files published without a held-back finding: published again once the first render settles. */
  private readonly held = new Set<string>();
  /** The background batches' timer, and when the edit they follow was analysed. */
  private background: NodeJS.Immediate | undefined;
  private backgroundSince = 0;
  private idleWaiters: Array<() => void> = [];
  /** Files re-checked per background batch: small enough that a request or an edit waits for one batch only. */
  static readonly batchSize = 256;

  constructor(private readonly c: PublisherContext) {}

  /** findingsOf: the findings of a file as last analysed (kept for open documents, recomputed for others). */
  findingsOf(file: string): Finding[] {
    return this.findings.get(file) ?? this.c.host.findingsOf(file);
  }

  /** settled: the first render is done: the files published without their held-back findings get them now. */
  releaseHeld(): void {
    const files = new Set(this.held);
    this.held.clear();
    this.publishRendered(files);
  }

  /** plainDiagnostics: the findings as diagnostics, without those held back until the first render. */
  private plainDiagnostics(file: string, findings: Finding[], index: LineIndex | undefined): Diagnostic[] {
    if (index === undefined) return [];
    const shown = findings.filter((f) => !this.c.holdBack(f));
    if (shown.length < findings.length) this.held.add(file);
    return shown.map((f) => toDiagnostic(f, index, this.c.repository));
  }

  /** The file left the analysis: clear its diagnostics if any were published. */
  retract(key: string): void {
    this.findings.delete(key);
    if (this.published.has(key)) {
      this.published.delete(key);
      // What rendered input reports on the file stays (a chart's files leave the plain analysis, not the renders').
      const rendered = this.c.rendered(key);
      if (rendered.length > 0) this.publishRendered(new Set([key]));
      else this.c.peer.publishDiagnostics({ uri: this.c.clientUri(key), diagnostics: [] });
    }
  }

  /**
   * publishRendered: the rendered diagnostics of these files changed (a render finished); publish each file's plain
   * and rendered diagnostics together. Files the main analysis does not hold (a `.tpl`) get the rendered ones only.
   */
  publishRendered(files: ReadonlySet<string>): void {
    const result = this.c.host.current();
    for (const file of files) {
      if (this.c.waiting(file)) continue;
      const doc = this.c.documentFor(file);
      const parsed = result.files.get(file);
      const findings = parsed === undefined ? [] : this.findingsOf(file);
      const index = findings.length === 0 || parsed === undefined ? undefined : new LineIndex(parsed.text);
      const diagnostics = this.plainDiagnostics(file, findings, index);
      diagnostics.push(...this.c.rendered(file));
      const key = diagnostics.length === 0 ? '' : createHash('sha256').update(JSON.stringify(diagnostics)).digest('base64');
      if (this.published.get(file) === key || (this.published.get(file) === undefined && key === '')) continue;
      this.published.set(file, key);
      this.c.stats.publishes++;
      const params: { uri: string; diagnostics: Diagnostic[]; version?: number } = { uri: this.c.clientUri(file), diagnostics };
      if (doc !== undefined && this.c.caps().diagnosticVersion) params.version = doc.version;
      this.c.peer.publishDiagnostics(params);
    }
  }

  /**
   * publishEarly: a document's findings from the open-file-first analysis (open-first.ts), during the first index.
   * Published even when empty (the document is checked); the index's publish follows only if the digest differs.
   */
  publishEarly(file: string, findings: Finding[], text: string, version: number): void {
    const index = findings.length === 0 ? undefined : new LineIndex(text);
    const diagnostics = index === undefined ? [] : findings.map((f) => toDiagnostic(f, index, this.c.repository));
    const key = diagnostics.length === 0 ? '' : createHash('sha256').update(JSON.stringify(diagnostics)).digest('base64');
    if (this.published.get(file) === key) return;
    this.published.set(file, key);
    this.c.stats.publishes++;
    const params: { uri: string; diagnostics: Diagnostic[]; version?: number } = { uri: this.c.clientUri(file), diagnostics };
    if (this.c.caps().diagnosticVersion) params.version = version;
    this.c.peer.publishDiagnostics(params);
  }

  /**
   * analyzeAndPublish runs the (incremental) analysis and publishes diagnostics: always for files whose text changed,
   * otherwise only when the diagnostics differ from the last ones published. Files with a newer edit still waiting
   * in the debounce are skipped: their own flush publishes them with the right version.
   */
  analyzeAndPublish(textChanged: ReadonlySet<string>): void {
    const { host, stats } = this.c;
    const started = Date.now();
    const result = host.analyze({ first: this.c.openFiles() });
    stats.lastAnalysisMs = Date.now() - started;
    stats.files = result.model.files.size;
    stats.workloads = result.model.workloadCount();
    this.publishFindings(result.findings, textChanged);
    if (result.pending > 0) this.scheduleBackground(started);
    // Lenses of other open documents (ranks, preemptor counts) change with a cross-file fact.
    if (result.factsChanged && this.c.caps().codeLensRefresh) this.c.peer.refreshCodeLenses();
    if (result.factsChanged) this.c.rebuilt();
    if (result.factsChanged && !result.rebuilt)
      this.c.peer.log.info(
        `cross-file edit: ${result.findings.size} file(s) re-checked in ${stats.lastAnalysisMs} ms, ${result.pending} pending`,
      );
    if (result.rebuilt)
      this.c.peer.log.info(`analysis rebuilt: ${stats.files} file(s), ${stats.workloads} workload(s) in ${stats.lastAnalysisMs} ms`);
    if (result.factsChanged) this.c.compactor.released();
    else this.c.compactor.touched();
  }

  /** publishFindings publishes re-checked files: always those whose text changed, others when their digest changed. */
  private publishFindings(findings: ReadonlyMap<string, Finding[]>, textChanged: ReadonlySet<string>): void {
    const model = this.c.host.current();
    for (const [file, found] of findings) {
      if (this.c.isRendered(file)) continue;
      const doc = this.c.documentFor(file);
      if (doc !== undefined) this.findings.set(file, found);
      else this.findings.delete(file);
      if (this.c.waiting(file)) continue;
      if (doc !== undefined && this.c.analyzedVersion(file) !== doc.version) continue; // stale: newer text not analysed yet
      const parsed = model.files.get(file);
      if (parsed === undefined) continue;
      // A line index only for a file with findings, and not the cached one: cached, it would be kept for every such file.
      const index = found.length === 0 ? undefined : doc !== undefined ? lineIndex(parsed) : new LineIndex(parsed.text);
      const diagnostics = this.plainDiagnostics(file, found, index);
      diagnostics.push(...this.c.rendered(file));
      const key = diagnostics.length === 0 ? '' : createHash('sha256').update(JSON.stringify(diagnostics)).digest('base64');
      const previous = this.published.get(file);
      if (!textChanged.has(file) && (previous === key || (previous === undefined && diagnostics.length === 0))) continue;
      this.published.set(file, key);
      this.c.stats.publishes++;
      const params: { uri: string; diagnostics: Diagnostic[]; version?: number } = { uri: this.c.clientUri(file), diagnostics };
      if (doc !== undefined && this.c.caps().diagnosticVersion) params.version = doc.version;
      this.c.peer.publishDiagnostics(params);
    }
  }

  /**
   * scheduleBackground re-checks the other affected files in batches, one per turn of the event loop, so requests and
   * edits get through between batches. A newer edit needs no cancel: its analysis updates the host's pending set
   * (files re-checked since are pending again if the edit affects them) and the running chain continues with it.
   */
  private scheduleBackground(since: number): void {
    if (this.background !== undefined) return;
    this.backgroundSince = since;
    const step = (): void => {
      this.background = undefined;
      const { findings, remaining } = this.c.host.analyzePending(Publisher.batchSize);
      this.c.compactor.touched();
      this.c.stats.backgroundFiles += findings.size;
      this.publishFindings(findings, new Set());
      if (remaining > 0) this.background = setImmediate(step);
      else {
        this.c.stats.lastBackgroundMs = Date.now() - this.backgroundSince;
        for (const resolve of this.idleWaiters.splice(0)) resolve();
        this.c.peer.log.info(
          `background re-check done: ${this.c.stats.backgroundFiles} file(s) in total, last round ${this.c.stats.lastBackgroundMs} ms`,
        );
      }
    };
    this.background = setImmediate(step);
  }

  /** drain re-checks and publishes every pending file now (the end of the initial index). */
  drain(): void {
    if (this.background !== undefined) clearImmediate(this.background);
    this.background = undefined;
    for (;;) {
      const { findings, remaining } = this.c.host.analyzePending(Publisher.batchSize);
      this.publishFindings(findings, new Set());
      if (remaining === 0) break;
    }
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /** backgroundDone resolves once no background batch is waiting (tests and the benchmark wait for it). */
  backgroundDone(): Promise<void> {
    if (this.background === undefined) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
