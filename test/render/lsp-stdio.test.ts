// The one workspace model in the real language server process (LSP over stdio, real helm and kustomize): a chart's
// PriorityClass resolves a plain manifest's priorityClassName and a plain PriorityClass resolves a chart's, with no
// error flashing before the first render; a chart's PDB covers an overlay's pods; edits on either side follow.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { CodeLens } from 'vscode-languageserver-protocol/node';
import type { PriorityMapView } from '../../server/src/protocol/index';
import { copyExample, TestClient } from '../lsp/harness';
import type { StartOptions } from '../lsp/harness';
import * as os from 'node:os';
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
  // Plain PDBs: only the overlay's pods (namespace shop) match the first; nothing matches the second.
  'apps/shop-pdb.yaml':
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: shop-web\n  namespace: shop\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: web\n',
  'apps/nobody-pdb.yaml':
    'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: nobody\n  namespace: shop\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n      app: nobody\n',
};

async function start(files: Record<string, string> | string, options: Partial<StartOptions> = {}): Promise<TestClient> {
  const folder = typeof files === 'string' ? copyExample(files) : tree(files);
  const bin = binDir();
  const client = await TestClient.start({
    folder,
    settings: { render: { helmPath: path.join(bin, 'helm'), kustomizePath: path.join(bin, 'kustomize') } },
    ...options,
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
    // A plain PDB that only the overlay's pods match is not reported as selecting nothing, not even before the first
    // render (as `kpl check` reports it); a plain PDB nothing matches still is.
    await c.waitFor(
      'pdb-selects-nothing on the PDB nothing matches',
      () => codesIn(c, 'apps/nobody-pdb.yaml', 'pdb-selects-nothing') === 1,
    );
    assert.equal(
      everPublished(c, 'apps/shop-pdb.yaml', 'pdb-selects-nothing'),
      false,
      JSON.stringify(c.diagnosticsOf('apps/shop-pdb.yaml')),
    );
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

  for (const how of ['server without initializationOptions', 'kpl lsp without trust'] as const)
    test(`Restricted Mode (${how}): no tool runs, one render-restricted per chart and kustomization, plain findings as before`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-fake-tools-'));
      cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
      const mark = path.join(dir, 'ran');
      for (const tool of ['helm', 'kustomize'])
        fs.writeFileSync(path.join(dir, tool), `#!/bin/sh\necho "$0 $*" >> '${mark}'\n`, { mode: 0o755 });
      const c = await start(workspace, {
        settings: { render: { helmPath: path.join(dir, 'helm'), kustomizePath: path.join(dir, 'kustomize') } },
        initializationOptions: undefined,
        ...(how === 'kpl lsp without trust' ? { command: 'kpl' as const } : {}),
      });
      await c.waitFor('render-restricted on the chart', () => codesIn(c, 'charts/platform/Chart.yaml', 'render-restricted') === 1, 30_000);
      await c.waitFor(
        'render-restricted on the overlay',
        () => codesIn(c, 'deploy/overlays/prod/kustomization.yaml', 'render-restricted') === 1,
      );
      await c.settle(500);
      const d = c.diagnosticsOf('charts/platform/Chart.yaml').find((x) => x.code === 'render-restricted');
      assert.equal(d?.severity, 3, 'an info finding');
      assert.match(String(d?.message), /Restricted Mode|not trusted|untrusted/i);
      // Exactly one per root: the base is only rendered through its overlay.
      const restricted = c.publishes.filter((p) => p.diagnostics.some((x) => x.code === 'render-restricted')).map((p) => p.uri);
      assert.deepEqual(
        [...new Set(restricted)].sort(),
        [c.uri('charts/platform/Chart.yaml'), c.uri('deploy/overlays/prod/kustomization.yaml')].sort(),
      );
      assert.equal(fs.existsSync(mark), false, `a tool ran: ${fs.existsSync(mark) ? fs.readFileSync(mark, 'utf8') : ''}`);
      // Plain files as before: nothing held back waiting for a render that never comes.
      assert.equal(codesIn(c, 'apps/missing.yaml', 'priority-class-not-found'), 1);
    });
});

describe('language server over stdio: .kpl.yaml variants and their values files', () => {
  const kpl = (values: string) =>
    `render:\n  charts:\n    charts/platform:\n      variants:\n        prod:\n          valuesFiles: [${values}]\n`;
  const files = { ...workspace, '.kpl.yaml': kpl('../../env/values-prod.yaml'), 'env/values-prod.yaml': 'className: platform-critical\n' };

  test('a values file of a configured variant is watched before that variant was rendered once', async () => {
    // The edit lands while the first render runs, after helm read the old values.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-slow-helm-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const started = path.join(dir, 'started');
    const release = path.join(dir, 'release');
    const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    const helm = path.join(dir, 'helm');
    // helm renders with the values as they are, then waits before printing: the edit lands after helm read the file.
    fs.writeFileSync(
      helm,
      [
        '#!/bin/sh',
        `out=$('${path.join(binDir(), 'helm')}' "$@")`,
        'status=$?',
        `if [ "$1" = template ] && [ ! -e '${release}' ]; then ${which('touch')} '${started}'; while [ ! -e '${release}' ]; do ${which('sleep')} 0.1; done; fi`,
        `printf '%s\\n' "$out"`,
        'exit $status',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const c = await start(files, { settings: { render: { helmPath: helm, kustomizePath: path.join(binDir(), 'kustomize') } } });
    await c.waitFor('the first render started', () => fs.existsSync(started), 30_000);
    fs.writeFileSync(path.join(c.folder, 'env/values-prod.yaml'), 'className: platform-renamed\n');
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('env/values-prod.yaml'), type: 2 }] });
    await new Promise((r) => setTimeout(r, 200));
    fs.writeFileSync(release, '');
    // The prod variant (the chart's only one) is rendered with the edited file: its class is renamed.
    await c.waitFor(
      'the plain manifest misses the renamed class',
      () => codesIn(c, 'apps/api.yaml', 'priority-class-not-found') === 1,
      60_000,
    );
  });

  test('.kpl.yaml is re-read when it changes, and a values file outside the folder is refused', async () => {
    const c = await start({ ...files, 'env/values-prod.yaml': 'className: platform-renamed\n' });
    await c.waitFor('the prod variant renames the class', () => codesIn(c, 'apps/api.yaml', 'priority-class-not-found') === 1, 60_000);
    assert.ok(
      c.diagnosticsOf('charts/platform/templates/worker.yaml').every((d) => !String(d.message).includes('[default]')),
      'only the configured variant is rendered',
    );
    // Point the variant at a values file outside the workspace folder: refused (a warning naming .kpl.yaml), not read.
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-outside-'));
    cleanup.push(() => fs.rmSync(outside, { recursive: true, force: true }));
    fs.writeFileSync(path.join(outside, 'values.yaml'), 'className: from-outside\n');
    fs.writeFileSync(
      path.join(c.folder, '.kpl.yaml'),
      kpl(path.relative(path.join(c.folder, 'charts/platform'), path.join(outside, 'values.yaml'))),
    );
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: c.uri('.kpl.yaml'), type: 2 }] });
    await c.waitFor(
      'the refusal',
      () => c.logs.find((l) => l.includes('.kpl.yaml') && l.includes('must stay inside the folder of .kpl.yaml')),
      30_000,
    );
    // Without that file the chart's own values.yaml names platform-critical again: the plain manifest resolves it.
    await c.waitFor('the class resolves again', () => codesIn(c, 'apps/api.yaml', 'priority-class-not-found') === 0, 60_000);
    assert.equal(
      c.publishes.some((p) => p.diagnostics.some((d) => String(d.message).includes('from-outside'))),
      false,
    );
  });
});

describe('language server over stdio: cancellation', () => {
  test('a newer render of the same chart cancels the one in flight: its helm process is killed, the newer one publishes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-hanging-helm-'));
    cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const pidFile = path.join(dir, 'pid');
    const which = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim();
    const helm = path.join(dir, 'helm');
    // The first `helm template` hangs (as a chart stuck in a huge loop would); later ones are the real helm.
    fs.writeFileSync(
      helm,
      [
        '#!/bin/sh',
        `if [ "$1" = template ] && [ ! -e '${pidFile}' ]; then echo $$ > '${pidFile}'; exec ${which('sleep')} 120; fi`,
        `exec '${path.join(binDir(), 'helm')}' "$@"`,
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const c = await start(workspace, {
      settings: { render: { helmPath: helm, kustomizePath: path.join(binDir(), 'kustomize'), timeoutSeconds: 120 } },
    });
    await c.waitFor('the hanging render', () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, 'utf8').trim() !== '', 30_000);
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    assert.equal(alive(), true);
    // Save a chart file: the newer render starts at once and cancels the hanging one.
    const values = path.join(c.folder, 'charts/platform/values.yaml');
    fs.writeFileSync(values, 'className: platform-critical\n# saved again\n');
    await c.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [{ uri: c.uri('charts/platform/values.yaml'), type: 2 }],
    });
    await c.waitFor('the hanging helm killed', () => !alive(), 10_000);
    await c.waitFor('the newer render published', () => renders(c) > 0, 30_000);
    await c.waitFor('its findings', () => codesIn(c, 'apps/missing.yaml', 'priority-class-not-found') === 1);
    assert.equal(everPublished(c, 'apps/api.yaml', 'priority-class-not-found'), false);
  });
});
