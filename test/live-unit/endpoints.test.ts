// The read-only allow-list of server/src/cluster/endpoints.ts, enforced by ApiClient: every path shape the code builds
// passes, anything else (writes' targets, exec/attach/port-forward/log/proxy subresources, secrets, path tricks) is a
// programming error thrown before a byte is sent. The last test drives every call site (ClusterConnection's start,
// streams, snapshot, metrics and Diagnose Pod, cluster-wide and namespace-scoped) against a local HTTP API server
// that records each request: all of them allow-listed, and every allow-listed endpoint used.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ApiClient } from '../../server/src/cluster/api';
import { ClusterConnection } from '../../server/src/cluster/connection';
import {
  assertReadPath,
  eventFieldSelector,
  isNamespaceName,
  isObjectName,
  matchReadPath,
  NotAReadEndpointError,
  readPaths,
} from '../../server/src/cluster/endpoints';
import type { ListableResource, ReadPath } from '../../server/src/cluster/endpoints';
import type { ApiObject } from '../../server/src/core/index';

const namespaces = ['ci', 'default', 'kube-system', 'a', '0', 'a-b-c', 'x'.repeat(63)];
const objectNames = ['victim', 'test-shard-0-x7k2p', 'a', '0', 'web.example.com', 'a-1.b-2', 'x'.repeat(253 - 4) + '.abc'];
const listable: ListableResource[] = ['events', 'pods', 'nodes', 'limitranges', 'priorityclasses', 'poddisruptionbudgets', 'podmetrics'];

test('every path shape the code builds is allow-listed (lists, watches of events and pods, object reads, /version)', () => {
  assertReadPath(readPaths.version(), 'get');
  for (const r of listable) {
    assertReadPath(readPaths.list(r), 'get', ['limit', 'continue']);
    if (r === 'nodes' || r === 'priorityclasses') {
      assert.throws(() => readPaths.list(r, 'ci'), RangeError, `${r} are cluster-scoped`);
      continue;
    }
    for (const ns of namespaces) assertReadPath(readPaths.list(r, ns), 'get', ['limit']);
  }
  for (const r of ['events', 'pods'] as const) {
    assertReadPath(readPaths.list(r), 'watch', ['resourceVersion', 'allowWatchBookmarks', 'timeoutSeconds']);
    for (const ns of namespaces) assertReadPath(readPaths.list(r, ns), 'watch', ['resourceVersion']);
  }
  for (const r of ['pods', 'jobs'] as const)
    for (const ns of namespaces) for (const name of objectNames) assertReadPath(readPaths.object(r, ns, name), 'get');
  assert.equal(readPaths.object('pods', 'ci', 'victim'), '/api/v1/namespaces/ci/pods/victim');
  assert.equal(readPaths.object('jobs', 'ci', 'tests'), '/apis/batch/v1/namespaces/ci/jobs/tests');
  assert.equal(readPaths.list('podmetrics', 'ci'), '/apis/metrics.k8s.io/v1beta1/namespaces/ci/pods');
  assert.equal(readPaths.list('poddisruptionbudgets'), '/apis/policy/v1/poddisruptionbudgets');
});

test('only the collections of events and pods can be watched; objects and other kinds cannot', () => {
  for (const r of ['nodes', 'limitranges', 'priorityclasses', 'poddisruptionbudgets', 'podmetrics'] as const)
    assert.throws(() => assertReadPath(readPaths.list(r), 'watch'), NotAReadEndpointError, r);
  assert.throws(() => assertReadPath(readPaths.object('pods', 'ci', 'x'), 'watch'), NotAReadEndpointError);
  assert.throws(() => assertReadPath(readPaths.version(), 'watch'), NotAReadEndpointError);
  assert.throws(
    () => assertReadPath(readPaths.list('pods'), 'get', ['watch']),
    NotAReadEndpointError,
    'a GET cannot become a watch or take other parameters',
  );
  assert.throws(() => assertReadPath(readPaths.list('pods'), 'get', ['dryRun']), NotAReadEndpointError);
  assert.throws(() => assertReadPath(readPaths.list('pods'), 'watch', ['fieldSelector']), NotAReadEndpointError);
});

test("field selectors are checked by value: event reasons anywhere, one pod's events only on a one-off list in a namespace", () => {
  const pod = { fieldSelector: 'involvedObject.kind=Pod,involvedObject.name=gone-ab12c' };
  assertReadPath(readPaths.list('events', 'ci'), 'get', { fieldSelector: 'reason=Preempted' });
  assertReadPath(readPaths.list('events'), 'watch', { fieldSelector: 'reason=Evicted' });
  assertReadPath(readPaths.list('events', 'ci'), 'get', pod);
  assert.throws(() => assertReadPath(readPaths.list('events', 'ci'), 'watch', pod), NotAReadEndpointError, 'never a watch');
  assert.throws(() => assertReadPath(readPaths.list('events'), 'get', pod), NotAReadEndpointError, 'never cluster-wide');
  assert.throws(() => assertReadPath(readPaths.list('pods', 'ci'), 'get', pod), NotAReadEndpointError, 'events only');
  for (const hostile of [
    'involvedObject.kind=Pod,involvedObject.name=a,reason=x',
    'involvedObject.kind=Secret,involvedObject.name=a',
    'involvedObject.kind=Pod,involvedObject.name=../x',
    'reason=Preempted,type=Normal',
    'reason!=Preempted',
    '',
  ])
    assert.throws(() => assertReadPath(readPaths.list('events', 'ci'), 'get', { fieldSelector: hostile }), NotAReadEndpointError, hostile);
  assert.equal(eventFieldSelector('Pod', 'gone-ab12c'), pod.fieldSelector);
  assert.equal(eventFieldSelector('SuccessfulCreate'), 'reason=SuccessfulCreate');
  assert.throws(() => eventFieldSelector('Pod', 'a,b'), RangeError);
});

// Everything a hostile name, a bug or a future "small feature" could aim at.
const refused = [
  '/api/v1/namespaces/ci/pods/victim/exec',
  '/api/v1/namespaces/ci/pods/victim/exec?command=sh&stdin=true',
  '/api/v1/namespaces/ci/pods/victim/attach',
  '/api/v1/namespaces/ci/pods/victim/portforward',
  '/api/v1/namespaces/ci/pods/victim/proxy',
  '/api/v1/namespaces/ci/pods/victim/proxy/metrics',
  '/api/v1/namespaces/ci/pods/victim/log',
  '/api/v1/namespaces/ci/pods/victim/eviction',
  '/api/v1/namespaces/ci/pods/victim/status',
  '/api/v1/namespaces/ci/pods/victim/binding',
  '/api/v1/namespaces/ci/pods/victim/ephemeralcontainers',
  '/api/v1/nodes/node-a/proxy/configz',
  '/api/v1/nodes/node-a',
  '/api/v1/secrets',
  '/api/v1/namespaces/ci/secrets',
  '/api/v1/namespaces/ci/secrets/token',
  '/api/v1/namespaces/ci/configmaps',
  '/api/v1/namespaces/ci/serviceaccounts/default/token',
  '/api/v1/namespaces/ci',
  '/api/v1/namespaces',
  '/api/v1/namespaces/ci/events/x',
  '/api/v1/pods/victim',
  '/apis/batch/v1/jobs',
  '/apis/batch/v1/namespaces/ci/jobs',
  '/apis/batch/v1/namespaces/ci/jobs/tests/status',
  '/apis/scheduling.k8s.io/v1/priorityclasses/high',
  '/apis/scheduling.k8s.io/v1/namespaces/ci/priorityclasses',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  '/apis/authentication.k8s.io/v1/tokenreviews',
  '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
  // Path tricks: traversal, dot and encoded segments, doubled slashes, case, missing leading slash.
  '/api/v1/namespaces/ci/pods/../../../secrets',
  '/api/v1/namespaces/ci/pods/..',
  '/api/v1/namespaces/../secrets',
  '/api/v1/namespaces/%2e%2e/pods',
  '/api/v1/namespaces/ci/pods/%2e%2e',
  '/api/v1/namespaces/ci/pods/victim%2Fexec',
  '/api/v1/namespaces/ci/pods/victim/',
  '/api/v1/namespaces/ci/pods/./victim',
  '/api/v1/namespaces/ci/pods/',
  '//api/v1/pods',
  '/api/v1//pods',
  '/API/v1/pods',
  '/api/v1/namespaces/CI/pods',
  'api/v1/pods',
  '/api/v1/pods?x',
  '/version/../api/v1/secrets',
  '/metrics',
  '/healthz',
  '/',
  '',
];

test("everything else is refused: writes' targets, subresources, secrets, traversal and encoded segments", () => {
  for (const p of refused) {
    assert.equal(matchReadPath(p, 'get'), undefined, p);
    assert.equal(matchReadPath(p, 'watch'), undefined, p);
    assert.throws(() => assertReadPath(p, 'get'), NotAReadEndpointError, p);
  }
});

test('the builders refuse names Kubernetes would not accept, so no name can reshape a path', () => {
  for (const bad of [
    '',
    '.',
    '..',
    'a/b',
    '%2e%2e',
    'a%2Fb',
    'A',
    'a_b',
    '-a',
    'a-',
    'a..b',
    '.a',
    'a.',
    'ü',
    'a b',
    'a?b',
    'a#b',
    'x'.repeat(64),
  ]) {
    assert.equal(isNamespaceName(bad), false, bad);
    assert.throws(() => readPaths.list('pods', bad), RangeError, bad);
    assert.throws(() => readPaths.object('pods', bad, 'x'), RangeError, bad);
  }
  for (const bad of ['', '.', '..', 'a/b', 'a%2Fb', 'A', '-a', 'a-', 'a..b', '.a', 'a.', 'a.-b', 'a b', 'x'.repeat(254)]) {
    assert.equal(isObjectName(bad), false, bad);
    assert.throws(() => readPaths.object('jobs', 'ci', bad), RangeError, bad);
  }
  // Linear: a long hostile name is rejected at once.
  const started = Date.now();
  for (let i = 0; i < 100; i++) isObjectName(`${'a-'.repeat(100_000)}.`);
  assert.ok(Date.now() - started < 2000);
});

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
}

/** A local HTTP server answering the read endpoints like an API server does, recording every request. */
async function apiServer(o: {
  forbidClusterWide: boolean;
  kueue?: 'v1beta2' | 'v1beta1';
}): Promise<{ url: string; requests: Recorded[]; close(): Promise<void> }> {
  const requests: Recorded[] = [];
  const pod: ApiObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'victim',
      namespace: 'ci',
      uid: 'uid-victim',
      resourceVersion: '5',
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'tests', uid: 'uid-job', controller: true }],
    },
    spec: { nodeName: 'node-a', priority: 100, containers: [{ name: 'c', image: 'x' }] },
    status: { phase: 'Running' },
  };
  const list = (items: ApiObject[] = []) => ({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items });
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const p = url.pathname;
    if (url.searchParams.get('watch') === 'true') {
      // An idle watch: one bookmark, then open until the client aborts.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`${JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '11' } } })}\n`);
      return;
    }
    if (p === '/version') return send(200, { major: '1', minor: '33', gitVersion: 'v1.33.0' });
    // Kueue's API group: served in the version asked for, else 404 as on a cluster without Kueue.
    if (p === '/apis/kueue.x-k8s.io')
      return o.kueue === undefined
        ? send(404, { kind: 'Status', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' })
        : send(200, {
            kind: 'APIGroup',
            name: 'kueue.x-k8s.io',
            versions: [{ groupVersion: `kueue.x-k8s.io/${o.kueue}`, version: o.kueue }],
          });
    if (o.forbidClusterWide && /^\/apis\/kueue\.x-k8s\.io\/[^/]+\/workloads$/.test(p))
      return send(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'forbidden at cluster scope', code: 403 });
    if (
      o.forbidClusterWide &&
      (p === '/api/v1/events' ||
        p === '/api/v1/pods' ||
        p === '/api/v1/limitranges' ||
        p === '/apis/policy/v1/poddisruptionbudgets' ||
        p === '/apis/metrics.k8s.io/v1beta1/pods')
    ) {
      return send(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', message: 'forbidden at cluster scope', code: 403 });
    }
    if (p === '/api/v1/pods' || p === '/api/v1/namespaces/ci/pods') return send(200, list([pod]));
    if (p === '/api/v1/namespaces/ci/pods/victim') return send(200, pod);
    if (p === '/apis/batch/v1/namespaces/ci/jobs/tests')
      return send(200, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'tests', namespace: 'ci' }, spec: { backoffLimit: 0 } });
    if (p.endsWith('/pods/victim') || p.includes('/jobs/'))
      return send(404, { kind: 'Status', reason: 'NotFound', code: 404, message: 'not found' });
    return send(200, list());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function kubeconfigFor(url: string, namespace: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-endpoints-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'local',
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'u', namespace } }],
      clusters: [{ name: 'local', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'token-value' } }],
    }),
  );
  return file;
}

test('a path outside the allow-list is never sent: ApiClient throws before any request (get and watch)', async () => {
  const api = await apiServer({ forbidClusterWide: false });
  try {
    const { api: client } = ApiClient.connect({ kubeconfig: kubeconfigFor(api.url, 'ci') });
    for (const p of refused) await assert.rejects(client.get(p as ReadPath), NotAReadEndpointError, p);
    await assert.rejects(client.get(readPaths.list('pods'), { watch: 'true' }), NotAReadEndpointError);
    await assert.rejects(
      client.watch(
        '/api/v1/namespaces/ci/pods/victim/exec' as ReadPath,
        {},
        () => undefined,
        () => undefined,
      ),
      NotAReadEndpointError,
    );
    await assert.rejects(
      client.watch(
        readPaths.list('nodes'),
        {},
        () => undefined,
        () => undefined,
      ),
      NotAReadEndpointError,
    );
    assert.equal(api.requests.length, 0, 'nothing reached the server');
    // Control: an allow-listed read does reach it.
    assert.equal((await client.get(readPaths.version()))['minor'], '33');
    assert.deepEqual(
      api.requests.map((r) => r.path),
      ['/version'],
    );
  } finally {
    await api.close();
  }
});

test('every call site sends only allow-listed GETs, and together they use every allow-listed endpoint', async () => {
  const seen = new Set<string>();
  const configs = [
    { forbidClusterWide: false, kueue: 'v1beta2' as const },
    { forbidClusterWide: true, kueue: 'v1beta1' as const },
    { forbidClusterWide: false },
  ];
  for (const config of configs) {
    const { forbidClusterWide } = config;
    const api = await apiServer(config);
    const logs: string[] = [];
    // The context's namespace is used when cluster scope is forbidden; an invalid configured namespace is dropped.
    const conn = new ClusterConnection({
      kubeconfig: kubeconfigFor(api.url, 'ci'),
      ...(forbidClusterWide ? { namespaces: ['ci', '../secrets'] } : {}),
      watchTimeoutSeconds: 30,
      snapshotIntervalMs: 0,
      backoff: { initialMs: 50, maxMs: 100 },
      log: (m) => logs.push(m),
    });
    try {
      await conn.start();
      const report = await conn.diagnose({ namespace: 'ci', name: 'victim' });
      assert.ok(report, 'diagnosed');
      // A Job: its Kueue Workload (ClusterQueues, LocalQueues, WorkloadPriorityClasses read for it when Kueue is served).
      assert.ok(await conn.diagnoseJob({ namespace: 'ci', name: 'tests' }));
      // A pod deleted before the connection started: its events and the controllers' events by field selector, and
      // the Job or ReplicaSet its name points at, by name (both 404 here).
      const gone = await conn.diagnose({ namespace: 'ci', name: 'gone-ab12c' });
      assert.equal(gone.found, false);
      assert.match(gone.reconstructed?.unknown.join(' ') ?? '', /deleted before the extension started/);
      // Hostile targets: no request for names Kubernetes would not accept.
      const before = api.requests.length;
      await conn.diagnose({ namespace: '..', name: 'secrets' });
      await conn.diagnose({ namespace: 'ci', name: 'victim/exec' });
      const extra = api.requests.slice(before).filter((r) => r.query.get('watch') !== 'true');
      assert.ok(
        extra.every((r) => !r.path.includes('secrets') && !r.path.includes('exec')),
        extra.map((r) => r.path).join(', '),
      );
      // Let the watches connect.
      const deadline = Date.now() + 5000;
      while (api.requests.filter((r) => r.query.get('watch') === 'true').length < 2 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
    } finally {
      await conn.stop();
      await api.close();
    }
    assert.equal(
      conn.state().state === 'live' || conn.state().state === 'partial' || conn.state().state === 'connecting',
      true,
      JSON.stringify(conn.state()),
    );
    assert.ok(!logs.some((l) => /not an allow-listed read endpoint/.test(l)), logs.join('\n'));
    if (config.kueue === undefined) {
      // Without Kueue: the discovery GET only, and no log line about it.
      assert.deepEqual(
        api.requests.filter((r) => r.path.includes('kueue')).map((r) => r.path),
        ['/apis/kueue.x-k8s.io'],
      );
      assert.ok(!logs.some((l) => /kueue|workload/i.test(l)), logs.join('\n'));
    }
    if (forbidClusterWide)
      assert.ok(
        logs.some((l) => /ignoring "\.\.\/secrets": not a valid namespace name/.test(l)),
        logs.join('\n'),
      );
    for (const r of api.requests) {
      assert.equal(r.method, 'GET', `${r.method} ${r.path}`);
      const verb = r.query.get('watch') === 'true' ? 'watch' : 'get';
      const what = matchReadPath(r.path, verb);
      assert.ok(what !== undefined, `${verb} ${r.path} is not allow-listed`);
      // Events are asked for by reason (the scope probe's `limit=1` aside): the apiserver filters the noise out. The one
      // other selector is Diagnose's one-off list of one pod's events in its namespace (a pod deleted before we started).
      if (what.startsWith('events') && r.query.get('limit') !== '1')
        assert.match(
          r.query.get('fieldSelector') ?? '',
          verb === 'get' && what.includes(' in ')
            ? /^(reason=[A-Za-z]+|involvedObject\.kind=Pod,involvedObject\.name=[a-z0-9.-]+)$/
            : /^reason=[A-Za-z]+$/,
          `${verb} ${r.path}?${r.query.toString()}`,
        );
      if (!what.startsWith('events')) assert.equal(r.query.get('fieldSelector'), null, `${verb} ${r.path}`);
      seen.add(`${verb} ${what.replace(/ in \S+$/, ' in a namespace').replace(/ \S+\/\S+$/, ' by name')}`);
    }
  }
  assert.deepEqual([...seen].sort(), [
    'get clusterqueues (cluster-wide)',
    'get clusterqueuesV1beta1 (cluster-wide)',
    'get events (cluster-wide)',
    'get events in a namespace',
    'get jobs by name',
    'get kueue API group',
    'get limitranges (cluster-wide)',
    'get limitranges in a namespace',
    'get localqueues (cluster-wide)',
    'get localqueuesV1beta1 in a namespace',
    'get nodes (cluster-wide)',
    'get poddisruptionbudgets (cluster-wide)',
    'get poddisruptionbudgets in a namespace',
    'get podmetrics (cluster-wide)',
    'get podmetrics in a namespace',
    'get pods (cluster-wide)',
    'get pods by name',
    'get pods in a namespace',
    'get priorityclasses (cluster-wide)',
    'get replicasets by name',
    'get version',
    'get workloadpriorityclasses (cluster-wide)',
    'get workloadpriorityclassesV1beta1 (cluster-wide)',
    'get workloads (cluster-wide)',
    'get workloadsV1beta1 in a namespace',
    'watch events (cluster-wide)',
    'watch events in a namespace',
    'watch pods (cluster-wide)',
    'watch pods in a namespace',
    'watch workloads (cluster-wide)',
    'watch workloadsV1beta1 in a namespace',
  ]);
});
