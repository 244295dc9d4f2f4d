// Partial manifests (R-D.11): a workload whose pod template has no containers, or a container without an image, is a
// fragment — a kustomize patch, a template piece — that the apiserver would refuse as written
// (`...containers: Required value`, `...containers[0].image: Required value`). It means something only once kustomize
// or Helm completes it, so the engine does not analyse it as a workload on its own.
import { get, isSeq } from '../syntax/tree';
import type { Workload } from '../model/workload';

/** The pod spec's path in each workload kind, as the apiserver names fields in its validation errors. */
export function podSpecPath(kind: string): string {
  if (kind === 'Pod') return 'spec';
  if (kind === 'CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

/** partialReason: the apiserver's cause when the workload is a fragment, else undefined. */
export function partialReason(workload: Workload): string | undefined {
  const path = podSpecPath(workload.object.kind);
  const containers = get(workload.podSpec, 'containers');
  if (!isSeq(containers) || containers.items.length === 0) return `${path}.containers: Required value`;
  let index = 0;
  for (const c of workload.containers) {
    if (c.role !== 'app') continue;
    if (get(c.node, 'image') === undefined) return `${path}.containers[${index}].image: Required value`;
    index++;
  }
  return undefined;
}
