// The cluster snapshot the engine analyses as cluster state: objects serialized to YAML text and parsed by the
// core's parseFile with origin 'cluster', so findings and explanations see the same model as for manifests.
import { stringify } from 'yaml';
import { parseFile } from '../core/index';
import type { ApiObject, ParsedFile, SourceInput } from '../core/index';

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

/** One YAML document stream per kind: `cluster:///<context>/<Kind>.yaml`. */
export function snapshotSources(snapshot: ClusterSnapshot, context: string): SourceInput[] {
  return kinds.map(([key, kind, apiVersion]) => ({
    path: `cluster:///${encodeURIComponent(context)}/${kind}.yaml`,
    content: snapshot[key].map((o) => stringify(trimObject(o, kind, apiVersion), { lineWidth: 0 })).join('---\n'),
    origin: 'cluster' as const,
  }));
}

export function snapshotParsed(snapshot: ClusterSnapshot, context: string): ParsedFile[] {
  return snapshotSources(snapshot, context).map((s) => parseFile(s));
}
