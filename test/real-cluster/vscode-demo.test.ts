/**
 * Demo mode on the real control plane and real VS Code: the extension-host suite test/e2e/suite/demo-story.test.ts runs
 * with KPL_DEMO_DIR set (as `npm run demo -- --cluster` sets it); this test does what scripts/demo.mjs does: it waits
 * for the extension's `live` marker and only then plays the story with examples/ci-preemption's own manifests
 * (example-story.ts, on nodes of 2500m CPU as the demo starts them). Part of `npm run test:cluster`; skipped without the
 * cluster binaries or code-server unless KPL_REQUIRE_CLUSTER=1 / KPL_REQUIRE_VSCODE=1.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { exampleStory } from './example-story';
import { defaultBinDir, findRepoFile, startCluster, uniformNodes, waitFor } from './harness';

const binsPresent = fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver'));
const codeServerDir =
  process.env['KPL_CODE_SERVER_DIR'] ??
  path.join(process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'kube-priority-lens', 'code-server');
const codeServerPresent = fs.existsSync(
  process.env['CODE_SERVER_ENTRY'] ?? path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
);
const skip =
  !binsPresent && process.env['KPL_REQUIRE_CLUSTER'] !== '1'
    ? `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`
    : !codeServerPresent && process.env['KPL_REQUIRE_VSCODE'] !== '1'
      ? 'code-server is not installed; run scripts/e2e/install-code-server.sh'
      : false;

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

test(
  'demo: the story starts when the extension reports live, with the example workspace manifests',
  { skip, timeout: 12 * 60_000 },
  async (t) => {
    const root = path.dirname(findRepoFile('esbuild.mjs'));
    const cluster = await startCluster({ nodes: uniformNodes(3, '2500m', '16Gi') });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-vscode-demo-'));
    try {
      const markers = path.join(work, 'markers');
      fs.mkdirSync(markers);
      const storyFile = path.join(work, 'story.json');
      const setupFile = path.join(work, 'setup.json');
      const context = loadKubeconfig({ kubeconfig: cluster.kubeconfig }).context;
      fs.writeFileSync(setupFile, JSON.stringify({ suite: 'demo', kubeconfig: cluster.kubeconfig, context, storyFile }));
      const env: NodeJS.ProcessEnv = { ...process.env, KPL_E2E_LIVE: setupFile, KPL_DEMO_DIR: markers, E2E_TIMEOUT_MS: '500000' };
      delete env['KUBECONFIG'];
      const suite = run(process.execPath, [path.join(root, 'test', 'e2e', 'run-tests.js')], env, root);
      let exited = false;
      void suite.then(() => (exited = true));
      // As scripts/demo.mjs: nothing happens on the cluster until the extension says it is live.
      await waitFor(() => fs.existsSync(path.join(markers, 'live')) || exited, 240_000, { description: 'the live marker' });
      if (!exited) {
        const story = await exampleStory(cluster, { reset: false });
        t.diagnostic(`story: ${JSON.stringify(story)}`);
        assert.ok(story.preemptions.length >= 1);
        assert.ok(story.preemptions.every((p) => p.victim.startsWith('integration-tests-')));
        fs.writeFileSync(storyFile, JSON.stringify(story));
      }
      const r = await suite;
      t.diagnostic(
        r.out
          .split('\n')
          .filter((l) => /passing|failing|✔|✓|[0-9]+\) |e2e\[|Error|assert/i.test(l))
          .join('\n'),
      );
      const summary = [...r.out.matchAll(/^\s*e2e\[extension-host, live cluster\]: (\d+) passed, (\d+) failed/gm)].pop();
      assert.ok(summary, `no summary line (exit ${r.code}):\n${r.out.slice(-4000)}`);
      assert.equal(Number(summary[2]), 0, r.out.slice(-6000));
      assert.equal(Number(summary[1]), 3, 'all three demo tests ran');
    } finally {
      await cluster.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
