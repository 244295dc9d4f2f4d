// The connection state as a table: what happened to each stream (listed and watching, list/watch errors 401, 403,
// 410, 429, 5xx, no answer), the namespace fallback, what the snapshot could not read and API server restarts, to the
// state and detail text the user sees. Each stream is replayed through streamStatusAfterError, as ListWatch does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  connectionState,
  kubeconfigFailureState,
  snapshotNeedsRetry,
  streamStatusAfterError,
  versionProbeState,
} from '../../server/src/cluster/connection-state';
import type { ConnectionFacts, ConnectionStateChange, StreamFacts } from '../../server/src/cluster/connection-state';
import { fallbackNamespaces } from '../../server/src/cluster/scope';

/** What happened to one stream, in order: its list and watch are up, or a request failed with an HTTP status (0 = no answer). */
type Happened = 'watching' | { error: number; message: string };

const refused: Happened = { error: 0, message: 'connect ECONNREFUSED 127.0.0.1:6443' };
const gone: Happened = { error: 410, message: 'too old resource version: 1 (2)' };
const throttled: Happened = { error: 429, message: 'Too Many Requests' };
const unavailable: Happened = { error: 503, message: 'the server is currently unable to handle the request' };
const forbidden: Happened = { error: 403, message: 'events is forbidden: User "ci" cannot list resource "events"' };
const unauthorized: Happened = { error: 401, message: 'Unauthorized' };

/** A stream as ListWatch keeps it: status, the last error it reported, and whether it was ever live. */
function replay(name: 'events' | 'pods', namespace: string | undefined, happened: readonly Happened[]): StreamFacts {
  const s: StreamFacts = { name, status: 'connecting' };
  if (namespace !== undefined) s.namespace = namespace;
  let wasLive = false;
  for (const h of happened) {
    if (s.status === 'forbidden') break; // the loop ended: nothing else happens to this stream
    if (h === 'watching') {
      s.status = 'live';
      wasLive = true;
      continue;
    }
    const next = streamStatusAfterError(h.error, wasLive);
    if (next === 'relist') continue; // 410 Gone: list again from scratch, no status change, no error shown
    s.status = next;
    s.lastError = { status: h.error, message: h.message };
  }
  return s;
}

interface Row {
  what: string;
  events: Happened[];
  pods: Happened[];
  namespaces?: string[];
  missing?: string[];
  resnapshotting?: boolean;
  certificateProblem?: string;
  want: ConnectionStateChange;
}

const expired = 'the client certificate of user "ci" expired on 2020-01-02T00:00:00Z; renew it';

const rows: Row[] = [
  { what: 'nothing answered yet', events: [], pods: [], want: { state: 'connecting' } },
  { what: 'one stream listed, the other still listing', events: ['watching'], pods: [], want: { state: 'connecting' } },
  { what: 'both listed and watching', events: ['watching'], pods: ['watching'], want: { state: 'live', detail: '' } },
  {
    what: 'no answer before the first list: offline',
    events: [refused],
    pods: [refused],
    want: { state: 'offline', detail: 'cannot reach the cluster of context kind-ci: connect ECONNREFUSED 127.0.0.1:6443' },
  },
  {
    what: 'one stream offline while the other is live: offline wins over live',
    events: ['watching'],
    pods: [refused],
    want: { state: 'offline', detail: 'cannot reach the cluster of context kind-ci: connect ECONNREFUSED 127.0.0.1:6443' },
  },
  {
    what: 'the API server went away after the streams were live: reconnecting',
    events: ['watching', refused],
    pods: ['watching', refused],
    want: { state: 'reconnecting', detail: 'cannot reach the cluster of context kind-ci: connect ECONNREFUSED 127.0.0.1:6443' },
  },
  {
    what: 'one stream reconnecting, the other never live (offline): reconnecting',
    events: ['watching', refused],
    pods: [refused],
    want: { state: 'reconnecting', detail: 'cannot reach the cluster of context kind-ci: connect ECONNREFUSED 127.0.0.1:6443' },
  },
  {
    what: 'a server error (503) after live',
    events: ['watching', unavailable],
    pods: ['watching'],
    want: {
      state: 'reconnecting',
      detail: 'cannot reach the cluster of context kind-ci: the server is currently unable to handle the request',
    },
  },
  {
    what: 'throttled (429) after live: says so, retrying with backoff',
    events: ['watching'],
    pods: ['watching', throttled],
    want: {
      state: 'reconnecting',
      detail: 'the API server of context kind-ci is throttling requests (429), retrying with backoff: Too Many Requests',
    },
  },
  {
    what: 'throttled (429) before the first list: offline, still named throttling',
    events: [throttled],
    pods: [],
    want: {
      state: 'offline',
      detail: 'the API server of context kind-ci is throttling requests (429), retrying with backoff: Too Many Requests',
    },
  },
  {
    what: '410 Gone on a live watch: relists silently, stays live',
    events: ['watching', gone, 'watching'],
    pods: ['watching', gone],
    want: { state: 'live', detail: '' },
  },
  { what: '410 Gone before the first list: still connecting', events: [gone], pods: [gone], want: { state: 'connecting' } },
  {
    what: 'the API server restarted: reconnecting, then live again',
    events: ['watching', refused, refused, 'watching'],
    pods: ['watching', refused, 'watching'],
    want: { state: 'live', detail: '' },
  },
  {
    what: 'back after a restart while the snapshot is re-read: its stale network failures are not `partial`',
    events: ['watching', refused, 'watching'],
    pods: ['watching', refused, 'watching'],
    missing: ['PriorityClass (connect ECONNREFUSED 127.0.0.1:6443)', 'Node (connect ECONNREFUSED 127.0.0.1:6443)'],
    resnapshotting: true,
    want: { state: 'live', detail: '' },
  },
  {
    what: 'while re-reading the snapshot, RBAC gaps still show',
    events: ['watching'],
    pods: ['watching'],
    missing: ['Node (forbidden)', 'PriorityClass (socket hang up)'],
    resnapshotting: true,
    want: { state: 'partial', detail: 'not readable: Node (forbidden)' },
  },
  {
    what: 'a snapshot that failed on the network (not re-reading): partial',
    events: ['watching'],
    pods: ['watching'],
    missing: ['PriorityClass (socket hang up)'],
    want: { state: 'partial', detail: 'not readable: PriorityClass (socket hang up)' },
  },
  {
    what: 'events and pods forbidden (403): forbidden with the API server message',
    events: [forbidden],
    pods: [forbidden],
    want: {
      state: 'forbidden',
      detail: 'not allowed to list events or pods with context kind-ci: events is forbidden: User "ci" cannot list resource "events"',
    },
  },
  {
    what: 'a 403 ends the stream: later happenings do not revive it',
    events: [forbidden, 'watching'],
    pods: [forbidden],
    want: {
      state: 'forbidden',
      detail: 'not allowed to list events or pods with context kind-ci: events is forbidden: User "ci" cannot list resource "events"',
    },
  },
  {
    what: 'forbidden in the fallback namespaces too: names them',
    events: [forbidden],
    pods: [forbidden],
    namespaces: ['ci', 'batch'],
    want: {
      state: 'forbidden',
      detail:
        'not allowed to list events or pods with context kind-ci in namespaces ci, batch: events is forbidden: User "ci" cannot list resource "events"',
    },
  },
  {
    what: '401 with an expired client certificate: says what is wrong and when',
    events: [unauthorized],
    pods: [unauthorized],
    certificateProblem: expired,
    want: { state: 'forbidden', detail: `${expired} (context kind-ci; the API server answered: Unauthorized)` },
  },
  {
    what: '401 with a valid certificate: the plain forbidden text',
    events: [unauthorized],
    pods: [unauthorized],
    want: { state: 'forbidden', detail: 'not allowed to list events or pods with context kind-ci: Unauthorized' },
  },
  {
    what: '403 with an expired certificate: the certificate is not blamed (only a 401 means bad credentials)',
    events: [forbidden],
    pods: [forbidden],
    certificateProblem: expired,
    want: {
      state: 'forbidden',
      detail: 'not allowed to list events or pods with context kind-ci: events is forbidden: User "ci" cannot list resource "events"',
    },
  },
  {
    what: 'pods forbidden, events live: partial naming the stream',
    events: ['watching'],
    pods: [forbidden],
    want: { state: 'partial', detail: 'forbidden: pods' },
  },
  {
    what: 'namespace fallback (cluster scope forbidden), both live',
    events: ['watching'],
    pods: ['watching'],
    namespaces: ['ci'],
    want: { state: 'partial', detail: 'cluster scope forbidden; watching namespaces ci' },
  },
  {
    what: 'namespace fallback, a forbidden stream and an unreadable kind: every reason, in order',
    events: ['watching'],
    pods: [forbidden],
    namespaces: ['ci'],
    missing: ['Node (forbidden)', 'PriorityClass (forbidden)'],
    want: {
      state: 'partial',
      detail:
        'cluster scope forbidden; watching namespaces ci; forbidden: pods in ci; not readable: Node (forbidden), PriorityClass (forbidden)',
    },
  },
];

for (const row of rows) {
  test(`connection state: ${row.what} → ${row.want.state}`, () => {
    const ns = row.namespaces?.[0];
    const facts: ConnectionFacts = {
      context: 'kind-ci',
      streams: [replay('events', ns, row.events), replay('pods', ns, row.pods)],
      scopeNamespaces: row.namespaces,
      snapshotMissing: row.missing ?? [],
      resnapshotting: row.resnapshotting ?? false,
      certificateProblem: row.certificateProblem,
    };
    assert.deepEqual(connectionState(facts), row.want);
  });
}

test('connection state: no streams yet (start() still picking the scope) changes nothing; an unknown context is `?`', () => {
  const base: ConnectionFacts = { context: undefined, streams: [], scopeNamespaces: undefined, snapshotMissing: [], resnapshotting: false };
  assert.equal(connectionState(base), undefined);
  assert.deepEqual(connectionState({ ...base, streams: [replay('events', undefined, [refused])] }), {
    state: 'offline',
    detail: 'cannot reach the cluster of context ?: connect ECONNREFUSED 127.0.0.1:6443',
  });
});

test('stream status after an error: 401/403 forbidden for good, 410 relist, others reconnect once live, offline before', () => {
  const table: Array<[number, boolean, ReturnType<typeof streamStatusAfterError>]> = [
    [401, false, 'forbidden'],
    [403, true, 'forbidden'],
    [410, false, 'relist'],
    [410, true, 'relist'],
    [429, false, 'offline'],
    [429, true, 'reconnecting'],
    [500, true, 'reconnecting'],
    [0, false, 'offline'],
    [0, true, 'reconnecting'],
    [404, false, 'offline'],
  ];
  for (const [status, wasLive, want] of table) assert.equal(streamStatusAfterError(status, wasLive), want, `${status} wasLive=${wasLive}`);
});

test('start failures: no kubeconfig, untrusted exec plugin, anything else offline; /version decides reachability', () => {
  assert.equal(kubeconfigFailureState('missing'), 'no-kubeconfig');
  assert.equal(kubeconfigFailureState('untrusted-exec'), 'untrusted');
  assert.equal(kubeconfigFailureState('invalid'), 'offline');
  assert.equal(kubeconfigFailureState('no-context'), 'offline');
  assert.equal(kubeconfigFailureState(undefined), 'offline');
  assert.deepEqual(versionProbeState(0, 'kind-ci', 'connect ECONNREFUSED'), {
    state: 'offline',
    detail: 'cannot reach the cluster of context kind-ci: connect ECONNREFUSED',
  });
  assert.equal(versionProbeState(502, 'kind-ci', 'Bad Gateway')?.state, 'offline');
  assert.equal(versionProbeState(401, 'kind-ci', 'Unauthorized'), undefined, 'the lists report forbidden');
  assert.equal(versionProbeState(403, 'kind-ci', 'forbidden'), undefined);
});

test('the snapshot is re-read after the streams come back only when it failed for a reason other than RBAC', () => {
  assert.equal(snapshotNeedsRetry([]), false);
  assert.equal(snapshotNeedsRetry(['Node (forbidden)']), false);
  assert.equal(snapshotNeedsRetry(['Node (forbidden)', 'PriorityClass (socket hang up)']), true);
});

test('namespace fallback: configured names (invalid ones dropped and logged), else the context namespace, else default', () => {
  const logs: string[] = [];
  const log = (m: string) => logs.push(m);
  assert.deepEqual(fallbackNamespaces(['ci', '', 'Bad_Name', 'batch'], 'own', log), ['ci', 'batch']);
  assert.deepEqual(logs, ['ignoring "Bad_Name": not a valid namespace name']);
  assert.deepEqual(fallbackNamespaces(undefined, 'team-a', log), ['team-a']);
  assert.deepEqual(fallbackNamespaces(['Bad_Name'], undefined, log), ['default']);
  assert.deepEqual(fallbackNamespaces([], '../etc', log), ['default']);
  assert.equal(logs.length, 3);
});
