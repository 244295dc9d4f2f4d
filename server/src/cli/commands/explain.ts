// `kpl explain`: effective priority, QoS, ranks, eviction tier and PDBs of every workload, as a table or JSON.
import type { Command } from '../command';
import { parseArgs, single } from '../args';
import { load, pathFlags, readPathFlags } from '../load';
import { explain, LineIndex } from '../../core/index';
import type { Range, WorkloadExplanation } from '../../core/index';
import { analyseWithRenders, displayFrom, placeSpan, sourceLabel } from '../../render/index';
import type { RenderSource } from '../../render/index';
import { readRenderFlags, renderFlags, renderUsage } from '../render';

export const explainCommand: Command = {
  name: 'explain',
  summary: 'Explain effective priority, QoS class, preemption order and eviction order of each workload',
  usage: `kpl explain [--format text|json] [--cluster-state PATH]... [--kubernetes-version 1.N] [--follow-symlinks] [--max-file-size MiB] ${renderUsage} PATH...`,
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: {
        format: { choices: ['text', 'json'] },
        'cluster-state': { repeat: true },
        config: {},
        'kubernetes-version': {},
        ...pathFlags.values,
        ...renderFlags.values,
      },
      booleans: [...pathFlags.booleans, ...renderFlags.booleans],
    });
    const render = readRenderFlags(args);
    const loaded = await load({
      paths: args.positionals,
      clusterState: args.values.get('cluster-state') ?? [],
      configFile: single(args, 'config'),
      kubernetesVersion: single(args, 'kubernetes-version'),
      ...readPathFlags(args),
      render,
    });
    const { model, findings } = loaded.host.analyze();
    // One verdict per object: what kpl check reports as an apiserver rejection makes the admission "rejected" here too.
    const all = [...findings.values()].flat();
    const explanation = explain(model, { findings: all });
    const indexes = new Map<string, LineIndex>();
    const rangeOf = (file: string, span: { start: number; end: number }) => {
      let index = indexes.get(file);
      if (index === undefined) {
        index = new LineIndex(model.files.get(file)?.text ?? '');
        indexes.set(file, index);
      }
      return index.range(span);
    };
    // Workloads of rendered input: each view's own render (the first view: plain files and charts' first variants),
    // placed on its template or patch line and marked with its source.
    const placed = new Map<WorkloadExplanation, { file: string; range: Range; source?: RenderSource }>();
    if (loaded.renders.length > 0) {
      const analysis = analyseWithRenders({ host: loaded.host, plain: loaded.plain, renders: loaded.renders, display: displayFrom });
      const workloads: WorkloadExplanation[] = [];
      for (const view of analysis.views) {
        // The host re-analyses only what a view changes: its findings plus the full first analysis cover every file.
        const own = explain(view.model, { findings: [...view.findings, ...all] }).workloads.filter((w) =>
          view.owner === undefined ? true : w.file === view.owner,
        );
        for (const w of own) {
          const where = placeSpan(view, w.file, w.span.start, displayFrom);
          if (where !== undefined) placed.set(w, where);
          workloads.push(w);
        }
      }
      explanation.workloads = workloads;
      const first = analysis.views[0];
      if (first !== undefined) explanation.priorityClasses = explain(first.model).priorityClasses;
    }
    if ((single(args, 'format') ?? 'text') === 'json') {
      const json = {
        workloads: explanation.workloads.map((w) => {
          const out: Record<string, unknown> = {
            kind: w.kind,
            namespace: w.namespace,
            name: w.name,
            file: placed.get(w)?.file ?? w.file,
            range: placed.get(w)?.range ?? rangeOf(w.file, w.span),
            priority: w.priority,
          };
          const source = placed.get(w)?.source;
          if (source !== undefined) out['source'] = source;
          if (w.priorityClassName !== undefined) out['priorityClassName'] = w.priorityClassName;
          Object.assign(out, {
            priorityFrom: w.priorityFrom,
            preemptionPolicy: w.preemptionPolicy,
            qosClass: w.qosClass,
            qosClassWithoutLimitRange: w.qosClassWithoutLimitRange,
          });
          if (w.limitRange !== undefined) out['limitRange'] = w.limitRange;
          Object.assign(out, {
            admission: w.admission,
            preemptibleBy: w.preemptibleBy,
            canPreempt: w.canPreempt,
            preemptionRank: w.preemptionRank,
            evictionTier: w.evictionTier,
            pdbs: w.pdbs,
          });
          if (w.kueue !== undefined) out['kueue'] = w.kueue;
          return out;
        }),
        priorityClasses: explanation.priorityClasses.map((c) => {
          const out: Record<string, unknown> = {
            name: c.name,
            value: c.value,
            globalDefault: c.globalDefault,
            preemptionPolicy: c.preemptionPolicy,
          };
          if (c.file !== undefined) out['file'] = c.file;
          out['usedBy'] = c.usedBy;
          return out;
        }),
      };
      io.stdout(`${JSON.stringify(json, null, 2)}\n`);
    } else {
      const header = ['WORKLOAD', 'PRIORITY', 'CLASS', 'FROM', 'POLICY', 'QOS', 'ORDER', 'PREEMPTIBLE BY', 'EVICTION', 'PDBS', 'ADMISSION'];
      const labelOf = (w: WorkloadExplanation): string => {
        const source = placed.get(w)?.source;
        return source === undefined ? '' : ` (${sourceLabel(source)})`;
      };
      const rows = explanation.workloads.map((w) => [
        `${w.kind}/${w.namespace}/${w.name}${labelOf(w)}`,
        String(w.priority),
        w.priorityClassName ?? '-',
        w.priorityFrom,
        w.preemptionPolicy,
        w.qosClass === w.qosClassWithoutLimitRange
          ? w.qosClass
          : `${w.qosClass} (was ${w.qosClassWithoutLimitRange}; ${w.limitRange ?? 'LimitRange'})`,
        // A workload admission rejects never runs: it has no place in either order.
        w.admission.allowed ? `${w.preemptionRank.position}/${w.preemptionRank.of}` : '-',
        String(w.preemptibleBy.length),
        w.admission.allowed ? `tier ${w.evictionTier.tier}` : '-',
        w.pdbs.join(',') || '-',
        w.admission.allowed ? 'ok' : 'REJECTED',
      ]);
      io.stdout(table([header, ...rows]));
      io.stdout(
        "ORDER: place in the preemption order (1 is preempted first: the lowest priority). EVICTION: the kubelet's order under node pressure (tier 1 first).\n",
      );
      io.stdout('\nPriorityClasses (highest first):\n');
      io.stdout(
        table([
          ['CLASS', 'VALUE', 'DEFAULT', 'POLICY', 'SOURCE', 'USED BY'],
          ...explanation.priorityClasses.map((c) => [
            c.name,
            String(c.value),
            c.globalDefault ? 'yes' : '',
            c.preemptionPolicy,
            c.source,
            String(c.usedBy.length),
          ]),
        ]),
      );
      const queued = explanation.workloads.filter((w) => w.kueue !== undefined);
      if (queued.length > 0) {
        io.stdout('\nKueue (workloads that name a queue):\n');
        io.stdout(
          table([
            ['WORKLOAD', 'QUEUE', 'CLUSTERQUEUE PATH', 'KUEUE PRIORITY', 'POD PRIORITY', 'PREEMPTIBLE BY KUEUE'],
            ...queued.map((w) => kueueRow(w, labelOf(w))),
          ]),
        );
        for (const w of queued)
          for (const p of w.kueue?.problems ?? []) io.stdout(`${w.kind}/${w.namespace}/${w.name} (Kueue): ${p.message}\n`);
      }
      const rejected = explanation.workloads.filter((w) => !w.admission.allowed);
      for (const w of rejected) io.stdout(`\n${w.kind}/${w.namespace}/${w.name}: ${w.admission.message ?? ''}`);
      if (rejected.length > 0) io.stdout('\n');
    }
    // explain prints no findings: files it did not read are named on stderr instead (exit code unchanged).
    for (const message of loaded.skipped) io.stderr(`kpl: note: ${message}\n`);
    for (const p of loaded.problems) if (p.argument) io.stderr(`kpl: ${p.message}\n`);
    return loaded.problems.some((p) => p.argument) ? 2 : 0;
  },
};

/** One row of the Kueue table: the queue path, both priorities side by side, and who Kueue could preempt it for. */
function kueueRow(w: WorkloadExplanation, label: string): string[] {
  const k = w.kueue;
  if (k === undefined) return [];
  const pod = `${k.podPriority.value} (${k.podPriority.className ?? k.podPriority.origin})`;
  const reasons = [...new Set(k.preemptors.flatMap((p) => p.reasons.map((r) => r.reason)))].sort();
  const by = !k.queued
    ? '- (not queued)'
    : k.neverPreemptedByKueue
      ? 'never'
      : k.clusterQueue === undefined
        ? '-'
        : `${k.preemptorCount}${reasons.length > 0 ? ` (${reasons.join(', ')})` : ''}`;
  return [`${w.kind}/${w.namespace}/${w.name}${label}`, k.localQueue ?? k.queueName, k.path ?? '-', k.priority.text, pod, by];
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return `${rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}
