/**
 * Kueue on the live side against a real Kueue v0.19.2 (issue 21): scenario 1 (within-ClusterQueue preemption, wpc-high
 * evicts wpc-low) watched by the live ClusterConnection and LiveClusterSource as a read-only user:
 *  - the live view shows one Kueue preemption row (preemptor Job `high`, InClusterQueue, queue paths) and no pod
 *    preemption row for it;
 *  - the Diagnose Pod picker lists the victim Job (`Job/kq-live/low`, "Kueue: preempted by kq-live/high (InClusterQueue)");
 *  - `kpl diagnose` on the victim Job's pod and on the Job, and the editor's Diagnose (LiveClusterSource), say "Kueue
 *    evicted", both priorities and InClusterQueue;
 *  - after the namespace's events are deleted, `kpl diagnose Job/…` still answers from the Workload's conditions;
 *  - a connection opened before Kueue was installed discovers it on a later snapshot period and shows the same row;
 *  - the apiserver audit log shows only get/list/watch by that user, Kueue's resources included (the read-only proof of
 *    test/real-cluster/security.test.ts, extended to Workloads, ClusterQueues, LocalQueues, WorkloadPriorityClasses).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ClusterConnection, LiveClusterSource } from '../../../server/src/cluster/index';
import type { LiveEventRow, LiveEventsChangedParams } from '../../../server/src/protocol/index';
import { repoRoot } from '../../lsp/harness';
import { startCluster, waitFor } from '../harness';
import type { Cluster, K8sObject } from '../harness';
import { manifest, namespace } from '../scenario';
import { kueueAlive, kueueSkip, startKueue } from './kueue';
import type { Kueue } from './kueue';
import {
  clusterQueue,
  kueueJob,
  localQueue,
  resourceFlavor,
  submit,
  waitEventAbout,
  waitWorkloadCondition,
  workloadPriorityClass,
} from './kueue-scenario';

const skip = kueueSkip();
const ns = 'kq-live';

function kpl(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'kpl.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface AuditEvent {
  verb: string;
  requestURI: string;
  user: { username: string };
  responseStatus?: { code?: number };
}

function auditEventsOf(file: string, fromOffset: number, username: string): AuditEvent[] {
  const out: AuditEvent[] = [];
  for (const line of fs.readFileSync(file, 'utf8').slice(fromOffset).split('\n')) {
    try {
      const e = JSON.parse(line) as AuditEvent;
      if (e.user?.username === username) out.push(e);
    } catch {
      // a line being written, or the empty last one
    }
  }
  return out;
}

describe('real Kueue v0.19.2 on the live side: rows, Diagnose, after the fact, read-only', { skip, timeout: 15 * 60_000 }, () => {
  let cluster: Cluster | undefined;
  let kueue: Kueue | undefined;
  let ro = '';
  let auditStart = 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-kueue-live-'));

  // Connected before Kueue's CRDs exist: discovery finds no Kueue (404, nothing logged), then its retry on the snapshot
  // period (1 s here, 60 s by default) finds the Kueue installed afterwards.
  let early: ClusterConnection | undefined;
  const earlyLog: string[] = [];

  before(async () => {
    cluster = await startCluster({ nodes: [{ name: 'node-a', cpu: 64, memory: '256Gi', pods: 200 }], auditLog: true });
    ro = await cluster.createUser('kpl-ro', { kind: 'read-only' });
    auditStart = fs.statSync(cluster.auditLogPath!).size;
    early = new ClusterConnection({
      kubeconfig: ro,
      backoff: { initialMs: 200, maxMs: 2000 },
      snapshotIntervalMs: 1000,
      log: (m) => earlyLog.push(m),
    });
    await early.start();
    assert.equal(early.kueue.version, undefined, 'no Kueue yet');
    // A few periods without Kueue: each retry is one quiet 404.
    await new Promise((r) => setTimeout(r, 2500));
    kueue = await startKueue(cluster);
    await cluster.apply(manifest(resourceFlavor(), workloadPriorityClass('wpc-low', 100), workloadPriorityClass('wpc-high', 1000)));
  });

  after(async () => {
    const k = kueue;
    try {
      await early?.stop();
      await k?.stop();
    } finally {
      await cluster?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
    if (k !== undefined) assert.equal(kueueAlive(k), false, 'Kueue is stopped');
  });

  test('scenario 1 live: one Kueue row, Diagnose says "Kueue evicted" (pod, Job, editor), also after the events are gone', async (t) => {
    const c = cluster as Cluster;
    const conn = new ClusterConnection({ kubeconfig: ro, backoff: { initialMs: 200, maxMs: 2000 }, snapshotIntervalMs: 0 });
    const pushes: LiveEventsChangedParams[] = [];
    const source = new LiveClusterSource({ historyDir: path.join(work, 'history'), onLiveEvents: (p) => pushes.push(p) });
    try {
      await conn.start();
      assert.equal(conn.state().state, 'live');
      assert.equal(conn.kueue.version, 'v1beta2', 'discovery found Kueue, v1beta2 served');
      source.configure({ enabled: true, trusted: true, kubeconfig: ro, context: '' });
      await waitFor(() => source.state().state === 'live', 60_000, { description: 'LiveClusterSource live as kpl-ro' });

      await c.apply(
        manifest(
          namespace(ns),
          clusterQueue('live-cq', { cpu: '4', preemption: { withinClusterQueue: 'LowerPriority' } }),
          localQueue(ns, 'lq', 'live-cq'),
        ),
      );
      const low = await submit(c, kueueJob(ns, 'low', { queue: 'lq', cpu: '4', wpc: 'wpc-low' }), { admitted: true });
      const lowPods = await waitFor(
        async () => {
          const items = (await c.getJson(['pods', '-n', ns, '-l', 'job-name=low'])).items as K8sObject[];
          return items.length > 0 ? items : undefined;
        },
        30_000,
        { description: 'the pod of Job low' },
      );
      const lowPod = lowPods[0]?.metadata.name as string;
      await waitFor(() => conn.byName(ns, lowPod), 30_000, { description: 'the connection saw the pod of Job low' });
      await submit(c, kueueJob(ns, 'high', { queue: 'lq', cpu: '4', wpc: 'wpc-high' }), { admitted: false });
      const wlName = low.workload.metadata.name as string;
      await waitWorkloadCondition(c, ns, wlName, 'Preempted', 'True', 'InClusterQueue');
      // Kueue's own Preempted event too, so that event and condition are both delivered (and kept as one row).
      await waitEventAbout(c, ns, low.workload.metadata.uid as string, 'Preempted');
      const kueueRows = (rows: LiveEventRow[]) => rows.filter((r) => r.namespace === ns && r.type === 'kueue-preemption');
      await waitFor(() => kueueRows(conn.liveRows()).find((r) => r.preemptor?.name === 'high' && r.preemptor.priority === 1000), 30_000, {
        description: 'a Kueue row naming the preemptor Job high',
      });
      await new Promise((r) => setTimeout(r, 3000));
      const rows = conn.liveRows().filter((r) => r.namespace === ns);
      t.diagnostic(
        `rows in ${ns}: ${JSON.stringify(rows.map((r) => [r.type, r.reason, r.victim.name, r.preemptor?.name, r.kueue?.source]))}`,
      );
      const k = kueueRows(rows);
      assert.equal(k.length, 1, 'one Kueue row for the one preemption');
      const row = k[0];
      assert.equal(row.reason, 'InClusterQueue');
      assert.equal(row.victim.name, 'Job/low');
      assert.equal(row.victim.priority, 100);
      assert.equal(row.priorityGap, 900);
      assert.equal(row.kueue?.preemptorPath, '/live-cq');
      assert.equal(row.kueue?.preempteePath, '/live-cq');
      assert.equal(rows.filter((r) => r.type === 'preemption').length, 0, 'no pod preemption row for it');
      await waitFor(() => pushes.some((p) => p.rows.some((r) => r.type === 'kueue-preemption' && r.preemptor?.name === 'high')), 30_000, {
        description: 'the Kueue row pushed to the live view (LiveClusterSource)',
      });

      // The Diagnose Pod picker lists the victim Job among the recent victims, its target the Kueue Job diagnose.
      const picked = await waitFor(
        async () => (await source.listPods()).pods.find((p) => p.source === 'victim' && p.target === `Job/${ns}/low`),
        30_000,
        { description: 'the picker lists Job low among the recent victims' },
      );
      t.diagnostic(`picker: ${picked.label} · ${picked.description ?? ''}`);
      assert.match(picked.description ?? '', /^Kueue: preempted by kq-live\/high \(InClusterQueue\), \d+ (s|min) ago · Kueue priority 100/);

      // The connection opened before Kueue was installed found it on a retry and shows the same row.
      const e = early as ClusterConnection;
      assert.equal(e.kueue.version, 'v1beta2', 'the early connection discovered Kueue after it was installed');
      const lateRow = await waitFor(() => kueueRows(e.liveRows()).find((r) => r.preemptor?.name === 'high'), 30_000, {
        description: 'the Kueue row on the connection opened before Kueue was installed',
      });
      assert.equal(lateRow.reason, 'InClusterQueue');
      assert.equal(lateRow.victim.name, 'Job/low');
      assert.deepEqual(
        earlyLog.filter((m) => /kueue/i.test(m)),
        [],
        'no log line about Kueue: discovery failed quietly (404) until Kueue was installed',
      );

      const expectKueue = (text: string, where: string) => {
        assert.match(
          text,
          /Kueue evicted Workload kq-live\/job-low-\S+ of Job low: preempted by kq-live\/Job\/high \(Kueue priority 1000 vs 100, InClusterQueue\)/,
          where,
        );
        assert.match(text, /Kueue priority: 100 \(WorkloadPriorityClass wpc-low\)/, where);
        assert.match(text, /pod priority: 0/, where);
        assert.match(text, /no backoffLimit retry was spent/, where);
      };
      const onPod = kpl(['diagnose', `${ns}/${lowPod}`, '--kubeconfig', ro]);
      t.diagnostic(`kpl diagnose ${ns}/${lowPod}:\n${onPod.stdout}${onPod.stderr}`);
      expectKueue(onPod.stdout, 'kpl diagnose on the pod');
      const onJob = kpl(['diagnose', `Job/${ns}/low`, '--kubeconfig', ro]);
      assert.equal(onJob.code, 0, onJob.stderr);
      expectKueue(onJob.stdout, 'kpl diagnose on the Job');
      assert.match(onJob.stdout, /source: event Preempted from kueue-admission/);
      const editor = await source.diagnosePod({ target: `Job/${ns}/low` });
      assert.ok(editor !== undefined, 'the editor diagnoses the Kueue row target');
      assert.match(editor.markdown, /^# Diagnosis of `Job\/kq-live\/low`/);
      assert.match(editor.markdown, /Kueue evicted Workload/);
      assert.match(editor.markdown, /InClusterQueue/);

      // After the fact: the events gone (as after their one-hour TTL), the Workload's conditions answer.
      const del = await c.kubectl(['delete', 'events', '--all', '-n', ns]);
      assert.equal(del.code, 0, del.stderr);
      const gone = kpl(['diagnose', `Job/${ns}/low`, '--kubeconfig', ro]);
      t.diagnostic(`after deleting the events:\n${gone.stdout}`);
      assert.equal(gone.code, 0, gone.stderr);
      expectKueue(gone.stdout, 'kpl diagnose on the Job without events');
      assert.match(gone.stdout, /source: Workload condition Preempted=True \(reason InClusterQueue\)/);
      assert.match(gone.stdout, /status\.schedulingStats\.evictions\): Preempted ×1/);
      assert.match(gone.stdout, /Workload\/job-low-\S+ Preempted \(Workload condition\): Preempted to accommodate a workload/);
    } finally {
      source.dispose();
      await conn.stop();
    }
  });

  test("audit: the read-only user sent only get/list/watch, Kueue's resources included", async (t) => {
    await new Promise((r) => setTimeout(r, 1500));
    const events = auditEventsOf((cluster as Cluster).auditLogPath!, auditStart, 'kpl-ro');
    const verbs = new Map<string, number>();
    for (const e of events) verbs.set(e.verb, (verbs.get(e.verb) ?? 0) + 1);
    t.diagnostic(`audit: ${events.length} request(s) by kpl-ro: ${[...verbs].map(([v, n]) => `${v}×${n}`).join(', ')}`);
    assert.deepEqual(
      events.filter((e) => !['get', 'list', 'watch'].includes(e.verb)).map((e) => `${e.verb} ${e.requestURI}`),
      [],
      'only read verbs',
    );
    // Discovery before Kueue was installed (404) and after (200): the retry is that one GET, nothing else.
    const discovery = events.filter((e) => e.verb === 'get' && e.requestURI === '/apis/kueue.x-k8s.io').map((e) => e.responseStatus?.code);
    t.diagnostic(`discovery GETs by kpl-ro: ${discovery.join(' ')}`);
    assert.ok(discovery.filter((c) => c === 404).length >= 2, 'discovery retried while Kueue was absent');
    assert.ok(discovery.includes(200), 'discovery found Kueue');
    const kueueRequests = events.filter((e) => e.requestURI.includes('/apis/kueue.x-k8s.io'));
    const seen = new Set(kueueRequests.map((e) => `${e.verb} ${e.requestURI.replace(/\?.*$/, '')}`));
    t.diagnostic(`Kueue requests: ${[...seen].sort().join(', ')}`);
    for (const expected of [
      'get /apis/kueue.x-k8s.io',
      'list /apis/kueue.x-k8s.io/v1beta2/workloads',
      'watch /apis/kueue.x-k8s.io/v1beta2/workloads',
      'list /apis/kueue.x-k8s.io/v1beta2/clusterqueues',
      'list /apis/kueue.x-k8s.io/v1beta2/localqueues',
      'list /apis/kueue.x-k8s.io/v1beta2/workloadpriorityclasses',
    ])
      assert.ok(seen.has(expected), `${expected} among ${[...seen].join(', ')}`);
  });
});
