// Over 400 lines because it is the one place that orders renders, re-analyses, the held-back findings and the rendered
// objects of the main model against each other (the views it keeps answer hovers, lenses and the Priority Map).
// Rendered input in the language server: discovers the charts and kustomizations of the workspace folders, renders
// them (trusted workspaces only: in Restricted Mode no tool runs and one render-restricted finding per chart or
// kustomization says why), analyses the output together with the plain files in a host of its own (so typing in a
// plain manifest never waits for it), and publishes the findings on template, values and patch files. Re-renders
// after saves of files under a chart or kustomization, debounced; a newer render of the same input cancels the older.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver/node';
import { AnalysisHost, codeSpan, entry, escapeMarkdown, explain, parseFile, rulesById } from '../core/index';
import type { AnalyzedWorkload, Finding, ParsedFile, Range, WorkspaceModel } from '../core/index';
import type { LensSettings } from '../protocol/index';
import {
  absenceKey,
  absenceKeyFile,
  absenceRules,
  analyseWithRenders,
  discover,
  findTool,
  isWithin,
  parseRenderConfig,
  placeSpan,
  RenderCache,
  Renderer,
  toRenderedInput,
  variantsOf,
} from '../render/index';
import type { AnalysedView, PlacedFinding, RenderConfig, RenderResult, RenderSource } from '../render/index';
import { sourceLabel } from '../render/index';
import type { Folder } from './indexer';
import { evictionWords, ordinal } from './markdown';
import type { Logger } from './safe';
import { kubernetesMinor, ruleSettings } from './settings';
import { diagnosticSource, ruleDocsUrl, toDiagnosticTag, toSeverity } from './to-lsp';
import { canonicalUri, pathToUri, uriToPath } from './uri';

/** Saves come in bursts (save all, format on save): render once they settle. */
export const renderDebounceMs = 400;

/**
 * Rendered objects in the main analysis are pseudo-files under this prefix (never a client URI): the plain files'
 * findings see a chart's PriorityClasses, PDBs and workloads; the findings on these keys themselves are the rendered
 * analysis's to place and publish.
 */
export const renderedKeyPrefix = 'kpl-rendered:';
export const isRenderedKey = (key: string): boolean => key.startsWith(renderedKeyPrefix);

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
  /** The rendered objects the main analysis holds beside the plain files (keys under `renderedKeyPrefix`) changed. */
  modelFiles(files: readonly ParsedFile[]): void;
  /** The first render of the workspace is done (or nothing is to be rendered): findings held back until then are due. */
  settled(): void;
  /** A rendered analysis finished: the lenses of templates and patches may have changed. */
  analysed(): void;
}

/** A rendered workload placed on a template or patch line (code lenses, the Priority Map). */
export interface RenderedWorkload {
  /** The line (0-based) of the file people edit where the workload's `kind` (else name) is written. */
  line: number;
  /** The variant (helm) or `kustomize:<overlay>`. */
  label: string;
  source: RenderSource;
  model: WorkspaceModel;
  workload: AnalyzedWorkload;
  /** The place of a span of this view's model on a file people edit (canonical URI), if it has one. */
  locate(file: string, offset: number): { file: string; range: Range } | undefined;
}

export class RenderedInputs {
  /** Diagnostics from rendered input per canonical URI (merged into the file's plain diagnostics by the publisher). */
  private diagnostics = new Map<string, Diagnostic[]>();
  /** Findings placed on each URI (for hovers and code actions). */
  private placed = new Map<string, PlacedFinding[]>();
  /** Every input file of every render (absolute): a save of one of them re-renders. */
  private inputs = new Set<string>();
  /** The values files of every configured variant, known from `.kpl.yaml` before the variant was ever rendered. */
  private configuredValues = new Set<string>();
  private roots: string[] = [];
  /** Chart folders and kustomize patch files: templates and partial objects, meaningful only once rendered. */
  private chartDirs: string[] = [];
  private patchFiles = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** The scheduled run renders (else it re-analyses the last renders against the current plain files). */
  private renderDue = false;
  /** The workspace holds a chart or kustomization and its first render is not done yet (see `holdBack`). */
  private firstPending = false;
  /** `absenceKey`s of plain findings an overlay's rendered view contradicts (see `holdBack`). */
  private usedByOverlays: ReadonlySet<string> = new Set();
  private running: Promise<void> = Promise.resolve();
  private readonly inflight = new Set<Promise<void>>();
  private rendersRunning = 0;
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
    return this.inputs.has(file) || this.configuredValues.has(file) || this.roots.some((r) => isWithin(file, r));
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

  /**
   * expect: the index found a chart or kustomization file. Until the first render is done, a plain file's
   * priority-class-not-found is held back (a chart may define the class): no error flashes and then vanishes.
   */
  expect(found: boolean): void {
    if (this.c.trusted() && this.c.settings().render.enabled && this.renderedAt === 0) this.firstPending = found;
  }

  /**
   * holdBack: a plain finding not shown: one that says something is missing or unused, waiting for the first render
   * (see `expect`: a chart may define the class, an overlay's pods may match the PDB), or a
   * "nothing uses it" finding (pdb-selects-nothing, priority-class-unused) that an overlay's rendered view contradicts
   * (its pods match the plain PDB, or name the plain class), as `kpl check` drops it.
   */
  holdBack(finding: Finding): boolean {
    return (this.firstPending && heldUntilRendered.has(finding.ruleId)) || this.usedByOverlays.has(absenceKey(finding));
  }

  /** schedule a render of the workspace after the debounce; returns when that render is done. */
  schedule(): Promise<void> {
    this.renderDue = true;
    return this.later();
  }

  /**
   * reanalyse: the plain files' model was rebuilt (a PriorityClass or PDB added, renamed, removed): analyse the last
   * renders against it again, without running a tool, so rendered findings follow plain edits.
   */
  reanalyse(): Promise<void> {
    // A render due or running analyses the plain files as they are when its tools are done.
    if (this.results.length === 0 || this.renderDue || this.rendersRunning > 0) return Promise.resolve();
    return this.later();
  }

  private later(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const generation = ++this.generation;
    return new Promise((resolve) => {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        const render = this.renderDue;
        this.renderDue = false;
        // A render does not wait for an older one: it cancels it (the older run's tool processes are killed and its
        // results dropped). A re-analysis waits for what runs.
        if (render) this.rendersRunning++;
        const run = (render ? Promise.resolve() : this.running)
          .then(() => this.run(generation, render))
          .catch((error: unknown) => this.c.log.error(`render failed: ${String(error)}`))
          .finally(() => {
            this.inflight.delete(run);
            if (render) this.rendersRunning--;
            // A run that failed or found nothing still ends the wait for the first render.
            if (render && generation === this.generation && this.firstPending) {
              this.firstPending = false;
              this.c.settled();
            }
          });
        this.inflight.add(run);
        this.running = run;
        void run.then(resolve);
      }, renderDebounceMs);
    });
  }

  /** idle resolves when no render is scheduled or running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.timer !== undefined || this.inflight.size > 0) {
      if (this.timer !== undefined) await new Promise((r) => setTimeout(r, renderDebounceMs));
      else await Promise.all([...this.inflight]);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.generation++;
    this.renderer?.cancelAll();
  }

  private async tools(settings: LensSettings): Promise<Renderer> {
    const key = JSON.stringify([settings.render, this.c.trusted(), kubernetesMinor(settings)]);
    if (this.renderer === undefined || key !== this.rendererKey) {
      // Tool paths come from machine-scoped settings only (never from the workspace or .kpl.yaml), else the user's PATH.
      const searchPath = process.env['PATH'];
      this.renderer?.cancelAll();
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

  private async run(generation: number, render: boolean): Promise<void> {
    if (generation !== this.generation) return;
    const settings = this.c.settings();
    const before = new Set(this.diagnostics.keys());
    if (!render) {
      if (this.results.length > 0) this.analyse(this.results, this.patchFiles, before, settings);
      return;
    }
    if (!settings.render.enabled) {
      this.c.modelFiles([]);
      this.setUsedByOverlays(new Set(), before);
      this.publish(new Map(), new Map(), before);
      this.inputs = new Set();
      this.configuredValues = new Set();
      this.roots = [];
      const hadPartial = this.chartDirs.length > 0 || this.patchFiles.size > 0;
      this.chartDirs = [];
      this.patchFiles = new Set();
      if (hadPartial) this.c.partialFound();
      return;
    }
    const started = Date.now();
    const renderer = await this.tools(settings);
    if (generation !== this.generation) return;
    // Every render still running belongs to an older run of the workspace: this one replaces it.
    renderer.cancelAll();
    const results: RenderResult[] = [];
    const roots: string[] = [];
    const patchFiles = new Set<string>();
    const allCharts: string[] = [];
    const configuredValues = new Set<string>();
    for (const folder of this.c.folders()) {
      // `.kpl.yaml` at the folder root, read in trusted workspaces only (its paths stay inside the folder).
      const config = this.c.trusted() ? await readConfig(folder.fsPath, this.c.log) : undefined;
      const found = await discover([folder.fsPath], config);
      for (const c of found.charts) {
        roots.push(c.dir);
        allCharts.push(c.dir);
        for (const v of variantsOf(config, c.dir)) for (const f of v.valuesFiles) configuredValues.add(f);
      }
      // Watched from now on, while this render runs: a values file saved meanwhile renders again.
      for (const f of configuredValues) this.configuredValues.add(f);
      for (const r of roots) if (!this.roots.includes(r)) this.roots.push(r);
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
    this.configuredValues = configuredValues;
    if (results.length === 0 && before.size === 0 && this.chartDirs.length === 0 && this.patchFiles.size === 0) {
      // Nothing to render in the workspace: no second analysis, nothing published (a plain workspace as before).
      this.roots = roots;
      this.inputs = new Set();
      return;
    }
    const partialChanged =
      JSON.stringify([allCharts, [...patchFiles].sort()]) !== JSON.stringify([this.chartDirs, [...this.patchFiles].sort()]);
    this.chartDirs = allCharts;
    this.patchFiles = patchFiles;
    if (partialChanged) this.c.partialFound();
    this.inputs = new Set(results.flatMap((r) => [...r.inputs, ...r.valuesFiles]));
    this.roots = roots;
    this.results = results;
    this.renderedAt = Date.now();
    this.c.modelFiles(modelFiles(results, this.c.model()));
    const ms = results.reduce((n, r) => n + r.toolMs, 0);
    const findings = this.analyse(results, patchFiles, before, settings);
    this.c.log.info(
      `rendered ${results.length} chart variant(s)/kustomization(s) in ${Date.now() - started} ms (tools ${ms} ms, ${results.filter((r) => r.cached).length} cached): ${findings} finding(s)`,
    );
  }

  /** analyse the renders with the plain files (a host of its own), place the findings and publish them. */
  private analyse(results: RenderResult[], patchFiles: ReadonlySet<string>, before: Set<string>, settings: LensSettings): number {
    // The plain files (shared, immutable parsed files) without chart files and patches, plus renders.
    const chartDirs = this.chartDirs;
    const host = new AnalysisHost({ kubernetesMinor: kubernetesMinor(settings) }, ruleSettings(settings));
    const plain = new Map<string, ParsedFile>();
    for (const [uri, parsed] of this.c.model().files) {
      if (isRenderedKey(uri)) continue;
      const file = uriToPath(uri);
      if (file === undefined || patchFiles.has(file) || chartDirs.some((d) => isWithin(file, d))) continue;
      plain.set(uri, parsed);
      host.addParsed(parsed);
    }
    const analysis = analyseWithRenders({ host, plain, renders: results, display: (_r, absolute) => canonicalUri(pathToUri(absolute)) });
    this.setUsedByOverlays(analysis.usedByOverlays, before);
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
    this.views = analysis.views;
    this.publish(diagnostics, byUri, before);
    this.c.analysed();
    return analysis.findings.length;
  }

  /**
   * placeMain: a span of a rendered object the main analysis holds (a key under `renderedKeyPrefix`) on the template,
   * values or patch line it comes from (canonical URI); undefined when it maps nowhere.
   */
  placeMain(key: string, offset: number): { file: string; range: Range } | undefined {
    const pseudo = key.slice(renderedKeyPrefix.length);
    const view = this.views.find((v) => v.renders.has(pseudo) && (v.owner === undefined || v.owner === pseudo));
    const placed = view === undefined ? undefined : placeSpan(view, pseudo, offset, (_r, absolute) => canonicalUri(pathToUri(absolute)));
    return placed === undefined ? undefined : { file: placed.file, range: placed.range };
  }

  /**
   * workloadsIn: the rendered workloads whose `kind` (else name) maps to a line of this template or patch file, per
   * variant or overlay, each with the model of its view (facts as that variant sees them) and a way to place another
   * object of that view on a file people edit.
   */
  workloadsIn(file: string): RenderedWorkload[] {
    return this.allWorkloads(file);
  }

  /** allWorkloads: every rendered workload of every variant and overlay (those placed in `file` when given). */
  allWorkloads(file?: string): RenderedWorkload[] {
    const out: RenderedWorkload[] = [];
    for (const view of this.views)
      for (const [pseudo, { mapper, input }] of view.renders) {
        if (view.owner !== undefined && view.owner !== pseudo) continue;
        for (const workload of view.model.workloadsInFile(pseudo)) {
          const o = workload.object;
          const at = [entry(o.node, 'kind')?.keySpan.start, o.nameSpan.start]
            .map((offset) => (offset === undefined ? undefined : mapper.map(offset)?.location))
            .find((l) => l !== undefined && (file === undefined || l.file === file));
          if (file !== undefined && at === undefined) continue;
          out.push({
            line: at?.line ?? 0,
            label: input.source.tool === 'helm' ? input.source.variant : sourceLabel(input.source),
            source: input.source,
            model: view.model,
            workload,
            locate: (key, offset) => {
              if (isRenderedKey(key)) return undefined;
              const placed = placeSpan(view, key, offset, (_r, absolute) => canonicalUri(pathToUri(absolute)));
              return placed === undefined ? undefined : { file: placed.file, range: placed.range };
            },
          });
        }
      }
    return out;
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
            w.preemptionRank.of > 0
              ? `- QoS ${w.qosClass}; preemption order ${ordinal(w.preemptionRank.position)} of ${w.preemptionRank.of} workloads to be preempted (lowest priority goes first; preemptible by ${w.preemptibleBy.length})`
              : `- QoS ${w.qosClass}; rejected at admission: its pods never run, so it has no place in the preemption order`,
            `- eviction under node pressure ${evictionWords[w.evictionTier.tier]}: ${escapeMarkdown(w.evictionTier.reason)}`,
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

  /** The plain files whose overlay-contradicted findings change are republished with the rendered ones. */
  private setUsedByOverlays(keys: ReadonlySet<string>, changed: Set<string>): void {
    for (const k of this.usedByOverlays) if (!keys.has(k)) changed.add(absenceKeyFile(k));
    for (const k of keys) if (!this.usedByOverlays.has(k)) changed.add(absenceKeyFile(k));
    this.usedByOverlays = keys;
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
/** Plain findings that rendered objects may contradict: held back until the first render is done. */
const heldUntilRendered: ReadonlySet<string> = new Set(['priority-class-not-found', ...absenceRules]);

/**
 * modelFiles: what of the renders joins the main analysis. Every chart's first variant whole (as in the rendered
 * analysis's first view); of a kustomization's output only the PriorityClasses no plain file or chart defines, because
 * the rest of an overlay repeats its base's objects, which the plain analysis already holds.
 */
function modelFiles(results: readonly RenderResult[], model: WorkspaceModel): ParsedFile[] {
  const files: ParsedFile[] = [];
  const charts = new Set<string>();
  const classes = new Set<string>();
  for (const [key, parsed] of model.files)
    if (!isRenderedKey(key)) for (const o of parsed.objects) if (o.kind === 'PriorityClass') classes.add(o.name);
  const parse = (r: RenderResult): ParsedFile => {
    const input = toRenderedInput(r);
    const parsed = parseFile({ path: `${renderedKeyPrefix}${input.path}`, content: input.text });
    return { ...parsed, problems: [] };
  };
  for (const r of results) {
    if (r.cancelled || r.documents.length === 0 || r.source.tool !== 'helm' || charts.has(r.rootAbsolute)) continue;
    charts.add(r.rootAbsolute);
    const parsed = parse(r);
    for (const o of parsed.objects) if (o.kind === 'PriorityClass') classes.add(o.name);
    files.push(parsed);
  }
  for (const r of results) {
    if (r.cancelled || r.documents.length === 0 || r.source.tool !== 'kustomize') continue;
    const parsed = parse(r);
    const objects = parsed.objects.filter((o) => o.kind === 'PriorityClass' && !classes.has(o.name));
    for (const o of objects) classes.add(o.name);
    if (objects.length > 0) files.push({ ...parsed, objects });
  }
  return files;
}

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
