// The events the live view and Diagnose read: only the preemption and eviction reasons, one record per event UID,
// duplicates (same UID and resourceVersion, e.g. a relist) dropped, at most `maxEvents` kept (the least recently
// recorded dropped first, in O(1): Map order). Events the user cleared are not taken back from a relist (the apiserver
// keeps them for up to an hour), and neither are events dropped by the bound: their UID and resourceVersion are
// remembered (a bounded FIFO of 10x `maxEvents`), so a relist after an apiserver restart does not record them twice.
import { eventRecordFromObject, watchedEventReasons } from '../core/index';
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
    if (r === undefined) return undefined;
    // Cleared by the user: the apiserver still holds these events for up to an hour; a relist must not bring them back.
    if (this.clearedBefore !== undefined && (Date.parse(r.time) || 0) <= this.clearedBefore) return undefined;
    const old = this.eventsByUid.get(r.uid);
    const gone = old === undefined && this.evicted.has(r.uid);
    if ((old !== undefined && old.resourceVersion === r.resourceVersion) || (gone && this.evicted.get(r.uid) === r.resourceVersion)) {
      this.duplicatesDropped++;
      return undefined;
    }
    if (gone) this.evicted.delete(r.uid);
    if (old?.seenAt !== undefined) r.seenAt = old.seenAt;
    // Re-inserted so that Map order is "least recently recorded first".
    this.eventsByUid.delete(r.uid);
    this.eventsByUid.set(r.uid, r);
    while (this.eventsByUid.size > this.maxEvents) {
      const first = this.eventsByUid.values().next().value;
      if (first === undefined) break;
      this.eventsByUid.delete(first.uid);
      this.evictedCount++;
      this.evicted.set(first.uid, first.resourceVersion);
      if (this.evicted.size > this.maxEvents * 10) {
        const oldest = this.evicted.keys().next().value;
        if (oldest !== undefined) this.evicted.delete(oldest);
      }
    }
    return r;
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
    this.clearedBefore = this.now().getTime();
  }
}
