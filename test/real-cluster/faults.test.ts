/**
 * Cluster faults (issue 9) on the real local control plane, against the cluster layer the language server uses
 * (ClusterConnection + HistoryStore, and LiveClusterSource where the UI state matters):
 *   - apiserver SIGKILLed and restarted mid-watch: live → reconnecting → live, every watched event of the cluster is
 *     in the history store exactly once (no lost, no duplicated record lines);
 *   - connection refused at start: offline with a readable message, then live when the apiserver comes up;
 *   - invalid credentials (client cert signed by another CA; a bogus bearer token): `forbidden` with a readable
 *     message, no crash, the token never in a message;
 *   - expired credentials: a client cert from the cluster's own CA, valid 2020-01-01..02 (`pki.sh expired`), which
 *     RBAC would allow: the apiserver only says 401, so the client checks the cert's validity window itself and the
 *     state (ClusterConnection and LiveClusterSource) is `forbidden` with "… expired on 2020-01-02T00:00:00Z; renew
 *     it …"; no key or cert material in any message; a renewed cert for the same user is live;
 *   - 403 on cluster scope (namespace-scoped Role): `partial`, the namespace is still watched live;
 *   - 429 from the real apiserver (API Priority and Fairness): a PriorityLevelConfiguration with 0 nominal shares,
 *     nothing lendable or borrowable and `Reject`, and a FlowSchema (precedence 100) sending the client's user there.
 *     A zero-seat level still dispatches a request when none of its requests is executing, so a second user of the
 *     level holds the seat with a create whose body never ends; then every request of the client's user is answered
 *     429 (checked with raw GETs and the apiserver's APF dump). The live client goes `reconnecting` with the
 *     throttling message, re-watches with growing backoff (~200, 400, 800, 1600 ms), a client started meanwhile is
 *     `offline` with the apiserver's own text; when the admin deletes the FlowSchema both go live by themselves, and
 *     the history holds every watched event of the cluster exactly once (including one made while throttled);
 *   - 429 with Retry-After from an HTTPS stub (TLS from a throwaway CA made by scripts/cluster/pki.sh) that answers
 *     429 to the first lists: `offline` with the server's message, lists retried with growing backoff, then live;
 *   - etcd slow: SIGSTOP etcd for 6 s, then SIGCONT: the connection is live again and new events arrive.
 *
 * Needs the binaries from scripts/cluster/build.sh; skipped when they are missing unless KPL_REQUIRE_CLUSTER=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ClusterConnection, HistoryStore, LiveClusterSource } from '../../server/src/cluster/index';
import type { ClusterStateView } from '../../server/src/protocol/index';
import { defaultBinDir, findRepoFile, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;
const watchedReasons = new Set([
  'Preempted',
  'Evicted',
  'FailedScheduling',
  'Killing',
  'BackoffLimitExceeded',
  'PodFailurePolicy',
  'OOMKilling',
  'TaintManagerEviction',
  'Preempting',
]);
const fast = { backoff: { initialMs: 200, maxMs: 2000 }, watchTimeoutSeconds: 60, snapshotIntervalMs: 0 };

/** A throwaway CA with a 127.0.0.1 serving cert and an admin client cert (not trusted by the cluster). */
function otherPki(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-other-ca-'));
  const r = spawnSync('bash', [findRepoFile('scripts/cluster/pki.sh'), 'init', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pki.sh init failed: ${r.stderr}`);
  return dir;
}

function kubeconfigFile(dir: string, name: string, server: string, caPem: string, user: Record<string, string>): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const file = path.join(dir, `${name}.kubeconfig`);
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: 'u', user }],
    contexts: [{ name, context: { cluster: 'c', user: 'u', namespace: 'default' } }],
    'current-context': name,
  };
  fs.writeFileSync(file, JSON.stringify(cfg, null, 2), { mode: 0o600 });
  return file;
}

/** Issues a client certificate from the cluster's own CA: `user` (valid now) or `expired` (2020-01-01..02). */
function clusterCert(cluster: Cluster, kind: 'user' | 'expired', name: string): { crt: string; key: string } {
  const pki = path.join(cluster.dir, 'pki');
  const r = spawnSync('bash', [findRepoFile('scripts/cluster/pki.sh'), kind, pki, name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pki.sh ${kind} failed: ${r.stderr}`);
  const rd = (f: string) => fs.readFileSync(path.join(pki, 'users', f), 'utf8');
  return { crt: rd(`${name}.crt`), key: rd(`${name}.key`) };
}

/** Status code of one GET as the given client cert (no retries, unlike kubectl, which retries 429s). */
function rawStatus(server: string, ca: string, cert: { crt: string; key: string }, pathname: string): Promise<number> {
  return new Promise((resolve) => {
    const req = https.get(`${server}${pathname}`, { ca, cert: cert.crt, key: cert.key, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(0));
  });
}

/**
 * Occupies the only seat a zero-share priority level has. With a concurrency limit of 0, API Priority and Fairness
 * still dispatches a request when nothing of that level is executing (queueset canAccommodateSeatsLocked), so the
 * level rejects deterministically only while one request of it is in flight: a create (SelfSubjectAccessReview,
 * allowed to every authenticated user) whose body is never finished keeps its handler, and so its seat, busy.
 * Re-issued at once if the server ever ends it, until released.
 */
function holdSeat(server: string, ca: string, cert: { crt: string; key: string }): { release(): void; issued(): number } {
  let released = false;
  let issued = 0;
  let current: ReturnType<typeof https.request> | undefined;
  const issue = () => {
    if (released) return;
    issued++;
    const req = https.request(`${server}/apis/authorization.k8s.io/v1/selfsubjectaccessreviews`, {
      method: 'POST',
      ca,
      cert: cert.crt,
      key: cert.key,
      agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': '4096' },
    });
    req.on('response', (res) => {
      res.resume();
      issue();
    });
    req.on('error', () => setTimeout(issue, 50));
    req.write('{"apiVersion":"authorization.k8s.io/v1",');
    current = req;
  };
  issue();
  return {
    release: () => {
      released = true;
      current?.destroy();
    },
    issued: () => issued,
  };
}

function unschedulablePod(namespace: string, name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1', resources: { requests: { cpu: '500' } } }] },
  });
}

/** Every history line of type event as `uid@resourceVersion`; duplicates = the same delivery written twice. */
function historyEventKeys(file: string): string[] {
  const keys: string[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    let r: { type?: string; event?: { uid: string; resourceVersion?: string } };
    try {
      r = JSON.parse(line) as typeof r;
    } catch {
      continue;
    }
    if (r.type === 'event' && r.event !== undefined) keys.push(`${r.event.uid}@${r.event.resourceVersion ?? ''}`);
  }
  return keys;
}

async function clusterEventUids(cluster: Cluster): Promise<Set<string>> {
  const list = await cluster.getJson(['events', '-A']);
  return new Set(
    (list['items'] as { metadata: { uid: string }; reason?: string }[])
      .filter((e) => watchedReasons.has(e.reason ?? ''))
      .map((e) => e.metadata.uid),
  );
}

test('cluster faults on the real control plane', { skip, timeout: 15 * 60_000 }, async (t) => {
  const cluster = await startCluster({ nodes: uniformNodes(1, 4, '8Gi') });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-faults-'));
  const caPem = fs.readFileSync(path.join(cluster.dir, 'pki', 'ca.crt'), 'utf8');
  try {
    await cluster.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'faults' } }));

    await t.test('apiserver SIGKILLed and restarted mid-watch: clear states, recovery, history without loss or duplicates', async () => {
      const historyDir = path.join(work, 'history-kill');
      const history = await HistoryStore.open({ dir: historyDir });
      const conn = new ClusterConnection({ kubeconfig: cluster.kubeconfig, history, ...fast });
      const states: ClusterStateView[] = [];
      conn.onState((s) => states.push(s));
      await conn.start();
      assert.equal(conn.state().state, 'live');
      await cluster.apply(unschedulablePod('faults', 'before-kill'));
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'before-kill'), 30_000, {
        description: 'FailedScheduling before the kill',
      });
      const before = states.length;
      const pid = cluster.pids()['kube-apiserver'];
      assert.ok(pid !== undefined);
      process.kill(-pid, 'SIGKILL');
      await waitFor(() => ['reconnecting', 'offline'].includes(conn.state().state), 30_000, { description: 'reconnecting after SIGKILL' });
      const down = conn.state();
      t.diagnostic(`while down: ${JSON.stringify(down)}`);
      assert.match(down.detail ?? '', /cannot reach the cluster of context \S+: .+/);
      await cluster.stopApiserver(); // reap the killed group
      await cluster.startApiserver();
      await waitFor(() => conn.state().state === 'live', 60_000, { description: 'live after the restart' });
      const sequence = states.slice(before).map((s) => s.state);
      t.diagnostic(`state sequence: live -> ${sequence.join(' -> ')}`);
      assert.equal(sequence[0], 'reconnecting');
      assert.equal(sequence[sequence.length - 1], 'live');
      assert.ok(!sequence.includes('forbidden') && !sequence.includes('partial'), sequence.join(','));
      await cluster.apply(unschedulablePod('faults', 'after-kill'));
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'after-kill'), 30_000, {
        description: 'FailedScheduling after the restart',
      });
      const inCluster = await clusterEventUids(cluster);
      await waitFor(() => [...inCluster].every((uid) => conn.events().some((e) => e.uid === uid)), 30_000, {
        description: 'every cluster event seen',
      });
      await conn.stop();
      await history.flush();
      const keys = historyEventKeys(history.file);
      assert.equal(new Set(keys).size, keys.length, `duplicated history lines: ${keys.filter((k, i) => keys.indexOf(k) !== i).join(', ')}`);
      const reopened = await HistoryStore.open({ dir: historyDir });
      const uids = reopened.events().map((e) => e.uid);
      assert.equal(new Set(uids).size, uids.length, 'one record per event');
      for (const uid of inCluster) assert.ok(uids.includes(uid), `event ${uid} lost from the history`);
      t.diagnostic(`history: ${uids.length} event record(s), ${keys.length} event line(s); cluster has ${inCluster.size} watched event(s)`);
    });

    await t.test('connection refused at start: offline with a readable message, then live when the apiserver comes up', async () => {
      await cluster.stopApiserver();
      const conn = new ClusterConnection({ kubeconfig: cluster.kubeconfig, ...fast });
      const states: string[] = [];
      conn.onState((s) => states.push(s.state));
      await conn.start(); // resolves: the streams keep retrying
      const s = conn.state();
      t.diagnostic(`at start: ${JSON.stringify(s)}`);
      assert.equal(s.state, 'offline');
      assert.match(s.detail ?? '', /cannot reach the cluster of context \S+: .*(ECONNREFUSED|connect)/);
      await cluster.startApiserver();
      await waitFor(() => conn.state().state === 'live', 60_000, { description: 'live once the apiserver is up' });
      // The snapshot is re-read once the streams are back (not left `partial` until the next periodic refresh).
      await waitFor(() => conn.snapshot().nodes.length === 1 && conn.snapshot().missing.length === 0, 10_000, {
        description: 'snapshot re-read',
      });
      t.diagnostic(`states: ${states.join(' -> ')}`);
      assert.ok(!states.includes('partial'), 'not mislabelled partial while the snapshot is re-read');
      await conn.stop();
    });

    await t.test(
      'invalid credentials: client cert from another CA, bogus token → forbidden with a readable message, no crash',
      async () => {
        const other = otherPki();
        const rd = (f: string) => fs.readFileSync(path.join(other, f), 'utf8');
        const b64 = (s: string) => Buffer.from(s).toString('base64');
        const foreign = kubeconfigFile(work, 'foreign-cert', cluster.server, caPem, {
          'client-certificate-data': b64(rd('admin.crt')),
          'client-key-data': b64(rd('admin.key')),
        });
        const token = 'kpl-bogus-token-0123456789abcdef';
        const bogus = kubeconfigFile(work, 'bogus-token', cluster.server, caPem, { token });
        for (const [label, kc] of [
          ['foreign CA client cert', foreign],
          ['bogus token', bogus],
        ] as const) {
          const logs: string[] = [];
          const conn = new ClusterConnection({ kubeconfig: kc, ...fast, log: (m) => logs.push(m) });
          await conn.start();
          const s = conn.state();
          t.diagnostic(`${label}: ${JSON.stringify(s)}`);
          assert.ok(s.state === 'forbidden' || s.state === 'offline', `${label}: ${s.state}`);
          assert.match(s.detail ?? '', /Unauthorized|forbidden|not allowed|certificate/i);
          assert.ok(!JSON.stringify(s).includes(token) && !logs.some((l) => l.includes(token)), 'the token leaked into a message');
          await conn.stop();
        }
        fs.rmSync(other, { recursive: true, force: true });
      },
    );

    await t.test('expired client certificate from the cluster CA: forbidden, the message says it expired and when', async () => {
      // RBAC would allow this user to read everything: only the certificate's validity window is wrong.
      const items = [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'kpl-expired-read' },
          rules: [
            { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
            { nonResourceURLs: ['*'], verbs: ['get'] },
          ],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'kpl-expired-read' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kpl-expired-read' },
          subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'kpl-expired' }],
        },
      ];
      await cluster.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
      const old = clusterCert(cluster, 'expired', 'kpl-expired');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const kc = kubeconfigFile(work, 'expired-cert', cluster.server, caPem, {
        'client-certificate-data': b64(old.crt),
        'client-key-data': b64(old.key),
      });
      assert.equal(
        await rawStatus(cluster.server, caPem, old, '/api/v1/pods'),
        401,
        'the apiserver answers a bare 401 for an expired cert',
      );
      const secrets = [old.key, b64(old.key), b64(old.crt), ...old.key.split('\n').filter((l) => l !== '' && !l.startsWith('-----'))];
      const logs: string[] = [];
      const conn = new ClusterConnection({ kubeconfig: kc, ...fast, log: (m) => logs.push(m) });
      await conn.start();
      const s = conn.state();
      t.diagnostic(`expired cert: ${JSON.stringify(s)}`);
      assert.equal(s.state, 'forbidden');
      assert.match(
        s.detail ?? '',
        /^the client certificate of user "u" expired on 2020-01-02T00:00:00Z; renew it \(e\.g\. re-run your cloud CLI's get-credentials.*\(context expired-cert; the API server answered: Unauthorized\)$/,
      );
      await conn.stop();
      // The UI's view of it (the language server's LiveClusterSource): the same state and message, no crash.
      const source = new LiveClusterSource({ log: (m) => logs.push(m) });
      source.configure({ enabled: true, trusted: true, kubeconfig: kc, context: '' });
      await waitFor(() => source.state().state === 'forbidden', 30_000, { description: 'LiveClusterSource forbidden' });
      assert.match(source.state().detail ?? '', /client certificate of user "u" expired on 2020-01-02T00:00:00Z/);
      assert.equal(await source.diagnosePod({ target: 'faults/nothing' }), undefined);
      source.configure({ enabled: false, trusted: true, kubeconfig: kc, context: '' });
      const all = JSON.stringify([s, logs]);
      for (const secret of secrets) assert.ok(!all.includes(secret), 'key or certificate material leaked into a message');
      // Renewed (same user, fresh cert from the same CA): live; so the expiry was the only problem.
      const renewed = clusterCert(cluster, 'user', 'kpl-expired');
      const renewedKc = kubeconfigFile(work, 'renewed-cert', cluster.server, caPem, {
        'client-certificate-data': b64(renewed.crt),
        'client-key-data': b64(renewed.key),
      });
      // RBAC is served from an informer cache: the binding made above may take a moment to apply.
      await waitFor(async () => (await rawStatus(cluster.server, caPem, renewed, '/api/v1/nodes')) === 200, 15_000, {
        description: 'RBAC for the renewed cert',
      });
      const again = new ClusterConnection({ kubeconfig: renewedKc, ...fast });
      await again.start();
      assert.equal(again.state().state, 'live', JSON.stringify(again.state()));
      await again.stop();
    });

    await t.test('403 on cluster scope: namespace-scoped user gets a live, clearly-labelled partial view', async () => {
      const kc = await cluster.createUser('faults-reader', { kind: 'namespace-scoped', namespace: 'faults' });
      const conn = new ClusterConnection({ kubeconfig: kc, namespaces: ['faults'], ...fast });
      await conn.start();
      const s = conn.state();
      t.diagnostic(`scoped: ${JSON.stringify(s)}`);
      assert.equal(s.state, 'partial');
      assert.deepEqual(s.namespaces, ['faults']);
      assert.match(s.detail ?? '', /cluster scope forbidden; watching namespaces faults/);
      await cluster.apply(unschedulablePod('faults', 'scoped-watch'));
      await waitFor(() => conn.events().find((e) => e.regarding.name === 'scoped-watch'), 30_000, {
        description: 'event in the scoped namespace, live',
      });
      await conn.stop();
    });

    await t.test(
      '429 from API Priority and Fairness (real apiserver): throttled state with the server message, backoff, live again when the FlowSchema goes, history without loss or duplicates',
      async () => {
        const throttledKc = await cluster.createUser('kpl-throttled', { kind: 'read-only' });
        const throttledCert = {
          crt: fs.readFileSync(path.join(cluster.dir, 'pki', 'users', 'kpl-throttled.crt'), 'utf8'),
          key: fs.readFileSync(path.join(cluster.dir, 'pki', 'users', 'kpl-throttled.key'), 'utf8'),
        };
        const holderCert = clusterCert(cluster, 'user', 'kpl-seat-holder');
        const historyDir = path.join(work, 'history-429');
        const history = await HistoryStore.open({ dir: historyDir });
        const logs: { at: number; line: string }[] = [];
        // Short server-side watch timeout: the open watch ends within 3 s and its re-watch meets the throttling.
        const conn = new ClusterConnection({
          kubeconfig: throttledKc,
          history,
          ...fast,
          watchTimeoutSeconds: 3,
          log: (m) => logs.push({ at: Date.now(), line: m }),
        });
        const states: ClusterStateView[] = [];
        conn.onState((s) => states.push(s));
        await conn.start();
        assert.equal(conn.state().state, 'live');
        await cluster.apply(unschedulablePod('faults', 'before-throttle'));
        await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'before-throttle'), 30_000, {
          description: 'FailedScheduling before the throttling',
        });
        const before = states.length;

        // A priority level with no seats of its own, none borrowable, rejecting instead of queueing, and a FlowSchema
        // (precedence 100, ahead of global-default 9900) sending both users there.
        const apf = [
          {
            apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
            kind: 'PriorityLevelConfiguration',
            metadata: { name: 'kpl-throttle' },
            spec: {
              type: 'Limited',
              limited: { nominalConcurrencyShares: 0, lendablePercent: 0, borrowingLimitPercent: 0, limitResponse: { type: 'Reject' } },
            },
          },
          {
            apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
            kind: 'FlowSchema',
            metadata: { name: 'kpl-throttle' },
            spec: {
              priorityLevelConfiguration: { name: 'kpl-throttle' },
              matchingPrecedence: 100,
              distinguisherMethod: { type: 'ByUser' },
              rules: [
                {
                  subjects: ['kpl-throttled', 'kpl-seat-holder'].map((name) => ({ kind: 'User', user: { name } })),
                  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }],
                  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
                },
              ],
            },
          },
        ];
        await cluster.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: apf }));
        const holder = holdSeat(cluster.server, caPem, holderCert);
        let late: ClusterConnection | undefined;
        try {
          await waitFor(async () => (await rawStatus(cluster.server, caPem, throttledCert, '/api/v1/pods?limit=1')) === 429, 30_000, {
            description: 'the apiserver answers 429 to kpl-throttled',
          });
          const probes = await Promise.all(
            [1, 2, 3, 4, 5].map(() => rawStatus(cluster.server, caPem, throttledCert, '/api/v1/events?limit=1')),
          );
          assert.deepEqual(probes, [429, 429, 429, 429, 429], 'every request of the throttled user is rejected');
          const throttledAt = Date.now();
          await waitFor(() => conn.state().state === 'reconnecting' && /429/.test(conn.state().detail ?? ''), 30_000, {
            description: 'reconnecting (throttled) once the watch ends',
          });
          const throttledView = conn.state();
          t.diagnostic(`while throttled: ${JSON.stringify(throttledView)}`);
          assert.match(
            throttledView.detail ?? '',
            /^the API server of context \S+ is throttling requests \(429\), retrying with backoff: Too Many Requests/,
          );
          // An event while the client is throttled: must reach the history once the throttling ends.
          await cluster.apply(unschedulablePod('faults', 'during-throttle'));

          // A client that starts while throttled: its lists get the apiserver's own text (a plain-text 429 body).
          late = new ClusterConnection({ kubeconfig: throttledKc, ...fast });
          await late.start();
          const lateView = late.state();
          t.diagnostic(`started while throttled: ${JSON.stringify(lateView)}`);
          assert.equal(lateView.state, 'offline');
          assert.match(
            lateView.detail ?? '',
            /is throttling requests \(429\), retrying with backoff: Too many requests, please try again later\./,
          );

          // Backoff: one events stream's rejected attempts come further and further apart (200, 400, 800, 1600 ms…).
          // Events are watched one reason at a time, each stream with its own backoff: follow the Preempted stream.
          const attempts = () =>
            logs
              .filter((l) => l.at >= throttledAt && /^events \(reason=Preempted\): reconnecting: .*Too Many Requests/.test(l.line))
              .map((l) => l.at);
          await waitFor(() => attempts().length >= 5, 30_000, { description: '5 throttled attempts of the Preempted events stream' });
          const at = attempts();
          const gaps = at.slice(1).map((x, i) => x - (at[i] ?? x));
          t.diagnostic(`gaps between throttled re-watches: ${gaps.join(', ')} ms`);
          for (let i = 1; i < 4; i++) assert.ok((gaps[i] ?? 0) > (gaps[i - 1] ?? 0), `backoff grows: ${gaps.join(', ')}`);
          assert.ok((gaps[3] ?? 0) >= 4 * (gaps[0] ?? 0), `backoff doubles: ${gaps.join(', ')}`);
          assert.ok(
            gaps.every((g) => g < fast.backoff.maxMs + 1500),
            `backoff capped near ${fast.backoff.maxMs} ms: ${gaps.join(', ')}`,
          );
          const dump = await cluster.kubectl(['get', '--raw', '/debug/api_priority_and_fairness/dump_priority_levels']);
          const row = dump.stdout.split('\n').find((l) => l.startsWith('kpl-throttle,'));
          t.diagnostic(
            `apiserver APF (name, active queues, idle, quiescing, waiting, executing, dispatched, rejected, …): ${row ?? dump.stdout.slice(0, 200)}`,
          );
          // Columns: PriorityLevelName, ActiveQueues, IsIdle, IsQuiescing, WaitingRequests, ExecutingRequests, DispatchedRequests, RejectedRequests, …
          const cols = (row ?? '').split(',').map((c) => c.trim());
          assert.ok(Number(cols[5]) >= 1, `the seat is held: ${row ?? ''}`);
          assert.ok(Number(cols[7]) >= 5 + at.length, `the apiserver itself rejected the throttled requests: ${row ?? ''}`);
          assert.equal(
            states.slice(before).find((s) => s.state !== 'reconnecting' && s.state !== 'live'),
            undefined,
            'only reconnecting while throttled',
          );

          // The admin removes the FlowSchema (the seat stays held): the clients recover by themselves.
          await cluster.kubectl(['delete', 'flowschema', 'kpl-throttle']);
          const deletedAt = Date.now();
          await waitFor(() => conn.state().state === 'live', 30_000, { description: 'live after the FlowSchema is deleted' });
          await waitFor(() => late?.state().state === 'live', 30_000, { description: 'the late client live too' });
          t.diagnostic(
            `live again ${Date.now() - deletedAt} ms after the FlowSchema was deleted; seat-holder requests: ${holder.issued()}`,
          );
        } finally {
          holder.release();
          await late?.stop();
          await cluster.kubectl(['delete', 'flowschema,prioritylevelconfiguration', 'kpl-throttle', '--ignore-not-found']);
        }
        const sequence = states.slice(before).map((s) => s.state);
        t.diagnostic(`state sequence: live -> ${sequence.join(' -> ')}`);
        assert.equal(sequence[0], 'reconnecting');
        assert.equal(sequence[sequence.length - 1], 'live');
        assert.ok(!sequence.includes('forbidden') && !sequence.includes('partial') && !sequence.includes('offline'), sequence.join(','));
        await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'during-throttle'), 30_000, {
          description: 'the event from the throttled period',
        });
        await cluster.apply(unschedulablePod('faults', 'after-throttle'));
        await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'after-throttle'), 30_000, {
          description: 'FailedScheduling after the throttling',
        });
        const inCluster = await clusterEventUids(cluster);
        await waitFor(() => [...inCluster].every((uid) => conn.events().some((e) => e.uid === uid)), 30_000, {
          description: 'every cluster event seen',
        });
        t.diagnostic(`streams: ${JSON.stringify(conn.streamStats())}; duplicates dropped: ${conn.duplicatesDropped}`);
        await conn.stop();
        await history.flush();
        const keys = historyEventKeys(history.file);
        assert.equal(
          new Set(keys).size,
          keys.length,
          `duplicated history lines: ${keys.filter((k, i) => keys.indexOf(k) !== i).join(', ')}`,
        );
        const reopened = await HistoryStore.open({ dir: historyDir });
        const uids = reopened.events().map((e) => e.uid);
        assert.equal(new Set(uids).size, uids.length, 'one record per event');
        for (const uid of inCluster) assert.ok(uids.includes(uid), `event ${uid} lost from the history`);
        t.diagnostic(
          `history: ${uids.length} event record(s), ${keys.length} event line(s); cluster has ${inCluster.size} watched event(s)`,
        );
      },
    );

    await t.test('etcd slow (SIGSTOP 6 s, SIGCONT): the connection recovers and new events arrive', async () => {
      const historyDir = path.join(work, 'history-etcd');
      const history = await HistoryStore.open({ dir: historyDir });
      const conn = new ClusterConnection({ kubeconfig: cluster.kubeconfig, history, ...fast });
      const states: string[] = [];
      conn.onState((s) => states.push(s.state));
      await conn.start();
      assert.equal(conn.state().state, 'live');
      const etcd = cluster.pids().etcd;
      assert.ok(etcd !== undefined);
      process.kill(-etcd, 'SIGSTOP');
      try {
        await new Promise((r) => setTimeout(r, 6000));
      } finally {
        process.kill(-etcd, 'SIGCONT');
      }
      await waitFor(async () => (await cluster.kubectl(['get', '--raw', '/readyz'])).code === 0, 60_000, {
        description: 'apiserver ready after SIGCONT',
      });
      await cluster.apply(unschedulablePod('faults', 'after-etcd-stall'));
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'after-etcd-stall'), 60_000, {
        description: 'event after the etcd stall',
      });
      await waitFor(() => conn.state().state === 'live', 60_000, { description: 'live after the etcd stall' });
      t.diagnostic(`states from start through the stall: ${states.join(' -> ')}`);
      await conn.stop();
      await history.flush();
      const keys = historyEventKeys(history.file);
      assert.equal(new Set(keys).size, keys.length, 'no duplicated history lines');
    });
  } finally {
    await cluster.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});

test('429 throttling (HTTPS stub): offline with the server message, backoff between retries, then live', { timeout: 60_000 }, async (t) => {
  const other = otherPki();
  const rd = (f: string) => fs.readFileSync(path.join(other, f), 'utf8');
  const throttled: number[] = [];
  const token = 'kpl-stub-token-fedcba9876543210';
  let authSeen = 0;
  const server = https.createServer({ key: rd('apiserver.key'), cert: rd('apiserver.crt') }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://stub');
    if (req.headers.authorization === `Bearer ${token}`) authSeen++;
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(code, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.pathname === '/version') return json(200, { major: '1', minor: '36' });
    const isStream = url.pathname === '/api/v1/events' || url.pathname === '/api/v1/pods';
    if (isStream && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: '2' } } })}\n`,
      );
      return; // held open
    }
    // Events are listed one reason at a time, each stream with its own backoff: throttle the Preempted stream's lists.
    const preemptedList = url.pathname === '/api/v1/events' && url.searchParams.get('fieldSelector') === 'reason=Preempted';
    if (preemptedList && url.searchParams.get('limit') !== '1' && throttled.length < 4) {
      throttled.push(Date.now());
      return json(
        429,
        {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'Too many requests, please try again later.',
          reason: 'TooManyRequests',
          code: 429,
        },
        { 'Retry-After': '1' },
      );
    }
    return json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const kc = kubeconfigFile(other, 'stub', `https://127.0.0.1:${port}`, rd('ca.crt'), { token });
  const logs: string[] = [];
  const conn = new ClusterConnection({
    kubeconfig: kc,
    backoff: { initialMs: 200, maxMs: 5000 },
    snapshotIntervalMs: 0,
    log: (m) => logs.push(m),
  });
  const states: ClusterStateView[] = [];
  conn.onState((s) => states.push(s));
  try {
    await conn.start();
    await waitFor(() => conn.state().state === 'live', 30_000, { description: 'live after the throttling ends' });
    const offline = states.find((s) => s.state === 'offline');
    t.diagnostic(`states: ${states.map((s) => s.state).join(' -> ')}; offline detail: ${offline?.detail ?? ''}`);
    assert.ok(offline !== undefined, 'the throttled stream was reported');
    assert.match(offline.detail ?? '', /throttling requests \(429\), retrying with backoff: Too many requests/);
    assert.equal(throttled.length, 4);
    const gaps = throttled.slice(1).map((at, i) => at - (throttled[i] ?? at));
    t.diagnostic(`gaps between throttled lists: ${gaps.join(', ')} ms`);
    // Wall-clock gaps include request time and machine load, so only the shape is asserted: each wait is longer than
    // the one before, and the last at least twice the first (the client doubles its delay).
    for (let i = 1; i < gaps.length; i++) assert.ok((gaps[i] ?? 0) > (gaps[i - 1] ?? 0), `backoff grows: ${gaps.join(', ')}`);
    assert.ok((gaps[gaps.length - 1] ?? 0) >= 2 * (gaps[0] ?? 0), `backoff at least doubles over the retries: ${gaps.join(', ')}`);
    assert.ok(authSeen > 0, 'the stub saw the credentials');
    assert.ok(!logs.some((l) => l.includes(token)) && !JSON.stringify(states).includes(token), 'the token leaked');
  } finally {
    await conn.stop();
    server.closeAllConnections();
    server.close();
    fs.rmSync(other, { recursive: true, force: true });
  }
});
