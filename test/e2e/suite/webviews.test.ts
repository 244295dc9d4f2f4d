// Webviews render in the real workbench (the webview's own script reports what it drew) and route clicks back.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, findingWithCode, EXPECTED_CODES, waitFor } from './helpers';
import { makeLiveRows } from './live-fixture';

describe('webviews', () => {
  before(async () => {
    await (await api()).whenServerStarted();
    await findingWithCode(EXPECTED_CODES); // the server has analysed the workspace
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('renders the Priority Map and opens a workload manifest on click', async () => {
    const t = await api();
    await vscode.commands.executeCommand('kubePriorityLens.showPriorityMap');
    const r = await t.waitRendered('priorityMap', (x) => x.count > 0, 30_000);
    assert.match(r.text, /\d+/, 'the ladder shows no priority values');
    const map = await t.priorityMap();
    const w = map.workloads.find((x) => x.location);
    assert.ok(w?.location, 'no workload with a manifest location in the map');
    assert.ok(r.text.includes(`${w.namespace}/${w.name}`), `the map does not show ${w.namespace}/${w.name}`);
    assert.ok(await t.clickInWebview('priorityMap', w.id), 'click message not delivered');
    const loc = w.location;
    const editor = await waitFor('the manifest to open at the workload', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.toString() === vscode.Uri.parse(loc.uri).toString() && e.selection.active.line === loc.line
        ? e
        : undefined;
    });
    assert.equal(editor.selection.active.line, loc.line);
  });

  it('Live Preemptions & Evictions renders 50,000 rows virtualised', async () => {
    const t = await api();
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    await t.waitRendered('liveEvents');
    await t.injectLiveEvents(makeLiveRows(50_000), true);
    const r = await t.waitRendered('liveEvents', (x) => x.count === 50_000, 30_000);
    assert.ok((r.domRows ?? Infinity) < 120, `rendered ${r.domRows} DOM rows for 50,000 events`);
    assert.match(r.text, /50,000 of 50,000 events/);
    // An incremental update is merged, not replacing.
    await t.injectLiveEvents(
      makeLiveRows(1, 1, Date.now()).map((x) => ({ ...x, id: 'ev-new' })),
      false,
    );
    await t.waitRendered('liveEvents', (x) => x.count === 50_001);
  });

  it('a message from a webview (or a command argument) opens only files inside the workspace folders', async () => {
    const t = await api();
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-outside-'));
    const secret = path.join(outside, 'secret.yaml');
    fs.writeFileSync(secret, 'apiVersion: v1\nkind: Secret\nmetadata: {name: not-yours}\n');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    assert.ok(folder, 'the e2e workspace has a folder');
    const traversal = `${folder.toString()}${'/..'.repeat(20)}${vscode.Uri.file(secret).path}`;
    const hostile = [
      vscode.Uri.file(secret).toString(),
      traversal,
      'vscode-userdata:/User/settings.json',
      'https://example.com/x.yaml',
      'command:workbench.action.openSettings',
      'not a uri',
    ];
    const isHostile = (d: vscode.TextDocument) => d.uri.fsPath === secret || d.uri.scheme === 'vscode-userdata' || d.uri.scheme === 'https';
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const view of ['priorityMap', 'liveEvents'] as const) {
      for (const uri of hostile) await t.postFromWebview(view, { type: 'open', location: { uri, line: 0, character: 0 } });
    }
    // Command arguments go through the same check (any extension or command link can run the command).
    await vscode.commands.executeCommand('kubePriorityLens.revealWorkloads', [
      { uri: vscode.Uri.file(secret).toString(), line: 0, character: 0 },
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(
      vscode.workspace.textDocuments.filter(isHostile).map((d) => d.uri.toString()),
      [],
      'a file outside the workspace was opened',
    );
    assert.equal(
      vscode.window.activeTextEditor,
      undefined,
      `an editor opened: ${vscode.window.activeTextEditor?.document.uri.toString() ?? ''}`,
    );
    // Control: a manifest of the workspace opens from the same message.
    const manifest = (await vscode.workspace.findFiles('**/*.yaml'))[0];
    assert.ok(manifest);
    await t.postFromWebview('liveEvents', { type: 'open', location: { uri: manifest.toString(), line: 1, character: 0 } });
    await waitFor('the workspace manifest to open', () => vscode.window.activeTextEditor?.document.uri.toString() === manifest.toString());
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('Clear Preemption History also empties the open live view', async () => {
    const t = await api();
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    await t.injectLiveEvents(makeLiveRows(20), true);
    await t.waitRendered('liveEvents', (x) => x.count === 20, 30_000);
    const cleared = await vscode.commands.executeCommand<boolean>('kubePriorityLens.clearHistory', { confirm: false });
    assert.equal(cleared, true);
    const r = await t.waitRendered('liveEvents', (x) => x.count === 0, 15_000);
    assert.match(r.text, /0 of 0 events/);
  });
});
