// `kpl check`: lint manifests with every rule; text, JSON or SARIF; exit code by --fail-on.
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import { load, pathFlags, readPathFlags } from '../load';
import { findingsSarif, findingsText, findingsToJson } from '../output';
import { sortFindings } from '../../core/index';
import type { Finding, Severity } from '../../core/index';

const rank: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };

export const checkCommand: Command = {
  name: 'check',
  summary: 'Report priority, QoS, PDB, affinity and Job findings for manifests',
  usage:
    'kpl check [--format text|json|sarif] [--cluster-state PATH]... [--config FILE] [--fail-on error|warning] [--kubernetes-version 1.N] [--follow-symlinks] [--max-file-size MiB] [--timing] PATH...',
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: {
        format: { choices: ['text', 'json', 'sarif'] },
        'cluster-state': { repeat: true },
        config: {},
        'fail-on': { choices: ['error', 'warning'] },
        'kubernetes-version': {},
        ...pathFlags.values,
      },
      booleans: ['timing', ...pathFlags.booleans],
    });
    const started = Date.now();
    const loaded = await load({
      paths: args.positionals,
      clusterState: args.values.get('cluster-state') ?? [],
      configFile: single(args, 'config'),
      kubernetesVersion: single(args, 'kubernetes-version'),
      ...readPathFlags(args),
    });
    const { model, findings } = loaded.host.analyze();
    const all: Finding[] = sortFindings([...findings.values()].flat());
    const json = findingsToJson(all, model);
    const format = single(args, 'format') ?? 'text';
    if (format === 'json') io.stdout(`${JSON.stringify({ findings: json }, null, 2)}\n`);
    else if (format === 'sarif') io.stdout(`${JSON.stringify(findingsSarif(json, process.env.KPL_VERSION ?? '0.0.0'), null, 2)}\n`);
    else {
      const counts = (['error', 'warning', 'info', 'hint'] as const)
        .map((s) => `${all.filter((f) => f.severity === s).length} ${s}`)
        .join(', ');
      const timing = args.booleans.has('timing') ? ` in ${Date.now() - started} ms` : '';
      io.stdout(
        findingsText(
          json,
          `${loaded.fileCount} file(s), ${loaded.objectCount} object(s), ${model.workloads.filter((w) => w.object.origin === 'workspace').length} workload(s) analysed${timing}: ${counts}`,
        ),
      );
    }
    for (const p of loaded.problems) if (p.argument) io.stderr(`kpl: ${p.message}\n`);
    if (loaded.problems.some((p) => p.argument)) return 2;
    const threshold = rank[(single(args, 'fail-on') ?? 'error') as Severity];
    return all.some((f) => rank[f.severity] >= threshold) ? 1 : 0;
  },
};

export { UsageError };
