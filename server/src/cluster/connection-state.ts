// The connection's state as pure functions of what happened: what a list or watch error does to one stream
// (401/403 forbidden for good, 410 relist, anything else reconnect or offline), and the state shown to the user from
// every stream's status, the scope (cluster-wide or the namespace fallback) and what the snapshot could not read.
// No IO, no clock, no timers: test/live-unit/connection-state.test.ts tables every transition.
import type { ClusterConnectionState } from '../protocol/index';

/** What one list-watch stream is doing now (list-watch.ts sets it; the state below is computed from it). */
export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'forbidden' | 'offline' | 'stopped';

/**
 * What a list or watch that failed with HTTP `status` (0 = no answer) does to its stream: forbidden for good (401/403:
 * retrying does not help), relist from scratch (410 Gone: the resourceVersion is too old), or retry with backoff
 * (throttling 429, server errors, network) as `reconnecting` once it was live, `offline` before.
 */
export function streamStatusAfterError(status: number, wasLive: boolean): 'forbidden' | 'relist' | 'reconnecting' | 'offline' {
  if (status === 403 || status === 401) return 'forbidden';
  if (status === 410) return 'relist';
  return wasLive ? 'reconnecting' : 'offline';
}

/** One stream (events or pods, cluster-wide or in one namespace) as the state sees it. */
export interface StreamFacts {
  name: 'events' | 'pods';
  namespace?: string;
  status: StreamStatus;
  /** The last error the stream reported (it is kept after the stream recovers). */
  lastError?: { status: number; message: string } | undefined;
}

export interface ConnectionFacts {
  /** The kubeconfig context, as named in the texts (`?` when unknown). */
  context: string | undefined;
  streams: readonly StreamFacts[];
  /** Namespaces watched because cluster scope is forbidden; undefined = cluster-wide. */
  scopeNamespaces: readonly string[] | undefined;
  /** Kinds the last snapshot could not read, e.g. `Node (forbidden)` or `Node (connect ECONNREFUSED …)`. */
  snapshotMissing: readonly string[];
  /** The snapshot is being re-read after an outage: its network failures are stale, not a reason for `partial`. */
  resnapshotting: boolean;
  /** What is wrong with the client certificate now (expired, not yet valid), if anything. */
  certificateProblem?: string | undefined;
}

export interface ConnectionStateChange {
  state: ClusterConnectionState;
  detail?: string;
}

/** The state of a running connection; undefined while it has no streams (the state set by start() stays). */
export function connectionState(f: ConnectionFacts): ConnectionStateChange | undefined {
  const statuses = f.streams.map((s) => s.status);
  const errors = f.streams.map((s) => s.lastError).filter((e) => e !== undefined);
  const lastError = errors[errors.length - 1];
  const context = f.context ?? '?';
  if (statuses.length === 0) return undefined;
  const offline = statuses.filter((s) => s === 'offline' || s === 'reconnecting');
  if (offline.length > 0) {
    const detail =
      lastError?.status === 429
        ? `the API server of context ${context} is throttling requests (429), retrying with backoff: ${lastError.message}`
        : `cannot reach the cluster of context ${context}: ${lastError?.message ?? 'no response'}`;
    return { state: statuses.includes('reconnecting') ? 'reconnecting' : 'offline', detail };
  }
  if (statuses.some((s) => s === 'connecting')) return { state: 'connecting' };
  const forbidden = f.streams.filter((s) => s.status === 'forbidden');
  if (forbidden.length === f.streams.length) {
    // An expired (or not yet valid) client certificate only yields "401 Unauthorized": say what is wrong and when.
    const certificate = lastError?.status === 401 ? f.certificateProblem : undefined;
    if (certificate !== undefined)
      return {
        state: 'forbidden',
        detail: `${certificate} (context ${context}; the API server answered: ${lastError?.message ?? 'Unauthorized'})`,
      };
    return {
      state: 'forbidden',
      detail: `not allowed to list events or pods with context ${context}${f.scopeNamespaces !== undefined ? ` in namespaces ${f.scopeNamespaces.join(', ')}` : ''}: ${lastError?.message ?? ''}`,
    };
  }
  const parts: string[] = [];
  if (f.scopeNamespaces !== undefined) parts.push(`cluster scope forbidden; watching namespaces ${f.scopeNamespaces.join(', ')}`);
  if (forbidden.length > 0)
    parts.push(`forbidden: ${forbidden.map((s) => `${s.name}${s.namespace !== undefined ? ` in ${s.namespace}` : ''}`).join(', ')}`);
  const missing = f.resnapshotting ? f.snapshotMissing.filter((m) => m.endsWith('(forbidden)')) : f.snapshotMissing;
  if (missing.length > 0) parts.push(`not readable: ${missing.join(', ')}`);
  return { state: parts.length > 0 ? 'partial' : 'live', detail: parts.join('; ') };
}

/** The snapshot failed for a reason other than RBAC (network, server error): re-read it once the streams are live. */
export function snapshotNeedsRetry(snapshotMissing: readonly string[]): boolean {
  return snapshotMissing.some((m) => !m.endsWith('(forbidden)'));
}

/** The state when start() fails before any request: `kind` of the KubeconfigError, undefined for any other error. */
export function kubeconfigFailureState(kind: 'missing' | 'invalid' | 'no-context' | 'untrusted-exec' | undefined): ClusterConnectionState {
  return kind === 'missing' ? 'no-kubeconfig' : kind === 'untrusted-exec' ? 'untrusted' : 'offline';
}

/**
 * The answer of the first request (GET /version) at start: no answer or a server error means offline (a one-shot
 * list gives up; watches keep retrying with backoff); 401/403 carry on, the lists report forbidden.
 */
export function versionProbeState(status: number, context: string, message: string): ConnectionStateChange | undefined {
  if (status === 0 || status >= 500) return { state: 'offline', detail: `cannot reach the cluster of context ${context}: ${message}` };
  return undefined;
}
