import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LiveClusterSource } from '../../server/src/cluster/source';
import type { ClusterSource } from '../../server/src/lsp/cluster-source';
import type { ClusterStateView } from '../../server/src/protocol/index';

// Compile-time: the live source fits the language server's seam.
const asSeam = (s: LiveClusterSource): ClusterSource => s;

const until = async (pred: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('states without a cluster: disabled, untrusted, no-kubeconfig (clear message)', async () => {
  const source = asSeam(new LiveClusterSource());
  const seen: ClusterStateView[] = [];
  source.onDidChange(() => seen.push(source.state()));
  source.configure({ enabled: false, trusted: true, kubeconfig: '', context: '' });
  assert.equal(source.state().state, 'disabled');
  source.configure({ enabled: true, trusted: false, kubeconfig: '/tmp/whatever', context: '' });
  assert.equal(source.state().state, 'untrusted');
  assert.deepEqual(await source.listContexts(), { contexts: [] }, 'no kubeconfig read when untrusted');
  const missing = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-src-')), 'none');
  source.configure({ enabled: true, trusted: true, kubeconfig: missing, context: '' });
  await until(() => source.state().state === 'no-kubeconfig');
  assert.match(source.state().detail ?? '', /no kubeconfig at/);
  assert.equal(await source.diagnosePod({ target: 'ci/x' }), undefined);
  assert.deepEqual((await source.liveEvents()).rows, []);
  assert.ok(seen.some((s) => s.state === 'disabled') && seen.some((s) => s.state === 'untrusted'));
  source.dispose();
});

test('Clear Preemption History empties the file, the rows in memory and the open views (replace notification)', async () => {
  const { HistoryStore } = await import('../../server/src/cluster/history');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-src-clear-'));
  const historyDir = path.join(dir, 'history');
  const store = await HistoryStore.open({ dir: historyDir });
  const at = new Date().toISOString();
  await store.append([
    {
      type: 'event',
      at,
      event: {
        uid: 'ev-1',
        resourceVersion: '1',
        reason: 'Preempted',
        note: 'Preempted by pod 29a25210-aaaa-bbbb-cccc-0123456789ab on node node-a',
        time: at,
        regarding: { kind: 'Pod', namespace: 'ci', name: 'victim', uid: 'v-1' },
      },
    },
    { type: 'pod', at, pod: { uid: 'v-1', name: 'victim', namespace: 'ci', priority: 100, owners: [], deletedAt: at } },
  ]);
  await store.flush();
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'contexts:',
      '- name: c',
      '  context: {cluster: k, user: u}',
      'clusters:',
      '- name: k',
      '  cluster: {server: "https://127.0.0.1:1"}',
      'users:',
      '- name: u',
      '  user: {token: t}',
      '',
    ].join('\n'),
  );
  const notified: { rows: number; replace: boolean }[] = [];
  const source = new LiveClusterSource({ historyDir, onLiveEvents: (p) => notified.push({ rows: p.rows.length, replace: p.replace }) });
  source.configure({ enabled: true, trusted: true, kubeconfig, context: '' });
  await until(() => notified.some((n) => n.replace && n.rows === 1), 10_000);
  assert.equal((await source.liveEvents()).rows.length, 1, 'the recorded preemption is shown from the history');
  notified.length = 0;
  await source.clearHistory();
  assert.deepEqual((await source.liveEvents()).rows, [], 'rows in memory cleared');
  assert.deepEqual(notified, [{ rows: 0, replace: true }], 'open views told to drop their rows');
  assert.equal((await source.listPods()).pods.filter((p) => p.source === 'deleted').length, 0, 'deleted pods of the UID cache cleared');
  const exported = JSON.parse((await source.exportHistory('json')).text) as { events: unknown[] };
  assert.equal(exported.events.length, 0, 'history file cleared');
  source.dispose();
});

test('listPods with the workload under the cursor marks its pods (owner chain) and echoes the workload', async () => {
  const { HistoryStore } = await import('../../server/src/cluster/history');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-src-match-'));
  const historyDir = path.join(dir, 'history');
  const store = await HistoryStore.open({ dir: historyDir });
  const at = new Date().toISOString();
  await store.append([
    { type: 'pod', at, pod: { uid: 'a', name: 'tests-x1', namespace: 'ci', owners: [{ kind: 'Job', name: 'tests' }], deletedAt: at } },
    { type: 'pod', at, pod: { uid: 'b', name: 'other-y2', namespace: 'ci', owners: [{ kind: 'Job', name: 'other' }], deletedAt: at } },
  ]);
  await store.flush();
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'contexts:',
      '- name: c',
      '  context: {cluster: k, user: u}',
      'clusters:',
      '- name: k',
      '  cluster: {server: "https://127.0.0.1:1"}',
      'users:',
      '- name: u',
      '  user: {token: t}',
      '',
    ].join('\n'),
  );
  let ready = false;
  const source = new LiveClusterSource({ historyDir, onLiveEvents: (p) => (ready ||= p.replace) });
  source.configure({ enabled: true, trusted: true, kubeconfig, context: '' });
  await until(() => ready, 10_000);
  const res = await source.listPods({ kind: 'Job', namespace: 'ci', name: 'tests' });
  assert.equal(res.workload, 'Job/ci/tests');
  assert.deepEqual(
    res.pods.filter((p) => p.matchesWorkload === true).map((p) => p.target),
    ['ci/tests-x1'],
  );
  assert.equal(res.pods.length, 2);
  source.dispose();
});
