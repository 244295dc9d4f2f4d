/**
 * What the real kube-apiserver does with `null` label, annotation and matchLabels values (R-K.5), beside kpl's verdict:
 * a server-side dry-run create of a Pod and a PodDisruptionBudget written with nulls. The apiserver accepts both and
 * stores "" for each null value; `kpl explain` must allow the pod and read the same labels.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { apiClient } from './api';
import { defaultBinDir, findRepoFile, startCluster } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip = !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1' ? `no cluster binaries in ${defaultBinDir()}` : false;

const podYaml = `apiVersion: v1
kind: Pod
metadata:
  name: nulls
  namespace: default
  labels: {app: web, env: null}
  annotations: {note: null}
spec:
  containers: [{name: c, image: registry.k8s.io/pause:3.10, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
`;

test('null label and annotation values: the real apiserver accepts them as "" and kpl agrees', { skip, timeout: 5 * 60_000 }, async () => {
  const cluster = await startCluster({ nodes: [] });
  const api = apiClient(cluster.kubeconfig);
  try {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nulls', namespace: 'default', labels: { app: 'web', env: null }, annotations: { note: null } },
      spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
    };
    const created = await api.request('POST', '/api/v1/namespaces/default/pods?dryRun=All', pod);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.metadata.labels, { app: 'web', env: '' });
    assert.deepEqual(created.body.metadata.annotations, { note: '' });
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'nulls', namespace: 'default' },
      spec: { minAvailable: 1, selector: { matchLabels: { env: null } } },
    };
    const budget = await api.request('POST', '/apis/policy/v1/namespaces/default/poddisruptionbudgets?dryRun=All', pdb);
    assert.equal(budget.status, 201, JSON.stringify(budget.body));
    assert.deepEqual(budget.body.spec.selector.matchLabels, { env: '' });

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-nulls-'));
    const file = path.join(dir, 'pod.yaml');
    fs.writeFileSync(file, podYaml);
    const r = spawnSync(process.execPath, [findRepoFile('dist/kpl.js'), 'explain', '--format', 'json', file], { encoding: 'utf8' });
    fs.rmSync(dir, { recursive: true, force: true });
    const explained = JSON.parse(r.stdout) as { workloads: Array<{ admission: { allowed: boolean } }> };
    assert.equal(explained.workloads[0]?.admission.allowed, true, r.stdout);
  } finally {
    api.close();
    await cluster.stop();
  }
});
