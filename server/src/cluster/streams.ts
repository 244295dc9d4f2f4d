// The list+watch streams of a connection: events and pods, one pair for the cluster or per watched namespace.
import type { ApiObject } from '../core/index';
import type { ApiClient, ApiError } from './api';
import type { StreamFacts } from './connection-state';
import { readPaths } from './endpoints';
import { ListWatch } from './list-watch';
import type { StreamStatus } from './connection-state';

export interface Stream {
  name: 'events' | 'pods';
  namespace?: string;
  /** Events of one reason (`reason=Preempted`): the apiserver filters, so the noise is never sent. */
  fieldSelector?: string;
  lw: ListWatch;
}

export interface StreamOptions {
  /** false = list once, no watch (CLI). */
  watch: boolean;
  backoff?: { initialMs: number; maxMs: number } | undefined;
  watchTimeoutSeconds?: number | undefined;
  onStatus: (status: StreamStatus, error?: ApiError) => void;
  /** Server-side filter of the list and the watch (endpoints.ts eventReasonSelector). */
  fieldSelector?: string | undefined;
  onList: (items: ApiObject[]) => void;
  /** Full lists page by page instead of onList (no page of raw objects outlives its conversion). */
  onListPage?: ((items: ApiObject[], first: boolean, last: boolean) => void) | undefined;
  onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: ApiObject) => void;
}

export function openStream(api: ApiClient, name: 'events' | 'pods', namespace: string | undefined, o: StreamOptions): Stream {
  const lw = new ListWatch({
    api,
    path: readPaths.list(name, namespace),
    watch: o.watch,
    onStatus: o.onStatus,
    onList: o.onList,
    ...(o.onListPage !== undefined ? { onListPage: o.onListPage } : {}),
    ...(o.fieldSelector !== undefined ? { fieldSelector: o.fieldSelector } : {}),
    onEvent: o.onEvent,
    ...(o.backoff !== undefined ? { backoff: o.backoff } : {}),
    ...(o.watchTimeoutSeconds !== undefined ? { watchTimeoutSeconds: o.watchTimeoutSeconds } : {}),
  });
  const stream: Stream = { name, lw };
  if (namespace !== undefined) stream.namespace = namespace;
  if (o.fieldSelector !== undefined) stream.fieldSelector = o.fieldSelector;
  return stream;
}

/** What the connection state reads of each stream. */
export function streamFacts(streams: readonly Stream[]): StreamFacts[] {
  return streams.map((s) => ({ name: s.name, namespace: s.namespace, status: s.lw.status, lastError: s.lw.lastError }));
}

export interface StreamStats {
  name: string;
  namespace?: string;
  fieldSelector?: string;
  status: StreamStatus;
  lists: number;
  watches: number;
  resourceVersion?: string;
}

/** Streams' counters, for tests: lists and watch connections per stream. */
export function streamStats(streams: readonly Stream[]): StreamStats[] {
  return streams.map((s) => {
    const out: StreamStats = { name: s.name, status: s.lw.status, lists: s.lw.lists, watches: s.lw.watches };
    if (s.namespace !== undefined) out.namespace = s.namespace;
    if (s.fieldSelector !== undefined) out.fieldSelector = s.fieldSelector;
    if (s.lw.resourceVersion !== undefined) out.resourceVersion = s.lw.resourceVersion;
    return out;
  });
}
