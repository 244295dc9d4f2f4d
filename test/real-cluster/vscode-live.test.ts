/**
 * Real VS Code (code-server + Chromium, the e2e harness) against the real local control plane: starts the cluster,
 * runs the extension-host suite test/e2e/suite/live-cluster.test.ts (KPL_E2E_LIVE = setup file). That suite sets
 * kubePriorityLens.kubeconfig/context, waits for `live` with the view open and signals back; this test then plays
 * the CI story (the real kube-scheduler preempts two test pods) and hands the names over. The suite asserts the Live Preemptions & Evictions webview shows the
 * rows with the resolved preemptor names, that Diagnose Pod renders the report naming the preemptor, and that Export
 * Preemption History writes the records.
 *
 * Part of `npm run test:cluster`. Skipped when the cluster binaries or code-server are missing (unless
 * KPL_REQUIRE_CLUSTER=1 / KPL_REQUIRE_VSCODE=1); needs `node esbuild.mjs` (out/test/e2e/suite) first.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { findRepoFile, realClusterSkip, runExtensionHostSuite, startCluster, uniformNodes, waitFor } from './harness';
import { ciStory } from './scenario';

const skip = realClusterSkip({ vscode: true });

test('real VS Code: live webview rows and Diagnose Pod for a real preemption', { skip, timeout: 12 * 60_000 }, async (t) => {
  const root = path.dirname(findRepoFile('esbuild.mjs'));
  assert.ok(fs.existsSync(path.join(root, 'out', 'test', 'e2e', 'suite', 'live-cluster.test.js')), 'run node esbuild.mjs first');
  const cluster = await startCluster({ nodes: uniformNodes(2, 4, '8Gi') });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-vscode-live-'));
  try {
    const context = loadKubeconfig({ kubeconfig: cluster.kubeconfig }).context;
    const connectedFile = path.join(work, 'connected');
    const storyFile = path.join(work, 'story.json');
    const started = Date.now();
    const suite = runExtensionHostSuite(
      {
        kubeconfig: cluster.kubeconfig,
        context,
        namespace: 'ci',
        connectedFile,
        storyFile,
        historyExport: path.join(work, 'history-export.json'),
      },
      work,
    );
    // The extension is live and its view open: now the scheduler preempts.
    await waitFor(() => fs.existsSync(connectedFile) || suite.exited(), 240_000, {
      description: 'the extension connected (connectedFile)',
    });
    if (!suite.exited()) {
      t.diagnostic(`extension live after ${((Date.now() - started) / 1000).toFixed(1)} s; playing the CI story`);
      const story = await ciStory(cluster, { namespace: 'ci' });
      assert.ok(story.preemptions.length >= 1);
      t.diagnostic(`preemptions: ${story.preemptions.map((p) => `${p.victim.name} <- ${p.preemptor.name}`).join(', ')}`);
      fs.writeFileSync(
        storyFile,
        JSON.stringify({ preemptions: story.preemptions.map((p) => ({ victim: p.victim.name, preemptor: p.preemptor.name })) }),
      );
    }
    const r = await suite.done;
    t.diagnostic(`extension-host suite (${((Date.now() - started) / 1000).toFixed(1)} s):\n${r.log}`);
    assert.ok(r.passed !== undefined, `no summary line from the live suite (exit ${r.code}):\n${r.out.slice(-4000)}`);
    assert.equal(r.failed, 0, r.out.slice(-6000));
    assert.equal(r.passed, 6, 'all six live-cluster tests ran');
    assert.equal(r.code, 0);
  } finally {
    await cluster.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
});
