// What the live bench's agent sends the runner for every event record the connection delivers, and the runner's log of
// them (kept in the runner: what it remembers grows with every storm and must not be charged to the agent's heap).

/**
 * One event the connection reported: [event uid, resourceVersion, reason, eventTime, received (ms), victim uid, preemptor
 * uid, uid of the record holding it] (an event folded into the record of the same preemption: that record's uid).
 */
export type Delivery = [string, string, string, string, number, string, string, string];

/** One record as the connection delivered it: [uid, resourceVersion, reason, eventTime, received (ms), victim uid, preemptor uid, folded event uids]. */
export type Sent = [string, string, string, string, number, string, string, string[]];

/**
 * Turns the records the agent sent into deliveries (in the runner).
 */
export class DeliveryLog {
  readonly deliveries: Delivery[] = [];
  private readonly folded = new Set<string>();
  private readonly delivered = new Set<string>();

  add(sent: readonly Sent[]): void {
    for (const [uid, rv, reason, time, at, victim, preemptor, merged] of sent) {
      const newlyFolded = merged.filter((u) => !this.folded.has(u));
      // A record re-sent because an event was folded into it is not a second delivery of that record.
      const key = `${uid}|${rv}`;
      if (!(newlyFolded.length > 0 && this.delivered.has(key))) this.deliveries.push([uid, rv, reason, time, at, victim, preemptor, uid]);
      // Only Preempted records fold other events into them: only their keys are needed.
      if (reason === 'Preempted') this.delivered.add(key);
      for (const u of merged) {
        if (this.folded.has(u)) continue;
        this.folded.add(u);
        this.deliveries.push([u, '', reason, time, at, victim, preemptor, uid]);
      }
    }
  }
}
