/**
 * Security guarantees (issue 9, SECURITY.md), on the real local control plane:
 *  (a) read-only by construction: the whole cluster feature set (ClusterConnection with watches, LiveClusterSource as
 *      the language server uses it, the language server process itself over stdio — live events, list pods,
 *      Diagnose Pod, refresh, history export — and `kpl diagnose`) runs as a user bound to a ClusterRole with only
 *      get/list/watch; the apiserver audit log must show only those verbs for that user (and no 403 on a write verb,
 *      which would mean a write was attempted and refused);
 *  (b) a kubeconfig whose user carries a bearer token and a client key: no connection log line, LSP message (logs,
 *      notifications, responses captured over stdio), kpl output, history file or webview-bound row contains either;
 *  (c) an `exec` credential plugin (writes a marker file) never runs in untrusted mode: untrusted LSP servers
 *      (`trusted: false`, and no `trusted` at all: the default of `kpl lsp --stdio` in any editor), LiveClusterSource
 *      and ClusterConnection flows leave no marker; the trusted control run creates it.
 *
 * Needs the binaries from scripts/cluster/build.sh; skipped when they are missing unless KPL_REQUIRE_CLUSTER=1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ClusterConnection, HistoryStore, LiveClusterSource } from '../../server/src/cluster/index';
import type { LiveEventsChangedParams } from '../../server/src/protocol/index';
import { copyExample, repoRoot, TestClient } from '../lsp/harness';
import { defaultBinDir, startCluster, uniformNodes, waitFor } from './harness';
import type { Cluster } from './harness';
import { ciStory } from './scenario';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const skip =
  !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : false;

function kpl(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'kpl.js'), ...args], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface AuditEvent {
  verb: string;
  requestURI: string;
  user: { username: string };
  responseStatus?: { code?: number };
  stage?: string;
}

function auditEventsOf(file: string, fromOffset: number, username: string): AuditEvent[] {
  const text = fs.readFileSync(file, 'utf8').slice(fromOffset);
  const out: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as AuditEvent;
      if (e.user?.username === username) out.push(e);
    } catch {
      // a line being written
    }
  }
  return out;
}

/** Kubeconfig of `user` with its client cert/key plus, optionally, a bearer token and an exec plugin. */
function rewriteKubeconfig(src: string, dest: string, extra: Record<string, unknown>): void {
  const cfg = JSON.parse(fs.readFileSync(src, 'utf8')) as { users: { user: Record<string, unknown> }[] };
  const u = cfg.users[0];
  assert.ok(u);
  Object.assign(u.user, extra);
  fs.writeFileSync(dest, JSON.stringify(cfg, null, 2), { mode: 0o600 });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
}

test('security on the real control plane: read-only verbs (audit log), secrets never logged', { skip, timeout: 15 * 60_000 }, async (t) => {
  const cluster: Cluster = await startCluster({ nodes: uniformNodes(2, 4, '8Gi'), auditLog: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-security-'));
  const folder = copyExample('ci-preemption');
  try {
    assert.ok(cluster.auditLogPath !== undefined);
    const roKubeconfig = await cluster.createUser('kpl-ro', { kind: 'read-only' });
    // (b) the same read-only user, its kubeconfig also carrying a bearer token (the client cert authenticates).
    const token = 'kplsecrettoken-7f3a9c2e1b4d8a6f0c5e9b2d7a1f4c8e';
    const secretKubeconfig = path.join(work, 'secret.kubeconfig');
    rewriteKubeconfig(roKubeconfig, secretKubeconfig, { token });
    const keyPem = Buffer.from(
      String(
        (JSON.parse(fs.readFileSync(roKubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] }).users[0]?.user[
          'client-key-data'
        ],
      ),
      'base64',
    ).toString('utf8');
    const keyBody = keyPem.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const keyData =
      (JSON.parse(fs.readFileSync(roKubeconfig, 'utf8')) as { users: { user: Record<string, string> }[] }).users[0]?.user[
        'client-key-data'
      ] ?? '';
    assert.ok(keyBody.length > 2 && keyData.length > 100);
    const secrets = [token, keyData.slice(0, 64), ...keyBody.filter((l) => l.length >= 40)];
    const leaks = (where: string, text: string): void => {
      for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.slice(0, 6)}…) leaked into ${where}`);
    };

    const auditStart = fs.statSync(cluster.auditLogPath).size;
    // The preemptions happen while the features watch (as admin: the story writes; the tool only reads).
    const historyDir = path.join(work, 'history');
    const logs: string[] = [];
    const pushes: LiveEventsChangedParams[] = [];
    const source = new LiveClusterSource({ historyDir, log: (m) => logs.push(m), onLiveEvents: (p) => pushes.push(p) });
    source.configure({ enabled: true, trusted: true, kubeconfig: secretKubeconfig, context: '' });
    await waitFor(() => source.state().state === 'live', 60_000, { description: 'LiveClusterSource live as kpl-ro' });
    const conn = new ClusterConnection({
      kubeconfig: secretKubeconfig,
      history: await HistoryStore.open({ dir: path.join(work, 'history-conn') }),
      backoff: { initialMs: 200, maxMs: 2000 },
      log: (m) => logs.push(m),
    });
    await conn.start();
    assert.equal(conn.state().state, 'live');
    // The kubeconfig comes from initializationOptions (workspace settings cannot name one).
    const lsp = await TestClient.start({
      folder,
      initializationOptions: { trusted: true, kubeconfig: secretKubeconfig, historyDir: path.join(work, 'history-lsp') },
    });
    try {
      await lsp.waitFor(
        'LSP cluster state live',
        () =>
          lsp.notifications.some((n) => n.method === 'kubePriorityLens/clusterState' && (n.params as { state: string }).state === 'live'),
        60_000,
      );
      const story = await ciStory(cluster, { namespace: 'ci' });
      const victim = story.preemptions[0];
      await waitFor(() => conn.events().find((e) => e.reason === 'Preempted' && e.regarding.name === victim.victim.name), 30_000, {
        description: 'Preempted seen',
      });
      await lsp.waitFor(
        'Preempted row over LSP',
        () =>
          lsp.notifications.some(
            (n) => n.method === 'kubePriorityLens/liveEventsChanged' && JSON.stringify(n.params).includes(victim.preemptor.name),
          ),
        30_000,
      );
      const responses: unknown[] = [];
      responses.push(await lsp.request('kubePriorityLens/liveEvents', {}));
      responses.push(await lsp.request('kubePriorityLens/listPods', {}));
      const diagnosis = await lsp.request<{ markdown: string }>('kubePriorityLens/diagnosePod', { target: `ci/${victim.victim.name}` });
      assert.match(diagnosis.markdown, new RegExp(`Preemptor: ci/${victim.preemptor.name}`));
      responses.push(diagnosis);
      responses.push(await lsp.request('kubePriorityLens/listContexts', {}));
      responses.push(await lsp.request('kubePriorityLens/refresh', {}));
      responses.push(await lsp.request('kubePriorityLens/historyExport', { format: 'json' }));
      responses.push(await lsp.request('kubePriorityLens/historyExport', { format: 'csv' }));
      responses.push(await source.liveEvents(), await source.listPods(), await source.diagnosePod({ target: `ci/${victim.victim.name}` }));
      await source.refresh();
      responses.push(await conn.diagnose({ namespace: 'ci', name: victim.victim.name }));
      const cli = kpl([
        'diagnose',
        `ci/${victim.victim.name}`,
        '--kubeconfig',
        secretKubeconfig,
        '--history',
        path.join(work, 'history-cli'),
      ]);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, new RegExp(`Preemptor: ci/${victim.preemptor.name}`));
      const cliJson = kpl(['diagnose', `ci/${victim.victim.name}`, '--kubeconfig', secretKubeconfig, '--format', 'json', '--debug']);
      // An error path too: a context that does not exist, and an unreachable server (messages name paths, never secrets).
      const cliBad = kpl(['diagnose', 'ci/x', '--kubeconfig', secretKubeconfig, '--context', 'nope']);
      assert.equal(cliBad.code, 2);

      await t.test('(b) no secret in connection logs, LSP traffic, kpl output, history files or webview rows', () => {
        leaks('connection/source logs', logs.join('\n'));
        leaks('rows pushed to the webview', JSON.stringify(pushes));
        leaks('LSP window/logMessage', lsp.logs.join('\n'));
        leaks('LSP notifications (clusterState, liveEventsChanged)', JSON.stringify(lsp.notifications));
        leaks('LSP responses', JSON.stringify(responses));
        leaks('LSP stderr', lsp.stderr);
        for (const r of [cli, cliJson, cliBad]) leaks('kpl output', r.stdout + r.stderr);
        const historyFiles = [
          historyDir,
          path.join(work, 'history-conn'),
          path.join(work, 'history-lsp'),
          path.join(work, 'history-cli'),
        ].flatMap(filesUnder);
        assert.ok(historyFiles.length >= 3, historyFiles.join(', '));
        for (const f of historyFiles) leaks(`history file ${f}`, fs.readFileSync(f, 'utf8'));
        t.diagnostic(
          `checked ${logs.length} log line(s), ${lsp.logs.length} LSP log line(s), ${lsp.notifications.length} notification(s), ${historyFiles.length} history file(s) for ${secrets.length} secret fragment(s)`,
        );
      });
    } finally {
      await lsp.stop();
      source.dispose();
      await conn.stop();
    }

    await t.test('(a) the audit log shows only get/list/watch from the read-only user', async () => {
      // Audit events are written asynchronously (batch backend off: blocking, but give the last ones a moment).
      await new Promise((r) => setTimeout(r, 1500));
      const events = auditEventsOf(cluster.auditLogPath!, auditStart, 'kpl-ro');
      const verbs = new Map<string, number>();
      for (const e of events) verbs.set(e.verb, (verbs.get(e.verb) ?? 0) + 1);
      t.diagnostic(`audit: ${events.length} request(s) by kpl-ro: ${[...verbs].map(([v, n]) => `${v}×${n}`).join(', ')}`);
      assert.ok(events.length > 20, 'the features did talk to the cluster as kpl-ro');
      assert.ok(verbs.has('watch') && verbs.has('list') && verbs.has('get'), [...verbs.keys()].join(','));
      const other = events.filter((e) => !['get', 'list', 'watch'].includes(e.verb));
      assert.deepEqual(
        other.map((e) => `${e.verb} ${e.requestURI}`),
        [],
        'only read verbs',
      );
      const refused = events.filter((e) => e.responseStatus?.code === 403);
      t.diagnostic(`403 answers to kpl-ro: ${refused.length}`);
    });
  } finally {
    await cluster.stop();
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('(c) exec credential plugins never run in untrusted mode (marker file)', { timeout: 120_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-exec-'));
  const folder = copyExample('ci-preemption');
  const marker = path.join(work, 'exec-plugin-ran');
  const script = path.join(work, 'plugin.sh');
  fs.writeFileSync(
    script,
    `#!/bin/sh\necho ran >> "${marker}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec-plugin"}}'\n`,
    { mode: 0o755 },
  );
  const kubeconfig = path.join(work, 'exec.kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
      users: [
        {
          name: 'u',
          user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: script, args: [], interactiveMode: 'Never' } },
        },
      ],
      contexts: [{ name: 'exec-ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'exec-ctx',
    }),
  );
  try {
    // Untrusted language servers: Restricted Mode (`trusted: false`) and an editor that says nothing about trust
    // (`kpl lsp --stdio`'s default), with the kubeconfig in initializationOptions, in the settings and as $KUBECONFIG;
    // the editor's clusterTarget notification names it again.
    for (const [label, init, command] of [
      ['trusted: false', { trusted: false, kubeconfig, historyDir: path.join(work, 'h') }, 'server'],
      ['no trusted (default)', { kubeconfig, context: 'exec-ctx', historyDir: path.join(work, 'h') }, 'kpl'],
    ] as const) {
      const lsp = await TestClient.start({
        folder,
        command,
        settings: { kubeconfig },
        initializationOptions: init,
        env: { KUBECONFIG: kubeconfig },
      });
      try {
        await lsp.waitFor('clusterState', () => lsp.notifications.find((n) => n.method === 'kubePriorityLens/clusterState'), 20_000);
        for (const [m, p] of [
          ['kubePriorityLens/listPods', {}],
          ['kubePriorityLens/liveEvents', {}],
          ['kubePriorityLens/diagnosePod', { target: 'ci/x' }],
          ['kubePriorityLens/listContexts', {}],
          ['kubePriorityLens/refresh', {}],
          ['kubePriorityLens/historyExport', { format: 'json' }],
        ] as const)
          await lsp.request(m, p);
        lsp.settings = { kubeconfig, context: 'exec-ctx' };
        await lsp.connection.sendNotification('workspace/didChangeConfiguration', { settings: null });
        await lsp.connection.sendNotification('kubePriorityLens/clusterTarget', { kubeconfig, context: 'exec-ctx' });
        await new Promise((r) => setTimeout(r, 2000));
        const states = lsp.notifications
          .filter((n) => n.method === 'kubePriorityLens/clusterState')
          .map((n) => (n.params as { state: string }).state);
        t.diagnostic(`untrusted LSP (${label}) states: ${states.join(' -> ')}`);
        assert.deepEqual([...new Set(states)], ['untrusted']);
        assert.equal(fs.existsSync(marker), false, `the exec plugin ran in the untrusted language server (${label})`);
      } finally {
        await lsp.stop();
      }
    }
    // The cluster layer directly: LiveClusterSource (never builds a connection) and ClusterConnection (refuses exec).
    const source = new LiveClusterSource({ historyDir: path.join(work, 'h2') });
    source.configure({ enabled: true, trusted: false, kubeconfig, context: '' });
    assert.equal(source.state().state, 'untrusted');
    assert.deepEqual((await source.listContexts()).contexts, []);
    source.dispose();
    const conn = new ClusterConnection({ kubeconfig, trusted: false });
    await assert.rejects(conn.start(), /exec credential plugin, which is not run in an untrusted workspace/);
    assert.equal(conn.state().state, 'untrusted');
    await conn.stop();
    assert.equal(fs.existsSync(marker), false, 'the exec plugin ran in an untrusted flow');
    // Control: trusted, the plugin does run (so the marker would have caught it).
    const trusted = new ClusterConnection({ kubeconfig, trusted: true, backoff: { initialMs: 100, maxMs: 200 }, snapshotIntervalMs: 0 });
    await trusted.start().catch(() => undefined);
    await trusted.stop();
    assert.equal(fs.existsSync(marker), true, 'control: the trusted connection runs the exec plugin');
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    fs.rmSync(folder, { recursive: true, force: true });
  }
});

test('(b) error paths: an unreachable cluster and a missing context log no token or client key', { timeout: 120_000 }, async (t) => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-secret-errors-'));
  const folder = copyExample('ci-preemption');
  const token = 'kplerrtoken-3c1e5a7b9d2f4a6c8e0b1d3f5a7c9e1b';
  const keyLine = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDkplSecretKeyLine';
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${keyLine}\n-----END PRIVATE KEY-----\n`;
  const kubeconfig = path.join(work, 'unreachable.kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token, 'client-key-data': Buffer.from(keyPem).toString('base64') } }],
      contexts: [{ name: 'unreachable', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'unreachable',
    }),
    { mode: 0o600 },
  );
  const secrets = [token, keyLine, Buffer.from(keyPem).toString('base64').slice(0, 60)];
  const leaks = (where: string, text: string): void => {
    for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into ${where}`);
  };
  const lsp = await TestClient.start({ folder, initializationOptions: { trusted: true, kubeconfig, historyDir: path.join(work, 'h') } });
  try {
    await lsp.waitFor(
      'offline state',
      () =>
        lsp.notifications.some(
          (n) =>
            n.method === 'kubePriorityLens/clusterState' && ['offline', 'reconnecting'].includes((n.params as { state: string }).state),
        ),
      30_000,
    );
    const responses = [
      await lsp.request('kubePriorityLens/diagnosePod', { target: 'ci/x' }),
      await lsp.request('kubePriorityLens/liveEvents', {}),
      await lsp.request('kubePriorityLens/listContexts', {}),
    ];
    await lsp.connection.sendNotification('kubePriorityLens/clusterTarget', { kubeconfig, context: 'missing-context' });
    await lsp.waitFor(
      'context error state',
      () => lsp.notifications.some((n) => n.method === 'kubePriorityLens/clusterState' && /missing-context/.test(JSON.stringify(n.params))),
      30_000,
    );
    t.diagnostic(
      `states: ${lsp.notifications
        .filter((n) => n.method === 'kubePriorityLens/clusterState')
        .map((n) => JSON.stringify(n.params))
        .join(' | ')}`,
    );
    leaks('LSP logs', lsp.logs.join('\n'));
    leaks('LSP notifications', JSON.stringify(lsp.notifications));
    leaks('LSP responses', JSON.stringify(responses));
    leaks('LSP stderr', lsp.stderr);
  } finally {
    await lsp.stop();
  }
  for (const args of [
    ['diagnose', 'ci/x', '--kubeconfig', kubeconfig],
    ['diagnose', 'ci/x', '--kubeconfig', kubeconfig, '--debug'],
    ['diagnose', 'ci/x', '--kubeconfig', kubeconfig, '--context', 'nope', '--debug'],
  ]) {
    const r = kpl(args);
    assert.equal(r.code, 2, r.stderr);
    leaks(`kpl ${args.join(' ')}`, r.stdout + r.stderr);
  }
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(folder, { recursive: true, force: true });
});
