// The events the live view and Diagnose read: only the preemption and eviction reasons, one record per event UID,
// duplicates (same UID and resourceVersion, e.g. a relist) dropped, at most `maxEvents` kept (oldest dropped first).
// Events the user cleared are not taken back from a relist (the apiserver keeps them for up to an hour).
import { eventRecordFromObject, watchedEventReasons } from '../core/index';
import type { ApiObject, EventRecord } from '../core/index';
import type { HistoryStore } from './history';

const reasons = new Set(watchedEventReasons);

export class EventStore {
  private readonly eventsByUid = new Map<string, EventRecord>();
  /** Set by clear(): events that last occurred before this instant (ms) are not taken back on a relist. */
  private clearedBefore: number | undefined;
  /** Duplicate deliveries (same uid + resourceVersion) that were dropped: for tests and diagnostics. */
  duplicatesDropped = 0;

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
    if (old !== undefined && old.resourceVersion === r.resourceVersion) {
      this.duplicatesDropped++;
      return undefined;
    }
    if (old?.seenAt !== undefined) r.seenAt = old.seenAt;
    this.eventsByUid.set(r.uid, r);
    if (this.eventsByUid.size > this.maxEvents) {
      const oldest = [...this.eventsByUid.values()]
        .sort((a, b) => a.time.localeCompare(b.time))
        .slice(0, this.eventsByUid.size - this.maxEvents);
      for (const e of oldest) this.eventsByUid.delete(e.uid);
    }
    return r;
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
    this.clearedBefore = this.now().getTime();
  }
}
