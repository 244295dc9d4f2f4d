/**
 * Issue 14 on the real control plane: anyone who can create an Event in a watched namespace chooses its message. A
 * core/v1 Preempted Event whose message is 1 MiB of `a/a/a/…` (the input that made the old note parser backtrack for
 * minutes) and a pod whose status and DisruptionTarget messages are 700 KiB each reach the ClusterConnection through
 * the real list and watch. They must be seen at once (no stall), kept at most 4 KiB each with the truncation marker
 * in memory, in the live-view rows, in the Diagnose Pod report and in the history file on disk.
 *
 * Then a second event whose note carries terminal control sequences (ESC [2J, OSC 52, 8-bit CSI, BEL, CR) goes
 * through `kpl diagnose NAMESPACE/NAME` (text, Markdown, JSON): no control character other than tab and newline
 * reaches stdout or stderr, and the text is shown with each one escaped as `\uXXXX`.
 *
 * Part of `npm run test:cluster`. Skipped when the cluster binaries are missing unless KPL_REQUIRE_CLUSTER=1; needs
 * `node esbuild.mjs` first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ClusterConnection, HistoryStore } from '../../server/src/cluster/index';
import { renderDiagnoseMarkdown } from '../../server/src/core/index';
import { defaultBinDir, findRepoFile, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster, K8sObject } from './harness';
import { applyManifests, namespace, pod, waitForPodBound } from './scenario';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;

const MiB = 1 << 20;
const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const marker = /… \[truncated from \d+ bytes\]$/;

test(
  'a 1 MiB event note and 700 KiB pod messages from the real API server are capped at ingestion and in the history file',
  { skip, timeout: 10 * 60_000 },
  async () => {
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
      fs.writeFileSync(
        statusFile,
        JSON.stringify({
          status: {
            message: podHuge,
            conditions: [
              {
                type: 'DisruptionTarget',
                status: 'True',
                reason: 'PreemptionByScheduler',
                message: podHuge,
                lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
              },
            ],
          },
        }),
      );
      const patched = await cluster.kubectl([
        'patch',
        'pod',
        '-n',
        ns,
        'victim',
        '--subresource=status',
        '--type=strategic',
        '--patch-file',
        statusFile,
      ]);
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
      const seen = await waitFor(() => conn?.events().find((e) => e.regarding.name === 'victim' && e.reason === 'Preempted'), 30_000, {
        description: 'the hostile event over the watch',
      });
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

      // Terminal control sequences in a note, through the real kpl process.
      const controls = `\u001b[2J\u001b[H|\u001b]52;c;ZWNobyBwd25lZA==\u0007|\u009b2J|\u0007|forged\rline`;
      const controlEvent = {
        ...event,
        metadata: { name: 'victim.hostile-controls', namespace: ns },
        reason: 'Killing',
        message: `Stopping container ${controls}`,
      };
      fs.writeFileSync(eventFile, JSON.stringify(controlEvent));
      const created2 = await cluster.kubectl(['create', '-f', eventFile]);
      assert.equal(created2.code, 0, created2.stderr);
      const kpl = path.join(path.dirname(findRepoFile('esbuild.mjs')), 'dist', 'kpl.js');
      for (const format of ['text', 'markdown', 'json']) {
        const r = spawnSync(process.execPath, [kpl, 'diagnose', `${ns}/victim`, '--format', format, '--kubeconfig', cluster.kubeconfig], {
          encoding: 'utf8',
          timeout: 120_000,
          env: { ...process.env, NO_COLOR: '1' },
        });
        assert.equal(r.status, 0, `kpl diagnose --format ${format}: ${r.stderr}`);
        for (const [stream, out] of [
          ['stdout', r.stdout],
          ['stderr', r.stderr],
        ] as const) {
          const m = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.exec(out);
          assert.equal(
            m,
            null,
            `kpl diagnose --format ${format}: ${stream} carries U+${(m?.[0] ?? '').charCodeAt(0).toString(16).padStart(4, '0')}`,
          );
        }
        if (format === 'json') assert.ok(r.stdout.includes('Stopping container \\u001b[2J'), 'JSON escapes it (and keeps the note)');
        else if (format === 'text')
          assert.ok(
            r.stdout.includes('\\u001b[2J') && r.stdout.includes('\\u009b2J') && r.stdout.includes('forged\\u000dline'),
            `${format}: the note is shown, escaped`,
          );
        else
          assert.ok(
            r.stdout.includes('\\u001b\\[2J') && r.stdout.includes('\\u009b2J'),
            `${format}: the note is shown, escaped (Markdown escapes the bracket)`,
          );
        assert.match(r.stdout, /truncated from \d+ bytes/, `${format}: the 1 MiB note is shown cut`);
      }

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
  },
);
