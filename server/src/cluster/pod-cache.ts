// The UID cache of pods: every pod a list or the watch reported, kept after deletion (marked `deletedAt`) so that an
// event naming a UID still resolves to the pod's name, node, priority and owners. Pods that matter for explanations
// (deleted, failed, disrupted, preemptors) are written to the history, so UIDs resolve after restarts too.
import { mergePodRecord, podRecordFromObject } from '../core/index';
import type { ApiObject, EventRecord, PodRecord } from '../core/index';
import type { HistoryRecord, HistoryStore } from './history';
import type { PodLookup } from './rows';

export class PodCache implements PodLookup {
  private readonly podsByUid = new Map<string, PodRecord>();
  /** UIDs named as preemptors by Preempted events: their pod records are kept in the history. */
  private readonly preemptorUids = new Set<string>();

  constructor(
    private readonly history: HistoryStore | undefined,
    private readonly now: () => Date,
  ) {
    if (history !== undefined) for (const p of history.pods()) this.podsByUid.set(p.uid, p);
  }

  /** A full list of one scope (cluster-wide, or `namespace`): every pod it holds, and the ones gone since. */
  onList(items: ApiObject[], namespace: string | undefined): void {
    const seen = new Set<string>();
    const at = this.now().toISOString();
    for (const o of items) {
      const r = podRecordFromObject(o, at);
      if (r === undefined) continue;
      seen.add(r.uid);
      this.put(r);
    }
    // Pods deleted while we were not watching (relist after 410 or a reconnect): mark them deleted.
    for (const p of this.podsByUid.values()) {
      if (p.deletedAt !== undefined || seen.has(p.uid)) continue;
      if (namespace !== undefined && p.namespace !== namespace) continue;
      if (p.seenAt === undefined || p.seenAt >= at) continue;
      this.put({ ...p, deletedAt: at });
    }
  }

  onObject(type: 'ADDED' | 'MODIFIED' | 'DELETED', o: ApiObject): void {
    const at = this.now().toISOString();
    const r = podRecordFromObject(o, at);
    if (r === undefined) return;
    if (type === 'DELETED') r.deletedAt = at;
    this.put(r);
  }

  put(r: PodRecord): void {
    const old = this.podsByUid.get(r.uid);
    const merged = mergePodRecord(old, r);
    this.podsByUid.set(r.uid, merged);
    // Persist pods that matter for explanations: disrupted, deleted or failed ones, and high-priority preemptors are
    // written when an event references them (recordsFor). Healthy pods stay in memory only.
    const history = this.history;
    if (history !== undefined) {
      const interesting =
        this.preemptorUids.has(merged.uid) ||
        merged.deletedAt !== undefined ||
        merged.phase === 'Failed' ||
        merged.conditions?.some((c) => c.type === 'DisruptionTarget') === true;
      if (interesting) void history.append([{ type: 'pod', at: this.now().toISOString(), pod: merged }]).catch(() => undefined);
    }
  }

  /**
   * The history records of the pods these events talk about (victim, related object, preemptor), so that their UIDs
   * resolve after restarts; a Preempted event's preemptor is kept in the history from now on.
   */
  recordsFor(events: readonly EventRecord[], at: string): HistoryRecord[] {
    const recs: HistoryRecord[] = [];
    for (const e of events) {
      const preemptor = e.reason === 'Preempted' ? (/^Preempted by pod (\S+) on node/.exec(e.note)?.[1] ?? e.related?.uid) : undefined;
      if (preemptor !== undefined) this.preemptorUids.add(preemptor);
      for (const uid of [e.regarding.uid, e.related?.uid, preemptor]) {
        const p = uid === undefined ? undefined : this.podsByUid.get(uid);
        if (p !== undefined) recs.push({ type: 'pod', at, pod: p });
      }
    }
    return recs;
  }

  /** Forgets the deleted pods (live ones stay: the watch would not report them again until they change). */
  clearDeleted(): void {
    for (const [uid, p] of this.podsByUid) if (p.deletedAt !== undefined) this.podsByUid.delete(uid);
    this.preemptorUids.clear();
  }

  byUid(uid: string): PodRecord | undefined {
    return this.podsByUid.get(uid);
  }

  byName(namespace: string, name: string): PodRecord | undefined {
    let best: PodRecord | undefined;
    for (const p of this.podsByUid.values()) {
      if (p.namespace !== namespace || p.name !== name) continue;
      if (best === undefined || (p.creationTime ?? '') > (best.creationTime ?? '')) best = p;
    }
    return best;
  }

  all(): PodRecord[] {
    return [...this.podsByUid.values()];
  }
}
