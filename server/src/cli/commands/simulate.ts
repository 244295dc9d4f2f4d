// `kpl simulate`: where would this pending pod go, and whom would the scheduler preempt for it (R-E.*)?
import { promises as fs } from 'node:fs';
import type { Command } from '../command';
import { parseArgs, single, UsageError } from '../args';
import { canonicalQuantity, SimCluster, formatCpu, newestKubernetesMinor, parseFile, simulate } from '../../core/index';
import type { K8sObject, SimulationResult } from '../../core/index';
import { describeError, walkPaths } from '../../workspace/walk';
import { table } from './explain';

/** InputError is an unreadable PATH or an unknown pod/node: one line on stderr, exit code 2. */
export class InputError extends Error {}

/** loadObjects reads every manifest below PATHs; an unreadable PATH argument is an InputError (exit 2). */
export async function loadObjects(paths: readonly string[]): Promise<{ objects: K8sObject[]; parseMs: number }> {
  if (paths.length === 0) throw new UsageError('no PATH given');
  const walked = await walkPaths(paths, { blocking: true });
  const argumentProblem = walked.problems.find((p) => p.argument);
  if (argumentProblem !== undefined) throw new InputError(argumentProblem.message);
  const objects: K8sObject[] = [];
  let parseMs = 0;
  for (const f of walked.files) {
    let content: Uint8Array;
    try {
      content = new Uint8Array(await fs.readFile(f.absolute));
    } catch (error) {
      if (paths.includes(f.path)) throw new InputError(`${f.path}: ${describeError(error)}`);
      continue;
    }
    const started = performance.now();
    const parsed = parseFile({ path: f.path, content, origin: 'cluster' });
    parseMs += performance.now() - started;
    for (const o of parsed.objects) objects.push(o);
  }
  return { objects, parseMs };
}

export function parsePodRef(text: string): { namespace: string; name: string } {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(text);
  if (match === null) throw new UsageError(`--pod must be NAMESPACE/NAME (got "${text}")`);
  return { namespace: match[1] ?? '', name: match[2] ?? '' };
}

export function simulationJson(result: SimulationResult): Record<string, unknown> {
  const json: Record<string, unknown> = {
    pod: result.pod.id,
    outcome: result.outcome,
    node: result.node,
    victims: result.victims.map((v) => v.id),
    candidates: result.candidates.map((c) => ({
      node: c.node,
      victims: c.victims.map((v) => v.id).sort(),
      pdbViolations: c.pdbViolations,
    })),
    nodes: result.nodes.map((n) => ({ node: n.node, fits: n.fits, reasons: n.reasons })),
  };
  if (result.reason !== undefined) json['reason'] = result.reason;
  return json;
}

function simulationText(result: SimulationResult): string {
  const pod = result.pod;
  const lines: string[] = [];
  lines.push(
    `Pod ${pod.id}: priority ${pod.priority}, preemptionPolicy ${pod.preemptionPolicy}, requests ${
      Object.entries(pod.requests)
        .map(([r, v]) => `${r}=${r === 'cpu' ? formatCpu(v) : canonicalQuantity(v, v % 1024000 === 0 ? 'BinarySI' : 'DecimalSI')}`)
        .join(' ') || 'none'
    }`,
  );
  if (pod.nodeName !== undefined)
    lines.push(`(the pod has spec.nodeName ${pod.nodeName}; simulated as if it were pending, without itself on that node)`);
  switch (result.outcome) {
    case 'fits':
      lines.push(
        `Outcome: fits without preemption. Feasible node(s): ${result.nodes
          .filter((n) => n.fits)
          .map((n) => n.node)
          .join(', ')}.`,
      );
      lines.push(
        `Node shown: ${result.node ?? '-'} (first feasible node by name; scoring is not modelled, the scheduler may pick any feasible node).`,
      );
      break;
    case 'preempt':
      lines.push(`Outcome: preempts on node ${result.node ?? '-'}; victims: ${result.victims.map((v) => v.id).join(', ')}.`);
      break;
    case 'unschedulable':
      lines.push('Outcome: unschedulable: preemption cannot make room on any node.');
      break;
    case 'ineligible':
      lines.push('Outcome: no node fits and the pod may not preempt.');
      break;
  }
  if (result.reason !== undefined) lines.push(`Reason: ${result.reason}`);
  lines.push('');
  const rows = [['NODE', 'FITS', 'WHY / VICTIMS']];
  for (const n of result.nodes) rows.push([n.node, n.fits ? 'yes' : 'no', n.fits ? '-' : n.reasons.join('; ')]);
  let text = `${lines.join('\n')}\n${table(rows)}`;
  if (result.candidates.length > 0) {
    const crows = [['CANDIDATE', 'PDB VIOLATIONS', 'HIGHEST VICTIM PRIORITY', 'VICTIMS']];
    for (const c of result.candidates)
      crows.push([
        c.node,
        String(c.pdbViolations),
        String(c.victims[0]?.priority ?? '-'),
        c.victims.map((v) => `${v.id}(${v.priority})`).join(', '),
      ]);
    text += `\nPreemption candidates (chosen by: fewest PDB violations, lowest highest victim priority, lowest priority sum, fewest victims, latest start time):\n${table(crows)}`;
  }
  text += '\nNote: all nodes are searched; kube-scheduler samples max(10% of nodes, 100) candidates, identical for <= 100 nodes.\n';
  return text;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Predict where a pending pod goes and which pods kube-scheduler would preempt for it',
  usage: 'kpl simulate [--format text|json] --pod NAMESPACE/NAME PATH...',
  async run(argv, io) {
    const args = parseArgs(argv, { values: { format: { choices: ['text', 'json'] }, pod: {} } });
    const podText = single(args, 'pod');
    if (podText === undefined) throw new UsageError('--pod NAMESPACE/NAME is required');
    const ref = parsePodRef(podText);
    let objects: K8sObject[];
    try {
      objects = (await loadObjects(args.positionals)).objects;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.stderr(`kpl simulate: ${error.message}\n`);
      return 2;
    }
    const snapshot = new SimCluster(objects, { kubernetesMinor: newestKubernetesMinor });
    const pod = snapshot.podById.get(`${ref.namespace}/${ref.name}`);
    if (pod === undefined) {
      io.stderr(`kpl simulate: no Pod ${ref.namespace}/${ref.name} in the given PATHs\n`);
      return 2;
    }
    const result = simulate(snapshot, pod, { now: Date.now() });
    if ((single(args, 'format') ?? 'text') === 'json') io.stdout(`${JSON.stringify(simulationJson(result), null, 2)}\n`);
    else io.stdout(simulationText(result));
    return 0;
  },
};
