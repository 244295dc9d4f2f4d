// The cluster snapshot (PriorityClasses, Nodes, LimitRanges, PDBs, and PodMetrics when metrics-server is readable),
// re-listed periodically and once more right after an outage; listeners hear only of changes to what the analysis
// uses (resourceVersions, node allocatable and conditions), not of every node heartbeat.
import { capStrings } from '../core/index';
import type { ApiObject } from '../core/index';
import { ApiError } from './api';
import type { ApiClient } from './api';
import { snapshotNeedsRetry } from './connection-state';
import { readPaths } from './endpoints';
import type { ReadPath } from './endpoints';
import type { StreamStatus } from './connection-state';
import type { ClusterSnapshot } from './snapshot';

export interface SnapshotPollerOptions {
  /** The API client once connected (undefined before: refresh() keeps the empty snapshot). */
  api(): ApiClient | undefined;
  /** Namespaces to read namespaced kinds from; undefined = cluster-wide. */
  namespaces(): string[] | undefined;
  stopped(): boolean;
  now(): Date;
  /** A snapshot was read (before listeners hear of a change): the connection's state depends on what is missing. */
  onRead(): void;
  /** A re-read after an outage finished. */
  onResnapshotted(): void;
  /** Each periodic tick (the connection retries Kueue's discovery on it). */
  onTick?(): void;
}

export class SnapshotPoller {
  private snap: ClusterSnapshot = { priorityClasses: [], limitRanges: [], pdbs: [], nodes: [], takenAt: '', missing: [] };
  /** PodMetrics (metrics.k8s.io) from the last snapshot; empty when metrics-server is absent or not readable. */
  podMetrics: ApiObject[] = [];
  private snapshotKey = '';
  private readonly listeners = new Set<() => void>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private resnapshotTimer: ReturnType<typeof setTimeout> | undefined;
  /** A stream was offline/reconnecting since the last snapshot: re-read it when the streams are live again. */
  private outage = false;
  /** Re-reading after an outage: the last snapshot's network failures are stale. */
  resnapshotting = false;

  constructor(private readonly o: SnapshotPollerOptions) {}

  current(): ClusterSnapshot {
    return this.snap;
  }

  /** The snapshot changed (what the analysis uses). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-lists every `intervalMs` until stop(). */
  startPeriodic(intervalMs: number): void {
    this.timer = setInterval(() => {
      void this.refresh().catch(() => undefined);
      this.o.onTick?.();
    }, intervalMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.resnapshotTimer !== undefined) clearTimeout(this.resnapshotTimer);
    this.resnapshotTimer = undefined;
  }

  /** A stream's status changed. */
  onStreamStatus(status: StreamStatus): void {
    if (status === 'offline' || status === 'reconnecting') this.outage = true;
    // Back after an outage (or the snapshot failed while the server was away): re-read the snapshot at once, so
    // the state does not stay `partial` ("not readable: … ECONNREFUSED") until the next periodic refresh.
    if (status === 'live' && (this.outage || snapshotNeedsRetry(this.snap.missing))) this.scheduleResnapshot();
  }

  private scheduleResnapshot(): void {
    if (this.resnapshotTimer !== undefined || this.o.stopped()) return;
    this.resnapshotting = true;
    this.resnapshotTimer = setTimeout(() => {
      this.resnapshotTimer = undefined;
      if (this.o.stopped()) return;
      this.outage = false;
      void this.refresh()
        .catch(() => undefined)
        .finally(() => {
          this.resnapshotting = false;
          this.o.onResnapshotted();
        });
    }, 200);
    this.resnapshotTimer.unref?.();
  }

  /** The read in flight: callers at the same time share it (Diagnose Pod bursts, the periodic timer). */
  private inflight: Promise<ClusterSnapshot> | undefined;

  refresh(): Promise<ClusterSnapshot> {
    this.inflight ??= this.read().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /** The snapshot (by its takenAt) a Diagnose last read: the only one a following Diagnose may reuse. */
  private readForDiagnose = '';

  /**
   * May a Diagnose reuse the current snapshot? Only one an earlier Diagnose read less than `maxAgeMs` ago: a periodic
   * or start-up snapshot may miss a class created since, and a burst of Diagnose Pod on 1,000 nodes must not re-read
   * every Node each time.
   */
  reusableForDiagnose(maxAgeMs: number): boolean {
    return this.snap.takenAt !== '' && this.ageMs() <= maxAgeMs && this.readForDiagnose === this.snap.takenAt;
  }

  /** The current snapshot was read for a Diagnose. */
  markReadForDiagnose(): void {
    this.readForDiagnose = this.snap.takenAt;
  }

  /** Milliseconds since the last snapshot was taken (Infinity before the first). */
  ageMs(): number {
    const t = Date.parse(this.snap.takenAt);
    return Number.isFinite(t) ? Math.max(0, this.o.now().getTime() - t) : Infinity;
  }

  private async read(): Promise<ClusterSnapshot> {
    const api = this.o.api();
    if (api === undefined) return this.snap;
    const missing: string[] = [];
    const namespaces = this.o.namespaces();
    const listAll = async (kind: string, resource: 'limitranges' | 'poddisruptionbudgets'): Promise<ApiObject[]> => {
      const paths = namespaces === undefined ? [readPaths.list(resource)] : namespaces.map((ns) => readPaths.list(resource, ns));
      const out: ApiObject[] = [];
      for (const p of paths) {
        try {
          const list = await api.get(p);
          out.push(...((list['items'] as ApiObject[] | undefined) ?? []));
        } catch (error) {
          if (error instanceof ApiError && (error.status === 403 || error.status === 401)) missing.push(`${kind} (forbidden)`);
          else missing.push(`${kind} (${error instanceof Error ? error.message : String(error)})`);
        }
      }
      return out;
    };
    const clusterScoped = async (kind: string, p: ReadPath): Promise<ApiObject[]> => {
      try {
        return ((await api.get(p))['items'] as ApiObject[] | undefined) ?? [];
      } catch (error) {
        missing.push(
          `${kind} (${error instanceof ApiError && (error.status === 403 || error.status === 401) ? 'forbidden' : error instanceof Error ? error.message : String(error)})`,
        );
        return [];
      }
    };
    // Free text in these objects (node condition messages, class descriptions, annotations) is bounded like event notes.
    const [priorityClasses, nodes, limitRanges, pdbs] = (
      await Promise.all([
        clusterScoped('PriorityClass', readPaths.list('priorityclasses')),
        clusterScoped('Node', readPaths.list('nodes')),
        listAll('LimitRange', 'limitranges'),
        listAll('PodDisruptionBudget', 'poddisruptionbudgets'),
      ])
    ).map((items) => items.map((o) => capStrings(o)));
    // Optional: metrics-server may be absent (404/503) or forbidden; never a `missing` kind, never an error state.
    this.podMetrics = await listPodMetrics(api, namespaces);
    this.snap = { priorityClasses, nodes, limitRanges, pdbs, takenAt: this.o.now().toISOString(), missing: [...new Set(missing)] };
    this.o.onRead();
    // Node status changes every heartbeat: compare what the analysis uses (resourceVersions of all but Nodes, node conditions/allocatable).
    const key = JSON.stringify([
      [priorityClasses, limitRanges, pdbs].map((xs) =>
        xs.map((o) => (o['metadata'] as { uid?: string; resourceVersion?: string } | undefined)?.resourceVersion),
      ),
      nodes.map((n) => [
        (n['metadata'] as { name?: string } | undefined)?.name,
        (n['status'] as ApiObject | undefined)?.['allocatable'],
        ((n['status'] as ApiObject | undefined)?.['conditions'] as ApiObject[] | undefined)?.map(
          (c) => `${String(c['type'])}=${String(c['status'])}`,
        ),
      ]),
      this.snap.missing,
    ]);
    if (key !== this.snapshotKey) {
      this.snapshotKey = key;
      for (const l of this.listeners) l();
    }
    return this.snap;
  }
}

async function listPodMetrics(api: ApiClient, namespaces: string[] | undefined): Promise<ApiObject[]> {
  const paths = namespaces === undefined ? [readPaths.list('podmetrics')] : namespaces.map((ns) => readPaths.list('podmetrics', ns));
  const out: ApiObject[] = [];
  for (const p of paths) {
    try {
      out.push(...(((await api.get(p))['items'] as ApiObject[] | undefined) ?? []).map((o) => capStrings(o)));
    } catch {
      // No metrics-server: the eviction ranking falls back to the static tier.
    }
  }
  return out;
}
