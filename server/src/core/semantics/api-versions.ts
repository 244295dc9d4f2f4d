// API versions the apiserver no longer serves (R-B.6): a manifest in one of them fails with kubectl's
// `no matches for kind "K" in version "G/V"`, so the object never exists in the cluster. Version-aware: removed in
// the listed minor, served before it. Source: the Kubernetes deprecated API migration guide (v1.16, v1.22, v1.25
// sections) and the removal PRs it links.

export interface RemovedApiVersion {
  /** The minor release that stopped serving it (1.N). */
  removedIn: number;
  /** The apiVersion to use instead. */
  replacement: string;
}

const removed: ReadonlyArray<{ kinds: readonly string[]; apiVersion: string; removedIn: number; replacement: string }> = [
  { kinds: ['Deployment', 'DaemonSet', 'ReplicaSet'], apiVersion: 'extensions/v1beta1', removedIn: 16, replacement: 'apps/v1' },
  { kinds: ['Deployment', 'StatefulSet'], apiVersion: 'apps/v1beta1', removedIn: 16, replacement: 'apps/v1' },
  { kinds: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], apiVersion: 'apps/v1beta2', removedIn: 16, replacement: 'apps/v1' },
  { kinds: ['CronJob'], apiVersion: 'batch/v2alpha1', removedIn: 21, replacement: 'batch/v1' },
  { kinds: ['PriorityClass'], apiVersion: 'scheduling.k8s.io/v1alpha1', removedIn: 22, replacement: 'scheduling.k8s.io/v1' },
  { kinds: ['PriorityClass'], apiVersion: 'scheduling.k8s.io/v1beta1', removedIn: 22, replacement: 'scheduling.k8s.io/v1' },
  { kinds: ['CronJob'], apiVersion: 'batch/v1beta1', removedIn: 25, replacement: 'batch/v1' },
  { kinds: ['PodDisruptionBudget'], apiVersion: 'policy/v1beta1', removedIn: 25, replacement: 'policy/v1' },
  { kinds: ['RuntimeClass'], apiVersion: 'node.k8s.io/v1beta1', removedIn: 25, replacement: 'node.k8s.io/v1' },
];

/** removedApiVersion says whether Kubernetes 1.`minor` no longer serves `kind` in `apiVersion` (R-B.6). */
export function removedApiVersion(kind: string, apiVersion: string, minor: number): RemovedApiVersion | undefined {
  for (const r of removed)
    if (r.apiVersion === apiVersion && r.kinds.includes(kind) && minor >= r.removedIn)
      return { removedIn: r.removedIn, replacement: r.replacement };
  return undefined;
}
