// Rendered input end to end (KPL_E2E_RENDER=1, workspace: a copy of examples/ci-preemption-helm, helm named by the
// machine-scoped user setting kubePriorityLens.render.helmPath): the real server renders the chart with the real helm,
// the editor shows the typo on the template line with its variant, the hover on that line shows the rendered facts
// per variant, and the quick fix edits values-prod.yaml.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, codeOf, waitFor } from './helpers';

function hoverText(hovers: vscode.Hover[] | undefined): string {
  return (hovers ?? [])
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('rendered Helm chart', () => {
  const folder = (): vscode.Uri => {
    const f = vscode.workspace.workspaceFolders?.[0];
    assert.ok(f, 'no workspace folder');
    return f.uri;
  };

  before(async () => {
    await (await api()).whenServerStarted();
  });

  it("shows code lenses above the template's workloads per variant and the rendered workloads in the Priority Map", async function () {
    this.timeout(240_000);
    const template = vscode.Uri.joinPath(folder(), 'templates', 'evaluation-jobs.yaml');
    // The first render of the chart (helm runs once the workspace is indexed).
    await waitFor(
      'priority-class-not-found on the template',
      () => vscode.languages.getDiagnostics(template).find((d) => codeOf(d) === 'priority-class-not-found'),
      90_000,
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(template));
    let last: string[] = [];
    const titles = await waitFor(
      'code lenses of both variants on the template',
      async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', template, 50);
        const t = (lenses ?? []).map((l) => `${l.range.start.line}: ${l.command?.title ?? ''}`);
        last = t;
        return t.some((x) => x.startsWith('30: prod: rejected at admission')) ? t : undefined;
      },
      30_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}; lenses: ${last.join(' | ')}`);
    });
    assert.ok(
      titles.some((x) => /^2: default, prod: priority \d+ \(evaluation-high\)/.test(x)),
      titles.join('\n'),
    );
    assert.ok(
      titles.some((x) => x.startsWith('30: default: priority ')),
      titles.join('\n'),
    );

    const t = await api();
    await vscode.commands.executeCommand('kubePriorityLens.showPriorityMap');
    const r = await t.waitRendered('priorityMap', (x) => /helm:\S*\[prod\]/.test(x.text) && x.text.includes('eval-baseline'), 60_000);
    assert.match(r.text, /helm:\S*\[default\]/);
    const map = await t.priorityMap();
    const baseline = map.workloads.filter((w) => w.name === 'eval-baseline');
    assert.deepEqual(baseline.map((w) => w.rendered?.variant).sort(), ['default', 'prod']);
    assert.ok(
      baseline.every((w) => w.location?.uri === template.toString() && w.location.line === 32),
      JSON.stringify(baseline.map((w) => w.location)),
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the typo on the template line, names the variant, hovers the rendered facts and fixes values-prod.yaml', async () => {
    const template = vscode.Uri.joinPath(folder(), 'templates', 'evaluation-jobs.yaml');
    const values = vscode.Uri.joinPath(folder(), 'values-prod.yaml');
    const diagnostic = await waitFor(
      'priority-class-not-found on the template',
      () => vscode.languages.getDiagnostics(template).find((d) => codeOf(d) === 'priority-class-not-found'),
      90_000,
    );
    assert.match(diagnostic.message, /^helm:[^ ]+\[prod\]: /);
    assert.equal(diagnostic.range.start.line, 40);
    assert.equal(diagnostic.relatedInformation?.[0]?.location.uri.toString(), values.toString());

    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(template));
    const hover = await waitFor('a hover with the rendered facts', async () => {
      const text = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', template, new vscode.Position(40, 8)),
      );
      return /preemption order/.test(text) ? text : undefined;
    });
    assert.match(hover, /\\\[prod\\\]|\[prod\]/);
    assert.match(hover, /eval-baseline/);
    assert.match(hover, /effective priority/);

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      template,
      diagnostic.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    const fix = (actions ?? []).find((a) => a.edit !== undefined && a.title.includes('evaluation-high'));
    assert.ok(fix?.edit, `no values-file fix among: ${(actions ?? []).map((a) => a.title).join('; ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    const edited = await vscode.workspace.openTextDocument(values);
    assert.match(edited.getText(), /priorityClassName: evaluation-high/);
    assert.doesNotMatch(edited.getText(), /evaluation-hihg/);
    // The template itself is untouched.
    assert.doesNotMatch((await vscode.workspace.openTextDocument(template)).getText(), /evaluation-high"/);
  });
});
