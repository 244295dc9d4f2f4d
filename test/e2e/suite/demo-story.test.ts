// Real VS Code + real cluster, demo mode: run only by test/real-cluster/vscode-demo.test.ts (`npm run test:cluster`),
// which sets KPL_DEMO_DIR as `npm run demo -- --cluster` does and passes KPL_E2E_LIVE = a JSON file with
// `suite: 'demo'`. The extension must leave the `live` marker once the cluster is live (the demo script starts the
// story on it, not on a timer); the cluster test then plays the story with examples/ci-preemption's own manifests, and
// the live view names the workspace's workloads; "Replay Demo Story" asks for the story again.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, waitFor } from './helpers';

interface Setup {
  kubeconfig: string;
  context: string;
  storyFile: string;
}

const setup = (): Setup => JSON.parse(fs.readFileSync(process.env.KPL_E2E_LIVE ?? '', 'utf8')) as Setup;
const markerDir = (): string => process.env.KPL_DEMO_DIR ?? '';

describe('demo mode: the story starts when the extension reports live', function () {
  this.timeout(240_000);

  before(async () => {
    const t = await api();
    await t.whenServerStarted();
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    assert.ok(!fs.existsSync(path.join(markerDir(), 'live')), 'no live marker before the cluster is configured');
    const e = setup();
    const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
    await cfg.update('kubeconfig', e.kubeconfig, vscode.ConfigurationTarget.Global);
    await cfg.update('context', e.context, vscode.ConfigurationTarget.Global);
  });

  it('leaves the live marker once the cluster is live', async () => {
    const t = await api();
    await waitFor('cluster state live', () => (t.clusterState() === 'live' ? 'live' : undefined), 60_000);
    await waitFor('the live marker', () => (fs.existsSync(path.join(markerDir(), 'live')) ? true : undefined), 10_000);
  });

  it('the story played on that marker shows the workspace workloads in the live view', async () => {
    const t = await api();
    await waitFor('the story (storyFile)', () => (fs.existsSync(setup().storyFile) ? true : undefined), 200_000);
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    const r = await t.waitRendered('liveEvents', (x) => /integration-tests-/.test(x.text) && /eval-runner-/.test(x.text), 60_000);
    assert.match(r.text, /integration-tests/);
  });

  it('Replay Demo Story asks the demo script for the story again', async () => {
    assert.equal(await vscode.commands.executeCommand<boolean>('kubePriorityLens.replayDemoStory'), true);
    assert.ok(fs.readdirSync(markerDir()).some((n) => n.startsWith('replay-')));
  });
});
