// The one workspace model in the real language server process (LSP over stdio, real helm and kustomize): a chart's
// PriorityClass resolves a plain manifest's priorityClassName and a plain PriorityClass resolves a chart's, with no
// error flashing before the first render; a chart's PDB covers an overlay's pods; edits on either side follow.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol/node';
import type { PriorityMapView } from '../../server/src/protocol/index';
import { copyExample, TestClient } from '../lsp/harness';
import { removeTree, tree } from './fixture-trees';
import { binDir } from './tools';

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const f of cleanup.splice(0)) f();
});

const deployment = (name: string, extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
${extra}spec:
  replicas: 2
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      priorityClassName: CLASS
      containers:
        - name: main
          image: nginx
          resources:
            requests: {cpu: 100m, memory: 64Mi}
            limits: {cpu: 100m, memory: 64Mi}
`;

export const workspace = {
  'charts/platform/Chart.yaml': 'apiVersion: v2\nname: platform\nversion: 0.1.0\n',
  'charts/platform/values.yaml': 'className: platform-critical\n',
  'charts/platform/templates/priorityclass.yaml':
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: {{ .Values.className }}\nvalue: 100000\n',
  'charts/platform/templates/pdb.yaml':
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: web\n',
  'charts/platform/templates/worker.yaml': deployment('worker', '  namespace: platform\n').replace('CLASS', 'plain-high'),
  'apps/api.yaml': deployment('api', '').replace('CLASS', 'platform-critical'),
  'apps/missing.yaml': deployment('lost', '').replace('CLASS', 'defined-nowhere'),
  'apps/classes.yaml': 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: plain-high\nvalue: 5000\n',
  'deploy/base/kustomization.yaml': 'resources:\n  - web.yaml\n',
  'deploy/base/web.yaml': deployment('web', '').replace('CLASS', 'plain-high'),
  'deploy/overlays/prod/kustomization.yaml': 'namespace: shop\nresources:\n  - ../../base\n',
};

async function start(files: Record<string, string> | string): Promise<TestClient> {
  const folder = typeof files === 'string' ? copyExample(files) : tree(files);
  const bin = binDir();
  const client = await TestClient.start({
    folder,
    settings: { render: { helmPath: path.join(bin, 'helm'), kustomizePath: path.join(bin, 'kustomize') } },
  });
  cleanup.push(() => {
    client.proc.kill();
    removeTree(folder);
  });
  return client;
}

const codesIn = (c: TestClient, name: string, code: string): number => c.diagnosticsOf(name).filter((d) => d.code === code).length;
const everPublished = (c: TestClient, name: string, code: string): boolean =>
  c.publishes.some((p) => p.uri === c.uri(name) && p.diagnostics.some((d) => d.code === code));
const renders = (c: TestClient): number => c.logs.filter((l) => l.includes('chart variant(s)/kustomization(s)')).length;

describe('language server over stdio: rendered objects in the one workspace model', () => {
  test('classes resolve across charts and plain files, no flash before the first render, a chart PDB covers overlay pods', async () => {
    const c = await start(workspace);
    await c.waitFor('the first render', () => renders(c) > 0, 60_000);
    await c.waitFor(
      'the held-back finding of a class defined nowhere',
      () => codesIn(c, 'apps/missing.yaml', 'priority-class-not-found') === 1,
    );
    await c.settle(500);
    // A chart defines platform-critical: never reported on the plain manifest, not even before the chart was rendered.
    assert.equal(everPublished(c, 'apps/api.yaml', 'priority-class-not-found'), false);
    // A plain file defines plain-high: the chart's worker resolves it.
    assert.equal(everPublished(c, 'charts/platform/templates/worker.yaml', 'priority-class-not-found'), false);
    // The chart's PDB (namespace shop) selects the overlay's pods (the overlay sets namespace shop on its base).
    assert.equal(
      codesIn(c, 'charts/platform/templates/pdb.yaml', 'pdb-selects-nothing'),
      0,
      JSON.stringify(c.diagnosticsOf('charts/platform/templates/pdb.yaml')),
    );
    // The chart's class is used by the plain api Deployment.
    assert.equal(codesIn(c, 'charts/platform/templates/priorityclass.yaml', 'priority-class-unused'), 0);
  });

  test('edits follow both ways: an unsaved rename of a plain class reaches the chart; a saved values change reaches plain files', async () => {
    const c = await start(workspace);
    await c.waitFor('the first render', () => renders(c) > 0, 60_000);
    await c.settle(500);
    // Rename the plain class in the editor (not saved): the chart's worker now names a class nobody defines.
    await c.open('apps/classes.yaml');
    await c.change('apps/classes.yaml', c.text('apps/classes.yaml').replace('plain-high', 'plain-higher'));
    await c.waitFor('the chart worker sees the renamed plain class', () =>
      c
        .diagnosticsOf('charts/platform/templates/worker.yaml')
        .some((d) => d.code === 'priority-class-not-found' && String(d.message).startsWith('helm:')),
    );
    // Rename the chart's class in its values file and save it: the plain api Deployment misses it.
    const values = path.join(c.folder, 'charts/platform/values.yaml');
    fs.writeFileSync(values, 'className: platform-renamed\n');
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: c.uri('charts/platform/values.yaml'), type: 2 }],
    });
    await c.waitFor(
      'the plain manifest misses the renamed chart class',
      () => codesIn(c, 'apps/api.yaml', 'priority-class-not-found') === 1,
      60_000,
    );
  });

  test("code lenses above a template's workloads per variant, and rendered workloads in the Priority Map marked with chart and variant", async () => {
    const c = await start('ci-preemption-helm');
    await c.waitFor('the first render', () => renders(c) > 0, 60_000);
    await c.settle(300);
    const lenses = await c.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: c.uri('templates/evaluation-jobs.yaml') } });
    const titles = lenses.map((l) => `${l.range.start.line}: ${l.command?.title ?? ''}`);
    // eval-runner: both variants agree (one lens naming both); eval-baseline: prod names the mistyped class.
    assert.ok(
      titles.some((t) => /^2: default, prod: priority \d+ \(evaluation-high\) · \w+ · preemptible by \d+$/.test(t)),
      titles.join('\n'),
    );
    const baseline = lenses.filter((l) => l.range.start.line === 30).map((l) => l.command?.title ?? '');
    assert.equal(baseline.length, 2, titles.join('\n'));
    assert.ok(
      baseline.some((t) => t.startsWith('default: priority ')),
      titles.join('\n'),
    );
    assert.ok(
      baseline.some((t) => t.startsWith('prod: rejected at admission: no PriorityClass "evaluation-hihg"')),
      titles.join('\n'),
    );
    // Plain and chart lenses share one title format; each lens reveals the preemptors (arguments: locations, title).
    assert.ok(lenses.every((l) => l.command?.command === 'kubePriorityLens.revealWorkloads' && Array.isArray(l.command.arguments?.[0])));

    const map = await c.request<PriorityMapView>('kubePriorityLens/priorityMap', {});
    const baselines = map.workloads.filter((w) => w.name === 'eval-baseline');
    assert.deepEqual(baselines.map((w) => w.rendered?.variant).sort(), ['default', 'prod']);
    for (const w of baselines) {
      assert.equal(w.rendered?.tool, 'helm');
      assert.match(w.rendered?.label ?? '', /^helm:[^[]+\[(default|prod)\]$/);
      // Opened at the template line of the Job's name.
      assert.equal(w.location?.uri, c.uri('templates/evaluation-jobs.yaml'));
      assert.equal(w.location?.line, 32);
    }
    assert.equal(baselines.find((w) => w.rendered?.variant === 'prod')?.admission.allowed, false);
    // The chart's PriorityClasses open at their template, never at an internal key.
    for (const k of map.priorityClasses.filter((x) => x.source === 'workspace'))
      assert.match(k.location?.uri ?? '', /^file:.*templates\/priority-classes\.yaml$/);
  });
});
