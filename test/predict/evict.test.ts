// Table-driven tests of kubelet node-pressure eviction ranking (R-F.*) and the Evicted message (R-I.4), modelled on
// upstream's eviction/helpers_test.go (TestOrderedByExceedsRequestMemory, TestOrderedByPriority,
// TestOrderedbyDisk*, TestOrderedbyInodes, TestOrderedByPriorityProcess, TestEvictionMessage) and
// eviction_manager_test.go (TestStaticCriticalPodsAreNotEvicted).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rankEviction, readSummary, evictionSignals, canonicalQuantity, bytesQuantity } from '../../server/src/core/index';
import { signalResource, measuredParts } from '../../server/src/core/predict/evict';
import { canonicalText } from '../../server/src/core/predict/quantity-text';
import type { EvictionSignal } from '../../server/src/core/index';
import type { FsLayout } from '../../server/src/core/predict/evict';
import { node, pod, snapshotOf } from './build';
import type { Obj } from './build';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;
const shared: FsLayout = { imagefs: 'shared', containerfs: 'shared' };
const dedicated: FsLayout = { imagefs: 'dedicated', containerfs: 'shared' };
const split: FsLayout = { imagefs: 'dedicated', containerfs: 'split' };

interface PodUsage {
  name: string;
  memory?: number;
  rootfs?: number;
  logs?: number;
  rootfsInodes?: number;
  logsInodes?: number;
  volumes?: Record<string, number>;
  processes?: number;
  container?: string;
  uid?: string;
  /** pods[].ephemeral-storage.usedBytes */
  ephemeral?: number;
}

function summary(pods: PodUsage[], nodeStats: Obj = {}): Obj {
  return {
    node: { nodeName: 'n1', ...nodeStats },
    pods: pods.map((p) => ({
      // The kubelet matches stats to pods by UID only: order() gives each pod the UID `uid-<name>`.
      podRef: { name: p.name, namespace: 'default', uid: p.uid ?? `uid-${p.name}` },
      containers: [
        {
          name: p.container ?? 'main',
          memory: p.memory === undefined ? undefined : { workingSetBytes: p.memory },
          rootfs: { usedBytes: p.rootfs ?? 0, inodesUsed: p.rootfsInodes ?? 0 },
          logs: { usedBytes: p.logs ?? 0, inodesUsed: p.logsInodes ?? 0 },
        },
      ],
      memory: p.memory === undefined ? undefined : { workingSetBytes: p.memory },
      volume: Object.entries(p.volumes ?? {}).map(([name, used]) => ({ name, usedBytes: used, inodesUsed: used })),
      process_stats: p.processes === undefined ? undefined : { process_count: p.processes },
      'ephemeral-storage': p.ephemeral === undefined ? undefined : { usedBytes: p.ephemeral },
    })),
  };
}

function order(objects: Obj[], signal: EvictionSignal, stats: Obj | undefined, layout: FsLayout = shared, threshold?: string) {
  const withUids = objects.map((o) => {
    const metadata = o['metadata'] as Obj | undefined;
    if (o['kind'] !== 'Pod' || metadata === undefined || metadata['uid'] !== undefined) return o;
    return { ...o, metadata: { ...metadata, uid: `uid-${String(metadata['name'])}` } };
  });
  const snapshot = snapshotOf([node('n1'), ...withUids]);
  const n = snapshot.nodeByName.get('n1');
  if (n === undefined) throw new Error('no node');
  const options: Parameters<typeof rankEviction>[2] = { signal, layout };
  if (stats !== undefined) options.summary = readSummary(stats);
  if (threshold !== undefined) options.threshold = threshold;
  return rankEviction(snapshot, n, options);
}

const names = (r: ReturnType<typeof order>) => r.order.map((x) => x.pod.name);

describe('R-F.1 signal → resource', () => {
  const table: Array<[EvictionSignal, string]> = [
    ['memory.available', 'memory'],
    ['allocatableMemory.available', 'memory'],
    ['nodefs.available', 'ephemeral-storage'],
    ['imagefs.available', 'ephemeral-storage'],
    ['containerfs.available', 'ephemeral-storage'],
    ['nodefs.inodesFree', 'inodes'],
    ['imagefs.inodesFree', 'inodes'],
    ['containerfs.inodesFree', 'inodes'],
    ['pid.available', 'pids'],
  ];
  it('covers every signal', () => assert.equal(table.length, evictionSignals.length));
  for (const [signal, resource] of table) it(`${signal} reclaims ${resource}`, () => assert.equal(signalResource(signal), resource));
});

describe('R-F.4 memory ranking (exceeds request, priority, usage above request)', () => {
  const pods = [
    pod('below-low', { node: 'n1', memory: '1Gi', priority: 1 }),
    pod('above-high', { node: 'n1', memory: '100Mi', priority: 100 }),
    pod('above-low-small', { node: 'n1', memory: '100Mi', priority: 1 }),
    pod('above-low-big', { node: 'n1', memory: '100Mi', priority: 1 }),
    pod('besteffort-high', { node: 'n1', priority: 100 }),
  ];
  const stats = summary([
    { name: 'below-low', memory: 500 * Mi },
    { name: 'above-high', memory: 200 * Mi },
    { name: 'above-low-small', memory: 150 * Mi },
    { name: 'above-low-big', memory: 900 * Mi },
    { name: 'besteffort-high', memory: 10 * Mi },
  ]);
  const cases: Array<[string, EvictionSignal]> = [
    ['memory.available', 'memory.available'],
    ['allocatableMemory.available', 'allocatableMemory.available'],
  ];
  for (const [name, signal] of cases) {
    it(`${name}: exceeding pods first, by priority, then by usage − request`, () => {
      assert.deepEqual(names(order(pods, signal, stats)), [
        'above-low-big',
        'above-low-small',
        'above-high',
        'besteffort-high',
        'below-low',
      ]);
    });
  }
  it('pods without stats are ranked first', () => {
    const r = order([...pods, pod('no-stats', { node: 'n1', memory: '1Gi', priority: 1000 })], 'memory.available', stats);
    assert.equal(names(r)[0], 'no-stats');
  });
  it('exceeding is strict: usage == request does not exceed', () => {
    const r = order(
      [pod('equal', { node: 'n1', memory: '100Mi', priority: 1 }), pod('over', { node: 'n1', memory: '100Mi', priority: 5 })],
      'memory.available',
      summary([
        { name: 'equal', memory: 100 * Mi },
        { name: 'over', memory: 100 * Mi + 1 },
      ]),
    );
    assert.deepEqual(names(r), ['over', 'equal']);
  });
  it('QoS is not a key: a Guaranteed pod above… its request cannot be, but a low-priority Burstable under request goes after a high-priority BestEffort', () => {
    const r = order(
      [
        pod('guaranteed', {
          node: 'n1',
          priority: 1,
          containers: [
            { name: 'main', image: 'x', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } },
          ],
        }),
        pod('besteffort', { node: 'n1', priority: 1000 }),
      ],
      'memory.available',
      summary([
        { name: 'guaranteed', memory: 512 * Mi },
        { name: 'besteffort', memory: 1 * Mi },
      ]),
    );
    assert.deepEqual(names(r), ['besteffort', 'guaranteed']);
  });
  it('PodMetrics supply memory usage without --stats', () => {
    const metrics = (name: string, memory: string): Obj => ({
      apiVersion: 'metrics.k8s.io/v1beta1',
      kind: 'PodMetrics',
      metadata: { name, namespace: 'default' },
      containers: [{ name: 'main', usage: { cpu: '1m', memory } }],
    });
    const r = order(
      [
        pod('a', { node: 'n1', memory: '100Mi', priority: 1 }),
        pod('b', { node: 'n1', memory: '100Mi', priority: 1 }),
        metrics('a', '150Mi'),
        metrics('b', '300Mi'),
      ],
      'memory.available',
      undefined,
    );
    assert.equal(r.static, false);
    assert.equal(r.usageSource, 'podmetrics');
    assert.deepEqual(names(r), ['b', 'a']);
    assert.equal(
      r.message,
      'The node was low on resource: memory. Container main was using 300Mi, request is 100Mi, has larger consumption of memory. ',
    );
  });
  it('without usage: static tier order and static: true', () => {
    const r = order(
      [
        pod('bounded', {
          node: 'n1',
          priority: 1,
          containers: [{ name: 'main', image: 'x', resources: { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } } }],
        }),
        pod('unbounded', { node: 'n1', priority: 1000 }),
      ],
      'memory.available',
      undefined,
    );
    assert.equal(r.static, true);
    assert.deepEqual(names(r), ['unbounded', 'bounded']);
    assert.equal(r.message, 'The node was low on resource: memory. ');
  });
});

describe('R-F.4/R-F.5 disk ranking by filesystem layout', () => {
  // `logs` writes logs, `layer` writes its container layer, `vol` an emptyDir; no requests.
  const pods = [
    pod('logs', { node: 'n1', priority: 1 }),
    pod('layer', { node: 'n1', priority: 1 }),
    pod('vol', {
      node: 'n1',
      priority: 1,
      spec: {
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'mem', emptyDir: { medium: 'Memory' } },
        ],
      },
    }),
  ];
  const stats = summary([
    { name: 'logs', logs: 300 * Mi, logsInodes: 30 },
    { name: 'layer', rootfs: 500 * Mi, rootfsInodes: 50 },
    { name: 'vol', volumes: { scratch: 400 * Mi, mem: 900 * Mi } },
  ]);
  const table: Array<[string, EvictionSignal, FsLayout, string[]]> = [
    ['shared: nodefs counts everything', 'nodefs.available', shared, ['layer', 'vol', 'logs']],
    ['shared: imagefs is the same fs', 'imagefs.available', shared, ['layer', 'vol', 'logs']],
    ['dedicated imagefs: nodefs counts logs + local volumes', 'nodefs.available', dedicated, ['vol', 'logs', 'layer']],
    ['dedicated imagefs: imagefs counts container layers', 'imagefs.available', dedicated, ['layer', 'logs', 'vol']],
    ['dedicated imagefs: containerfs mirrors imagefs', 'containerfs.available', dedicated, ['layer', 'logs', 'vol']],
    ['split: containerfs counts logs + volumes + layers', 'containerfs.available', split, ['layer', 'vol', 'logs']],
    ['split: nodefs too', 'nodefs.available', split, ['layer', 'vol', 'logs']],
    ['split: imagefs counts no pod usage (images only)', 'imagefs.available', split, ['layer', 'logs', 'vol']],
    ['inodes: dedicated nodefs', 'nodefs.inodesFree', dedicated, ['vol', 'logs', 'layer']],
  ];
  for (const [name, signal, layout, want] of table) it(name, () => assert.deepEqual(names(order(pods, signal, stats, layout)), want));

  it('measuredParts follows buildSignalToRankFunc', () => {
    assert.deepEqual(measuredParts('nodefs.available', shared), ['root', 'logs', 'localVolumes']);
    assert.deepEqual(measuredParts('nodefs.available', dedicated), ['logs', 'localVolumes']);
    assert.deepEqual(measuredParts('imagefs.available', dedicated), ['root']);
    assert.deepEqual(measuredParts('imagefs.available', split), []);
    assert.deepEqual(measuredParts('containerfs.inodesFree', split), ['logs', 'localVolumes', 'root']);
  });

  it('ephemeral-storage requests: exceeding first, then priority, then usage − request', () => {
    const withRequests = [
      pod('big-request', {
        node: 'n1',
        priority: 1,
        containers: [{ name: 'main', image: 'x', resources: { requests: { 'ephemeral-storage': '1Gi' } } }],
      }),
      pod('small', { node: 'n1', priority: 5 }),
    ];
    const r = order(
      withRequests,
      'nodefs.available',
      summary([
        { name: 'big-request', rootfs: 900 * Mi },
        { name: 'small', rootfs: 10 * Mi },
      ]),
    );
    assert.deepEqual(names(r), ['small', 'big-request']);
  });

  it('inodes: the "exceeds" check uses no request, usage − ephemeral-storage request breaks ties (upstream quirk)', () => {
    const withRequests = [
      pod('a', {
        node: 'n1',
        priority: 1,
        containers: [{ name: 'main', image: 'x', resources: { requests: { 'ephemeral-storage': '1k' } } }],
      }),
      pod('b', { node: 'n1', priority: 1 }),
    ];
    const r = order(
      withRequests,
      'nodefs.inodesFree',
      summary([
        { name: 'a', rootfsInodes: 600 },
        { name: 'b', rootfsInodes: 500 },
      ]),
    );
    assert.deepEqual(names(r), ['b', 'a']);
  });
});

describe('R-F.4 pid ranking (priority, then processes)', () => {
  it('lower priority first, then more processes; stats-less pods do not jump priorities', () => {
    const r = order(
      [
        pod('hi-many', { node: 'n1', priority: 10 }),
        pod('lo-few', { node: 'n1', priority: 1 }),
        pod('lo-many', { node: 'n1', priority: 1 }),
        pod('hi-nostats', { node: 'n1', priority: 10 }),
      ],
      'pid.available',
      summary([
        { name: 'hi-many', processes: 500 },
        { name: 'lo-few', processes: 3 },
        { name: 'lo-many', processes: 50 },
      ]),
    );
    assert.deepEqual(names(r), ['lo-many', 'lo-few', 'hi-nostats', 'hi-many']);
    assert.equal(r.message, 'The node was low on resource: pids. ');
  });
});

describe('R-F.6 exemptions (IsCriticalPod)', () => {
  const table: Array<[string, Obj, boolean]> = [
    ['static pod (config.source file)', pod('static', { node: 'n1', annotations: { 'kubernetes.io/config.source': 'file' } }), true],
    ['config.source api is not static', pod('api', { node: 'n1', annotations: { 'kubernetes.io/config.source': 'api' } }), false],
    ['mirror pod', pod('mirror', { node: 'n1', annotations: { 'kubernetes.io/config.mirror': 'abc' } }), true],
    ['system-cluster-critical', pod('critical', { node: 'n1', priorityClassName: 'system-cluster-critical' }), true],
    ['system-node-critical', pod('node-critical', { node: 'n1', priority: 2000001000 }), true],
    ['highest user priority 1e9 is evictable', pod('user-top', { node: 'n1', priority: 1000000000 }), false],
  ];
  for (const [name, p, exempt] of table) {
    it(name, () => {
      const r = order([p], 'memory.available', summary([{ name: (p['metadata'] as { name: string }).name, memory: Gi }]));
      assert.equal(r.exempt.length === 1, exempt);
      assert.equal(r.order.length === 0, exempt);
    });
  }
});

describe('R-I.4 Evicted message', () => {
  const nodeStats = {
    memory: { availableBytes: 80 * Mi, workingSetBytes: 7 * Gi },
    fs: { availableBytes: 2 * Gi, capacityBytes: 100 * Gi, inodesFree: 12000, inodes: 100000 },
    rlimit: { maxpid: 4096, curproc: 2896 },
  };
  it('memory with threshold and per-container fragments in canonical form', () => {
    const p = pod('hog', {
      node: 'n1',
      priority: 1,
      containers: [
        { name: 'app', image: 'x', resources: { requests: { memory: '1Gi' } } },
        { name: 'helper', image: 'x', resources: { requests: { memory: '1.5Gi' } } },
        { name: 'quiet', image: 'x', resources: { requests: { memory: '4Gi' } } },
      ],
    });
    const stats = {
      node: { nodeName: 'n1', ...nodeStats },
      pods: [
        {
          podRef: { name: 'hog', namespace: 'default', uid: 'uid-hog' },
          containers: [
            { name: 'app', memory: { workingSetBytes: 1536 * Mi } },
            { name: 'helper', memory: { workingSetBytes: 2 * Gi } },
            { name: 'quiet', memory: { workingSetBytes: Gi } },
          ],
          memory: { workingSetBytes: 4608 * Mi },
        },
      ],
    };
    const r = order([p], 'memory.available', stats, shared, '100Mi');
    assert.equal(
      r.message,
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi. Container app was using 1536Mi, request is 1Gi, has larger consumption of memory. Container helper was using 2Gi, request is 1536Mi, has larger consumption of memory. ',
    );
  });
  it('ephemeral-storage: rootfs + logs per container, percentage threshold', () => {
    const p = pod('writer', {
      node: 'n1',
      priority: 1,
      containers: [{ name: 'main', image: 'x', resources: { requests: { 'ephemeral-storage': '1G' } } }],
    });
    const r = order([p], 'nodefs.available', summary([{ name: 'writer', rootfs: Gi, logs: 512 * Mi }], nodeStats), shared, '10%');
    assert.equal(
      r.message,
      'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 2Gi. Container main was using 1536Mi, request is 1G, has larger consumption of ephemeral-storage. ',
    );
  });
  it('inodes and pids observations are DecimalSI; percentage thresholds are BinarySI (GetThresholdQuantity)', () => {
    const p = pod('p', { node: 'n1', priority: 1 });
    assert.equal(
      order([p], 'nodefs.inodesFree', summary([{ name: 'p', rootfsInodes: 10 }], nodeStats), shared, '15%').message,
      'The node was low on resource: inodes. Threshold quantity: 15000, available: 12k. ',
    );
    assert.equal(
      order([p], 'pid.available', summary([{ name: 'p', processes: 10 }], nodeStats), shared, '2000').message,
      'The node was low on resource: pids. Threshold quantity: 2k, available: 1200. ',
    );
  });
  it('a missing request prints 0', () => {
    const r = order([pod('be', { node: 'n1' })], 'memory.available', summary([{ name: 'be', memory: 300 * Mi }]));
    assert.equal(
      r.message,
      'The node was low on resource: memory. Container main was using 300Mi, request is 0, has larger consumption of memory. ',
    );
  });
  it('pod-level memory request adds the Pod fragment', () => {
    const p = pod('pl', { node: 'n1', spec: { resources: { requests: { memory: '1Gi' } } }, containers: [{ name: 'main', image: 'x' }] });
    const r = order([p], 'memory.available', summary([{ name: 'pl', memory: 2 * Gi }]));
    assert.equal(
      r.message,
      'The node was low on resource: memory. Pod pl was using 2Gi, request is 1Gi, has larger consumption of memory. Container main was using 2Gi, request is 0, has larger consumption of memory. ',
    );
  });
});

describe('canonical quantities (resource.Quantity.String())', () => {
  const table: Array<[string, string]> = [
    [bytesQuantity(1536 * Mi), '1536Mi'],
    [bytesQuantity(2 * Gi), '2Gi'],
    [bytesQuantity(1500), '1500'],
    [bytesQuantity(1000), '1k'],
    [canonicalQuantity(12000 * 1000, 'DecimalSI'), '12k'],
    [canonicalQuantity(1200 * 1000, 'DecimalSI'), '1200'],
    [canonicalQuantity(500, 'DecimalSI'), '500m'],
    [canonicalText('1.5Gi') ?? '', '1536Mi'],
    [canonicalText('1000M') ?? '', '1G'],
    [canonicalText('1500M') ?? '', '1500M'],
    [canonicalText('0') ?? '', '0'],
  ];
  table.forEach(([got, want], i) => {
    it(`case ${i}: ${want}`, () => assert.equal(got, want));
  });
});

describe('R-F.9 local-storage evictions come before any threshold ranking', () => {
  const withStorage = (name: string, limit: string, extra: Obj = {}): Obj =>
    pod(name, { node: 'n1', containers: [{ name: 'main', image: 'x', resources: { limits: { 'ephemeral-storage': limit } } }], ...extra });
  it('a container over its ephemeral-storage limit is evicted whatever the signal, with the kubelet message', () => {
    const r = order(
      [withStorage('disk-hog', '1Gi'), pod('mem-hog', { node: 'n1' })],
      'memory.available',
      summary([
        { name: 'disk-hog', rootfs: 900 * Mi, logs: 200 * Mi, memory: 10 * Mi },
        { name: 'mem-hog', memory: 3 * Gi },
      ]),
    );
    assert.equal(r.outcome, 'local-storage');
    assert.deepEqual(
      r.localStorage.map((l) => [l.pod.name, l.cause]),
      [['disk-hog', 'container']],
    );
    assert.equal(r.message, 'Container main exceeded its local ephemeral storage limit "1Gi". ');
  });
  it('with a dedicated image filesystem only the logs count against the container limit', () => {
    const objects = [withStorage('disk-hog', '1Gi')];
    const stats = summary([{ name: 'disk-hog', rootfs: 900 * Mi, logs: 200 * Mi }]);
    assert.equal(order(objects, 'memory.available', stats, dedicated).outcome, 'ranked');
  });
  it('an emptyDir over its sizeLimit is evicted with the volume message', () => {
    const p = pod('cache', {
      node: 'n1',
      spec: { volumes: [{ name: 'scratch', emptyDir: { sizeLimit: '500Mi' } }] },
      containers: [{ name: 'main', image: 'x' }],
    });
    const r = order([p], 'nodefs.available', summary([{ name: 'cache', volumes: { scratch: 600 * Mi } }]));
    assert.equal(r.outcome, 'local-storage');
    assert.equal(r.message, 'Usage of EmptyDir volume "scratch" exceeds the limit "500Mi". ');
  });
  it("a pod over the sum of its containers' limits is evicted although no container is over its own", () => {
    const p = pod('two', {
      node: 'n1',
      containers: [
        { name: 'a', image: 'x', resources: { limits: { 'ephemeral-storage': '1Gi' } } },
        { name: 'b', image: 'x', resources: { limits: { 'ephemeral-storage': '1Gi' } } },
      ],
    });
    const r = order([p], 'pid.available', summary([{ name: 'two', rootfs: 100 * Mi, ephemeral: 3 * Gi }]));
    assert.equal(r.outcome, 'local-storage');
    assert.equal(r.message, 'Pod ephemeral local storage usage exceeds the total limit of containers 2Gi. ');
  });
  it('a critical pod over its limit is not evicted (evictPod refuses critical pods)', () => {
    const r = order(
      [withStorage('critical', '1Gi', { priority: 2000000000 })],
      'memory.available',
      summary([{ name: 'critical', rootfs: 2 * Gi }]),
    );
    assert.equal(r.localStorage.length, 0);
  });
});

describe('R-F.3 thresholds and R-F.4 stats by UID', () => {
  const nodeStats = (availableBytes: number): Obj => ({ memory: { availableBytes, workingSetBytes: 6 * Gi } });
  it('threshold not crossed: nothing is evicted', () => {
    const r = order([pod('a', { node: 'n1' })], 'memory.available', summary([{ name: 'a', memory: Gi }], nodeStats(2 * Gi)), shared, '1Gi');
    assert.equal(r.outcome, 'threshold-not-crossed');
    assert.equal(r.message, undefined);
    assert.deepEqual(r.threshold, { quantity: '1Gi', available: '2Gi', crossed: false });
    assert.deepEqual(names(r), ['a']);
  });
  it('threshold crossed (available below it): the first pod is evicted', () => {
    const r = order(
      [pod('a', { node: 'n1' })],
      'memory.available',
      summary([{ name: 'a', memory: Gi }], nodeStats(512 * Mi)),
      shared,
      '1Gi',
    );
    assert.equal(r.outcome, 'ranked');
    assert.equal(r.threshold?.crossed, true);
    assert.match(r.message ?? '', /^The node was low on resource: memory\. Threshold quantity: 1Gi, available: 512Mi\. /);
  });
  it('available exactly at the threshold is not below it: not crossed', () => {
    const r = order([pod('a', { node: 'n1' })], 'memory.available', summary([{ name: 'a', memory: Gi }], nodeStats(Gi)), shared, '1Gi');
    assert.equal(r.outcome, 'threshold-not-crossed');
  });
  it("stats with the pod's name but another UID are not the pod's (the kubelet matches by UID)", () => {
    const r = order(
      [pod('a', { node: 'n1' }), pod('b', { node: 'n1' })],
      'memory.available',
      summary([
        { name: 'a', memory: 3 * Gi, uid: 'uid-of-an-older-a' },
        { name: 'b', memory: Gi },
      ]),
    );
    // a has no stats, and pods without stats rank first.
    assert.deepEqual(names(r), ['a', 'b']);
    assert.equal(r.order[0]?.usage, undefined);
    assert.ok(r.notes.some((n) => n.includes('default/a') && n.includes('UID')));
  });
});

describe('R-F.4 pod-level requests in the ranking (1.34+)', () => {
  it('a pod-level memory request replaces the container requests: usage under it does not exceed', () => {
    const pl = pod('pod-level', {
      node: 'n1',
      spec: { resources: { requests: { memory: '2Gi' } } },
      containers: [{ name: 'main', image: 'x', resources: { requests: { memory: '100Mi' } } }],
    });
    const plain = pod('plain', { node: 'n1', containers: [{ name: 'main', image: 'x', resources: { requests: { memory: '100Mi' } } }] });
    const r = order(
      [pl, plain],
      'memory.available',
      summary([
        { name: 'pod-level', memory: Gi },
        { name: 'plain', memory: 500 * Mi },
      ]),
    );
    assert.deepEqual(
      r.order.map((x) => [x.pod.name, x.request, x.exceeds]),
      [
        ['plain', 100 * Mi, true],
        ['pod-level', 2 * Gi, false],
      ],
    );
  });
});
