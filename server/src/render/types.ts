// The rendered-input layer's public types: what a render produces and what the engine will receive. The engine never
// sees the tools: it gets rendered text per document, a `source` naming the tool, root and variant, and a source map
// (a function from a key path of a rendered document to a position in a file people edit).

/** The tool that rendered a document. `kubectl kustomize` is reported as `kustomize`: same engine, same output. */
export type RenderTool = 'helm' | 'kustomize';

/** Where rendered input comes from: the finding prefix `helm:charts/app[prod]`, JSON `"source"`. */
export interface RenderSource {
  tool: RenderTool;
  /** The chart or kustomization folder as reached from the PATH argument or workspace folder (`/` separators). */
  root: string;
  /** The variant's name: a configured one, `cli` (`--values`/`--set`), or `default`. */
  variant: string;
}

/** sourceLabel: how a finding from rendered input names its source, e.g. `helm:charts/app[prod]`. */
export function sourceLabel(source: RenderSource): string {
  return source.tool === 'helm' ? `helm:${source.root}[${source.variant}]` : `kustomize:${source.root}`;
}

/**
 * A path into a YAML document: map keys as strings, sequence items as `{index, name}` (`name` is the item's `name`
 * field when it has one: the merge key of containers, and what a template or patch can be matched by).
 */
export type KeyPathSegment = string | { index: number; name?: string };
export type KeyPath = readonly KeyPathSegment[];

export function formatKeyPath(path: KeyPath): string {
  return path.map((s, i) => (typeof s === 'string' ? `${i === 0 ? '' : '.'}${s}` : `[${s.name ?? s.index}]`)).join('');
}

/** A place in a file someone edits: offsets are UTF-16 code units into the file's text; line and character 0-based. */
export interface SourceLocation {
  /** Absolute path of the file. */
  file: string;
  start: number;
  end: number;
  line: number;
  character: number;
}

/** Where a rendered value was written: the line of the template or patch, and the values file entry it came from. */
export interface MappedLocation {
  /** The key path of the rendered document that was located. */
  keyPath?: KeyPath;
  /** The template, patch or resource line of the key path (or of its nearest enclosing key that exists there). */
  location: SourceLocation;
  /** How many leading segments of the key path were found at `location` (all of them: an exact match). */
  matched: number;
  /** What wrote `location`: a Helm template, a Kustomize resource file, a patch, or a kustomization (generators). */
  via: 'template' | 'resource' | 'patch' | 'kustomization';
  /** When the template line takes its value from `.Values.a.b`: the values file entry that set it. */
  value?: ValueOrigin;
}

/** A value's origin in a values file (or a `--set`/`set:` entry, which has no file position of its own). */
export interface ValueOrigin {
  /** The `.Values` path, e.g. `['priorityClassName']` or `['controller', 'resources', 'requests', 'memory']`. */
  path: readonly string[];
  /** The values file entry (key and value spans), when a file sets it. */
  key?: SourceLocation;
  value?: SourceLocation;
  /** Set by a `--set`/`set:` entry of the variant instead of a file. */
  set?: string;
}

/** One YAML document of a tool's output, its bookkeeping (`# Source:`, origin annotations) removed. */
export interface RenderedDocument {
  text: string;
  /** The template (Helm) or resource file (Kustomize) it came from; undefined when the tool did not say. */
  sourceFile: string | undefined;
  /** For generated Kustomize objects (configMapGenerator...): the kustomization that configured them. */
  configuredIn?: string;
  /** `kind` and `metadata.name` as rendered, read cheaply (display and matching; the engine parses the text itself). */
  kind: string | undefined;
  name: string | undefined;
}

/** Finding kinds the render layer produces; each becomes a rule of the same id (phase 2 of issue 16). */
export type RenderProblemKind =
  'render-failed' | 'render-tool-missing' | 'render-dependency-missing' | 'render-remote-resource' | 'render-restricted';

/** A problem with one chart or kustomization: where it is reported and why. */
export interface RenderProblem {
  kind: RenderProblemKind;
  message: string;
  /** Absolute path of the file it is reported on (a template line, `Chart.yaml`, the kustomization file). */
  location: SourceLocation;
}

/** The result of rendering one chart variant or one kustomization. */
export interface RenderResult {
  source: RenderSource;
  /** Absolute path of the chart or kustomization folder. */
  rootAbsolute: string;
  documents: RenderedDocument[];
  problems: RenderProblem[];
  /** Every file whose change changes the render (for watching and the cache key), absolute. */
  inputs: string[];
  /** Values files of the variant, in the order Helm reads them (the chart's `values.yaml` not included). */
  valuesFiles: string[];
  /** `--set` entries of the variant. */
  set: string[];
  /** e.g. `helm v4.3.2`, `kustomize v5.8.1`, `kubectl v1.36.3`; undefined when no tool ran. */
  tool: string | undefined;
  /** Milliseconds the tool ran (0 from the cache). */
  toolMs: number;
  cached: boolean;
  /** True when a newer render of the same input started meanwhile: the result is to be dropped. */
  cancelled: boolean;
  /** Tool warnings (stderr of a successful run, e.g. `this chart is deprecated`), for the output channel. */
  warnings: string[];
}
