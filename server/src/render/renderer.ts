// Renders one chart variant or one kustomization: preflight (restricted mode, missing tool, dependencies not vendored,
// remote resources and helmCharts: reported, never fetched), the cache, the tool run (bounded, cancellable: a newer
// render of the same input cancels the older one), and the output split into documents with their sources.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hashFiles, cacheKey } from './cache';
import type { CachedRender, RenderCache } from './cache';
import type { HelmVariant } from './config';
import { splitHelmOutput } from './documents';
import { firstLine, location, lineLocation, readText, toPosix } from './files';
import { helmArgs, parseHelmError, readChart } from './helm';
import {
  cleanKustomizeError,
  errorLocation,
  fetchedReferences,
  kustomizeArgs,
  readKustomizeTree,
  splitKustomizeOutput,
  treeInputs,
  writeWrapper,
} from './kustomize';
import { loadKustomization } from './kustomization';
import { defaultMaxOutputBytes, defaultTimeoutMs, probeVersion, runTool } from './runner';
import type { RunResult, Tool } from './runner';
import type { RenderProblem, RenderResult, RenderSource, SourceLocation } from './types';

export interface RendererOptions {
  /** Resolved tools (machine settings, CLI flags or PATH); undefined = not found. */
  helm: Tool | undefined;
  kustomize: Tool | undefined;
  /** Untrusted workspaces and untrusted `kpl lsp` never run a tool. */
  trusted: boolean;
  /** `--kube-version` for Helm: the Kubernetes version the engine models, e.g. `v1.36.0`. */
  kubeVersion: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  cache?: RenderCache;
  /** Tool runs at once (default 2: the tools are CPU-bound and the machine has to stay responsive). */
  concurrency?: number;
}

export type RenderRequest =
  { tool: 'helm'; dir: string; display: string; variant: HelmVariant } | { tool: 'kustomize'; dir: string; display: string };

const maxInputFiles = 20_000;

async function chartInputs(dir: string): Promise<string[]> {
  const files: string[] = [];
  const walk = async (d: string, depth: number) => {
    if (files.length >= maxInputFiles || depth > 32) return;
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(d, e.name);
      if (e.isDirectory() && e.name !== '.git') await walk(full, depth + 1);
      else if (e.isFile()) files.push(full);
    }
  };
  await walk(dir, 0);
  return files.sort();
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

export class Renderer {
  private readonly versions = new Map<string, Promise<string | undefined>>();
  private readonly running = new Map<string, AbortController>();
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly options: RendererOptions) {}

  private version(tool: Tool): Promise<string | undefined> {
    let v = this.versions.get(tool.path);
    if (v === undefined) {
      v = probeVersion(tool);
      this.versions.set(tool.path, v);
    }
    return v;
  }

  private async slot<T>(run: () => Promise<T>): Promise<T> {
    if (this.active >= (this.options.concurrency ?? 2)) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await run();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  /** render one chart variant or kustomization. Never throws: every failure is a problem of the result. */
  /** cancelAll: every render in flight is cancelled (its tool process killed); each returns `cancelled`. */
  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    const source: RenderSource =
      request.tool === 'helm'
        ? { tool: 'helm', root: request.display, variant: request.variant.name }
        : { tool: 'kustomize', root: request.display, variant: 'default' };
    const inputKey = `${request.tool}\0${request.dir}\0${source.variant}`;
    this.running.get(inputKey)?.abort();
    const controller = new AbortController();
    this.running.set(inputKey, controller);
    const result: RenderResult = {
      source,
      rootAbsolute: request.dir,
      documents: [],
      problems: [],
      inputs: [],
      valuesFiles: request.tool === 'helm' ? [...request.variant.valuesFiles] : [],
      set: request.tool === 'helm' ? [...request.variant.set] : [],
      tool: undefined,
      toolMs: 0,
      cached: false,
      cancelled: false,
      warnings: [],
    };
    try {
      if (request.tool === 'helm') await this.renderChart(request, result, controller.signal);
      else await this.renderKustomization(request, result, controller.signal);
    } catch (error) {
      const file = request.tool === 'helm' ? path.join(request.dir, 'Chart.yaml') : request.dir;
      result.problems.push({
        kind: 'render-failed',
        message: `rendering failed: ${String(error)}`,
        location: firstLine(file, readText(file)),
      });
    } finally {
      if (this.running.get(inputKey) === controller) this.running.delete(inputKey);
    }
    if (controller.signal.aborted) return { ...result, documents: [], problems: [], cancelled: true };
    return result;
  }

  private problem(result: RenderResult, kind: RenderProblem['kind'], message: string, at: SourceLocation): void {
    result.problems.push({ kind, message, location: at });
  }

  private async renderChart(request: Extract<RenderRequest, { tool: 'helm' }>, result: RenderResult, signal: AbortSignal): Promise<void> {
    const chartFile = path.join(request.dir, 'Chart.yaml');
    const chartText = readText(chartFile);
    const atChart = firstLine(chartFile, chartText);
    const label = request.display;
    if (!this.options.trusted) {
      this.problem(
        result,
        'render-restricted',
        `Chart ${label} was not rendered: the workspace is not trusted, so no tool is run (Restricted Mode). Trust the workspace to analyse what it renders.`,
        atChart,
      );
      return;
    }
    const chart = readChart(request.dir);
    if (chart === undefined || chart.error !== undefined) {
      this.problem(result, 'render-failed', `Chart ${label} cannot be read: ${chart?.error ?? 'no Chart.yaml'}`, atChart);
      return;
    }
    const missing = chart.dependencies.filter((d) => !d.vendored);
    for (const d of missing) {
      const text = readText(d.file) ?? '';
      this.problem(
        result,
        'render-dependency-missing',
        `Chart ${label} depends on ${d.name}${d.repository === undefined ? '' : ` (${d.repository})`}, which is not in its charts/ folder; it is not fetched, so the chart was not rendered. Run \`helm dependency build\` and commit charts/, or vendor the subchart.`,
        location(d.file, text, d.start, d.end),
      );
    }
    if (missing.length > 0) return;
    const tool = this.options.helm;
    if (tool === undefined) {
      this.problem(
        result,
        'render-tool-missing',
        `Chart ${label} was not rendered: helm was not found on PATH. Install helm or set kubePriorityLens.render.helmPath (CLI: --helm PATH).`,
        atChart,
      );
      return;
    }
    for (const f of request.variant.valuesFiles)
      if (readText(f) === undefined) {
        this.problem(
          result,
          'render-failed',
          `Chart ${label} [${request.variant.name}]: values file ${toPosix(f)} cannot be read.`,
          atChart,
        );
        return;
      }
    const argv = helmArgs(request.dir, request.variant, this.options.kubeVersion);
    result.inputs = [...(await chartInputs(request.dir)), ...request.variant.valuesFiles];
    await this.cachedRun(tool, argv, request.dir, result, signal, async (run) => {
      if (run.code === 0) {
        const warnings = run.stderr.split('\n').filter((l) => l.trim() !== '');
        return { documents: splitHelmOutput(run.stdout, request.dir), problems: [], warnings };
      }
      const err = parseHelmError(run.stderr, request.dir);
      const text = err.file === undefined ? chartText : readText(err.file);
      const at =
        err.file === undefined || text === undefined
          ? atChart
          : err.line === undefined
            ? firstLine(err.file, text)
            : lineLocation(err.file, text, err.line, err.character ?? 0);
      return {
        documents: [],
        problems: [
          { kind: 'render-failed', message: `helm template failed for ${label} [${request.variant.name}]: ${err.message}`, location: at },
        ],
        warnings: [],
      };
    });
  }

  private async renderKustomization(
    request: Extract<RenderRequest, { tool: 'kustomize' }>,
    result: RenderResult,
    signal: AbortSignal,
  ): Promise<void> {
    const k = loadKustomization(request.dir);
    const label = request.display;
    if (k === undefined) {
      this.problem(result, 'render-failed', `${label} has no readable kustomization file.`, firstLine(request.dir, undefined));
      return;
    }
    const atFile = firstLine(k.file, k.text);
    if (!this.options.trusted) {
      this.problem(
        result,
        'render-restricted',
        `Kustomization ${label} was not built: the workspace is not trusted, so no tool is run (Restricted Mode). Trust the workspace to analyse what it builds.`,
        atFile,
      );
      return;
    }
    if (k.kind === 'Component') return; // rendered only through the kustomizations that use it
    const tree = readKustomizeTree(k);
    const fetched = fetchedReferences(tree);
    for (const f of fetched) {
      const what = f.helm
        ? `${f.ref.field} (inflating charts needs --enable-helm, which runs helm and may fetch)`
        : `the remote ${f.ref.field} entry ${f.ref.value}`;
      this.problem(
        result,
        'render-remote-resource',
        `Kustomization ${label} was not built: it uses ${what}, which is never fetched. Vendor it into the repository to have it analysed.`,
        location(f.kustomization.file, f.kustomization.text, f.ref.start, f.ref.end),
      );
    }
    if (fetched.length > 0) return;
    const tool = this.options.kustomize;
    if (tool === undefined) {
      this.problem(
        result,
        'render-tool-missing',
        `Kustomization ${label} was not built: neither kustomize nor kubectl was found on PATH. Install one or set kubePriorityLens.render.kustomizePath (CLI: --kustomize PATH).`,
        atFile,
      );
      return;
    }
    result.inputs = await treeInputs(tree);
    const wrapper = await writeWrapper(request.dir);
    try {
      await this.cachedRun(
        tool,
        kustomizeArgs(tool, wrapper.dir),
        request.dir,
        result,
        signal,
        async (run) => {
          if (run.code === 0)
            return {
              documents: splitKustomizeOutput(run.stdout, wrapper.dir),
              problems: [],
              warnings: run.stderr.split('\n').filter((l) => l.trim() !== ''),
            };
          const message = cleanKustomizeError(run.stderr, wrapper.dir, request.dir);
          const at = errorLocation(message, tree);
          const text = readText(at.file) ?? '';
          const loc = at.start === 0 && at.end === 0 ? firstLine(at.file, text) : location(at.file, text, at.start, at.end);
          return {
            documents: [],
            problems: [{ kind: 'render-failed', message: `kustomize build failed for ${label}: ${message}`, location: loc }],
            warnings: [],
          };
        },
        [tool.kind === 'kubectl' ? 'kustomize' : 'build', request.dir],
      );
    } finally {
      await wrapper.remove();
    }
  }

  /**
   * cachedRun: a cache hit, or a tool run whose outcome `parse` turns into documents or problems. Timeouts, the
   * output cap and failures to start are problems at the root's file and are not cached.
   */
  private async cachedRun(
    tool: Tool,
    argv: string[],
    root: string,
    result: RenderResult,
    signal: AbortSignal,
    parse: (run: RunResult) => Promise<Pick<CachedRender, 'documents' | 'problems' | 'warnings'>>,
    keyArgv: string[] = argv,
  ): Promise<void> {
    const version = await this.version(tool);
    result.tool = version ?? `${tool.kind} (unknown version)`;
    const cache = this.options.cache;
    const key = cacheKey({ tool: `${tool.path}\0${result.tool}`, argv: keyArgv, root, inputs: await hashFiles(result.inputs, root) });
    if (signal.aborted) return;
    const hit = await cache?.get(key);
    if (hit !== undefined) {
      Object.assign(result, { documents: hit.documents, warnings: hit.warnings, cached: true, toolMs: 0 });
      result.problems.push(...hit.problems);
      return;
    }
    const timeoutMs = this.options.timeoutMs ?? defaultTimeoutMs;
    const maxOutputBytes = this.options.maxOutputBytes ?? defaultMaxOutputBytes;
    const run = await this.slot(() =>
      signal.aborted ? Promise.resolve(undefined) : runTool(tool, argv, { timeoutMs, maxOutputBytes, signal }),
    );
    if (run === undefined || run.cancelled || signal.aborted) return;
    result.toolMs = run.ms;
    const at = result.source.tool === 'helm' ? path.join(root, 'Chart.yaml') : (loadKustomization(root)?.file ?? root);
    const where = firstLine(at, readText(at));
    const name =
      result.source.tool === 'helm'
        ? `helm template for ${result.source.root} [${result.source.variant}]`
        : `kustomize build of ${result.source.root}`;
    if (run.timedOut)
      result.problems.push({
        kind: 'render-failed',
        message: `${name} did not finish within ${seconds(timeoutMs)} and was stopped. Raise kubePriorityLens.render.timeoutSeconds (CLI: --render-timeout SECONDS).`,
        location: where,
      });
    else if (run.capped)
      result.problems.push({
        kind: 'render-failed',
        message: `${name} printed more than ${maxOutputBytes >= 1024 * 1024 ? `${Math.round(maxOutputBytes / 1024 / 1024)} MiB` : `${Math.round(maxOutputBytes / 1024)} KiB`} and was stopped; its output was not analysed.`,
        location: where,
      });
    else if (run.spawnError !== undefined)
      result.problems.push({ kind: 'render-failed', message: `${name} could not run ${tool.path}: ${run.spawnError}`, location: where });
    if (run.code === undefined) return;
    const parsed = await parse(run);
    result.documents = parsed.documents;
    result.problems.push(...parsed.problems);
    result.warnings = parsed.warnings;
    await cache?.set(key, {
      documents: parsed.documents,
      problems: parsed.problems,
      warnings: parsed.warnings,
      tool: result.tool,
      toolMs: run.ms,
    });
  }
}
