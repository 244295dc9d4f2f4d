// The rendered-input layer's public API: discovery of charts and kustomizations, the `.kpl.yaml` render section, the
// tool runner and renderer (bounded, cancellable, cached), and the source map from rendered spans back to templates,
// values files and patches. It imports the engine only through server/src/core/index.ts, and nothing from lsp/ or cli/.
export type {
  RenderTool,
  RenderSource,
  KeyPath,
  KeyPathSegment,
  SourceLocation,
  MappedLocation,
  ValueOrigin,
  RenderedDocument,
  RenderProblem,
  RenderProblemKind,
  RenderResult,
} from './types';
export { sourceLabel, formatKeyPath } from './types';
export { discover } from './discover';
export type { Discovery, DiscoveredChart, DiscoveredKustomization } from './discover';
export { parseRenderConfig, variantsOf, cliVariant, defaultVariant } from './config';
export type { RenderConfig, HelmVariant, ChartConfig, ConfigError } from './config';
export { findTool, probeVersion, runTool, childEnvironment, assertSafeArgs, defaultTimeoutMs, defaultMaxOutputBytes } from './runner';
export type { Tool, ToolKind, RunResult, RunOptions } from './runner';
export { Renderer } from './renderer';
export type { RendererOptions, RenderRequest } from './renderer';
export { RenderCache, userCacheDir } from './cache';
export { SourceMapper, toRenderedInput, keyPathAt } from './source-map';
export type { RenderedInput } from './source-map';
export { isWithin } from './files';
export { absenceKey, absenceKeyFile, absenceRules, analyseWithRenders, displayFrom, placeSpan, problemFiles } from './analyse';
export type { PlacedFinding, PlacedRange, AnalysedView, RenderedAnalysis, AnalyseOptions } from './analyse';
