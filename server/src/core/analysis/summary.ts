// Per-file summaries: everything about a file's objects that other files' analysis can depend on, without positions.
// When an edit leaves the summary unchanged, cross-file facts stay valid and only the edited file is re-checked.
import type { ParsedFile } from '../model/objects';
import { get, isMap } from '../syntax/tree';
import type { YNode } from '../syntax/tree';

const podSpecKeys = ['priorityClassName', 'priority', 'preemptionPolicy', 'containers', 'initContainers', 'resources', 'overhead', 'affinity', 'nodeSelector', 'nodeName', 'tolerations', 'restartPolicy', 'schedulerName', 'topologySpreadConstraints'];
const containerKeys = ['name', 'resources', 'restartPolicy', 'ports'];

export function summarizeFile(parsed: ParsedFile): string {
  const parts: unknown[] = [];
  for (const o of parsed.objects) {
    const root = o.node;
    const spec = get(root, 'spec');
    const base = [o.kind, o.id, o.labels, o.annotations];
    switch (o.kind) {
      case 'PriorityClass':
        parts.push([...base, plain(get(root, 'value')), plain(get(root, 'globalDefault')), plain(get(root, 'preemptionPolicy'))]);
        break;
      case 'PodDisruptionBudget':
      case 'LimitRange':
      case 'ResourceQuota':
      case 'Node':
      case 'Namespace':
      case 'PodMetrics':
        parts.push([...base, plain(spec), plain(get(root, 'status')), plain(get(root, 'containers'))]);
        break;
      default: {
        const template = o.kind === 'CronJob' ? get(spec, 'jobTemplate', 'spec', 'template') : get(spec, 'template');
        const podSpec = o.kind === 'Pod' ? spec : get(template, 'spec');
        const jobSpec = o.kind === 'CronJob' ? get(spec, 'jobTemplate', 'spec') : o.kind === 'Job' ? spec : undefined;
        parts.push([
          ...base,
          plain(get(spec, 'replicas')),
          plain(get(template, 'metadata', 'labels')),
          projectPodSpec(podSpec),
          plain(get(jobSpec, 'backoffLimit')),
          plain(get(jobSpec, 'backoffLimitPerIndex')),
          plain(get(jobSpec, 'parallelism')),
          plain(get(jobSpec, 'podFailurePolicy')),
          o.kind === 'Pod' ? plain(get(root, 'status')) : null,
        ]);
      }
    }
  }
  return JSON.stringify(parts);
}

function projectPodSpec(podSpec: YNode | undefined): unknown {
  if (!isMap(podSpec)) return null;
  const result: Record<string, unknown> = {};
  for (const key of podSpecKeys) {
    const value = get(podSpec, key);
    if (value === undefined) continue;
    if ((key === 'containers' || key === 'initContainers') && value.type === 'seq') {
      result[key] = value.items.map((c) => containerKeys.map((k) => plain(get(c, k))));
    } else result[key] = plain(value);
  }
  return result;
}

/** plain converts a node to JSON-able data without spans; bounded in depth and in nodes, so alias bombs stay cheap. */
export function plain(node: YNode | undefined, depth = 0, budget = { nodes: 20_000 }): unknown {
  if (node === undefined || depth > 64 || --budget.nodes < 0) return null;
  switch (node.type) {
    case 'scalar':
      return typeof node.value === 'bigint' ? node.value.toString() : node.value;
    case 'seq':
      return node.items.map((i) => plain(i, depth + 1, budget));
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const e of node.entries) out[e.key] = plain(e.value, depth + 1, budget);
      return out;
    }
  }
}
