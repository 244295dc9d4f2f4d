// `kpl diagnose NAMESPACE/NAME`: what happened to a pod (preempted, evicted, OOMKilled, ...), who preempted it, the Job
// consequence and concrete fixes, read from the cluster of a kubeconfig context (read-only) and the local history.
import { promises as fs } from 'node:fs';
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import { parseFile, renderDiagnoseMarkdown, renderDiagnoseText } from '../../core/index';
import type { ParsedFile } from '../../core/index';
import { ApiError, ClusterConnection, HistoryStore, KubeconfigError } from '../../cluster/index';
import { walkPaths } from '../../workspace/walk';

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'Explain what happened to a live or recently deleted pod: preemption (naming the preemptor), eviction, OOM kill, Job consequence and fixes (exit 1 when the pod is unknown)',
  usage: 'kpl diagnose NAMESPACE/NAME [--format text|json|markdown] [--kubeconfig PATH] [--context NAME] [--namespace NS]... [--history DIR] [PATH...]',
  async run(argv, io) {
    const args = parseArgs(argv, { values: { format: { choices: ['text', 'json', 'markdown'] }, kubeconfig: {}, context: {}, history: {}, namespace: { repeat: true } } });
    const [targetText, ...paths] = args.positionals;
    if (targetText === undefined) throw new UsageError('no pod given: kpl diagnose NAMESPACE/NAME');
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/.exec(targetText);
    if (m === null) throw new UsageError(`"${targetText}" is not NAMESPACE/NAME`);
    const target = { namespace: m[1] ?? '', name: m[3] ?? '' };
    const format = single(args, 'format') ?? 'text';

    // Workspace manifests (to link fixes to lines).
    let workspace: ParsedFile[] | undefined;
    if (paths.length > 0) {
      const walked = await walkPaths(paths);
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
      const report = await connection.diagnose(target, workspace);
      if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else if (format === 'markdown') io.stdout(renderDiagnoseMarkdown(report));
      else io.stdout(renderDiagnoseText(report));
      return report.found ? 0 : 1;
    } finally {
      await connection.stop();
    }
  },
};
