// Analyses plain files together with rendered charts and kustomizations, and places every finding on the file people
// edit. The engine sees each render as one pseudo-file of rendered text; this module builds the views it analyses
// (which renders are seen together), maps findings back with the SourceMapper, and merges the copies that several
// views report (chart variants; a kustomize base seen as a plain file and inside an overlay).
//
// Views: the first holds every plain file and the first variant of every chart (so a PriorityClass of a chart resolves
// classes in plain manifests and the other way round). Each kustomization root has its own view, in which the files
// it builds from are replaced by its output (a base's objects are not counted twice), beside every chart's first
// variant (a chart's PDB covers an overlay's pods); each further chart variant has its own view with the other charts'
// first variants. A view reports only the findings of its own render.
import * as path from 'node:path';
import { AnalysisHost, LineIndex } from '../core/index';
import type { Finding, ParsedFile, Range, Severity, WorkspaceModel } from '../core/index';
import { parseFile } from '../core/index';
import { readText, toPosix } from './files';
import { SourceMapper, toRenderedInput } from './source-map';
import type { RenderedInput } from './source-map';
import type { RenderProblem, RenderResult, RenderSource } from './types';
import { sourceLabel } from './types';

export interface PlacedRange {
  file: string;
  range: Range;
}

/** A finding where it is shown: plain files as before, rendered input on the template, values or patch line. */
export interface PlacedFinding {
  ruleId: string;
  severity: Severity;
  /** With the `helm:root[variant]: ` / `kustomize:root: ` prefix for findings from rendered input. */
  message: string;
  file: string;
  range: Range;
  object?: string;
  fix?: { description: string; edits: Array<{ file: string; range: Range; newText: string }> };
  /** The render it came from (the first variant when `variants` lists several). */
  source?: RenderSource;
  /** The chart variants that report this same finding, when more than one. */
  variants?: string[];
  /** A plain file's finding that the kustomize overlays building from it report too. */
  overlays?: string[];
  related?: Array<PlacedRange & { message: string }>;
}

/** One analysed view: its model, and which pseudo-files of it are renders (with their mappers). */
export interface AnalysedView {
  model: WorkspaceModel;
  renders: Map<string, { input: RenderedInput; mapper: SourceMapper }>;
  /** The render whose findings this view reports; undefined for the first view (plain files and charts' first variants). */
  owner: string | undefined;
  /** The findings of the view's analysis, unplaced (the files it re-analysed): `kpl explain`'s verdicts need them. */
  findings: Finding[];
}

export interface RenderedAnalysis {
  findings: PlacedFinding[];
  views: AnalysedView[];
  /**
   * `absenceKey`s of the first view's "nothing uses it" findings that an overlay's view contradicts (dropped from
   * `findings`): the language server, which reports plain files from its own analysis, drops them there too.
   */
  usedByOverlays: ReadonlySet<string>;
}

export interface AnalyseOptions {
  /** The host with the plain files (and cluster state) already added; renders are added and removed view by view. */
  host: AnalysisHost;
  /** The plain files added to the host, by their path in the host. */
  plain: ReadonlyMap<string, ParsedFile>;
  renders: readonly RenderResult[];
  /** How an absolute path of a source file is shown (and keyed in the host): the CLI's PATH-relative form. */
  display: (result: RenderResult, absolute: string) => string;
}

/** displayFrom: a source file as reached from the render root's display path (`examples/x/base/a.yaml`). */
export function displayFrom(result: RenderResult, absolute: string): string {
  const rel = path.relative(result.rootAbsolute, absolute);
  if (path.isAbsolute(result.source.root)) return toPosix(absolute);
  return toPosix(path.normalize(path.join(result.source.root, rel)));
}

const problemSeverity = new Set([
  'render-failed',
  'render-tool-missing',
  'render-dependency-missing',
  'render-remote-resource',
  'render-restricted',
]);

/** problemFiles: the render problems as file problems of the files they are reported on (merged with plain ones). */
export function problemFiles(options: Pick<AnalyseOptions, 'plain' | 'renders' | 'display'>): ParsedFile[] {
  const byFile = new Map<string, ParsedFile>();
  const seen = new Set<string>();
  for (const result of options.renders) {
    for (const p of result.problems) {
      const file = options.display(result, p.location.file);
      const key = `${p.kind}\0${file}\0${p.location.start}\0${p.message}`;
      if (seen.has(key) || !problemSeverity.has(p.kind)) continue;
      seen.add(key);
      let parsed = byFile.get(file);
      if (parsed === undefined) {
        const plain = options.plain.get(file);
        const text = readText(p.location.file) ?? '';
        parsed =
          plain !== undefined && plain.text !== ''
            ? { ...plain, problems: [...plain.problems] }
            : { ...(plain ?? { objects: [], documents: 0, parsedDocuments: 0 }), file, text, problems: [...(plain?.problems ?? [])] };
        byFile.set(file, parsed);
      }
      parsed.problems.push(problemOf(p, parsed.text));
    }
  }
  return [...byFile.values()];
}

function problemOf(p: RenderProblem, text: string): ParsedFile['problems'][number] {
  const start = Math.min(p.location.start, text.length);
  return { kind: p.kind, message: p.message, span: { start, end: Math.max(start, Math.min(p.location.end, text.length)) } };
}

class Texts {
  private readonly indexes = new Map<string, LineIndex>();
  range(absolute: string, start: number, end: number): Range {
    let index = this.indexes.get(absolute);
    if (index === undefined) {
      index = new LineIndex(readText(absolute) ?? '');
      this.indexes.set(absolute, index);
    }
    return index.range({ start, end });
  }
}

/** analyseWithRenders runs every view and returns the placed, merged findings. */
export function analyseWithRenders(options: AnalyseOptions): RenderedAnalysis {
  const { host } = options;
  const inputs = options.renders
    .filter((r) => !r.cancelled && r.documents.length > 0)
    .map((result) => {
      const input = toRenderedInput(result);
      return { result, input, parsed: parseFile({ path: input.path, content: input.text }), mapper: new SourceMapper(result, input) };
    });
  type Entry = (typeof inputs)[number];
  const problems = problemFiles(options);
  const firstOfChart = new Map<string, Entry>();
  for (const e of inputs)
    if (e.result.source.tool === 'helm' && !firstOfChart.has(e.result.rootAbsolute)) firstOfChart.set(e.result.rootAbsolute, e);
  const views: Array<{ renders: Entry[]; owner: Entry | undefined; without: Set<string>; problems: boolean }> = [
    { renders: [...firstOfChart.values()], owner: undefined, without: new Set(), problems: true },
  ];
  for (const e of inputs) {
    if (e.result.source.tool === 'kustomize') {
      const without = new Set(e.result.inputs.map((f) => options.display(e.result, f)));
      // The charts' first variants too: a chart's PDB covers the overlay's pods in its namespace, and its classes resolve.
      views.push({ renders: [...firstOfChart.values(), e], owner: e, without, problems: false });
    } else if (firstOfChart.get(e.result.rootAbsolute) !== e) {
      const others = [...firstOfChart.values()].filter((o) => o.result.rootAbsolute !== e.result.rootAbsolute);
      views.push({ renders: [...others, e], owner: e, without: new Set(), problems: false });
    }
  }
  const texts = new Texts();
  const placed: PlacedFinding[] = [];
  const analysed: AnalysedView[] = [];
  // Findings of the first view that say nothing uses an object: an overlay's view may use it (a chart's PDB covering
  // the overlay's pods, its PriorityClass named by them). Dropped when a view holding the object does not report them.
  const absence = new Map<string, PlacedFinding>();
  const usedElsewhere = new Set<string>();
  for (const view of views) {
    const removed: ParsedFile[] = [];
    for (const file of view.without) {
      const p = options.plain.get(file);
      if (p !== undefined && host.hasFile(file)) {
        host.removeFile(file);
        removed.push(p);
      }
    }
    if (view.problems) for (const p of problems) host.addParsed(p);
    for (const e of view.renders) host.addParsed(e.parsed);
    // One model per view, kept after the next view's edits: a snapshot, not an in-place update.
    const { model, findings } = host.analyze({ snapshot: true });
    const byPath = new Map(view.renders.map((e) => [e.input.path, e]));
    analysed.push({
      model,
      renders: new Map(view.renders.map((e) => [e.input.path, { input: e.input, mapper: e.mapper }])),
      owner: view.owner?.input.path,
      findings: [...findings.values()].flat(),
    });
    const all = [...findings.values()].flat();
    if (view.owner !== undefined && view.owner.result.source.tool === 'kustomize') {
      const reported = new Set(all.filter((f) => absenceRules.has(f.ruleId)).map(absenceKey));
      for (const key of absence.keys()) if (!reported.has(key) && model.files.has(key.split('\0')[1] ?? '')) usedElsewhere.add(key);
    }
    for (const f of all) {
      const render = byPath.get(f.file);
      if (view.owner !== undefined && render !== view.owner) continue;
      const p = render === undefined ? placePlain(f, model) : placeRendered(f, render.result, render.mapper, options.display, texts);
      if (view.owner === undefined && absenceRules.has(f.ruleId)) absence.set(absenceKey(f), p);
      placed.push(p);
    }
    for (const e of view.renders) host.removeFile(e.input.path);
    if (view.problems)
      for (const p of problems) {
        host.removeFile(p.file);
        const plain = options.plain.get(p.file);
        if (plain !== undefined) host.addParsed(plain);
      }
    for (const p of removed) host.addParsed(p);
  }
  const dropped = new Set([...usedElsewhere].map((k) => absence.get(k)));
  return { findings: merge(placed.filter((p) => !dropped.has(p))), views: analysed, usedByOverlays: usedElsewhere };
}

/** Rules that report an object nothing in the workspace uses or matches (see `absence` above). */
export const absenceRules: ReadonlySet<string> = new Set(['pdb-selects-nothing', 'priority-class-unused']);
/** The file of an `absenceKey`. */
export const absenceKeyFile = (key: string): string => key.split('\0')[1] ?? '';
export const absenceKey = (f: Pick<Finding, 'ruleId' | 'file' | 'span'>): string => `${f.ruleId}\0${f.file}\0${f.span.start}`;

function placePlain(f: Finding, model: WorkspaceModel): PlacedFinding {
  const index = new LineIndex(model.files.get(f.file)?.text ?? '');
  const out: PlacedFinding = { ruleId: f.ruleId, severity: f.severity, message: f.message, file: f.file, range: index.range(f.span) };
  if (f.object !== undefined) out.object = f.object;
  if (f.fix !== undefined)
    out.fix = {
      description: f.fix.description,
      edits: f.fix.edits.map((e) => {
        const file = e.file ?? f.file;
        const edit = file === f.file ? index : new LineIndex(model.files.get(file)?.text ?? '');
        return { file, range: edit.range(e.span), newText: e.newText };
      }),
    };
  return out;
}

function placeRendered(
  f: Finding,
  result: RenderResult,
  mapper: SourceMapper,
  display: AnalyseOptions['display'],
  texts: Texts,
): PlacedFinding {
  const mapped = mapper.map(f.span.start);
  let file: string;
  let range: Range;
  if (mapped !== undefined) {
    file = mapped.location.file;
    range = texts.range(file, mapped.location.start, mapped.location.end);
  } else {
    // Never outside a file: the document's template, else the chart's Chart.yaml or the kustomization's folder file.
    const doc = result.documents[mapper.documentAt(f.span.start)];
    file = doc?.sourceFile ?? path.join(result.rootAbsolute, result.source.tool === 'helm' ? 'Chart.yaml' : 'kustomization.yaml');
    range = texts.range(file, 0, 0);
  }
  const out: PlacedFinding = {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    file: display(result, file),
    range,
    source: result.source,
  };
  if (f.object !== undefined) out.object = f.object;
  const key = mapped?.value?.key;
  if (key !== undefined && mapped?.value !== undefined)
    out.related = [
      {
        file: display(result, key.file),
        range: texts.range(key.file, key.start, key.end),
        message: `the value ${mapped.value.path.join('.')} is set here`,
      },
    ];
  if (f.fix !== undefined) {
    const edits = f.fix.edits.map((e) =>
      e.file === undefined || e.file === f.file ? mapper.mapEdit(e.span.start, e.span.end, e.newText) : undefined,
    );
    if (edits.length > 0 && edits.every((e) => e !== undefined))
      out.fix = {
        description: f.fix.description,
        edits: edits.map((e) => ({ file: display(result, e.file), range: texts.range(e.file, e.start, e.end), newText: e.newText })),
      };
  }
  return out;
}

// The same finding from two views: same rule, file and line (a plain file's finding sits on the value, the mapped one
// on its key: the line is what both views agree on).
const rangeKey = (f: PlacedFinding): string => `${f.ruleId}\0${f.file}\0${f.range.start.line}`;

/** merge: one finding per (rule, file, range, message) across variants; plain findings absorb their overlays' copies. */
function merge(placed: PlacedFinding[]): PlacedFinding[] {
  const out: PlacedFinding[] = [];
  const plainByRange = new Map<string, PlacedFinding>();
  for (const f of placed) if (f.source === undefined) plainByRange.set(rangeKey(f), f);
  const renderedByKey = new Map<string, PlacedFinding>();
  for (const f of placed) {
    if (f.source === undefined) {
      out.push(f);
      continue;
    }
    const plain = plainByRange.get(rangeKey(f));
    if (plain !== undefined && f.source.tool === 'kustomize') {
      plain.overlays = [...new Set([...(plain.overlays ?? []), f.source.root])].sort();
      continue;
    }
    const key = `${rangeKey(f)}\0${f.source.tool}\0${f.source.root}\0${f.message}`;
    const same = renderedByKey.get(key);
    if (same !== undefined) {
      same.variants = [...new Set([...(same.variants ?? [same.source?.variant ?? '']), f.source.variant])];
      continue;
    }
    renderedByKey.set(key, f);
    out.push(f);
  }
  for (const f of out)
    if (f.source !== undefined) {
      const label =
        f.variants !== undefined && f.source.tool === 'helm' ? `helm:${f.source.root}[${f.variants.join(',')}]` : sourceLabel(f.source);
      f.message = `${label}: ${f.message}`;
    }
  return out;
}

/** The place of a span of a view's model: plain files as they are, rendered pseudo-files mapped to their source. */
export function placeSpan(
  view: AnalysedView,
  file: string,
  start: number,
  display: AnalyseOptions['display'],
): { file: string; range: Range; source?: RenderSource } | undefined {
  const render = view.renders.get(file);
  if (render === undefined) return { file, range: new LineIndex(view.model.files.get(file)?.text ?? '').range({ start, end: start }) };
  const mapped = render.mapper.map(start);
  if (mapped === undefined) return undefined;
  const text = readText(mapped.location.file) ?? '';
  return {
    file: display(render.mapper.result, mapped.location.file),
    range: new LineIndex(text).range({ start: mapped.location.start, end: mapped.location.end }),
    source: render.input.source,
  };
}
