// Per-file summaries: everything about a file's objects that other files' analysis can depend on, without positions.
// When an edit leaves the summary unchanged, cross-file facts stay valid and only the edited file is re-checked.
import type { ParsedFile } from '../model/objects';
import { flat } from '../text';
import { get } from '../syntax/tree';
import type { YNode } from '../syntax/tree';
import { isKueueObject, kueueJobLabels, kueueJobMetadata, queueNameLabel } from '../semantics/kueue-objects';

/**
 * summarizeFile lists, per object, exactly what rules of *other* files read: identities and labels, everything that
 * decides priority and admission, replicas, and the memory requests/limits that decide eviction tiers. CPU, images,
 * env, affinity terms and Job failure settings only affect the object's own findings, so editing them stays local.
 */
export function summarizeFile(parsed: ParsedFile): string {
  const parts: unknown[] = [];
  for (const o of parsed.objects) {
    const root = o.node;
    const spec = get(root, 'spec');
    // The apiVersion decides whether the object exists at all (R-B.6) and, for a PDB, what an empty selector selects.
    const base = [o.kind, o.id, o.labels, o.apiVersion];
    // Kueue's objects (issue 21): the whole spec (quotas, cohort, preemption, selectors) and a WorkloadPriorityClass's value.
    if (isKueueObject(o.kind, o.apiVersion)) {
      parts.push([...base, plain(spec), plain(get(root, 'value'))]);
      continue;
    }
    switch (o.kind) {
      case 'PriorityClass':
        parts.push([...base, plain(get(root, 'value')), plain(get(root, 'globalDefault')), plain(get(root, 'preemptionPolicy'))]);
        break;
      case 'PodDisruptionBudget':
        // The apiVersion decides what an empty selector selects (policy/v1: every pod of the namespace; v1beta1: none).
        parts.push([...base, o.apiVersion, plain(spec), plain(get(root, 'status'))]);
        break;
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
          o.annotations['kubernetes.io/config.source'] ?? null,
          o.annotations['kubernetes.io/config.mirror'] ?? null,
          plain(get(spec, 'replicas')),
          plain(get(jobSpec, 'parallelism')),
          plain(get(template, 'metadata', 'labels')),
          plain(get(podSpec, 'priorityClassName')),
          plain(get(podSpec, 'priority')),
          plain(get(podSpec, 'preemptionPolicy')),
          plain(get(podSpec, 'resources', 'requests', 'memory')),
          plain(get(podSpec, 'resources', 'limits', 'memory')),
          memoryPattern(get(podSpec, 'initContainers')),
          memoryPattern(get(podSpec, 'containers')),
          o.kind === 'Pod' ? plain(get(root, 'status', 'qosClass')) : null,
        ]);
        // A queued job: Kueue reads its pod count and every resource it requests (quota, flavors), and a CronJob's Jobs'
        // labels. Only for workloads that name a queue, so that CPU edits elsewhere stay local.
        const jobLabels = o.kind === 'CronJob' ? get(kueueJobMetadata(o), 'labels') : undefined;
        if (
          o.labels[queueNameLabel] !== undefined ||
          kueueJobLabels(o)[queueNameLabel] !== undefined ||
          hasQueueLabel(get(template, 'metadata', 'labels'))
        )
          parts.push([
            'kueue',
            plain(jobLabels),
            o.annotations['kueue.x-k8s.io/job-min-parallelism'] ?? null,
            plain(get(jobSpec, 'completions')),
            plain(get(podSpec, 'resources')),
            plain(get(podSpec, 'overhead')),
            plain(get(podSpec, 'runtimeClassName')),
            resourcesOf(get(podSpec, 'initContainers')),
            resourcesOf(get(podSpec, 'containers')),
          ]);
      }
    }
  }
  return flat(JSON.stringify(parts));
}

function hasQueueLabel(labels: YNode | undefined): boolean {
  return labels?.type === 'map' && labels.entries.some((e) => e.key === queueNameLabel);
}

/** The containers' resources (a queued job's requests of every resource), and sidecar marks. */
function resourcesOf(containers: YNode | undefined): unknown {
  if (containers?.type !== 'seq') return null;
  return containers.items.map((c) => [plain(get(c, 'restartPolicy')), plain(get(c, 'resources'))]);
}

/** The containers' memory requests and limits (and sidecar marks), which decide the pod's eviction tier, and image presence. */
function memoryPattern(containers: YNode | undefined): unknown {
  if (containers?.type !== 'seq') return null;
  return containers.items.map((c) => [
    // Whether an image is written: a container without one makes the workload a partial manifest (R-D.11).
    get(c, 'image') !== undefined,
    plain(get(c, 'restartPolicy')),
    plain(get(c, 'resources', 'requests', 'memory')),
    plain(get(c, 'resources', 'limits', 'memory')),
  ]);
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
