// Which live workloads use each PriorityClass, for the Priority Map: from the pod cache the connection already holds
// (no extra read, no extra watch). Pods are grouped by their top owner (Deployment, CronJob, Job, StatefulSet, …), as a
// user names the workload; a bare pod is its own workload.
import type { PodRecord } from '../core/index';
import type { LiveWorkloadUse } from '../protocol/index';

/** Live workloads per PriorityClass name (running or pending pods only, deleted ones left out), most pods first. */
export function liveClassUsage(pods: readonly PodRecord[]): Map<string, LiveWorkloadUse[]> {
  const byClass = new Map<string, Map<string, LiveWorkloadUse>>();
  for (const p of pods) {
    if (p.deletedAt !== undefined || p.priorityClassName === undefined || p.priorityClassName === '') continue;
    if (p.phase === 'Succeeded' || p.phase === 'Failed') continue;
    const top = p.owners[p.owners.length - 1];
    const kind = top?.kind ?? 'Pod';
    const name = top?.name ?? p.name;
    const key = `${kind}/${p.namespace}/${name}`;
    let uses = byClass.get(p.priorityClassName);
    if (uses === undefined) byClass.set(p.priorityClassName, (uses = new Map<string, LiveWorkloadUse>()));
    const use = uses.get(key);
    if (use !== undefined) use.pods++;
    else uses.set(key, { kind, namespace: p.namespace, name, pods: 1 });
  }
  const out = new Map<string, LiveWorkloadUse[]>();
  for (const [cls, uses] of byClass)
    out.set(
      cls,
      [...uses.values()].sort(
        (a, b) => b.pods - a.pods || `${a.namespace}/${a.name}/${a.kind}`.localeCompare(`${b.namespace}/${b.name}/${b.kind}`),
      ),
    );
  return out;
}
