// Real VS Code + real cluster: run only by test/real-cluster/vscode-live.test.ts (`npm run test:cluster`), which starts the
// local control plane and passes KPL_E2E_LIVE = a JSON file with the kubeconfig. The extension is pointed at the
// cluster through its settings (kubePriorityLens.kubeconfig / context), exactly as a user would; once it is live this
// suite writes `connectedFile`, the cluster test plays the CI story (real kube-scheduler preemptions) and writes
// `storyFile` with the victim → preemptor names, which the assertions below look for in the UI.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DiagnoseOutcome } from '../../../server/src/protocol';
import { api, waitFor } from './helpers';

interface LiveSetup {
  kubeconfig: string;
  context: string;
  namespace: string;
  connectedFile: string;
  storyFile: string;
  historyExport: string;
}

interface LiveExpectation extends LiveSetup {
  preemptions: { victim: string; preemptor: string }[];
}

const setup = (): LiveSetup => JSON.parse(fs.readFileSync(process.env.KPL_E2E_LIVE ?? '', 'utf8')) as LiveSetup;
let story: LiveExpectation['preemptions'] | undefined;
const expectation = (): LiveExpectation => {
  assert.ok(story, 'the CI story did not run');
  return { ...setup(), preemptions: story };
};

describe('live cluster (real preemption)', function () {
  this.timeout(120_000);

  before(async () => {
    const t = await api();
    await t.whenServerStarted();
    const e = setup();
    const cfg = vscode.workspace.getConfiguration('kubePriorityLens');
    // Machine-scoped settings: user level, as the README tells users to set them.
    await cfg.update('kubeconfig', e.kubeconfig, vscode.ConfigurationTarget.Global);
    await cfg.update('context', e.context, vscode.ConfigurationTarget.Global);
  });

  it('connects: the status bar state becomes live for the configured context', async () => {
    const t = await api();
    const state = await waitFor('cluster state live', () => (t.clusterState() === 'live' ? 'live' : undefined), 60_000);
    assert.equal(state, 'live');
    const bar = t.statusBar();
    assert.equal(bar.text, `$(pulse) ${setup().context}: live`, JSON.stringify(bar));
    // appendText escapes the markdown (spaces as &nbsp;, `-` as `\-`).
    assert.match(bar.tooltip.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'), new RegExp(`context "${setup().context}": live`));
    // The view is open and watching before anything happens, as for a user.
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    await t.waitRendered('liveEvents', (x) => /: live/.test(x.text), 30_000);
  });

  it('the cluster test plays the CI story while the extension watches', async () => {
    const e = setup();
    fs.writeFileSync(e.connectedFile, new Date().toISOString());
    const text = await waitFor(
      'the CI story (storyFile)',
      () => (fs.existsSync(e.storyFile) ? fs.readFileSync(e.storyFile, 'utf8') : undefined),
      240_000,
    );
    story = (JSON.parse(text) as { preemptions: LiveExpectation['preemptions'] }).preemptions;
    assert.ok(story.length >= 1);
  }).timeout(300_000);

  it('the Live Preemptions & Evictions webview shows a row with the resolved preemptor name', async () => {
    const t = await api();
    const e = expectation();
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    const first = e.preemptions[0];
    assert.ok(first, 'the cluster test passed no preemption');
    const r = await t.waitRendered('liveEvents', (x) => x.text.includes(first.victim) && x.text.includes(first.preemptor), 60_000);
    for (const p of e.preemptions) {
      assert.ok(r.text.includes(p.victim), `victim ${p.victim} not shown: ${r.text.slice(0, 2000)}`);
      assert.ok(r.text.includes(p.preemptor), `preemptor ${p.preemptor} not shown (only a UID?): ${r.text.slice(0, 2000)}`);
    }
    assert.ok(r.count >= e.preemptions.length, `only ${r.count} rows`);
  });

  it('Diagnose Pod renders the report naming the preemptor', async () => {
    const e = expectation();
    const p = e.preemptions[0];
    const outcome = await vscode.commands.executeCommand<DiagnoseOutcome>('kubePriorityLens.diagnosePod', `${e.namespace}/${p.victim}`);
    assert.equal(outcome.kind, 'shown', JSON.stringify(outcome));
    if (outcome.kind !== 'shown') return;
    assert.match(outcome.markdown, new RegExp(`Preemptor: ${e.namespace}/${p.preemptor}`));
    assert.match(outcome.markdown, /globalDefault class ci-default \(100\)/);
    assert.match(outcome.markdown, /backoffLimit: 0 turned one preemption into a failed Job/);
    // The report is open as a document (rendered by VS Code's markdown preview).
    const doc = await waitFor(
      'the diagnosis document',
      () =>
        vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'kube-priority-lens-diagnosis' && d.getText().includes(p.preemptor)),
      30_000,
    );
    assert.ok(doc.getText().includes(`${e.namespace}/${p.victim}`));
  });

  it('Export Preemption History writes the recorded preemptions (JSON and CSV)', async () => {
    const e = expectation();
    const res = await vscode.commands.executeCommand<{ path: string; events: number } | undefined>('kubePriorityLens.exportHistory', {
      path: e.historyExport,
      format: 'json',
    });
    assert.ok(res && res.events >= e.preemptions.length, JSON.stringify(res));
    const json = JSON.parse(fs.readFileSync(e.historyExport, 'utf8')) as { events: { reason: string; regarding: { name: string } }[] };
    for (const p of e.preemptions)
      assert.ok(
        json.events.some((x) => x.reason === 'Preempted' && x.regarding.name === p.victim),
        `no Preempted record of ${p.victim}`,
      );

    // CSV by extension.
    const csvPath = e.historyExport.replace(/\.json$/, '.csv');
    const csv = await vscode.commands.executeCommand<{ path: string; events: number } | undefined>('kubePriorityLens.exportHistory', {
      path: csvPath,
    });
    assert.equal(csv?.events, res.events);
    assert.match(
      fs.readFileSync(csvPath, 'utf8'),
      /^time,reason,type,namespace,kind,name,uid,priority,priorityClassName,node,related,count,note\n/,
    );
  });

  it('Clear Preemption History empties the store', async () => {
    const e = expectation();
    assert.equal(await vscode.commands.executeCommand<boolean>('kubePriorityLens.clearHistory', { confirm: false }), true);
    const res = await vscode.commands.executeCommand<{ path: string; events: number } | undefined>('kubePriorityLens.exportHistory', {
      path: e.historyExport,
      format: 'json',
    });
    assert.equal(res?.events, 0);
  });
});
