// Trust of the language server in any editor, over real stdio (`dist/server.js --stdio` and `kpl lsp --stdio`):
//  - untrusted unless initializationOptions say `"trusted": true`: no kubeconfig is read, no cluster is contacted, no
//    credential plugin runs, whatever the workspace settings and $KUBECONFIG say;
//  - trusted, the kubeconfig and context come from initializationOptions, the clusterTarget notification or
//    $KUBECONFIG, never from workspace/configuration or didChangeConfiguration (a repository's `.nvim.lua` or
//    `.helix/languages.toml` must not point the server at another cluster).
// Detector: a kubeconfig whose user has an exec credential plugin that appends to a marker file. The plugin runs as
// soon as the kubeconfig is used for a request; the control runs prove it would have caught a read.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { copyExample, TestClient } from './harness';
import type { StartOptions } from './harness';

interface Probe {
  dir: string;
  kubeconfig: string;
  marker: string;
  runs(): number;
}

/** A kubeconfig (context `exec-ctx`, unreachable server) whose exec plugin records each run in `marker`. */
function probe(): Probe {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-trust-'));
  const marker = path.join(dir, 'exec-plugin-ran');
  const plugin = path.join(dir, 'plugin.js');
  fs.writeFileSync(
    plugin,
    `require('fs').appendFileSync(${JSON.stringify(marker)}, 'ran\\n');\nprocess.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec-plugin' } }));\n`,
  );
  const kubeconfig = path.join(dir, 'exec.kubeconfig');
  fs.writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true } }],
      users: [
        {
          name: 'u',
          user: {
            exec: { apiVersion: 'client.authentication.k8s.io/v1', command: process.execPath, args: [plugin], interactiveMode: 'Never' },
          },
        },
      ],
      contexts: [
        { name: 'exec-ctx', context: { cluster: 'c', user: 'u' } },
        { name: 'other-ctx', context: { cluster: 'c', user: 'u' } },
      ],
      'current-context': 'exec-ctx',
    }),
  );
  return {
    dir,
    kubeconfig,
    marker,
    runs: () => (fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0),
  };
}

const states = (c: TestClient): string[] =>
  c.notifications.filter((n) => n.method === 'kubePriorityLens/clusterState').map((n) => (n.params as { state: string }).state);
const lastState = (c: TestClient): { state: string; context?: string; detail?: string } | undefined =>
  c.notifications
    .filter((n) => n.method === 'kubePriorityLens/clusterState')
    .map((n) => n.params as { state: string; context?: string })
    .pop();

/** Every cluster request a client can make, then a settings push naming the kubeconfig again. */
async function exercise(c: TestClient, p: Probe): Promise<{ contexts: unknown[] }> {
  for (const [m, params] of [
    ['kubePriorityLens/listPods', {}],
    ['kubePriorityLens/liveEvents', {}],
    ['kubePriorityLens/diagnosePod', { target: 'ci/x' }],
    ['kubePriorityLens/refresh', {}],
  ] as const)
    await c.request(m, params);
  const contexts = await c.request<{ contexts: unknown[] }>('kubePriorityLens/listContexts', {});
  c.settings = { kubeconfig: p.kubeconfig, context: 'exec-ctx' };
  await c.connection.sendNotification('workspace/didChangeConfiguration', {
    settings: { kubePriorityLens: { kubeconfig: p.kubeconfig, context: 'exec-ctx' } },
  });
  await c.request('kubePriorityLens/refresh', {});
  // An exec plugin would run within a second of a connection attempt; give it three.
  await new Promise((r) => setTimeout(r, 3000));
  return contexts;
}

const untrustedCases = [
  ['kpl', 'no initializationOptions', undefined],
  ['kpl', 'initializationOptions without trusted', { historyDir: '' }],
  ['kpl', '"trusted": "true" (a string)', { trusted: 'true' }],
  ['kpl', '"trusted": false', { trusted: false }],
  ['server', 'no initializationOptions', undefined],
] as const;
for (const [command, label, init] of untrustedCases) {
  {
    test(
      `${command === 'kpl' ? 'kpl lsp --stdio' : 'dist/server.js --stdio'}, ${label}: untrusted, no kubeconfig read, no cluster contacted, no plugin run`,
      { timeout: 60_000 },
      async () => {
        const p = probe();
        const folder = copyExample('ci-preemption');
        const options: StartOptions = {
          folder,
          command,
          settings: { kubeconfig: p.kubeconfig, context: 'exec-ctx' },
          env: { KUBECONFIG: p.kubeconfig, XDG_CACHE_HOME: path.join(p.dir, 'cache') },
          initializationOptions: init,
        };
        const c = await TestClient.start(options);
        try {
          await c.waitFor('clusterState', () => lastState(c));
          const { contexts } = await exercise(c, p);
          assert.deepEqual(contexts, [], 'listContexts read no kubeconfig');
          assert.deepEqual([...new Set(states(c))], ['untrusted'], 'only ever untrusted');
          assert.equal(p.runs(), 0, 'the exec credential plugin ran');
          assert.ok(
            c.logs.some((l) => /untrusted: manifests only, no kubeconfig read and no cluster contacted/.test(l)),
            c.logs.join('\n'),
          );
          // The static analysis works all the same.
          await c.waitFor('diagnostics', () => c.diagnostics.size > 0);
        } finally {
          await c.stop();
          fs.rmSync(p.dir, { recursive: true, force: true });
          fs.rmSync(folder, { recursive: true, force: true });
        }
      },
    );
  }
}

test(
  'trusted: kubeconfig and context from workspace/configuration and didChangeConfiguration are ignored; initializationOptions and clusterTarget are used',
  { timeout: 90_000 },
  async () => {
    const p = probe();
    const folder = copyExample('ci-preemption');
    // $KUBECONFIG (the harness's default) names a missing file: the only way to the exec kubeconfig is a setting.
    const c = await TestClient.start({
      folder,
      command: 'kpl',
      settings: { kubeconfig: p.kubeconfig, context: 'exec-ctx' },
      initializationOptions: {
        trusted: true,
        settings: { kubePriorityLens: { kubeconfig: p.kubeconfig } },
        historyDir: path.join(p.dir, 'history'),
      },
    });
    try {
      await c.waitFor('no-kubeconfig state', () => lastState(c)?.state === 'no-kubeconfig');
      const { contexts } = await exercise(c, p);
      assert.deepEqual(contexts, [], 'listContexts did not read the kubeconfig named in the workspace settings');
      assert.equal(p.runs(), 0, 'the server used the kubeconfig of the workspace settings');
      assert.deepEqual([...new Set(states(c))], ['no-kubeconfig']);
      // Control: the editor's own configuration (the clusterTarget notification) is used at once.
      await c.connection.sendNotification('kubePriorityLens/clusterTarget', { kubeconfig: p.kubeconfig, context: 'other-ctx' });
      await c.waitFor('exec plugin run for the clusterTarget', () => p.runs() > 0, 20_000);
      await c.waitFor('state of context other-ctx', () => lastState(c)?.context === 'other-ctx', 20_000);
      const listed = await c.request<{ contexts: { name: string }[] }>('kubePriorityLens/listContexts', {});
      assert.deepEqual(
        listed.contexts.map((x) => x.name),
        ['exec-ctx', 'other-ctx'],
      );
    } finally {
      await c.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    }
    // Control: initializationOptions name the kubeconfig and context.
    const before = p.runs();
    const folder2 = copyExample('ci-preemption');
    const c2 = await TestClient.start({
      folder: folder2,
      initializationOptions: { trusted: true, kubeconfig: p.kubeconfig, context: 'other-ctx', historyDir: path.join(p.dir, 'history2') },
    });
    try {
      await c2.waitFor('exec plugin run for initializationOptions', () => p.runs() > before, 20_000);
      await c2.waitFor('state of context other-ctx', () => lastState(c2)?.context === 'other-ctx', 20_000);
      assert.ok(
        c2.logs.some((l) => l.includes(`trusted: cluster access with kubeconfig ${p.kubeconfig}, context other-ctx`)),
        c2.logs.join('\n'),
      );
    } finally {
      await c2.stop();
      fs.rmSync(folder2, { recursive: true, force: true });
    }
    // Control: trusted without a kubeconfig option, $KUBECONFIG is used (its current context).
    const before3 = p.runs();
    const folder3 = copyExample('ci-preemption');
    const c3 = await TestClient.start({
      folder: folder3,
      command: 'kpl',
      env: { KUBECONFIG: p.kubeconfig },
      initializationOptions: { trusted: true, historyDir: path.join(p.dir, 'history3') },
    });
    try {
      await c3.waitFor('exec plugin run for $KUBECONFIG', () => p.runs() > before3, 20_000);
      await c3.waitFor('state of context exec-ctx', () => lastState(c3)?.context === 'exec-ctx', 20_000);
    } finally {
      await c3.stop();
      fs.rmSync(folder3, { recursive: true, force: true });
      fs.rmSync(p.dir, { recursive: true, force: true });
    }
  },
);
