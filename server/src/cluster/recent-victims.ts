// The recent victims of the Diagnose Pod picker: pods named by disruption events (Preempted, Evicted,
// TaintManagerEviction, kubelet Preempting) and Jobs whose Workload Kueue evicted or preempted (Kueue's events on the
// Workload and the Workload's own Evicted/Preempted conditions), newest first, one item per pod or Job. A Kueue item's
// target is `Job/namespace/name`, so choosing it runs the Kueue Job diagnose (source.ts diagnosePod).
import type { EventRecord } from '../core/index';
import type { LiveEventRow, PodListItem } from '../protocol/index';
import { liveEventRow } from './rows';
import type { PodLookup } from './rows';

const victimReasons = new Set(['Preempted', 'Evicted', 'TaintManagerEviction', 'Preempting']);

/** What the picker reads: the events (oldest first, live and history) and the pod and Workload caches. */
export interface VictimSource extends PodLookup {
  events(): EventRecord[];
}

/** "memory pressure" from the kubelet's `The node was low on resource: memory. …`. */
function evictedResource(note: string): string {
  const m = /low on resource: ([a-z.-]+)/.exec(note);
  return m?.[1] !== undefined ? `${m[1].replace(/\.$/, '')} pressure` : 'node pressure or a limit';
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} days ago`;
}

/** A pod's event: "preempted by ci/evaluation-x, 12 min ago · priority 100 · node-a". */
function podVictim(e: EventRecord, row: LiveEventRow, now: number): PodListItem {
  const target = `${e.regarding.namespace}/${e.regarding.name}`;
  const what =
    e.reason === 'Preempted'
      ? `preempted by ${row.preemptor?.name !== undefined ? `${row.preemptor.namespace ?? ''}/${row.preemptor.name}` : 'a higher-priority pod'}`
      : e.reason === 'Evicted'
        ? `evicted: ${evictedResource(e.note)}`
        : e.reason === 'TaintManagerEviction'
          ? 'evicted: NoExecute taint'
          : 'preempted by the kubelet (critical pod)';
  const parts = [`${what}, ${ago(now - Date.parse(e.time))}`];
  if (row.victim.priority !== undefined) parts.push(`priority ${row.victim.priority}`);
  if (row.node !== undefined) parts.push(row.node);
  return { target, label: target, description: parts.join(' · '), source: 'victim', time: e.time };
}

/**
 * A Kueue row's Job: "Kueue: preempted by ci/job-x (InClusterQueue), 3 min ago · Kueue priority 100", or "Kueue:
 * evicted (PodsReadyTimeout), …". Undefined when the Workload's owner is not a Job known from the Workload cache.
 */
function kueueVictim(e: EventRecord, row: LiveEventRow, now: number): PodListItem | undefined {
  const owner = /^Job\/(.+)$/.exec(row.victim.owner ?? '');
  if (owner === null || row.kueue === undefined) return undefined;
  const target = `Job/${e.regarding.namespace}/${owner[1] ?? ''}`;
  const by =
    row.preemptor?.resolved === true && row.preemptor.name !== undefined
      ? `${row.preemptor.namespace ?? ''}/${row.preemptor.name}`
      : 'a higher-priority workload';
  const what = row.type === 'kueue-preemption' ? `preempted by ${by} (${row.kueue.reason})` : `evicted (${row.kueue.reason})`;
  const parts = [`Kueue: ${what}, ${ago(now - Date.parse(row.time))}`];
  if (row.victim.priority !== undefined) parts.push(`Kueue priority ${row.victim.priority}`);
  if (row.kueue.readmitted === true) parts.push('admitted again since');
  return { target, label: target, description: parts.join(' · '), source: 'victim', time: row.time };
}

/**
 * Pods and Kueue-managed Jobs named by recent disruption events, newest first, one item each. The events come from the
 * cluster's list (up to an hour old) and the history, so pods deleted before the extension started are offered too;
 * a Kueue eviction also from the Workload's conditions, which outlive the events.
 */
export function recentVictims(c: VictimSource, now: number = Date.now()): PodListItem[] {
  const out = new Map<string, PodListItem>();
  for (const e of c.events().reverse()) {
    const kueue = e.regarding.kind === 'Workload';
    if (!kueue && (e.regarding.kind !== 'Pod' || !victimReasons.has(e.reason))) continue;
    const row = liveEventRow(e, c);
    const item = kueue
      ? row.type === 'kueue-preemption' || row.type === 'kueue-eviction'
        ? kueueVictim(e, row, now)
        : undefined
      : podVictim(e, row, now);
    if (item === undefined || out.has(item.target)) continue;
    out.set(item.target, item);
  }
  // Newest first: events() is in arrival order, and a Workload condition's record may arrive after a newer pod event.
  return [...out.values()].sort((a, b) => (Date.parse(b.time ?? '') || 0) - (Date.parse(a.time ?? '') || 0));
}
