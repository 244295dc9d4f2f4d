/**
 * Demo mode on the real control plane and real VS Code: the extension-host suite test/e2e/suite/demo-story.test.ts runs
 * with KPL_DEMO_DIR set (as `npm run demo -- --cluster` sets it); this test does what scripts/demo.mjs does: it waits
 * for the extension's `live` marker and only then plays the story with examples/ci-preemption's own manifests
 * (example-story.ts, on nodes of 2500m CPU as the demo starts them). Part of `npm run test:cluster`; skipped without the
 * cluster binaries or code-server unless KPL_REQUIRE_CLUSTER=1 / KPL_REQUIRE_VSCODE=1.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { exampleStory } from './example-story';
import { realClusterSkip, runExtensionHostSuite, startCluster, uniformNodes, waitFor } from './harness';

const skip = realClusterSkip({ vscode: true });

test(
  'demo: the story starts when the extension reports live, with the example workspace manifests',
  { skip, timeout: 12 * 60_000 },
  async (t) => {
    const cluster = await startCluster({ nodes: uniformNodes(3, '2500m', '16Gi') });
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-vscode-demo-'));
    try {
      const markers = path.join(work, 'markers');
      fs.mkdirSync(markers);
      const storyFile = path.join(work, 'story.json');
      const context = loadKubeconfig({ kubeconfig: cluster.kubeconfig }).context;
      const suite = runExtensionHostSuite({ suite: 'demo', kubeconfig: cluster.kubeconfig, context, storyFile }, work, {
        KPL_DEMO_DIR: markers,
      });
      // As scripts/demo.mjs: nothing happens on the cluster until the extension says it is live.
      await waitFor(() => fs.existsSync(path.join(markers, 'live')) || suite.exited(), 240_000, { description: 'the live marker' });
      if (!suite.exited()) {
        const story = await exampleStory(cluster, { reset: false });
        t.diagnostic(`story: ${JSON.stringify(story)}`);
        assert.ok(story.preemptions.length >= 1);
        assert.ok(story.preemptions.every((p) => p.victim.startsWith('integration-tests-')));
        fs.writeFileSync(storyFile, JSON.stringify(story));
      }
      const r = await suite.done;
      t.diagnostic(r.log);
      assert.ok(r.passed !== undefined, `no summary line (exit ${r.code}):\n${r.out.slice(-4000)}`);
      assert.equal(r.failed, 0, r.out.slice(-6000));
      assert.equal(r.passed, 3, 'all three demo tests ran');
    } finally {
      await cluster.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  },
);
