// Real VS Code + real cluster + hostile cluster data: run only by test/real-cluster/vscode-hostile.test.ts, which creates
// Events, pod status messages/conditions, annotations and PriorityClass descriptions carrying `<img onerror>`,
// `<script>`, `"><svg onload>`, `javascript:`/`command:` links and markdown images. This suite opens the Live
// Preemptions & Evictions view and the Diagnose Pod report of each hostile pod; after each, it hands over to the
// cluster test, which inspects the real DOM of every frame in Chromium (nothing executed, no injected element, the
// hostile text shown literally) and acks. (Not named *.test.ts: the regular entry point index.js must not load it.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { DiagnoseOutcome } from '../../../server/src/protocol';
import { api, waitFor } from './helpers';
import { HOSTILE_NAMESPACE, HOSTILE_PODS, hostileFiles } from './hostile-protocol';
import type { HostileAck, HostileSetup, HostileStep, HostileStory } from './hostile-protocol';

const setup = (): HostileSetup => JSON.parse(fs.readFileSync(process.env.KPL_E2E_HOSTILE ?? '', 'utf8')) as HostileSetup;
const files = () => hostileFiles(setup().dir);
let story: HostileStory | undefined;

/** Announces `step` to the cluster test and waits for its verdict on the browser DOM. */
async function handOver(step: HostileStep): Promise<void> {
  const f = files();
  fs.writeFileSync(f.step(step.name), JSON.stringify(step));
  const text = await waitFor(
    `the browser check of ${step.name}`,
    () => (fs.existsSync(f.ack(step.name)) ? fs.readFileSync(f.ack(step.name), 'utf8') : undefined),
    90_000,
  );
  const ack = JSON.parse(text) as HostileAck;
  assert.ok(ack.ok, `browser check of ${step.name} failed: ${ack.error ?? ''}`);
}

describe('hostile cluster data (real browser)', function () {
  this.timeout(120_000);

  it('connects to the cluster and opens the live view', async () => {
    const t = await api();
    await t.whenServerStarted();
    await waitFor('cluster state live', () => (t.clusterState() === 'live' ? 'live' : undefined), 60_000);
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    await t.waitRendered('liveEvents', (x) => /: live/.test(x.text), 30_000);
    fs.writeFileSync(files().connected, new Date().toISOString());
  });

  it('the cluster test creates the hostile objects', async () => {
    const f = files();
    const text = await waitFor(
      'the hostile objects (story.json)',
      () => (fs.existsSync(f.story) ? fs.readFileSync(f.story, 'utf8') : undefined),
      240_000,
    );
    story = JSON.parse(text) as HostileStory;
    assert.equal(story.reports.length, HOSTILE_PODS.length);
  }).timeout(300_000);

  it('live view: rows of the hostile events render, nothing in them executes', async () => {
    const t = await api();
    await vscode.commands.executeCommand('kubePriorityLens.showLiveEvents');
    const r = await t.waitRendered('liveEvents', (x) => HOSTILE_PODS.every((p) => x.text.includes(p)), 60_000);
    assert.ok(r.count >= HOSTILE_PODS.length, `only ${r.count} rows`);
    await handOver({ name: 'live', kind: 'live' });
  });

  HOSTILE_PODS.forEach((name, i) => {
    it(`Diagnose Pod ${HOSTILE_NAMESPACE}/${name}: the report carries the hostile text, rendered inert`, async () => {
      assert.ok(story, 'no story');
      const target = `${HOSTILE_NAMESPACE}/${name}`;
      const outcome = await vscode.commands.executeCommand<DiagnoseOutcome>('kubePriorityLens.diagnosePod', target);
      assert.equal(outcome.kind, 'shown', JSON.stringify(outcome));
      if (outcome.kind !== 'shown') return;
      // The hostile strings reached the report (escaped), so the browser check below is not vacuous.
      assert.match(outcome.markdown, /&lt;img src=x /, outcome.markdown);
      assert.match(outcome.markdown, /<script>fetch\(/, outcome.markdown);
      // Outside code spans no raw tag (inside one, markdown shows it literally).
      assert.doesNotMatch(outcome.markdown.replace(/(`+)[^\n]*?\1/g, ''), /<(img|script|svg)/i, outcome.markdown);
      await handOver({ name: `diagnose-${i}`, kind: 'diagnose', target });
    });
  });
});
