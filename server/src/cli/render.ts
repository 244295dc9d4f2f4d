// Rendering for `kpl check` and `kpl explain`: the render flags, the `.kpl.yaml` render section, discovery of charts
// and kustomizations under the PATH arguments, and the renders (the real helm and kustomize, cached under the user
// cache directory). `simulate`, `evict` and `diagnose` never render.
import * as path from 'node:path';
import { cliVariant, discover, findTool, parseRenderConfig, RenderCache, Renderer, userCacheDir, variantsOf } from '../render/index';
import type { Discovery, HelmVariant, RenderConfig, RenderResult } from '../render/index';
import { UsageError } from './args';
import type { ParsedArgs } from './args';

/** The flags of check and explain that steer rendering. */
export const renderFlags = {
  values: {
    helm: {},
    kustomize: {},
    'render-timeout': {},
    values: { repeat: true },
    set: { repeat: true },
    variant: { repeat: true },
  },
  booleans: ['no-render', 'require-render'],
} as const;

export const renderUsage =
  '[--helm PATH] [--kustomize PATH] [--no-render] [--require-render] [--render-timeout SECONDS] [--values FILE]... [--set KEY=VALUE]... [--variant NAME]...';

export interface RenderOptions {
  enabled: boolean;
  helm: string | undefined;
  kustomize: string | undefined;
  timeoutMs: number;
  values: string[];
  set: string[];
  variants: string[];
  require: boolean;
}

export function readRenderFlags(args: ParsedArgs): RenderOptions {
  const timeout = args.values.get('render-timeout')?.[0];
  const seconds = timeout === undefined ? 30 : Number(timeout);
  if (!(Number.isFinite(seconds) && seconds >= 1 && seconds <= 3600))
    throw new UsageError(`--render-timeout must be a number of seconds from 1 to 3600 (got "${timeout ?? ''}")`);
  for (const s of args.values.get('set') ?? [])
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.\-[\]/\\]*=[^\n\r]*$/.test(s)) throw new UsageError(`--set must be KEY=VALUE (got "${s}")`);
  const options: RenderOptions = {
    enabled: !args.booleans.has('no-render'),
    helm: args.values.get('helm')?.[0],
    kustomize: args.values.get('kustomize')?.[0],
    timeoutMs: seconds * 1000,
    values: args.values.get('values') ?? [],
    set: args.values.get('set') ?? [],
    variants: args.values.get('variant') ?? [],
    require: args.booleans.has('require-render'),
  };
  if (!options.enabled && (options.values.length > 0 || options.set.length > 0 || options.variants.length > 0 || options.require))
    throw new UsageError('--no-render cannot be combined with --values, --set, --variant or --require-render');
  return options;
}

/** The render section of `.kpl.yaml` (positions of errors in the message: exit code 2). */
export function renderConfigOf(configFile: string | undefined, text: string | undefined): RenderConfig | undefined {
  if (configFile === undefined || text === undefined) return undefined;
  const { config, errors } = parseRenderConfig(text, path.dirname(path.resolve(configFile)));
  const e = errors[0];
  if (e !== undefined) throw new UsageError(`${configFile}:${e.line + 1}:${e.character + 1}: ${e.message}`);
  return config;
}

export interface Rendered {
  discovery: Discovery;
  results: RenderResult[];
  /** Chart folders (absolute): their files are templates, not manifests, and are not read as plain files. */
  chartDirs: string[];
  /** Patch files of kustomizations (absolute): partial objects, meaningful only as applied by kustomize. */
  patchFiles: Set<string>;
}

/** renderPaths discovers and renders what the PATH arguments hold. */
export async function renderPaths(
  paths: readonly string[],
  options: RenderOptions,
  config: RenderConfig | undefined,
  kubernetesMinor: number,
): Promise<Rendered> {
  const discovery = await discover(paths, config);
  const chartDirs = discovery.charts.map((c) => c.dir);
  const patchFiles = new Set(
    discovery.kustomizations.flatMap((k) => k.kustomization.patches.map((p) => p.file).filter((f) => f !== k.kustomization.file)),
  );
  const charts = discovery.charts.filter((c) => c.rendered);
  const kustomizations = discovery.kustomizations.filter((k) => k.rendered);
  if ((options.values.length > 0 || options.set.length > 0) && charts.length !== 1)
    throw new UsageError(`--values and --set need exactly one chart under the PATHs (found ${charts.length})`);
  const variantsByChart = new Map<string, HelmVariant[]>();
  for (const c of charts)
    variantsByChart.set(
      c.dir,
      options.values.length > 0 || options.set.length > 0 ? [cliVariant(options.values, options.set)] : variantsOf(config, c.dir),
    );
  if (options.variants.length > 0) {
    const known = new Set([...variantsByChart.values()].flat().map((v) => v.name));
    const unknown = options.variants.filter((v) => !known.has(v));
    if (unknown.length > 0)
      throw new UsageError(`unknown --variant ${unknown.join(', ')} (the charts have: ${[...known].sort().join(', ') || 'none'})`);
    for (const [dir, variants] of variantsByChart)
      variantsByChart.set(
        dir,
        variants.filter((v) => options.variants.includes(v.name)),
      );
  }
  const searchPath = process.env['PATH'];
  const renderer = new Renderer({
    helm: charts.length > 0 ? await findTool('helm', options.helm, searchPath) : undefined,
    kustomize: kustomizations.length > 0 ? await findTool('kustomize', options.kustomize, searchPath) : undefined,
    trusted: true,
    kubeVersion: `v1.${kubernetesMinor}.0`,
    timeoutMs: options.timeoutMs,
    cache: new RenderCache({ dir: userCacheDir() }),
  });
  if (options.helm !== undefined && charts.length > 0 && renderer.options.helm === undefined)
    throw new UsageError(`--helm ${options.helm}: not an executable file`);
  if (options.kustomize !== undefined && kustomizations.length > 0 && renderer.options.kustomize === undefined)
    throw new UsageError(`--kustomize ${options.kustomize}: not an executable file`);
  const requests = [
    ...charts.flatMap((c) =>
      (variantsByChart.get(c.dir) ?? []).map((variant) => renderer.render({ tool: 'helm', dir: c.dir, display: c.display, variant })),
    ),
    ...kustomizations.map((k) => renderer.render({ tool: 'kustomize', dir: k.dir, display: k.display })),
  ];
  return { discovery, results: await Promise.all(requests), chartDirs, patchFiles };
}
