// Rendered input (issue 16): render time per chart and kustomization of ../shared/rendered (the tool's time vs our
// analysis and mapping), and the language server's plain-file edit latency while renders run, against the same
// workspace with rendering off, in the same run (target: p50 ratio ≤ 1.15).
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { AnalysisHost, newestKubernetesMinor } from '../server/src/core/index';
import { analyseWithRenders, defaultVariant, discover, Renderer } from '../server/src/render/index';
import type { RenderResult } from '../server/src/render/index';
import { TestClient } from '../test/lsp/harness';
import { median, percentile, repo, round, serverJs } from './measure';

export interface RenderTiming {
  root: string;
  tool: 'helm' | 'kustomize';
  rendered: boolean;
  documents: number;
  toolMs: number;
  analysisMs: number;
}

function binDir(): string | undefined {
  const r = spawnSync('bash', [join(repo, 'scripts', 'render', 'build.sh'), '--print-bin-dir'], { encoding: 'utf8' });
  const dir = r.stdout.trim();
  return r.status === 0 && existsSync(join(dir, 'helm')) && existsSync(join(dir, 'kustomize')) ? dir : undefined;
}

/** renderTimes renders every chart (default values) and kustomization root of `dir`, uncached, one at a time. */
export async function renderTimes(dir: string): Promise<{ renders: RenderTiming[] } | { skipped: string }> {
  const bin = binDir();
  if (bin === undefined) return { skipped: 'helm/kustomize not built (scripts/render/build.sh): render figures skipped' };
  if (!existsSync(dir)) return { skipped: `${dir} not found: render figures skipped` };
  const renderer = new Renderer({
    helm: { kind: 'helm', path: join(bin, 'helm') },
    kustomize: { kind: 'kustomize', path: join(bin, 'kustomize') },
    trusted: true,
    kubeVersion: `v1.${newestKubernetesMinor}.0`,
    concurrency: 1,
  });
  const found = await discover([dir]);
  const out: RenderTiming[] = [];
  const requests = [
    ...found.charts
      .filter((c) => c.rendered)
      .map((c) => ({ tool: 'helm' as const, dir: c.dir, display: c.display, variant: defaultVariant })),
    ...found.kustomizations.filter((k) => k.rendered).map((k) => ({ tool: 'kustomize' as const, dir: k.dir, display: k.display })),
  ];
  for (const request of requests) {
    const result: RenderResult = await renderer.render(request);
    const t = performance.now();
    const host = new AnalysisHost({ kubernetesMinor: newestKubernetesMinor }, { severities: {} });
    analyseWithRenders({ host, plain: new Map(), renders: [result], display: (_r, f) => f });
    out.push({
      root: request.display,
      tool: request.tool,
      rendered: result.documents.length > 0,
      documents: result.documents.length,
      toolMs: round(result.toolMs),
      analysisMs: round(performance.now() - t),
    });
  }
  return { renders: out };
}

export interface RenderEditFigures {
  withoutRendersP50Ms: number;
  withRendersP50Ms: number;
  withRendersP95Ms: number;
  ratioP50: number;
  rendersDuringEdits: number;
  edits: number;
}

/**
 * editLatencyWithRenders: one-line edits of a plain manifest of `dir` (a copy with the Helm and Kustomize examples
 * added), first with rendering off, then with a values file rewritten every second (past the 400 ms debounce) so that renders keep running.
 */
export async function editLatencyWithRenders(
  dir: string,
  editFile: string,
  quick: boolean,
): Promise<RenderEditFigures | { skipped: string }> {
  const bin = binDir();
  if (bin === undefined || !existsSync(serverJs))
    return { skipped: 'helm/kustomize or dist/server.js missing: render edit figures skipped' };
  cpSync(join(repo, 'examples', 'ci-preemption-helm'), join(dir, 'chart'), { recursive: true });
  cpSync(join(repo, 'examples', 'ci-preemption-kustomize'), join(dir, 'kustomize'), { recursive: true });
  const run = async (enabled: boolean): Promise<{ times: number[]; renders: number }> => {
    const c = await TestClient.start({
      folder: dir,
      capabilities: {
        textDocument: { publishDiagnostics: { versionSupport: true } },
        workspace: { workspaceFolders: true, configuration: false },
      },
      initializationOptions: {
        trusted: true,
        settings: { clusterAware: false, render: { enabled, helmPath: join(bin, 'helm'), kustomizePath: join(bin, 'kustomize') } },
      },
      deferInitialized: true,
    });
    let renders = 0;
    let indexedResolve: (() => void) | undefined;
    const indexed = new Promise<void>((resolve) => (indexedResolve = resolve));
    c.onLog((m) => {
      if (/^rendered \d+ chart/.test(m)) renders++;
      if (/indexed \d+ file/.test(m)) indexedResolve?.();
    });
    const waiters: Array<{ version: number; resolve: () => void }> = [];
    const path = join(dir, editFile);
    const uri = pathToFileURL(path).href;
    c.onPublish((p) => {
      if (p.uri !== uri) return;
      for (let i = waiters.length - 1; i >= 0; i--) if ((p.version ?? 0) >= (waiters[i]?.version ?? 0)) waiters.splice(i, 1)[0]?.resolve();
    });
    const wait = (version: number) => new Promise<void>((resolve) => waiters.push({ version, resolve }));
    void c.initialized();
    await indexed;
    const lines = readFileSync(path, 'utf8').split('\n');
    let version = 1;
    const opened = wait(1);
    void c.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version, text: lines.join('\n') },
    });
    await opened;
    const values = join(dir, 'chart', 'values-prod.yaml');
    const original = readFileSync(values, 'utf8');
    let n = 0;
    const churn = enabled
      ? setInterval(() => {
          writeFileSync(values, `${original}# bench ${n++}\n`);
          void c.connection.sendNotification('workspace/didChangeWatchedFiles', {
            changes: [{ uri: pathToFileURL(values).href, type: 2 }],
          });
        }, 1000)
      : undefined;
    const imageLine = lines.findIndex((l) => l.includes('image: '));
    const imageText = lines[imageLine] ?? '';
    const times: number[] = [];
    for (let i = 0; i < (quick ? 20 : 60); i++) {
      const newLine = imageText.replace(/:[^:]*$/, `:render-bench-${i}`);
      const old = lines[imageLine] ?? '';
      lines[imageLine] = newLine;
      version++;
      const done = wait(version);
      const t = performance.now();
      void c.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version },
        contentChanges: [
          { range: { start: { line: imageLine, character: 0 }, end: { line: imageLine, character: old.length } }, text: newLine },
        ],
      });
      await done;
      times.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50)); // typing pace: renders get to run between keystrokes
    }
    if (churn !== undefined) clearInterval(churn);
    writeFileSync(values, original);
    c.proc.kill();
    c.connection.dispose();
    return { times, renders };
  };
  try {
    const off = await run(false);
    const on = await run(true);
    return {
      withoutRendersP50Ms: round(median(off.times), 2),
      withRendersP50Ms: round(median(on.times), 2),
      withRendersP95Ms: round(percentile(on.times, 95), 2),
      ratioP50: round(median(on.times) / median(off.times), 2),
      rendersDuringEdits: on.renders,
      edits: on.times.length,
    };
  } catch (error) {
    return { skipped: `render edit run failed: ${(error as Error).message}` };
  }
}

/** printRendered: the render table (tool vs analysis per chart/kustomization) and the edit latency ratio. */
export function printRendered(figures: Record<string, unknown>): void {
  const times = figures['times'] as { renders?: RenderTiming[]; skipped?: string } | undefined;
  console.log('\nrendered input (../shared/rendered, default values, uncached):');
  if (times?.renders === undefined) console.log(`  ${times?.skipped ?? 'skipped'}`);
  else {
    for (const r of times.renders)
      console.log(
        `  ${r.tool.padEnd(9)} ${r.root.padEnd(48)} ${r.rendered ? `${String(r.documents).padStart(4)} docs` : '  failed'}  tool ${String(r.toolMs).padStart(7)} ms  analysis ${String(r.analysisMs).padStart(6)} ms`,
      );
    const tool = times.renders.reduce((n, r) => n + r.toolMs, 0);
    const ours = times.renders.reduce((n, r) => n + r.analysisMs, 0);
    console.log(`  total: ${times.renders.length} renders, tools ${round(tool)} ms, analysis and mapping ${round(ours)} ms`);
  }
  const edit = figures['editWhileRendering'] as (RenderEditFigures & { skipped?: string }) | undefined;
  if (edit === undefined) return;
  if (edit.skipped !== undefined) console.log(`  edits while rendering: ${edit.skipped}`);
  else
    console.log(
      `  plain-file edit p50 ${edit.withoutRendersP50Ms} ms without renders, ${edit.withRendersP50Ms} ms with ${edit.rendersDuringEdits} renders running (p95 ${edit.withRendersP95Ms} ms): ratio ${edit.ratioP50} (target ≤ 1.15)`,
    );
}
