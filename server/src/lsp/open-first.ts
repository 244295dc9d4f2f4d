// The open file first (issue 18): while the first workspace index runs (13 s at 50k workloads), the open documents are
// analysed on their own and get the findings that depend on nothing else (core/analysis/early.ts) within a batch of
// the walk; what needs the whole index (a class not found, a PDB's coverage, the QoS a LimitRange gives) waits for it,
// so nothing shown early is withdrawn later. At the end of the index the publisher republishes such a document only
// if its diagnostics changed (its digest). A hover meanwhile names the object and how far the index is.
import type { Hover, Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { earlyAnalysis, escapeMarkdown, LineIndex, parseFile } from '../core/index';
import type { Finding, RuleSettings, WorkspaceModel } from '../core/index';
import { objectAt } from './lookup';
import { canonicalUri } from './uri';

export interface OpenFirstContext {
  /** The open manifest documents (not excluded). */
  documents(): TextDocument[];
  settings(): { rules: RuleSettings; kubernetesMinor: number };
  /** Publishes a document's early findings (digest-checked like every publish). */
  publish(file: string, findings: Finding[], text: string, version: number): void;
}

export class OpenFirst {
  /** Between the start of the first index and its end. */
  private active = false;
  private model: WorkspaceModel | undefined;
  /** The version of each document the early analysis published. */
  private readonly versions = new Map<string, number>();
  /** How far the walk is (0–100). */
  percentage = 0;

  constructor(private readonly c: OpenFirstContext) {}

  /** The first index starts (settings are read): analyse the documents already open. */
  start(): void {
    this.active = true;
    this.percentage = 0;
    this.preview();
  }

  /** The index is complete: its analysis holds every document from now on. */
  finish(): void {
    this.active = false;
    this.model = undefined;
    this.versions.clear();
  }

  /** The early analysis published this version of the document (the index then republishes it only if changed). */
  published(key: string, version: number): boolean {
    return this.versions.get(key) === version;
  }

  /** preview analyses the open documents alone and publishes their early findings (opened or edited during the index). */
  preview(): void {
    if (!this.active) return;
    // A chart template is not YAML until rendered: its findings wait for the index and the render.
    const docs = this.c
      .documents()
      .filter((doc) => !doc.getText().includes('{{'))
      .map((doc) => ({ key: canonicalUri(doc.uri), doc }));
    if (docs.length === this.versions.size && docs.every((d) => this.versions.get(d.key) === d.doc.version)) return;
    const files = docs.map((d) => parseFile({ path: d.key, content: d.doc.getText(), origin: 'workspace' }));
    const { rules, kubernetesMinor } = this.c.settings();
    const early = earlyAnalysis(files, { kubernetesMinor }, rules);
    this.model = early.model;
    this.versions.clear();
    for (const d of docs) {
      this.versions.set(d.key, d.doc.version);
      this.c.publish(d.key, early.findings.get(d.key) ?? [], d.doc.getText(), d.doc.version);
    }
  }

  /** hover during the index: the object under the cursor and the index's progress (undefined once it is complete). */
  hover(key: string, position: Position): Hover | undefined {
    if (!this.active) return undefined;
    this.preview();
    const parsed = this.model?.files.get(key);
    if (parsed === undefined) return { contents: { kind: 'markdown', value: this.indexing() } };
    const offset = new LineIndex(parsed.text).offset(position);
    const best = objectAt(parsed, offset);
    const head = best === undefined ? '' : `**${escapeMarkdown(best.kind)} ${escapeMarkdown(best.id.split('/').slice(1).join('/'))}**\n\n`;
    return { contents: { kind: 'markdown', value: `${head}${this.indexing()}` } };
  }

  private indexing(): string {
    return `Indexing the workspace (${this.percentage}%): priority, preemption and eviction appear when it is complete.`;
  }
}
