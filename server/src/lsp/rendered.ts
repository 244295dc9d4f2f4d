// Rendered input in the language server: discovers the charts and kustomizations of the workspace folders, renders
// them (trusted workspaces only: in Restricted Mode no tool runs and one render-restricted finding per chart or
// kustomization says why), analyses the output together with the plain files in a host of its own (so typing in a
// plain manifest never waits for it), and publishes the findings on template, values and patch files. Re-renders
// after saves of files under a chart or kustomization, debounced; a newer render of the same input cancels the older.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { AnalysisHost, codeSpan, escapeMarkdown, explain, rulesById } from '../core/index';
import type { ParsedFile, WorkspaceModel } from '../core/index';
import type { LensSettings } from '../protocol/index';
import { analyseWithRenders, discover, findTool, isWithin, parseRenderConfig, RenderCache, Renderer, variantsOf } from '../render/index';
import type { AnalysedView, PlacedFinding, RenderConfig, RenderResult } from '../render/index';
import { sourceLabel } from '../render/index';
import type { Folder } from './indexer';
import type { Logger } from './safe';
import { kubernetesMinor, ruleSettings } from './settings';
import { diagnosticSource, ruleDocsUrl, toDiagnosticTag, toSeverity } from './to-lsp';
import { canonicalUri, pathToUri, uriToPath } from './uri';

/** Saves come in bursts (save all, format on save): render once they settle. */
export const renderDebounceMs = 400;

export interface RenderedContext {
  log: Logger;
  repository: string;
  folders(): readonly Folder[];
  trusted(): boolean;
  settings(): LensSettings;
  /** The plain files as the main analysis holds them (by canonical URI). */
  model(): WorkspaceModel;
  /** Rendered diagnostics of these URIs changed: republish them (merged with the plain ones). */
  changed(uris: ReadonlySet<string>): void;
  /** Chart files and patch files were found: they leave the plain analysis (see `isPartial`). */
  partialFound(): void;
}

export class RenderedInputs {
  /** Diagnostics from rendered input per canonical URI (merged into the file's plain diagnostics by the publisher). */
  private diagnostics = new Map<string, Diagnostic[]>();
  /** Findings placed on each URI (for hovers and code actions). */
  private placed = new Map<string, PlacedFinding[]>();
  /** Every input file of every render (absolute): a save of one of them re-renders. */
  private inputs = new Set<string>();
  private roots: string[] = [];
  /** Chart folders and kustomize patch files: templates and partial objects, meaningful only once rendered. */
  private chartDirs: string[] = [];
  private patchFiles = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private generation = 0;
  private renderer: Renderer | undefined;
  private rendererKey = '';
  private readonly cache = new RenderCache();
  /** The last renders, for hovers and the stale mark of unsaved template edits. */
  results: RenderResult[] = [];
  renderedAt = 0;
  private views: AnalysedView[] = [];

  constructor(private readonly c: RenderedContext) {}

  diagnosticsOf(uri: string): Diagnostic[] {
    return this.diagnostics.get(uri) ?? [];
  }

  findingsOn(uri: string): PlacedFinding[] {
    return this.placed.get(uri) ?? [];
  }

  /** A file under a chart or kustomization, or an input of a render (a values file, a base): saving it re-renders. */
  affects(file: string): boolean {
    return this.inputs.has(file) || this.roots.some((r) => isWithin(file, r));
  }

  /** watched: a saved, created or deleted file of a chart or kustomization, a values file, `.kpl.yaml`: render again. */
  watched(files: ReadonlyArray<string | undefined>): void {
    const rootFile = /(^|[\\/])(Chart\.yaml|kustomization\.ya?ml|Kustomization|\.kpl\.ya?ml)$/;
    if (files.some((p) => p !== undefined && (this.affects(p) || rootFile.test(p)))) void this.schedule();
  }

  /** isPartial: a chart's file or a kustomize patch, not analysed as a plain manifest while rendering is on. */
  isPartial(file: string): boolean {
    return this.patchFiles.has(file) || this.chartDirs.some((d) => isWithin(file, d));
  }

  /** schedule a render of the workspace after the debounce; returns when that render is done. */
  schedule(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const generation = ++this.generation;
    return new Promise((resolve) => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.running = this.running
          .then(() => this.run(generation))
          .catch((error: unknown) => this.c.log.error(`render failed: ${String(error)}`));
        void this.running.then(resolve);
      }, renderDebounceMs);
    });
  }

  /** idle resolves when no render is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.timer !== undefined) await new Promise((r) => setTimeout(r, renderDebounceMs));
    await this.running;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.generation++;
  }

  private async tools(settings: LensSettings): Promise<Renderer> {
    const key = JSON.stringify([settings.render, this.c.trusted(), kubernetesMinor(settings)]);
    if (this.renderer === undefined || key !== this.rendererKey) {
      // Tool paths come from machine-scoped settings only (never from the workspace or .kpl.yaml), else the user's PATH.
      const searchPath = process.env['PATH'];
      this.renderer = new Renderer({
        helm: await findTool('helm', settings.render.helmPath || undefined, searchPath),
        kustomize: await findTool('kustomize', settings.render.kustomizePath || undefined, searchPath),
        trusted: this.c.trusted(),
        kubeVersion: `v1.${kubernetesMinor(settings)}.0`,
        timeoutMs: settings.render.timeoutSeconds * 1000,
        cache: this.cache,
      });
      this.rendererKey = key;
    }
    return this.renderer;
  }

  private async run(generation: number): Promise<void> {
    if (generation !== this.generation) return;
    const settings = this.c.settings();
    const before = new Set(this.diagnostics.keys());
    if (!settings.render.enabled) {
      this.publish(new Map(), new Map(), before);
      this.inputs = new Set();
      this.roots = [];
      const hadPartial = this.chartDirs.length > 0 || this.patchFiles.size > 0;
      this.chartDirs = [];
      this.patchFiles = new Set();
      if (hadPartial) this.c.partialFound();
      return;
    }
    const started = Date.now();
    const renderer = await this.tools(settings);
    const results: RenderResult[] = [];
    const roots: string[] = [];
    const patchFiles = new Set<string>();
    const allCharts: string[] = [];
    for (const folder of this.c.folders()) {
      // `.kpl.yaml` at the folder root, read in trusted workspaces only (its paths stay inside the folder).
      const config = this.c.trusted() ? await readConfig(folder.fsPath, this.c.log) : undefined;
      const found = await discover([folder.fsPath], config);
      for (const c of found.charts) {
        roots.push(c.dir);
        allCharts.push(c.dir);
      }
      for (const k of found.kustomizations) {
        roots.push(k.dir);
        for (const p of k.kustomization.patches) if (p.file !== k.kustomization.file) patchFiles.add(p.file);
      }
      const display = (dir: string) => path.relative(folder.fsPath, dir).split(path.sep).join('/') || path.basename(folder.fsPath);
      const requests = [
        ...found.charts
          .filter((c) => c.rendered)
          .flatMap((c) =>
            variantsOf(config, c.dir).map((variant) => renderer.render({ tool: 'helm', dir: c.dir, display: display(c.dir), variant })),
          ),
        ...found.kustomizations
          .filter((k) => k.rendered)
          .map((k) => renderer.render({ tool: 'kustomize', dir: k.dir, display: display(k.dir) })),
      ];
      results.push(...(await Promise.all(requests)));
    }
    if (generation !== this.generation || results.some((r) => r.cancelled)) return; // a newer render took over
    if (results.length === 0 && before.size === 0 && this.chartDirs.length === 0 && this.patchFiles.size === 0) {
      // Nothing to render in the workspace: no second analysis, nothing published (a plain workspace as before).
      this.roots = roots;
      this.inputs = new Set();
      return;
    }
    // A host of its own: the plain files (shared, immutable parsed files) without chart files and patches, plus renders.
    const chartDirs = allCharts;
    const host = new AnalysisHost({ kubernetesMinor: kubernetesMinor(settings) }, ruleSettings(settings));
    const plain = new Map<string, ParsedFile>();
    for (const [uri, parsed] of this.c.model().files) {
      const file = uriToPath(uri);
      if (file === undefined || patchFiles.has(file) || chartDirs.some((d) => isWithin(file, d))) continue;
      plain.set(uri, parsed);
      host.addParsed(parsed);
    }
    const analysis = analyseWithRenders({ host, plain, renders: results, display: (_r, absolute) => canonicalUri(pathToUri(absolute)) });
    const byUri = new Map<string, PlacedFinding[]>();
    // Only findings from rendered input: the plain files' own findings are the main analysis's.
    for (const f of analysis.findings) {
      if (f.source === undefined && !rendererProblem(f.ruleId)) continue;
      const list = byUri.get(f.file) ?? [];
      list.push(f);
      byUri.set(f.file, list);
    }
    const diagnostics = new Map<string, Diagnostic[]>();
    for (const [uri, list] of byUri)
      diagnostics.set(
        uri,
        list.map((f) => this.toDiagnostic(f)),
      );
    this.results = results;
    this.views = analysis.views;
    this.renderedAt = Date.now();
    this.inputs = new Set(results.flatMap((r) => [...r.inputs, ...r.valuesFiles]));
    this.roots = roots;
    const partialChanged =
      JSON.stringify([allCharts, [...patchFiles].sort()]) !== JSON.stringify([this.chartDirs, [...this.patchFiles].sort()]);
    this.chartDirs = allCharts;
    this.patchFiles = patchFiles;
    if (partialChanged) this.c.partialFound();
    this.publish(diagnostics, byUri, before);
    const ms = results.reduce((n, r) => n + r.toolMs, 0);
    this.c.log.info(
      `rendered ${results.length} chart variant(s)/kustomization(s) in ${Date.now() - started} ms (tools ${ms} ms, ${results.filter((r) => r.cached).length} cached): ${analysis.findings.length} finding(s)`,
    );
  }

  /**
   * hover: the rendered workloads of a template or patch line, one section per variant (priority, QoS, preemption
   * rank, eviction tier, PDBs). `stale` when the editor holds unsaved changes of the file: the facts are the last
   * saved render's.
   */
  hover(file: string, line: number, stale: boolean): string | undefined {
    const sections: string[] = [];
    for (const view of this.views) {
      const explained = explain(view.model).workloads;
      for (const [pseudo, { mapper, input }] of view.renders) {
        if (view.owner !== undefined && view.owner !== pseudo) continue;
        // The rendered documents of this file, by the line their first key maps to; the hovered one is the last above.
        const docs = mapper.result.documents
          .map((d, i) => ({ d, i, at: d.sourceFile === file ? mapper.map(input.documents[i]?.start ?? 0) : undefined }))
          .filter((x) => x.at !== undefined && x.at.location.file === file && x.at.location.line <= line)
          .sort((a, b) => (b.at?.location.line ?? 0) - (a.at?.location.line ?? 0));
        const doc = docs[0];
        if (doc === undefined) continue;
        const bounds = input.documents[doc.i];
        const w = explained.find(
          (x) => x.file === pseudo && bounds !== undefined && x.span.start >= bounds.start && x.span.start < bounds.end,
        );
        if (w === undefined) continue;
        const klass = w.priorityClassName === undefined ? '' : ` (${codeSpan(w.priorityClassName)})`;
        sections.push(
          [
            `**${escapeMarkdown(sourceLabel(input.source))}**: ${escapeMarkdown(`${w.kind} ${w.namespace}/${w.name}`)}`,
            `- effective priority ${w.priority}${klass}, ${w.preemptionPolicy}`,
            `- QoS ${w.qosClass}; preemption rank ${w.preemptionRank.position} of ${w.preemptionRank.of} (preemptible by ${w.preemptibleBy.length})`,
            `- eviction tier ${w.evictionTier.tier}: ${escapeMarkdown(w.evictionTier.reason)}`,
            `- PDBs: ${w.pdbs.length === 0 ? 'none' : w.pdbs.map((p) => escapeMarkdown(p)).join(', ')}`,
          ].join('\n'),
        );
      }
    }
    if (sections.length === 0) return undefined;
    // Variants that agree are shown once.
    const unique = [...new Set(sections)];
    const note = stale ? '\n\n_Unsaved changes: these are the facts of the last saved render._' : '';
    return `Rendered from this file:\n\n${unique.join('\n\n')}${note}`;
  }

  private publish(diagnostics: Map<string, Diagnostic[]>, placed: Map<string, PlacedFinding[]>, before: Set<string>): void {
    const changed = new Set<string>(before);
    for (const uri of diagnostics.keys()) changed.add(uri);
    this.diagnostics = diagnostics;
    this.placed = placed;
    if (changed.size > 0) this.c.changed(changed);
  }

  private toDiagnostic(f: PlacedFinding): Diagnostic {
    const d: Diagnostic = {
      range: f.range,
      severity: toSeverity(f.severity),
      code: f.ruleId,
      codeDescription: { href: ruleDocsUrl(this.c.repository, f.ruleId) },
      source: diagnosticSource,
      message: f.message,
    };
    const tags = rulesById.get(f.ruleId)?.tags;
    if (tags !== undefined && tags.length > 0) d.tags = tags.map(toDiagnosticTag);
    if (f.related !== undefined)
      d.relatedInformation = f.related.map((r) => ({ location: { uri: r.file, range: r.range }, message: r.message }));
    return d;
  }
}

const rendererProblem = (id: string): boolean => id.startsWith('render-');

async function readConfig(folder: string, log: Logger): Promise<RenderConfig | undefined> {
  for (const name of ['.kpl.yaml', '.kpl.yml']) {
    const file = path.join(folder, name);
    let text: string;
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile() || stat.size > 1024 * 1024) continue;
      text = await fs.readFile(file, 'utf8');
    } catch {
      continue;
    }
    const { config, errors } = parseRenderConfig(text, folder);
    for (const e of errors) log.warn(`${file}:${e.line + 1}:${e.character + 1}: ${e.message}`);
    return config;
  }
  return undefined;
}
