// The real rendering tools for the render suites: helm and kustomize built by scripts/render/build.sh (cached outside
// the clone), and the control plane's kubectl for `kubectl kustomize`. `npm run test:render` builds them first and sets
// KPL_REQUIRE_RENDER=1, so a missing tool fails the suite instead of skipping it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/analyze';
import { cliVariant, defaultVariant, discover } from '../../server/src/render/index';
import type { RenderRequest, Tool } from '../../server/src/render/index';

export const root = repoRoot();
/** ../shared/rendered: real public charts and kustomize trees (SOURCES.md), read in place. */
export const sharedRendered = process.env['KPL_RENDERED'] ?? path.join(root, '..', 'shared', 'rendered');
export const sharedCorpus = process.env['KPL_CORPUS'] ?? path.join(root, '..', 'shared', 'corpus');

export function binDir(): string {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'render', 'build.sh'), '--print-bin-dir'], { encoding: 'utf8' });
  return r.stdout.trim();
}

/** kubectlPath: the control plane's kubectl (v1.36.3, with kustomize v5.8.1 built in), when it has been built. */
export function kubectlPath(): string | undefined {
  const r = spawnSync('bash', [path.join(root, 'scripts', 'cluster', 'build.sh'), '--print-bin-dir'], { encoding: 'utf8' });
  const file = path.join(r.stdout.trim(), 'kubectl');
  return r.status === 0 && fs.existsSync(file) ? file : undefined;
}

export interface RealTools {
  helm: Tool;
  kustomize: Tool;
}

/** realTools: the built helm and kustomize; throws (KPL_REQUIRE_RENDER=1) or returns undefined when absent. */
export function realTools(): RealTools | undefined {
  const dir = binDir();
  const helm = path.join(dir, 'helm');
  const kustomize = path.join(dir, 'kustomize');
  if (fs.existsSync(helm) && fs.existsSync(kustomize))
    return { helm: { kind: 'helm', path: helm }, kustomize: { kind: 'kustomize', path: kustomize } };
  if (process.env['KPL_REQUIRE_RENDER'] === '1') throw new Error(`rendering tools missing in ${dir}: run scripts/render/build.sh`);
  return undefined;
}

/** The values file SOURCES.md names for a chart: _values/<owner>__<repo>__<chart folder name>.yaml. */
function valuesFileFor(rootDir: string, chartDir: string): string | undefined {
  const rel = path.relative(rootDir, chartDir).split(path.sep);
  const file = path.join(rootDir, '_values', `${rel[0] ?? ''}__${path.basename(chartDir)}.yaml`);
  return fs.existsSync(file) ? file : undefined;
}

/**
 * renderRequestsUnder: a render request for every chart and kustomization root below `dir`, as `kpl check` finds them;
 * with `withValues`, a chart gets the values file SOURCES.md names in `_values/` (the variant `values`), else its
 * defaults. Used by `npm run corpus` (corpus-run.ts) and the real-apiserver judge (real-cluster/admission-rendered.ts).
 */
export async function renderRequestsUnder(dir: string, withValues: boolean): Promise<RenderRequest[]> {
  const found = await discover([dir]);
  const requests: RenderRequest[] = [];
  for (const c of found.charts.filter((x) => x.rendered)) {
    const values = withValues ? valuesFileFor(dir, c.dir) : undefined;
    requests.push({
      tool: 'helm',
      dir: c.dir,
      display: path.relative(dir, c.dir),
      variant: values === undefined ? defaultVariant : { ...cliVariant([values], []), name: 'values' },
    });
  }
  for (const k of found.kustomizations.filter((x) => x.rendered))
    requests.push({ tool: 'kustomize', dir: k.dir, display: path.relative(dir, k.dir) });
  return requests;
}
