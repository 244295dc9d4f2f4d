// Which nodes the live view ranks for eviction, and their rankings: nodes under a pressure condition now first, then
// the nodes of the most recent events, at most `limit`; each with its predicted next victims (core's ranking).
import { rankNodeForEviction } from '../core/index';
import type { ApiObject, EventRecord, NodeEvictionRanking } from '../core/index';
import type { PodCache } from './pod-cache';
import type { ClusterSnapshot } from './snapshot';

export function nodeRankings(
  snap: ClusterSnapshot,
  podMetrics: ApiObject[],
  eventsNewestFirst: readonly EventRecord[],
  pods: PodCache,
  limit: number,
): NodeEvictionRanking[] {
  const named = new Set<string>();
  for (const n of snap.nodes) {
    const conds = ((n['status'] as ApiObject | undefined)?.['conditions'] as ApiObject[] | undefined) ?? [];
    if (conds.some((c) => /Pressure$/.test(String(c['type'])) && c['status'] === 'True'))
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cluster JSON: text of whatever the field holds
      named.add(String((n['metadata'] as ApiObject | undefined)?.['name'] ?? ''));
  }
  for (const e of eventsNewestFirst) {
    const node =
      e.host ?? /on node (\S+)$/.exec(e.note)?.[1] ?? (e.regarding.uid !== undefined ? pods.byUid(e.regarding.uid)?.node : undefined);
    if (node !== undefined && node !== '') named.add(node);
    if (named.size >= limit) break;
  }
  named.delete('');
  const all = pods.all();
  return [...named]
    .slice(0, limit)
    .map((node) =>
      rankNodeForEviction({ node, pods: all, nodes: snap.nodes, priorityClasses: snap.priorityClasses, podMetrics, limit: 5 }),
    );
}
