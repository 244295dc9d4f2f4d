// The events the live view and Diagnose read: only the preemption and eviction reasons, one record per event UID,
// duplicates (same UID and resourceVersion, e.g. a relist) dropped, at most `maxEvents` kept (the least recently
// recorded dropped first, in O(1): Map order). Events the user cleared are not taken back from a relist (the apiserver
// keeps them for up to an hour), and neither are events dropped by the bound: their UID and resourceVersion are
// remembered (a bounded FIFO of 10x `maxEvents`), so a relist after an apiserver restart does not record them twice.
// One preemption is one record: a second Preempted event for the same victim and preemptor (the scheduler retrying,
// e.g. across an apiserver restart) is folded into the first record (`count`, `mergedUids`, the later time).
import {
  eventRecordFromObject,
  kueuePreemptionKey,
  parsePreemptedNote,
  watchedEventReasons,
  workloadConditionController,
} from '../core/index';
import type { ApiObject, EventRecord } from '../core/index';
import type { HistoryStore } from './history';

const reasons = new Set(watchedEventReasons);

export class EventStore {
  private readonly eventsByUid = new Map<string, EventRecord>();
  /** Set by clear(): events that last occurred before this instant (ms) are not taken back on a relist. */
  private clearedBefore: number | undefined;
  /** UID → resourceVersion of events dropped by the bound, oldest first; a relist does not bring them back. */
  private readonly evicted = new Map<string, string | undefined>();
  /** Duplicate deliveries (same uid + resourceVersion) that were dropped: for tests and diagnostics. */
  duplicatesDropped = 0;
  /** Events dropped by the bound (`maxEvents`). */
  evictedCount = 0;
  /** `victim UID|preemptor UID` → UID of the record of that preemption (while it is held). */
  private readonly preemptionByPair = new Map<string, string>();
  /** UID of a folded Preempted event → the record it was folded into, and its resourceVersion. */
  private readonly folded = new Map<string, { into: string; resourceVersion: string | undefined }>();
  /** Preempted events folded into the record of the same preemption. */
  preemptionRepeats = 0;
  /** kueuePreemptionKey of the Kueue events held or seen (at most one per Workload and preemptor). */
  private readonly kueueEvents = new Set<string>();

  constructor(
    history: HistoryStore | undefined,
    private readonly maxEvents: number,
    private readonly now: () => Date,
  ) {
    if (history !== undefined) for (const e of history.events()) this.eventsByUid.set(e.uid, e);
  }

  /** Returns the record when it is new or changed; undefined for filtered-out reasons and duplicates. */
  upsert(o: ApiObject): EventRecord | undefined {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- cluster JSON: text of whatever the field holds
    if (!reasons.has(String(o['reason'] ?? ''))) return undefined;
    const r = eventRecordFromObject(o, this.now().toISOString());
    return r === undefined ? undefined : this.upsertRecord(r);
  }

  /**
   * A record made elsewhere (a Kueue Workload's eviction conditions, kueue-live.ts): kept like an event, unless Kueue's
   * own event of the same preemption is held (it says more: the priorities). Both share one row (kueue-rows.ts).
   */
  upsertRecord(r: EventRecord): EventRecord | undefined {
    const kueue = kueuePreemptionKey(r);
    if (kueue !== undefined) {
      if (r.reportingController === workloadConditionController) {
        if (this.kueueEvents.has(kueue)) return undefined;
      } else if (!this.kueueEvents.has(kueue)) {
        this.kueueEvents.add(kueue);
        // Bounded like the remembered evictions (10x maxEvents), oldest first.
        if (this.kueueEvents.size > this.maxEvents * 10) this.kueueEvents.delete(this.kueueEvents.values().next().value ?? '');
      }
    }
    // Cleared by the user: the apiserver still holds these events for up to an hour; a relist must not bring them back.
    if (this.clearedBefore !== undefined && (Date.parse(r.time) || 0) <= this.clearedBefore) return undefined;
    const fold = this.foldPreemption(r);
    if (fold !== 'new') return fold;
    const old = this.eventsByUid.get(r.uid);
    const gone = old === undefined && this.evicted.has(r.uid);
    if ((old !== undefined && old.resourceVersion === r.resourceVersion) || (gone && this.evicted.get(r.uid) === r.resourceVersion)) {
      this.duplicatesDropped++;
      return undefined;
    }
    if (gone) this.evicted.delete(r.uid);
    if (old?.seenAt !== undefined) r.seenAt = old.seenAt;
    if (old?.mergedUids !== undefined) {
      r.mergedUids = old.mergedUids;
      r.count = (r.count ?? 1) + old.mergedUids.length;
      if (old.firstTime !== undefined && (r.firstTime === undefined || old.firstTime < r.firstTime)) r.firstTime = old.firstTime;
    }
    const pair = pairOf(r);
    if (pair !== undefined && !this.preemptionByPair.has(pair)) this.preemptionByPair.set(pair, r.uid);
    // Re-inserted so that Map order is "least recently recorded first".
    this.eventsByUid.delete(r.uid);
    this.eventsByUid.set(r.uid, r);
    while (this.eventsByUid.size > this.maxEvents) {
      const first = this.eventsByUid.values().next().value;
      if (first === undefined) break;
      this.eventsByUid.delete(first.uid);
      this.forgetPreemption(first);
      this.evictedCount++;
      this.evicted.set(first.uid, first.resourceVersion);
      if (this.evicted.size > this.maxEvents * 10) {
        const oldest = this.evicted.keys().next().value;
        if (oldest !== undefined) this.evicted.delete(oldest);
      }
    }
    return r;
  }

  /**
   * A Preempted event of a preemption already held under another UID: folded into that record (returned as changed),
   * or undefined when this UID was folded before with the same resourceVersion (a re-delivery). 'new' otherwise.
   */
  private foldPreemption(r: EventRecord): EventRecord | undefined | 'new' {
    const seen = this.folded.get(r.uid);
    if (seen !== undefined && this.eventsByUid.has(seen.into)) {
      if (seen.resourceVersion === r.resourceVersion) {
        this.duplicatesDropped++;
        return undefined;
      }
      seen.resourceVersion = r.resourceVersion;
      return undefined; // an update of a folded event adds nothing to the preemption's record
    }
    const pair = pairOf(r);
    const into = pair === undefined ? undefined : this.preemptionByPair.get(pair);
    if (into === undefined || into === r.uid) return 'new';
    const held = this.eventsByUid.get(into);
    if (held === undefined) return 'new';
    this.preemptionRepeats++;
    this.folded.set(r.uid, { into, resourceVersion: r.resourceVersion });
    const merged: EventRecord = {
      ...held,
      count: (held.count ?? 1) + 1,
      mergedUids: [...(held.mergedUids ?? []), r.uid],
      firstTime: held.firstTime !== undefined && held.firstTime < (r.firstTime ?? r.time) ? held.firstTime : (r.firstTime ?? held.time),
    };
    if (r.time > held.time) merged.time = r.time;
    this.eventsByUid.set(into, merged);
    return merged;
  }

  private forgetPreemption(e: EventRecord): void {
    const pair = pairOf(e);
    if (pair !== undefined && this.preemptionByPair.get(pair) === e.uid) this.preemptionByPair.delete(pair);
    for (const uid of e.mergedUids ?? []) {
      // Remembered like the record itself, so a relist does not bring the folded event back on its own.
      this.evicted.set(uid, this.folded.get(uid)?.resourceVersion);
      this.folded.delete(uid);
    }
  }

  /** Events held now. */
  get size(): number {
    return this.eventsByUid.size;
  }

  /** Oldest first. */
  all(): EventRecord[] {
    return [...this.eventsByUid.values()].sort((a, b) => a.time.localeCompare(b.time));
  }

  /** Newest first (ties in the order they were first recorded). */
  newestFirst(): EventRecord[] {
    return [...this.eventsByUid.values()].sort((a, b) => b.time.localeCompare(a.time));
  }

  /** Forgets every event; events that occurred before now are not taken back from a relist. */
  clear(): void {
    this.eventsByUid.clear();
    this.evicted.clear();
    this.preemptionByPair.clear();
    this.folded.clear();
    this.kueueEvents.clear();
    this.clearedBefore = this.now().getTime();
  }
}

/** `victim UID|preemptor UID` of a kube-scheduler Preempted event; undefined when either is unknown (or for Kueue's). */
function pairOf(e: EventRecord): string | undefined {
  if (e.reason !== 'Preempted' || e.regarding.uid === undefined || e.regarding.kind === 'Workload') return undefined;
  const preemptor = parsePreemptedNote(e.note)?.preemptorUid ?? e.related?.uid;
  return preemptor === undefined ? undefined : `${e.regarding.uid}|${preemptor}`;
}
