// Edits of open documents on their way to the analysis: each document's edits are debounced (150 ms), then queued,
// and the queue is flushed on the next turn of the event loop; a request pulls a document's edit forward (ensureFresh).
// Remembers which version of each open document the analysis holds, so a stale version is never published.
import type { Logger } from './safe';

export const debounceMs = 150;

export class EditQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pending = new Set<string>();
  /** Document version whose text the host holds, per open document. */
  private readonly analyzedVersion = new Map<string, number>();
  private flushScheduled = false;

  /** `flush` takes the queue (takeDue) on the next turn after something was queued. */
  constructor(
    private readonly flush: () => void,
    private readonly log: Logger,
  ) {}

  /** An opened document: queued at once (no debounce). */
  opened(key: string): void {
    this.pending.add(key);
    this.scheduleFlush();
  }

  changed(key: string, version: number): void {
    // didOpen also fires a content change: the open is already queued.
    if (this.pending.has(key) || this.analyzedVersion.get(key) === version) return;
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.pending.add(key);
        this.scheduleFlush();
      }, debounceMs),
    );
  }

  /** A closed document: its waiting edit and its analysed version are forgotten. */
  closed(key: string): void {
    const timer = this.timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.timers.delete(key);
    this.pending.delete(key);
    this.analyzedVersion.delete(key);
  }

  /** Moves the debounced edits of `keys` (default: every document) to the queue; true when the queue is not empty. */
  pullForward(keys?: readonly string[]): boolean {
    for (const key of keys ?? [...this.timers.keys()]) {
      const timer = this.timers.get(key);
      if (timer !== undefined) {
        clearTimeout(timer);
        this.timers.delete(key);
        this.pending.add(key);
      }
    }
    return this.pending.size > 0;
  }

  /** A newer edit of the file waits in the debounce or the queue. */
  waiting(key: string): boolean {
    return this.timers.has(key) || this.pending.has(key);
  }

  hasQueued(): boolean {
    return this.pending.size > 0;
  }

  /** The queued documents, emptying the queue. */
  takeQueued(): string[] {
    const keys = [...this.pending];
    this.pending.clear();
    return keys;
  }

  /** The analysis now holds `version` of the document (from a flush or the index): it is no longer queued. */
  analyzed(key: string, version: number): void {
    this.analyzedVersion.set(key, version);
  }

  analyzedVersionOf(key: string): number | undefined {
    return this.analyzedVersion.get(key);
  }

  /** Drops the queued documents `keep` rejects (documents the index already read, or closed ones). */
  unqueue(keep: (key: string) => boolean): void {
    for (const key of [...this.pending]) if (!keep(key)) this.pending.delete(key);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      try {
        this.flush();
      } catch (error) {
        // A bad document or an engine bug must not stop the server; the next edit retries.
        this.log.error(`analysis failed: ${(error as Error).stack ?? String(error)}`);
      }
    });
  }
}
