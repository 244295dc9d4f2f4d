// `kpl check`: lint manifests with every rule; text, JSON or SARIF; exit code by --fail-on.
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import { load, pathFlags, readPathFlags } from '../load';
import { findingsSarif, findingsText, findingsToJson, placedToJson } from '../output';
import { readRenderFlags, renderFlags, renderUsage } from '../render';
import { analyseWithRenders, displayFrom } from '../../render/index';
import { sortFindings } from '../../core/index';
import type { Severity } from '../../core/index';
import type { RenderResult } from '../../render/index';

const rank: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export const checkCommand: Command = {
  name: 'check',
  summary: 'Report priority, QoS, PDB, affinity and Job findings for manifests',
  usage: `kpl check [--format text|json|sarif] [--cluster-state PATH]... [--config FILE] [--fail-on error|warning] [--kubernetes-version 1.N] [--follow-symlinks] [--max-file-size MiB] [--timing] ${renderUsage} PATH...`,
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: {
        format: { choices: ['text', 'json', 'sarif'] },
        'cluster-state': { repeat: true },
        config: {},
        'fail-on': { choices: ['error', 'warning'] },
        'kubernetes-version': {},
        ...pathFlags.values,
        ...renderFlags.values,
      },
      booleans: ['timing', ...pathFlags.booleans, ...renderFlags.booleans],
    });
    const render = readRenderFlags(args);
    const started = Date.now();
    const loaded = await load({
      paths: args.positionals,
      clusterState: args.values.get('cluster-state') ?? [],
      configFile: single(args, 'config'),
      kubernetesVersion: single(args, 'kubernetes-version'),
      ...readPathFlags(args),
      render,
    });
    let json;
    let workloads: number;
    let objectCount = loaded.objectCount;
    if (loaded.renders.length === 0) {
      const { model, findings } = loaded.host.analyze();
      json = findingsToJson(sortFindings([...findings.values()].flat()), model);
      workloads = model.workloads.filter((w) => w.object.origin === 'workspace').length;
    } else {
      const analysis = analyseWithRenders({ host: loaded.host, plain: loaded.plain, renders: loaded.renders, display: displayFrom });
      json = placedToJson(analysis.findings);
      workloads = 0;
      for (const view of analysis.views) {
        workloads += view.model.workloads.filter(
          (w) => w.object.origin === 'workspace' && (view.owner === undefined ? true : w.object.file === view.owner),
        ).length;
        for (const file of view.renders.keys())
          if (view.owner === undefined || view.owner === file) objectCount += view.model.files.get(file)?.objects.length ?? 0;
      }
    }
    const format = single(args, 'format') ?? 'text';
    if (format === 'json') io.stdout(`${JSON.stringify({ findings: json }, null, 2)}\n`);
    else if (format === 'sarif') io.stdout(`${JSON.stringify(findingsSarif(json, process.env.KPL_VERSION ?? '0.0.0'), null, 2)}\n`);
    else {
      const counts = (['error', 'warning', 'info', 'hint'] as const)
        .map((s) => `${json.filter((f) => f.severity === s).length} ${s}`)
        .join(', ');
      const timing = args.booleans.has('timing') ? ` in ${Date.now() - started} ms` : '';
      io.stdout(
        findingsText(
          json,
          `${loaded.fileCount} file(s), ${rendersSummary(loaded.renders)}${objectCount} object(s), ${workloads} workload(s) analysed${timing}: ${counts}`,
        ),
      );
    }
    for (const p of loaded.problems) if (p.argument) io.stderr(`kpl: ${p.message}\n`);
    if (loaded.problems.some((p) => p.argument)) return 2;
    const threshold = rank[(single(args, 'fail-on') ?? 'error') as Severity];
    if (render.require && loaded.renders.some((r) => r.problems.length > 0 || r.documents.length === 0)) {
      io.stderr('kpl: --require-render: a chart or kustomization was not rendered (see its render-* finding)\n');
      return 1;
    }
    return json.some((f) => rank[f.severity] >= threshold) ? 1 : 0;
  },
};

/** `2 render(s) (helm, kustomize), ` before the object count, when charts or kustomizations were rendered. */
function rendersSummary(renders: readonly RenderResult[]): string {
  if (renders.length === 0) return '';
  const tools = [...new Set(renders.map((r) => r.source.tool))].sort().join(', ');
  return `${renders.length} render(s) (${tools}), `;
}

export { UsageError };
