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
