/**
 * Real-cluster smoke test: the real kube-scheduler preempts, KWOK plays the kubelets.
 *
 * Needs the binaries from scripts/cluster/build.sh; skipped when they are missing unless
 * KPL_REQUIRE_CLUSTER=1. Try it without the project build:
 *   npx --yes esbuild@0.25 test/real-cluster/smoke.test.ts --bundle --platform=node --format=cjs --outfile=/tmp/smoke.test.js && node --test /tmp/smoke.test.js
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultBinDir, processGroupMembers, startCluster, uniformNodes, type Cluster } from './harness';
import { ciStory, DISRUPTION_MESSAGE, deleteNamespace, smokePreemption, waitForPodBound } from './scenario';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env.KPL_REQUIRE_CLUSTER !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

test('real cluster: preemption stories', { skip, timeout: 10 * 60_000 }, async (t) => {
  const t0 = Date.now();
  const cluster: Cluster = await startCluster({ nodes: uniformNodes(3, 4, '8Gi'), auditLog: true });
  t.diagnostic(`cluster started in ${Date.now() - t0} ms (${JSON.stringify(cluster.timings)}) dir ${cluster.dir}`);
  const pids = Object.values(cluster.pids());
  const ports = Object.values(cluster.ports);
  try {
    await t.test('everything listens on 127.0.0.1 only', () => {
      const ours = new Set(pids);
      // /proc/net/tcp{,6}: local address of LISTEN (0A) sockets owned by our processes' inodes.
      const inodes = new Set<string>();
      for (const pid of pids) {
        for (const m of processGroupMembers(pid)) {
          for (const fd of fs.readdirSync(`/proc/${m}/fd`)) {
            try {
              const l = fs.readlinkSync(`/proc/${m}/fd/${fd}`);
              const mm = /^socket:\[(\d+)\]$/.exec(l);
              if (mm) inodes.add(mm[1]);
            } catch {
              /* fd closed meanwhile */
            }
          }
        }
      }
      const listening: string[] = [];
      for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
        for (const line of fs.readFileSync(f, 'utf8').split('\n').slice(1)) {
          const cols = line.trim().split(/\s+/);
          if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue;
          listening.push(cols[1]);
        }
      }
      assert.ok(listening.length >= 5, `expected our listeners, got ${listening.join(' ')} (pids ${[...ours].join(',')})`);
      for (const addr of listening) {
        const [ip] = addr.split(':');
        assert.ok(ip === '0100007F' || ip === '0000000000000000FFFF00000100007F', `non-loopback listener ${addr}`);
      }
    });

    await t.test('smoke preemption: low 100 / high 1000 on a 4-CPU node', async () => {
      let r;
      let coreEvents;
      try {
        r = await smokePreemption(cluster, { node: 'node-a' });
        coreEvents = await cluster.getJson(['events', '-n', 'smoke', '--field-selector', 'reason=Preempted']);
      } finally {
        await deleteNamespace(cluster, 'smoke');
      }
      t.diagnostic(`smoke: ${JSON.stringify(r)}`);
      assert.equal(r.victim.priority, 100);
      assert.equal(r.preemptor.priority, 1000);
      assert.equal(r.preemptor.node, 'node-a');
      assert.equal(r.event.reason, 'Preempted');
      assert.equal(r.event.action, 'Preempting');
      assert.equal(r.event.type, 'Normal');
      assert.equal(r.event.reportingController, 'default-scheduler');
      assert.equal(r.event.note, `Preempted by pod ${r.preemptor.uid} on node node-a`);
      assert.equal(r.event.regarding.uid, r.victim.uid);
      // v1.36.3 sets no `related` (the scheduler passes its preemptor wrapper, not the Pod, to the
      // event recorder, so the reference cannot be built); accept it if a fixed version sets it.
      assert.ok(r.event.related === undefined || r.event.related.uid === r.preemptor.uid, JSON.stringify(r.event.related));
      assert.equal(r.victim.disruptionTarget.reason, 'PreemptionByScheduler');
      assert.equal(r.victim.disruptionTarget.message, DISRUPTION_MESSAGE);
      assert.deepEqual(r.nominatedNodeNames, ['node-a']);
      // The core/v1 view of the same event.
      const core = coreEvents;
      assert.equal(core.items.length, 1);
      assert.equal(core.items[0].message, r.event.note);
      assert.equal(core.items[0].involvedObject.uid, r.victim.uid);
      t.diagnostic(`core/v1 Preempted event: ${JSON.stringify({ ...core.items[0], metadata: undefined })}`);
    });

    await t.test('CI story: evaluation Job preempts test Jobs, which fail', async () => {
      const r = await ciStory(cluster);
      t.diagnostic(`ci story: ${JSON.stringify(r)}`);
      assert.equal(r.testJobs.length, 3);
      for (const tj of r.testJobs) {
        assert.equal(tj.priority, 100);
        assert.equal(tj.priorityClassName, 'ci-default');
      }
      assert.equal(r.preemptions.length, 2);
      const preemptorUids = new Set(r.evaluationPods.map((p) => p.uid));
      for (const p of r.preemptions) {
        assert.ok(preemptorUids.has(p.preemptor.uid));
        assert.equal(p.preemptor.priority, 1000);
        assert.equal(p.event.note, `Preempted by pod ${p.preemptor.uid} on node ${p.victim.node}`);
        assert.equal(r.evaluationPods.find((e) => e.uid === p.preemptor.uid)?.node, p.victim.node);
        assert.equal(p.victim.disruptionTarget.reason, 'PreemptionByScheduler');
        assert.equal(p.victim.disruptionTarget.message, DISRUPTION_MESSAGE);
      }
      assert.equal(new Set(r.preemptions.map((p) => p.victim.uid)).size, 2);
      assert.equal(r.failedJobs.length, 2);
      for (const j of r.failedJobs) {
        const st = r.jobStatus[j];
        assert.equal(st.failed, 1);
        assert.ok(
          st.conditions.some((c) => c.type === 'Failed' && c.status === 'True' && c.reason === 'BackoffLimitExceeded'),
          JSON.stringify(st),
        );
      }
      assert.equal(r.survivingJobs.length, 1);
      const s = r.jobStatus[r.survivingJobs[0]];
      assert.equal(s.active, 1);
      assert.ok(!s.conditions.some((c) => c.type === 'Failed'));
    });

    await t.test('users: namespace-scoped and read-only', async () => {
      const nsUser = await cluster.createUser('alice', { kind: 'namespace-scoped', namespace: 'ci' });
      const roUser = await cluster.createUser('bob', { kind: 'read-only' });
      const can = async (kc: string, ...args: string[]) =>
        (await cluster.kubectl(['auth', 'can-i', ...args], undefined, { kubeconfig: kc })).stdout.trim();
      assert.equal(await can(nsUser, 'list', 'pods', '-n', 'ci'), 'yes');
      assert.equal(await can(nsUser, 'list', 'pods', '-n', 'default'), 'no');
      // (`auth can-i list nodes` would say yes: the review carries the context's namespace and the
      // Role's resources '*' match it. The real request is what counts.)
      const nodesDenied = await cluster.kubectl(['get', 'nodes'], undefined, { kubeconfig: nsUser });
      assert.notEqual(nodesDenied.code, 0);
      assert.match(nodesDenied.stderr, /forbidden/);
      assert.equal(await can(nsUser, 'delete', 'pods', '-n', 'ci'), 'no');
      assert.equal(await can(roUser, 'list', 'nodes'), 'yes');
      assert.equal(await can(roUser, 'list', 'priorityclasses'), 'yes');
      assert.equal(await can(roUser, 'create', 'pods', '-n', 'ci'), 'no');
      const pods = await cluster.getJson(['pods'], { kubeconfig: nsUser }); // namespace from the kubeconfig context
      assert.ok(pods.items.length >= 3);
      const denied = await cluster.kubectl(['get', 'pods', '-n', 'kube-system'], undefined, { kubeconfig: nsUser });
      assert.notEqual(denied.code, 0);
      assert.match(denied.stderr, /forbidden/);
    });

    await t.test('audit log and apiserver restart', async () => {
      assert.ok(cluster.auditLogPath && fs.existsSync(cluster.auditLogPath));
      const lines = fs
        .readFileSync(cluster.auditLogPath, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.ok(lines.every((l) => l.level === 'Metadata'));
      assert.ok(lines.some((l) => l.user?.username === 'alice'));
      const before = await cluster.getJson(['jobs', '-n', 'ci']);
      const t1 = Date.now();
      await cluster.restartApiserver();
      t.diagnostic(`apiserver restart took ${Date.now() - t1} ms`);
      const after = await cluster.getJson(['jobs', '-n', 'ci']);
      assert.equal(after.items.length, before.items.length);
      // Controllers reconnect: a new pod still gets scheduled and started.
      await cluster.kubectl(['delete', 'job', '-n', 'ci', 'evaluation', '--wait=true']);
      await cluster.apply(
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'after-restart', namespace: 'ci' },
          spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1', resources: { requests: { cpu: '100m' } } }] },
        }),
      );
      await waitForPodBound(cluster, 'ci', 'after-restart', undefined, 60_000);
    });
  } finally {
    const dir = cluster.dir;
    const allPids = [...new Set([...pids, ...Object.values(cluster.pids())])];
    await cluster.stop();
    for (const pid of allPids) assert.deepEqual(processGroupMembers(pid), [], `process group ${pid} left behind`);
    for (const port of ports) assert.ok(await portFree(port), `port ${port} still in use`);
    assert.ok(!fs.existsSync(dir), `run dir ${dir} left behind`);
  }
});
