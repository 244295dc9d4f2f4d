// `kpl diagnose NAMESPACE/NAME`: what happened to a pod (preempted, evicted, OOMKilled, ...), who preempted it, the Job
// consequence and concrete fixes, read from the cluster of a kubeconfig context (read-only) and the local history.
import { promises as fs } from 'node:fs';
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import { escapeMarkdown, explain, parseFile, podsOfWorkload, renderDiagnoseMarkdown, renderDiagnoseText } from '../../core/index';
import type { Finding, ParsedFile, PodRecord, WorkloadExplanation } from '../../core/index';
import { load } from '../load';
import type { Io } from '../command';
import { ApiError, ClusterConnection, HistoryStore, KubeconfigError } from '../../cluster/index';
import { walkPaths } from '../../workspace/walk';

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary:
    'Explain what happened to a live or recently deleted pod: preemption (naming the preemptor), eviction, OOM kill, Job consequence and fixes (exit 1 when the pod is unknown)',
  usage:
    'kpl diagnose NAMESPACE/NAME|KIND/NAMESPACE/NAME [--format text|json|markdown] [--kubeconfig PATH] [--context NAME] [--namespace NS]... [--history DIR] [PATH...]',
  async run(argv, io) {
    const args = parseArgs(argv, {
      values: { format: { choices: ['text', 'json', 'markdown'] }, kubeconfig: {}, context: {}, history: {}, namespace: { repeat: true } },
    });
    const [targetText, ...paths] = args.positionals;
    if (targetText === undefined) throw new UsageError('no pod given: kpl diagnose NAMESPACE/NAME');
    const format = single(args, 'format') ?? 'text';
    // `Kind/namespace/name`: the workload (e.g. the one under the editor's cursor), explained from the manifests.
    const w = /^([A-Z][A-Za-z0-9]*)\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(targetText);
    // A Job without manifests, with a cluster named: what Kueue and kube-scheduler did to it (its Workload, its pods).
    const liveJob = w !== null && w[1] === 'Job' && paths.length === 0 && clusterNamed(args);
    if (w !== null && !liveJob)
      return diagnoseWorkload({ kind: w[1] ?? '', namespace: w[2] ?? '', name: w[4] ?? '' }, paths, format, args, io);
    const m = liveJob ? null : /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(targetText);
    if (m === null && !liveJob) throw new UsageError(`"${targetText}" is not NAMESPACE/NAME or KIND/NAMESPACE/NAME`);
    const target = liveJob ? { namespace: w?.[2] ?? '', name: w?.[4] ?? '' } : { namespace: m?.[1] ?? '', name: m?.[3] ?? '' };

    // Workspace manifests (to link fixes to lines).
    let workspace: ParsedFile[] | undefined;
    if (paths.length > 0) {
      const walked = await walkPaths(paths, { blocking: true });
      for (const p of walked.problems) if (p.argument) throw new UsageError(p.message);
      workspace = [];
      for (const f of walked.files) {
        try {
          workspace.push(parseFile({ path: f.path, content: new Uint8Array(await fs.readFile(f.absolute)) }));
        } catch {
          // unreadable files only lose their links
        }
      }
    }

    let history: HistoryStore | undefined;
    const historyDir = single(args, 'history');
    if (historyDir !== undefined) {
      history = await HistoryStore.open({ dir: historyDir });
      for (const msg of history.messages) io.stderr(`kpl diagnose: ${msg}\n`);
    }
    const namespaces = args.values.get('namespace');
    const connection = new ClusterConnection({
      watch: false,
      ...(single(args, 'kubeconfig') !== undefined ? { kubeconfig: single(args, 'kubeconfig') } : {}),
      ...(single(args, 'context') !== undefined ? { context: single(args, 'context') } : {}),
      ...(namespaces !== undefined ? { namespaces } : {}),
      ...(history !== undefined ? { history } : {}),
      ...(args.booleans.has('debug') ? { log: (msg: string) => io.stderr(`kpl diagnose: ${msg}\n`) } : {}),
    });
    try {
      await connection.start();
    } catch (error) {
      if (error instanceof KubeconfigError) {
        io.stderr(`kpl diagnose: ${error.message}\n`);
        return 2;
      }
      if (error instanceof ApiError) {
        io.stderr(`kpl diagnose: ${error.message}\n`);
        return 2;
      }
      throw error;
    }
    try {
      const state = connection.state();
      if (state.state === 'forbidden' || state.state === 'offline') io.stderr(`kpl diagnose: ${state.detail ?? state.state}\n`);
      else if (state.state === 'partial') io.stderr(`kpl diagnose: partial view: ${state.detail ?? ''}\n`);
      const report = liveJob ? await connection.diagnoseJob(target) : await connection.diagnose(target, workspace);
      if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else if (format === 'markdown') io.stdout(renderDiagnoseMarkdown(report));
      else io.stdout(renderDiagnoseText(report));
      return report.found ? 0 : 1;
    } finally {
      await connection.stop();
    }
  },
};

type Args = ReturnType<typeof parseArgs>;

/** A cluster is named: --kubeconfig, --context or $KUBECONFIG. */
function clusterNamed(args: Args): boolean {
  return single(args, 'kubeconfig') !== undefined || single(args, 'context') !== undefined || process.env['KUBECONFIG'] !== undefined;
}

/** The static explanation of one workload (explain + the findings on it = predicted risks), as text lines. */
export function staticExplanationLines(e: WorkloadExplanation, findings: readonly Finding[]): { summary: string[]; risks: string[] } {
  const summary = [
    `Priority ${e.priority}${e.priorityClassName !== undefined ? ` (class ${e.priorityClassName})` : ''}, from ${e.priorityFrom}; preemptionPolicy ${e.preemptionPolicy}; QoS ${e.qosClass}${e.qosClass !== e.qosClassWithoutLimitRange ? ` (${e.qosClassWithoutLimitRange} without ${e.limitRange ?? 'the LimitRange'})` : ''}`,
    `Preemption order: ${e.preemptionRank.position} of ${e.preemptionRank.of} to be preempted (lowest priority first); can be preempted by ${e.preemptibleBy.length} workload(s)${e.preemptibleBy.length > 0 ? `: ${e.preemptibleBy.slice(0, 10).join(', ')}${e.preemptibleBy.length > 10 ? ', …' : ''}` : ''}`,
    `Eviction tier ${e.evictionTier.tier}: ${e.evictionTier.reason}`,
    e.pdbDetails.length > 0
      ? `PDBs: ${e.pdbDetails.map((p) => `${p.id} (disruptionsAllowed ${p.disruptionsAllowed}): ${p.explanation}`).join('; ')}`
      : 'PDBs: none select it',
  ];
  if (e.job !== undefined)
    summary.push(
      `Job: backoffLimit ${e.job.backoffLimit}${e.job.backoffLimitIsDefault ? ' (default)' : ''}, parallelism ${e.job.parallelism}, ${e.job.ignoresDisruptionTarget ? 'podFailurePolicy ignores DisruptionTarget' : 'disruptions count toward backoffLimit'}`,
    );
  if (!e.admission.allowed) summary.push(`Admission: rejected: ${e.admission.message ?? ''}`);
  const risks = findings.map((f) => `${f.severity} ${f.ruleId}: ${f.message}`);
  // Without findings (rules off or suppressed), still state the two risks the explanation shows.
  if (risks.length === 0 && e.preemptibleBy.length > 0)
    risks.push(`Can be preempted by ${e.preemptibleBy.length} higher-priority workload(s) when the cluster is full.`);
  if (risks.length === 0 && e.job !== undefined && !e.job.ignoresDisruptionTarget && e.job.backoffLimit < 3)
    risks.push(`backoffLimit ${e.job.backoffLimit}: the Job fails after ${e.job.backoffLimit + 1} disrupted pod(s).`);
  return { summary, risks };
}

async function diagnoseWorkload(
  target: { kind: string; namespace: string; name: string },
  paths: string[],
  format: string,
  args: Args,
  io: Io,
): Promise<number> {
  const id = `${target.kind}/${target.namespace}/${target.name}`;
  if (paths.length === 0) throw new UsageError(`${id} is a workload: give the PATHs of its manifests (kpl diagnose ${id} PATH...)`);
  const loaded = await load({ paths, clusterState: [], configFile: undefined, kubernetesVersion: undefined });
  for (const p of loaded.problems) if (p.argument) io.stderr(`kpl diagnose: ${p.message}\n`);
  const { model, findings } = loaded.host.analyze();
  const explanation = explain(model);
  const e = explanation.workloads.find((x) => x.kind === target.kind && x.name === target.name && x.namespace === target.namespace);
  const analyzed = model.workloads.find(
    (x) => x.object.kind === target.kind && x.object.name === target.name && (x.object.namespace ?? 'default') === target.namespace,
  );

  // Live pods of the workload, when a cluster is configured and reachable (optional: the static part stands alone).
  let live: PodRecord[] = [];
  let clusterNote: string | undefined;
  if (clusterNamed(args)) {
    const connection = new ClusterConnection({
      watch: false,
      ...(single(args, 'kubeconfig') !== undefined ? { kubeconfig: single(args, 'kubeconfig') } : {}),
      ...(single(args, 'context') !== undefined ? { context: single(args, 'context') } : {}),
    });
    try {
      await connection.start();
      live = podsOfWorkload(connection.pods(), {
        ...target,
        ...(analyzed !== undefined ? { podLabels: analyzed.workload.podLabels } : {}),
      });
    } catch (error) {
      clusterNote = `cluster not read: ${error instanceof Error ? error.message : String(error)}`;
    } finally {
      await connection.stop();
    }
  }
  if (clusterNote !== undefined) io.stderr(`kpl diagnose: ${clusterNote}\n`);
  if (e === undefined) {
    io.stderr(`kpl diagnose: no workload ${id} in the given PATHs\n`);
    return 1;
  }
  const own = [...findings.values()]
    .flat()
    .filter((f) => f.file === e.file && (f.object === id || (f.span.start >= e.span.start && f.span.end <= e.span.end)));
  const { summary, risks } = staticExplanationLines(e, own);
  const podLines = live.map(
    (p) =>
      `${p.namespace}/${p.name}${p.deletedAt !== undefined ? ' (deleted)' : p.phase !== undefined ? ` (${p.phase})` : ''}${p.node !== undefined ? ` on ${p.node}` : ''} — kpl diagnose ${p.namespace}/${p.name}`,
  );
  const heading =
    live.length > 0
      ? `Workload ${id}: static explanation and its ${live.length} pod(s) in the cluster`
      : `Workload ${id}: no cluster pod matched; static explanation from the manifests (${e.file})`;
  if (format === 'json') {
    io.stdout(
      `${JSON.stringify({ kind: 'static', target: id, workload: e, risks, findings: own.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message })), livePods: live.map((p) => `${p.namespace}/${p.name}`) }, null, 2)}\n`,
    );
  } else if (format === 'markdown') {
    const lines = [
      `# ${escapeMarkdown(heading)}`,
      '',
      '## Explanation',
      '',
      ...summary.map((l) => `- ${escapeMarkdown(l)}`),
      '',
      '## Predicted risks',
      '',
      ...(risks.length > 0 ? risks.map((l) => `- ${escapeMarkdown(l)}`) : ['- none found']),
      '',
    ];
    if (podLines.length > 0) lines.push('## Pods in the cluster', '', ...podLines.map((l) => `- ${escapeMarkdown(l)}`), '');
    io.stdout(`${lines.join('\n').trimEnd()}\n`);
  } else {
    const lines = [
      heading,
      '',
      'Explanation:',
      ...summary.map((l) => `  ${l}`),
      '',
      'Predicted risks:',
      ...(risks.length > 0 ? risks.map((l) => `  ${l}`) : ['  none found']),
    ];
    if (podLines.length > 0) lines.push('', 'Pods in the cluster:', ...podLines.map((l) => `  ${l}`));
    io.stdout(`${lines.join('\n')}\n`);
  }
  return 0;
}
