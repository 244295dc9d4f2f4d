// The cluster snapshot the engine analyses as cluster state: the API objects go straight into the core's object model
// (parsedFromApi, origin 'cluster'), so findings and explanations see the same model as for manifests.
import { parsedFromApi } from '../core/index';
import type { ApiObject, ParsedFile } from '../core/index';

export interface ClusterSnapshot {
  priorityClasses: ApiObject[];
  limitRanges: ApiObject[];
  pdbs: ApiObject[];
  nodes: ApiObject[];
  /** When it was taken (ISO). */
  takenAt: string;
  /** Kinds that could not be read (RBAC), e.g. `PriorityClass: forbidden`. */
  missing: string[];
}

const kinds: Array<[keyof Pick<ClusterSnapshot, 'priorityClasses' | 'limitRanges' | 'pdbs' | 'nodes'>, string, string]> = [
  ['priorityClasses', 'PriorityClass', 'scheduling.k8s.io/v1'],
  ['limitRanges', 'LimitRange', 'v1'],
  ['pdbs', 'PodDisruptionBudget', 'policy/v1'],
  ['nodes', 'Node', 'v1'],
];

/** Removes bulky, irrelevant metadata (managedFields, last-applied annotation, node images). */
export function trimObject(o: ApiObject, kind: string, apiVersion: string): ApiObject {
  const meta = { ...((o['metadata'] as ApiObject | undefined) ?? {}) };
  delete meta['managedFields'];
  const annotations = meta['annotations'] as Record<string, string> | undefined;
  if (annotations?.['kubectl.kubernetes.io/last-applied-configuration'] !== undefined) {
    const rest = { ...annotations };
    delete rest['kubectl.kubernetes.io/last-applied-configuration'];
    meta['annotations'] = rest;
  }
  const out: ApiObject = { ...o, apiVersion, kind, metadata: meta };
  if (kind === 'Node' && out['status'] !== undefined) {
    const status = { ...(out['status'] as ApiObject) };
    delete status['images'];
    out['status'] = status;
  }
  return out;
}

/** One file per kind, `cluster:///<context>/<Kind>.yaml`: the names findings and explanations use for cluster objects. */
export function snapshotParsed(snapshot: ClusterSnapshot, context: string): ParsedFile[] {
  return kinds.map(([key, kind, apiVersion]) =>
    parsedFromApi(
      `cluster:///${encodeURIComponent(context)}/${kind}.yaml`,
      snapshot[key].map((o) => trimObject(o, kind, apiVersion)),
    ),
  );
}
