// Probe: the analysis and mapping time of rendered kustomizations (issue 16's argo-cd trees), apart from the tools'
// time. Renders once (`--save FILE` keeps the results), or reads saved results (`--load FILE`), then times
// analyseWithRenders per render, best of `--runs N` (default 3). Usage:
//   node out/bench/probes/render-mapping.js [--dir ../shared/rendered/argoproj__argo-cd] [--save F | --load F] [--runs N]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { AnalysisHost, newestKubernetesMinor } from '../../server/src/core/index';
import { analyseWithRenders, discover, Renderer } from '../../server/src/render/index';
import type { RenderResult } from '../../server/src/render/index';
import { repo, round } from '../measure';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};

async function renders(dir: string): Promise<RenderResult[]> {
  const bin = spawnSync('bash', [join(repo, 'scripts', 'render', 'build.sh'), '--print-bin-dir'], { encoding: 'utf8' }).stdout.trim();
  const renderer = new Renderer({
    helm: { kind: 'helm', path: join(bin, 'helm') },
    kustomize: { kind: 'kustomize', path: join(bin, 'kustomize') },
    trusted: true,
    kubeVersion: `v1.${newestKubernetesMinor}.0`,
    concurrency: 1,
    timeoutMs: 300_000,
  });
  const found = await discover([dir]);
  const out: RenderResult[] = [];
  for (const k of found.kustomizations.filter((x) => x.rendered))
    out.push(await renderer.render({ tool: 'kustomize', dir: k.dir, display: k.display }));
  return out;
}

async function main(): Promise<void> {
  const dir = arg('--dir') ?? join(repo, '..', 'shared', 'rendered', 'argoproj__argo-cd');
  const load = arg('--load');
  const results: RenderResult[] =
    load !== undefined && existsSync(load) ? (JSON.parse(readFileSync(load, 'utf8')) as RenderResult[]) : await renders(dir);
  const save = arg('--save');
  if (save !== undefined) writeFileSync(save, JSON.stringify(results));
  const runs = Number(arg('--runs') ?? '3');
  let total = 0;
  for (const result of results) {
    let best = Infinity;
    let findings = 0;
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
      findings = analyseWithRenders({ host, plain: new Map(), renders: [result], display: (_r, f) => f }).findings.length;
      best = Math.min(best, performance.now() - t);
    }
    total += best;
    console.log(
      `${result.source.root}: ${result.documents.length} documents, ${findings} findings, analysis+mapping ${round(best)} ms (tool ${round(result.toolMs)} ms)`,
    );
  }
  console.log(`total analysis+mapping ${round(total)} ms over ${results.length} render(s)`);
}

void main();
