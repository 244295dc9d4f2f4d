/**
 * Cluster faults (issue 9) on the real local control plane, against the cluster layer the language server uses
 * (ClusterConnection + HistoryStore, and LiveClusterSource where the UI state matters):
 *   - apiserver SIGKILLed and restarted mid-watch: live → reconnecting → live, every watched event of the cluster is
 *     in the history store exactly once (no lost, no duplicated record lines);
 *   - connection refused at start: offline with a readable message, then live when the apiserver comes up;
 *   - invalid credentials (client cert signed by another CA; a bogus bearer token): `forbidden` with a readable
 *     message, no crash, the token never in a message;
 *   - 403 on cluster scope (namespace-scoped Role): `partial`, the namespace is still watched live;
 *   - 429 throttling: the apiserver's inflight limit cannot be changed at runtime and is hard to hit reliably with
 *     one client, so an HTTPS stub (TLS from a throwaway CA made by scripts/cluster/pki.sh) answers 429 to the lists
 *     first: the client reports `offline` with the server's message, retries with growing backoff, then goes live;
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
import { ClusterConnection, HistoryStore } from '../../server/src/cluster/index';
import type { ClusterStateView } from '../../server/src/protocol/index';
import { defaultBinDir, findRepoFile, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip = !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1' ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh` : false;
const watchedReasons = new Set(['Preempted', 'Evicted', 'FailedScheduling', 'Killing', 'BackoffLimitExceeded', 'PodFailurePolicy', 'OOMKilling', 'TaintManagerEviction', 'Preempting']);
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

function unschedulablePod(namespace: string, name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1', resources: { requests: { cpu: '500' } } }] } });
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
  return new Set((list['items'] as { metadata: { uid: string }; reason?: string }[]).filter((e) => watchedReasons.has(e.reason ?? '')).map((e) => e.metadata.uid));
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
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'before-kill'), 30_000, { description: 'FailedScheduling before the kill' });
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
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'after-kill'), 30_000, { description: 'FailedScheduling after the restart' });
      const inCluster = await clusterEventUids(cluster);
      await waitFor(() => [...inCluster].every((uid) => conn.events().some((e) => e.uid === uid)), 30_000, { description: 'every cluster event seen' });
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
      await waitFor(() => conn.snapshot().nodes.length === 1 && conn.snapshot().missing.length === 0, 10_000, { description: 'snapshot re-read' });
      t.diagnostic(`states: ${states.join(' -> ')}`);
      assert.ok(!states.includes('partial'), 'not mislabelled partial while the snapshot is re-read');
      await conn.stop();
    });

    await t.test('invalid credentials: client cert from another CA, bogus token → forbidden with a readable message, no crash', async () => {
      const other = otherPki();
      const rd = (f: string) => fs.readFileSync(path.join(other, f), 'utf8');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      const foreign = kubeconfigFile(work, 'foreign-cert', cluster.server, caPem, { 'client-certificate-data': b64(rd('admin.crt')), 'client-key-data': b64(rd('admin.key')) });
      const token = 'kpl-bogus-token-0123456789abcdef';
      const bogus = kubeconfigFile(work, 'bogus-token', cluster.server, caPem, { token });
      for (const [label, kc] of [['foreign CA client cert', foreign], ['bogus token', bogus]] as const) {
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
      await waitFor(() => conn.events().find((e) => e.regarding.name === 'scoped-watch'), 30_000, { description: 'event in the scoped namespace, live' });
      await conn.stop();
    });

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
      await waitFor(async () => (await cluster.kubectl(['get', '--raw', '/readyz'])).code === 0, 60_000, { description: 'apiserver ready after SIGCONT' });
      await cluster.apply(unschedulablePod('faults', 'after-etcd-stall'));
      await waitFor(() => conn.events().find((e) => e.reason === 'FailedScheduling' && e.regarding.name === 'after-etcd-stall'), 60_000, { description: 'event after the etcd stall' });
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
    const json = (code: number, body: unknown, headers: Record<string, string> = {}) => res.writeHead(code, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
    if (url.pathname === '/version') return json(200, { major: '1', minor: '36' });
    const isStream = url.pathname === '/api/v1/events' || url.pathname === '/api/v1/pods';
    if (isStream && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Event', apiVersion: 'v1', metadata: { resourceVersion: '2' } } })}\n`);
      return; // held open
    }
    if (url.pathname === '/api/v1/events' && url.searchParams.get('limit') !== '1' && throttled.length < 4) {
      throttled.push(Date.now());
      return json(429, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'Too many requests, please try again later.', reason: 'TooManyRequests', code: 429 }, { 'Retry-After': '1' });
    }
    return json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const kc = kubeconfigFile(other, 'stub', `https://127.0.0.1:${port}`, rd('ca.crt'), { token });
  const logs: string[] = [];
  const conn = new ClusterConnection({ kubeconfig: kc, backoff: { initialMs: 200, maxMs: 5000 }, snapshotIntervalMs: 0, log: (m) => logs.push(m) });
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
