/**
 * Issue 14 on the real control plane: anyone who can create an Event in a watched namespace chooses its message. A
 * core/v1 Preempted Event whose message is 1 MiB of `a/a/a/…` (the input that made the old note parser backtrack for
 * minutes) and a pod whose status and DisruptionTarget messages are 700 KiB each reach the ClusterConnection through
 * the real list and watch. They must be seen at once (no stall), kept at most 4 KiB each with the truncation marker
 * in memory, in the live-view rows, in the Diagnose Pod report and in the history file on disk.
 *
 * Part of `npm run test:cluster`. Skipped when the cluster binaries are missing unless KPL_REQUIRE_CLUSTER=1; needs
 * `node esbuild.mjs` first.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ClusterConnection, HistoryStore } from '../../server/src/cluster/index';
import { renderDiagnoseMarkdown } from '../../server/src/core/index';
import { defaultBinDir, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster, K8sObject } from './harness';
import { applyManifests, namespace, pod, waitForPodBound } from './scenario';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip = !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1' ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh` : false;

const MiB = 1 << 20;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const marker = /… \[truncated from \d+ bytes\]$/;

test('a 1 MiB event note and 700 KiB pod messages from the real API server are capped at ingestion and in the history file', { skip, timeout: 10 * 60_000 }, async () => {
  const cluster: Cluster = await startCluster({ nodes: uniformNodes(1, 4, '8Gi') });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-hostile-text-'));
  const ns = 'hostile-text';
  let conn: ClusterConnection | undefined;
  try {
    await applyManifests(cluster, namespace(ns), pod(ns, 'victim', { cpu: '100m' }));
    const victim = await waitForPodBound(cluster, ns, 'victim', undefined, 60_000);
    const huge = `Preempted by ${'a/'.repeat(MiB / 2)}`;
    // Two messages in one pod: 700 KiB each keeps the object under etcd's 2 MiB request limit.
    const podHuge = `Kube-scheduler: preempting to accommodate a higher priority pod: ${'a/'.repeat(350 * 1024)}`;
    // Files, not arguments: one argv string is limited to 128 KiB. `create`, not `apply`: no 1 MiB annotation copy.
    const statusFile = path.join(work, 'status.json');
    fs.writeFileSync(statusFile, JSON.stringify({ status: { message: podHuge, conditions: [{ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: podHuge, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }] } }));
    const patched = await cluster.kubectl(['patch', 'pod', '-n', ns, 'victim', '--subresource=status', '--type=strategic', '--patch-file', statusFile]);
    assert.equal(patched.code, 0, `patching the pod status: ${patched.stderr}`);
    const history = await HistoryStore.open({ dir: path.join(work, 'history') });
    conn = new ClusterConnection({ kubeconfig: cluster.kubeconfig, history, backoff: { initialMs: 200, maxMs: 2000 } });
    await conn.start();
    assert.equal(conn.state().state, 'live');

    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const event: K8sObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'victim.hostile-note', namespace: ns },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: ns, name: 'victim', uid: victim.metadata.uid },
      reason: 'Preempted',
      message: huge,
      type: 'Normal',
      source: { component: 'default-scheduler' },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    };
    const eventFile = path.join(work, 'event.json');
    fs.writeFileSync(eventFile, JSON.stringify(event));
    const created = await cluster.kubectl(['create', '-f', eventFile]);
    assert.equal(created.code, 0, `the API server took the 1 MiB event: ${created.stderr}`);
    const stored = await cluster.getJson(['event', '-n', ns, 'victim.hostile-note']);
    assert.equal(String(stored['message']).length, huge.length, 'the API server keeps the whole message: the cap is ours');

    // Seen through the watch at once: the old parser spent minutes on this note before the next event.
    const t0 = Date.now();
    const seen = await waitFor(() => conn?.events().find((e) => e.regarding.name === 'victim' && e.reason === 'Preempted'), 30_000, { description: 'the hostile event over the watch' });
    assert.ok(Date.now() - t0 < 15_000, `seen after ${Date.now() - t0} ms`);
    assert.ok(bytes(seen.note) <= 4096, `note in memory: ${bytes(seen.note)} bytes`);
    assert.match(seen.note, marker);
    const record = conn.byUid(String(victim.metadata.uid));
    assert.ok(record !== undefined);
    assert.ok(bytes(JSON.stringify(record)) < 4 * 4096, `pod record in memory: ${bytes(JSON.stringify(record))} bytes`);
    assert.match(record.message ?? '', marker);
    assert.match(record.conditions?.find((c) => c.type === 'DisruptionTarget')?.message ?? '', marker);

    const row = conn.liveRows().find((r) => r.victim.name === 'victim');
    assert.match(row?.message ?? '', marker, 'the live view says the text was cut');
    const t1 = Date.now();
    const md = renderDiagnoseMarkdown(await conn.diagnose({ namespace: ns, name: 'victim' }));
    assert.ok(Date.now() - t1 < 15_000, `Diagnose Pod took ${Date.now() - t1} ms`);
    assert.ok(md.length < 64 * 1024, `report of ${md.length} chars`);
    assert.match(md, /truncated from \d+ bytes/);

    await history.flush();
    const text = fs.readFileSync(history.file, 'utf8');
    const longest = Math.max(...text.split('\n').map(bytes));
    assert.ok(text.includes('victim'), 'the event and the pod were recorded');
    assert.ok(longest < 16 * 1024, `longest history line: ${longest} bytes`);
  } finally {
    await conn?.stop();
    await cluster.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
