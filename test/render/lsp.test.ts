// The language server's rendered input with the real helm and kustomize (in-process Session, test/lsp/in-process.ts):
// diagnostics on template lines with the variant and the values entry, re-render after a values file is saved, plain
// files unaffected, and Restricted Mode running no tool at all.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { codeActions } from '../../server/src/lsp/code-actions';
import { hover } from '../../server/src/lsp/hover';
import { copyExample } from '../lsp/harness';
import { InProcessClient } from '../lsp/in-process';
import { binDir } from './tools';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

async function start(example: string, options: { trusted: boolean; helmPath?: string; kustomizePath?: string }): Promise<InProcessClient> {
  const folder = copyExample(example);
  const client = await InProcessClient.start({
    folder,
    trusted: options.trusted,
    settings: {
      render: {
        helmPath: options.helmPath ?? path.join(binDir(), 'helm'),
        kustomizePath: options.kustomizePath ?? path.join(binDir(), 'kustomize'),
      },
    },
  });
  cleanup.push(() => {
    client.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  });
  await client.session.rendered.idle();
  return client;
}

const messages = (c: InProcessClient, name: string, code: string): string[] =>
  (c.diagnostics.get(c.uri(name))?.diagnostics ?? [])
    .filter((d) => d.code === code)
    .map((d) => (typeof d.message === 'string' ? d.message : ''));

describe('language server: rendered charts and overlays', () => {
  test('Helm example: the typo on the template line, with the variant and the values-prod.yaml entry; fixed by saving the values file', async () => {
    const c = await start('ci-preemption-helm', { trusted: true });
    await c.waitFor('rendered diagnostics', () => messages(c, 'templates/evaluation-jobs.yaml', 'priority-class-not-found').length > 0);
    const d = c.diagnostics.get(c.uri('templates/evaluation-jobs.yaml'))?.diagnostics.find((x) => x.code === 'priority-class-not-found');
    assert.match(typeof d?.message === 'string' ? d.message : '', /^helm:[^[]+\[prod\]: /);
    assert.equal(d?.range.start.line, 40);
    assert.equal(d?.relatedInformation?.[0]?.location.uri, c.uri('values-prod.yaml'));
    assert.equal(d?.relatedInformation?.[0]?.location.range.start.line, 3);
    // Findings both variants share are published once, with both names.
    assert.ok(messages(c, 'templates/results-api.yaml', 'pdb-blocks-all-evictions').some((m) => m.includes('[default,prod]')));
    // Save a fixed values file: the watcher's change re-renders that variant, and the finding goes away.
    const values = path.join(c.folder, 'values-prod.yaml');
    fs.writeFileSync(values, fs.readFileSync(values, 'utf8').replace('evaluation-hihg', 'evaluation-high'));
    await c.watched([{ name: 'values-prod.yaml', type: 2 }]);
    await c.session.rendered.idle();
    assert.deepEqual(messages(c, 'templates/evaluation-jobs.yaml', 'priority-class-not-found'), []);
  });

  test('Helm example: hover on a template line shows the rendered facts per variant; the quick fix edits values-prod.yaml', async () => {
    const c = await start('ci-preemption-helm', { trusted: true });
    await c.waitFor('rendered diagnostics', () => messages(c, 'templates/evaluation-jobs.yaml', 'priority-class-not-found').length > 0);
    const uri = c.uri('templates/evaluation-jobs.yaml');
    const h = await hover(c.session, { textDocument: { uri }, position: { line: 40, character: 8 } });
    const text = h !== null && typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : '';
    assert.match(text, /helm:[^\n]*\\\[prod\\\]/, text);
    assert.match(text, /eval-baseline/);
    assert.match(text, /preemption order \d+(st|nd|rd|th) of \d+ workloads to be preempted/);
    assert.match(text, /eviction under node pressure /);
    // The prod variant names a missing class: rejected at admission, no place in the preemption order (not "0th of 0").
    assert.match(text, /rejected at admission: its pods never run/);
    assert.doesNotMatch(text, /0th of 0/);
    // The first Job of the file (eval-runner) on its own lines.
    const runner = await hover(c.session, { textDocument: { uri }, position: { line: 5, character: 4 } });
    assert.match(
      runner !== null && typeof runner.contents === 'object' && 'value' in runner.contents ? runner.contents.value : '',
      /eval-runner/,
    );
    const diagnostic = c.diagnostics.get(uri)?.diagnostics.find((d) => d.code === 'priority-class-not-found');
    assert.ok(diagnostic !== undefined);
    const actions = await codeActions(c.session, {
      textDocument: { uri },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    });
    const fix = actions.find((a) => a.title.includes('evaluation-high'));
    assert.ok(fix !== undefined, JSON.stringify(actions.map((a) => a.title)));
    const change = fix.edit?.documentChanges?.[0];
    assert.ok(change !== undefined && 'textDocument' in change);
    assert.equal(change.textDocument.uri, c.uri('values-prod.yaml'));
    assert.deepEqual(
      change.edits.map((e) => ('newText' in e ? [e.range.start.line, e.newText] : [])),
      [[3, 'evaluation-high']],
    );
  });

  test('Kustomize example: the overlay typo on the inline patch line, the fail-fast finding on the patch file', async () => {
    const c = await start('ci-preemption-kustomize', { trusted: true });
    await c.waitFor('rendered diagnostics', () => messages(c, 'overlays/ci/kustomization.yaml', 'priority-class-not-found').length > 0);
    assert.equal(messages(c, 'overlays/ci/test-job-fail-fast.yaml', 'job-preemption-fails-job').length, 1);
    // The base's plain findings are still published by the plain analysis.
    assert.ok((c.diagnostics.get(c.uri('base/results-api.yaml'))?.diagnostics.length ?? 0) > 0);
  });

  test('Restricted Mode: no tool runs (a helm that would leave a mark is never started); one render-restricted finding', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-fake-helm-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const mark = path.join(dir, 'ran');
    const fake = path.join(dir, 'helm');
    fs.writeFileSync(fake, `#!/bin/sh\ntouch '${mark}'\n`, { mode: 0o755 });
    const c = await start('ci-preemption-helm', { trusted: false, helmPath: fake });
    await c.waitFor('render-restricted', () => messages(c, 'Chart.yaml', 'render-restricted').length > 0);
    assert.equal(messages(c, 'Chart.yaml', 'render-restricted').length, 1);
    assert.equal(fs.existsSync(mark), false, 'the tool was never started');
  });

  test('render.enabled false: nothing rendered, nothing published for the chart', async () => {
    const folder = copyExample('ci-preemption-helm');
    const c = await InProcessClient.start({ folder, trusted: true, settings: { render: { enabled: false } } });
    cleanup.push(() => {
      c.dispose();
      fs.rmSync(folder, { recursive: true, force: true });
    });
    await c.session.rendered.idle();
    await c.quiet(600);
    await c.session.rendered.idle();
    assert.deepEqual(messages(c, 'templates/evaluation-jobs.yaml', 'priority-class-not-found'), []);
    assert.equal(c.session.rendered.results.length, 0);
  });
});
