// The UID cache of pods: every pod a list or the watch reported, kept after deletion (marked `deletedAt`) so that an
// event naming a UID still resolves to the pod's name, node, priority and owners. Pods that matter for explanations
// (deleted, failed, disrupted, preemptors) are written to the history, so UIDs resolve after restarts too.
// At scale (30,000 pods) the cache holds compact records only: no raw object outlives its conversion (lists arrive
// page by page), the strings replicas share (namespace, class, node, owners, labels, conditions) are interned, names
// are indexed, and deleted pods are kept up to a bound (the most recently deleted), so memory grows by what it keeps.
import { mergePodRecord, podRecordFromObject } from '../core/index';
import type { ApiObject, EventRecord, PodRecord } from '../core/index';
import type { HistoryRecord, HistoryStore } from './history';
import type { PodLookup } from './rows';

/** Shares equal strings between records; reset when it grows past a bound (records keep what they hold). */
class Interner {
  private readonly table = new Map<string, string>();
  constructor(private readonly max = 200_000) {}
  of<T extends string | undefined>(s: T): T {
    if (s === undefined) return s;
    const hit = this.table.get(s);
    if (hit !== undefined) return hit as T;
    if (this.table.size >= this.max) this.table.clear();
    this.table.set(s, s);
    return s;
  }
}

export interface PodCacheOptions {
  /** Deleted pods kept for explanations (the most recently deleted). Default 10,000. */
  maxDeletedPods?: number;
}

export class PodCache implements PodLookup {
  private readonly podsByUid = new Map<string, PodRecord>();
  /**
   * `namespace/name` → UID, or UIDs when a name is reused by a new pod after deletion (StatefulSets, recreated Jobs).
   * One UID is kept as a plain string: a one-element array per pod cost about 60 bytes each at 30,000 pods (bench:live
   * heap profile, bench/README.md).
   */
  private readonly uidsByName = new Map<string, string | string[]>();
  /** UIDs of deleted pods, oldest deletion first (Map order), for the bound. */
  private readonly deleted = new Map<string, true>();
  /** UIDs named as preemptors by Preempted events: their pod records are kept in the history. */
  private readonly preemptorUids = new Set<string>();
  private readonly strings = new Interner();
  private readonly maxDeleted: number;
  /** The list in progress (pages arrive one by one): the UIDs it holds and when it started. */
  private listing: { seen: Set<string>; at: string } | undefined;

  constructor(
    private readonly history: HistoryStore | undefined,
    private readonly now: () => Date,
    options: PodCacheOptions = {},
  ) {
    this.maxDeleted = Math.max(0, options.maxDeletedPods ?? 10_000);
    if (history !== undefined) for (const p of history.pods()) this.store(p);
  }

  /** A full list of one scope (cluster-wide, or `namespace`): every pod it holds, and the ones gone since. */
  onList(items: ApiObject[], namespace: string | undefined): void {
    this.onListPage(items, true, true, namespace);
  }

  /** One page of a full list; the pods missing from the whole list are marked deleted after its last page. */
  onListPage(items: ApiObject[], first: boolean, last: boolean, namespace: string | undefined): void {
    if (first || this.listing === undefined) this.listing = { seen: new Set(), at: this.now().toISOString() };
    const { seen, at } = this.listing;
    for (const o of items) {
      const r = podRecordFromObject(o, at);
      if (r === undefined) continue;
      seen.add(r.uid);
      this.put(r);
    }
    if (!last) return;
    this.listing = undefined;
    // Pods deleted while we were not watching (relist after 410 or a reconnect): mark them deleted.
    for (const p of [...this.podsByUid.values()]) {
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
    const merged = this.store(mergePodRecord(this.podsByUid.get(r.uid), this.compact(r)));
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

  /** Puts a record in the maps and the name index; drops the oldest deleted pods past the bound. */
  private store(p: PodRecord): PodRecord {
    const key = `${p.namespace}/${p.name}`;
    if (!this.podsByUid.has(p.uid)) {
      const uids = this.uidsByName.get(key);
      // Not interned: a name is one pod's (the interner would keep it after the pod is forgotten).
      if (uids === undefined) this.uidsByName.set(key, p.uid);
      else if (typeof uids === 'string') this.uidsByName.set(key, [uids, p.uid]);
      else uids.push(p.uid);
    }
    this.podsByUid.set(p.uid, p);
    if (p.deletedAt !== undefined && !this.deleted.has(p.uid)) {
      this.deleted.set(p.uid, true);
      while (this.deleted.size > this.maxDeleted) {
        const oldest = this.deleted.keys().next().value;
        if (oldest === undefined) break;
        this.forget(oldest);
      }
    }
    return p;
  }

  private forget(uid: string): void {
    const p = this.podsByUid.get(uid);
    this.deleted.delete(uid);
    this.preemptorUids.delete(uid);
    if (p === undefined) return;
    this.podsByUid.delete(uid);
    const key = `${p.namespace}/${p.name}`;
    const uids = uidList(this.uidsByName.get(key)).filter((u) => u !== uid);
    if (uids.length === 0) this.uidsByName.delete(key);
    else this.uidsByName.set(key, uids.length === 1 ? (uids[0] ?? '') : uids);
  }

  /**
   * The same record with the strings replicas share interned (a fresh record from podRecordFromObject: mutated). Not
   * `seenAt` (the instant of one watch event, to the millisecond: a list's pages already share one string): interned, it
   * stayed in the table after the record moved on, and a storm's 10,000s of pod updates grew the heap by what no
   * record held (bench/README.md, heap profile of 2026-12-07).
   */
  private compact(r: PodRecord): PodRecord {
    const s = this.strings;
    r.namespace = s.of(r.namespace);
    if (r.priorityClassName !== undefined) r.priorityClassName = s.of(r.priorityClassName);
    if (r.preemptionPolicy !== undefined) r.preemptionPolicy = s.of(r.preemptionPolicy);
    if (r.node !== undefined) r.node = s.of(r.node);
    if (r.nominatedNode !== undefined) r.nominatedNode = s.of(r.nominatedNode);
    if (r.schedulerName !== undefined) r.schedulerName = s.of(r.schedulerName);
    if (r.phase !== undefined) r.phase = s.of(r.phase);
    if (r.startTime !== undefined) r.startTime = s.of(r.startTime);
    if (r.creationTime !== undefined) r.creationTime = s.of(r.creationTime);
    for (const o of r.owners) {
      o.kind = s.of(o.kind);
      o.name = s.of(o.name);
      if (o.uid !== undefined) o.uid = s.of(o.uid);
    }
    if (r.labels !== undefined) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.labels)) labels[s.of(k)] = s.of(v);
      r.labels = labels;
    }
    if (r.requests !== undefined) {
      const requests: Record<string, string> = {};
      for (const [k, v] of Object.entries(r.requests)) requests[s.of(k)] = s.of(v);
      r.requests = requests;
    }
    for (const c of r.conditions ?? []) {
      c.type = s.of(c.type);
      c.status = s.of(c.status);
      if (c.reason !== undefined) c.reason = s.of(c.reason);
      if (c.message !== undefined) c.message = s.of(c.message);
      if (c.lastTransitionTime !== undefined) c.lastTransitionTime = s.of(c.lastTransitionTime);
    }
    return r;
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
    for (const uid of [...this.deleted.keys()]) this.forget(uid);
    for (const [uid, p] of [...this.podsByUid]) if (p.deletedAt !== undefined) this.forget(uid);
    this.preemptorUids.clear();
  }

  byUid(uid: string): PodRecord | undefined {
    return this.podsByUid.get(uid);
  }

  /** The newest pod of that name (a name is reused after deletion). */
  byName(namespace: string, name: string): PodRecord | undefined {
    let best: PodRecord | undefined;
    for (const uid of uidList(this.uidsByName.get(`${namespace}/${name}`))) {
      const p = this.podsByUid.get(uid);
      if (p === undefined) continue;
      if (best === undefined || (p.creationTime ?? '') > (best.creationTime ?? '')) best = p;
    }
    return best;
  }

  /** Pods in the cache (deleted ones included). */
  get size(): number {
    return this.podsByUid.size;
  }

  /** Deleted pods kept in the cache (at most `maxDeletedPods`). */
  get deletedSize(): number {
    return this.deleted.size;
  }

  all(): PodRecord[] {
    return [...this.podsByUid.values()];
  }
}

function uidList(entry: string | string[] | undefined): readonly string[] {
  return entry === undefined ? [] : typeof entry === 'string' ? [entry] : entry;
}
