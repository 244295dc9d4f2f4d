// The runner's guarantees. The child's environment and argv are dumped by a stub tool (a shell script that records
// what it was started with: only for those assertions); timeouts use a stub that sleeps; the output cap,
// cancellation and the cache use the real helm and kustomize.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { assertSafeArgs, defaultVariant, findTool, RenderCache, Renderer, runTool } from '../../server/src/render/index';
import type { Tool } from '../../server/src/render/index';
import { renderer } from './analyse';
import { removeTree, tree } from './fixture-trees';
import { realTools, root, sharedRendered } from './tools';

const helmExample = path.join(root, 'examples', 'ci-preemption-helm');
const kueue = path.join(sharedRendered, 'kubernetes-sigs__kueue', 'charts', 'kueue');

/** A stub tool: a shell script (its PATH is empty, so it names programs by absolute path). */
function stub(dir: string, name: string, body: string): Tool {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { kind: name === 'helm' ? 'helm' : 'kustomize', path: file };
}

describe('the child process environment and argv', () => {
  test('built from scratch: an empty temporary HOME and PATH; no KUBECONFIG, proxy, HELM_*, KUSTOMIZE_* or anything else of the server', async () => {
    const dir = tree({});
    const record = path.join(dir, 'record');
    const helm = stub(
      dir,
      'helm',
      `/usr/bin/tr '\\0' '\\n' < /proc/$$/environ > ${record}.env; printf '%s\\n' "$@" > ${record}.argv; /bin/ls -A "$HOME" > ${record}.home; /bin/ls -A "$PATH" > ${record}.path; echo 'v4.3.2'`,
    );
    const saved = { ...process.env };
    // What an exec credential plugin of @kubernetes/client-node may leave in the server's own environment, and more.
    Object.assign(process.env, {
      KUBECONFIG: '/secret/kubeconfig',
      HTTPS_PROXY: 'http://proxy:3128',
      https_proxy: 'x',
      NO_PROXY: '*',
      HELM_PLUGINS: '/p',
      HELM_KUBECONTEXT: 'prod',
      KUSTOMIZE_PLUGIN_HOME: '/k',
      AWS_SECRET_ACCESS_KEY: 'hunter2',
      KPL_TEST_SECRET: 'x',
    });
    try {
      const r = new Renderer({ helm, kustomize: undefined, trusted: true, kubeVersion: 'v1.36.0' });
      await r.render({
        tool: 'helm',
        dir: helmExample,
        display: 'x',
        variant: { ...defaultVariant, valuesFiles: [path.join(helmExample, 'values-prod.yaml')], set: ['a=b'], namespace: 'ci' },
      });
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
    }
    const env = Object.fromEntries(
      fs
        .readFileSync(`${record}.env`, 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    assert.deepEqual(Object.keys(env).sort(), ['HOME', 'LANG', 'PATH', 'TMPDIR', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME']);
    assert.match(env['HOME'] ?? '', /kpl-render-/);
    assert.equal(env['PATH'], path.join(env['HOME'] ?? '', 'bin'));
    assert.equal(fs.readFileSync(`${record}.home`, 'utf8').trim(), 'bin', 'HOME holds only the empty PATH folder');
    assert.equal(fs.readFileSync(`${record}.path`, 'utf8').trim(), '', 'PATH names an empty folder');
    assert.ok(!fs.existsSync(env['HOME'] ?? '/'), 'the temporary HOME is removed afterwards');
    const argv = fs.readFileSync(`${record}.argv`, 'utf8').trim().split('\n');
    assert.deepEqual(argv, [
      'template',
      helmExample,
      '--namespace=ci',
      '--kube-version=v1.36.0',
      `--values=${path.join(helmExample, 'values-prod.yaml')}`,
      '--set=a=b',
    ]);
    removeTree(dir);
  });

  test('a kustomize build passes no flag at all: no helm, exec, plugins, network or load-restrictor override', async () => {
    const dir = tree({ 'app/kustomization.yaml': 'resources: []\n' });
    const record = path.join(dir, 'argv');
    const kustomize = stub(dir, 'kustomize', `printf '%s\\n' "$@" > ${record}; echo v5.8.1`);
    await new Renderer({ helm: undefined, kustomize, trusted: true, kubeVersion: 'v1.36.0' }).render({
      tool: 'kustomize',
      dir: path.join(dir, 'app'),
      display: 'app',
    });
    const argv = fs.readFileSync(record, 'utf8').trim().split('\n');
    assert.equal(argv.length, 2);
    assert.equal(argv[0], 'build');
    assert.match(argv[1] ?? '', /kpl-kustomize-/, 'the wrapper kustomization outside the workspace');
    removeTree(dir);
  });

  test('assertSafeArgs refuses every flag that fetches, runs code, reaches a cluster or lifts load restrictions', () => {
    for (const flag of [
      '--enable-helm',
      '--enable-exec',
      '--enable-alpha-plugins',
      '--load-restrictor=LoadRestrictionsNone',
      '--load-restrictor',
      '--validate',
      '--post-renderer=x',
      '--dependency-update',
      '--repo=https://x',
      '--kubeconfig=/k',
      '--kube-context=c',
      '--network',
      '--mount=x',
    ])
      assert.throws(() => assertSafeArgs(['template', '/chart', flag]), /refusing/, flag);
    assert.doesNotThrow(() =>
      assertSafeArgs(['template', '/chart', '--kube-version=v1.36.0', '--set=enable-helm=true', '--values=/v.yaml']),
    );
  });

  test('untrusted (Restricted Mode): no tool runs at all, one problem says why', async () => {
    const dir = tree({ 'app/kustomization.yaml': 'resources: []\n' });
    const marker = path.join(dir, 'ran');
    const helm = stub(dir, 'helm', `/usr/bin/touch ${marker}`);
    const kustomize = stub(dir, 'kustomize', `/usr/bin/touch ${marker}`);
    const r = new Renderer({ helm, kustomize, trusted: false, kubeVersion: 'v1.36.0' });
    const a = await r.render({ tool: 'helm', dir: helmExample, display: 'examples/ci-preemption-helm', variant: defaultVariant });
    const b = await r.render({ tool: 'kustomize', dir: path.join(dir, 'app'), display: 'app' });
    assert.ok(!fs.existsSync(marker), 'no tool was executed, not even for its version');
    assert.deepEqual([a.problems.map((p) => p.kind), b.problems.map((p) => p.kind)], [['render-restricted'], ['render-restricted']]);
    assert.equal(path.basename(a.problems[0]?.location.file ?? ''), 'Chart.yaml');
    assert.match(a.problems[0]?.message ?? '', /not trusted/);
    removeTree(dir);
  });

  test('a missing tool: one problem that names it and how to set its path', async () => {
    const r = new Renderer({ helm: undefined, kustomize: undefined, trusted: true, kubeVersion: 'v1.36.0' });
    const a = await r.render({ tool: 'helm', dir: helmExample, display: 'examples/ci-preemption-helm', variant: defaultVariant });
    const b = await r.render({
      tool: 'kustomize',
      dir: path.join(root, 'examples', 'ci-preemption-kustomize', 'overlays', 'ci'),
      display: 'overlays/ci',
    });
    assert.equal(a.problems.length, 1);
    assert.equal(a.problems[0]?.kind, 'render-tool-missing');
    assert.match(a.problems[0]?.message ?? '', /helm was not found on PATH.*kubePriorityLens\.render\.helmPath.*--helm PATH/);
    assert.match(b.problems[0]?.message ?? '', /neither kustomize nor kubectl.*--kustomize PATH/);
  });

  test('findTool: a configured path (kubectl runs as `kubectl kustomize`), else PATH', async () => {
    const tools = realTools();
    assert.ok(tools !== undefined);
    const bin = path.dirname(tools.helm.path);
    assert.deepEqual(await findTool('helm', undefined, `/nonexistent${path.delimiter}${bin}`), { kind: 'helm', path: tools.helm.path });
    assert.deepEqual(await findTool('kustomize', undefined, bin), { kind: 'kustomize', path: tools.kustomize.path });
    assert.equal(await findTool('helm', undefined, '/nonexistent'), undefined);
    assert.equal(
      await findTool('helm', '/nonexistent/helm', bin),
      undefined,
      'a configured path that does not exist is not replaced by PATH',
    );
    const dir = tree({});
    fs.symlinkSync(tools.kustomize.path, path.join(dir, 'kubectl'));
    assert.equal((await findTool('kustomize', path.join(dir, 'kubectl'), undefined))?.kind, 'kubectl');
    removeTree(dir);
  });
});

describe('bounds: timeout, output cap, cancellation', () => {
  test('a tool that does not finish is killed at the timeout (with its process group)', async () => {
    const dir = tree({});
    const marker = path.join(dir, 'late');
    const helm = stub(
      dir,
      'helm',
      `case "$1" in version) echo v4.3.2; exit 0;; esac\n(/bin/sleep 3; /usr/bin/touch ${marker}) &\n/bin/sleep 30`,
    );
    const started = Date.now();
    const result = await new Renderer({ helm, kustomize: undefined, trusted: true, kubeVersion: 'v1.36.0', timeoutMs: 500 }).render({
      tool: 'helm',
      dir: helmExample,
      display: 'x',
      variant: defaultVariant,
    });
    assert.ok(Date.now() - started < 5000, 'returned soon after the timeout');
    assert.equal(result.problems[0]?.kind, 'render-failed');
    assert.match(result.problems[0]?.message ?? '', /did not finish within 0\.5 s/);
    await new Promise((resolve) => setTimeout(resolve, 3500));
    assert.ok(!fs.existsSync(marker), 'the background child was killed with the group');
    removeTree(dir);
  });

  test('output larger than the cap is refused, not analysed (real helm, 1.7 MB of kueue)', async () => {
    const result = await renderer({ maxOutputBytes: 256 * 1024 }).render({
      tool: 'helm',
      dir: kueue,
      display: 'kueue',
      variant: defaultVariant,
    });
    assert.equal(result.documents.length, 0);
    assert.equal(result.problems[0]?.kind, 'render-failed');
    assert.match(result.problems[0]?.message ?? '', /printed more than 256 KiB and was stopped; its output was not analysed/);
    const raw = await runTool(realTools()?.helm as Tool, ['template', kueue], { maxOutputBytes: 1024 });
    assert.deepEqual([raw.capped, raw.stdout, raw.code], [true, '', undefined]);
  });

  test('a newer render of the same input cancels the older one (real helm)', async () => {
    const r = renderer({ cache: undefined });
    const first = r.render({ tool: 'helm', dir: kueue, display: 'kueue', variant: defaultVariant });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = r.render({ tool: 'helm', dir: kueue, display: 'kueue', variant: defaultVariant });
    const [a, b] = await Promise.all([first, second]);
    assert.equal(a.cancelled, true);
    assert.deepEqual([a.documents, a.problems], [[], []]);
    assert.equal(b.cancelled, false);
    assert.ok(b.documents.length > 50);
    // Another variant of the same chart is another input: not cancelled.
    const c = r.render({ tool: 'helm', dir: kueue, display: 'kueue', variant: defaultVariant });
    const d = r.render({ tool: 'helm', dir: kueue, display: 'kueue', variant: { ...defaultVariant, name: 'other' } });
    assert.deepEqual(
      (await Promise.all([c, d])).map((x) => x.cancelled),
      [false, false],
    );
  });
});

describe('the render cache', () => {
  test('hits when nothing changed, misses when a template, a values file or a flag changes; on disk for the CLI', async () => {
    const dir = tree({});
    fs.cpSync(helmExample, path.join(dir, 'chart'), { recursive: true });
    const chart = path.join(dir, 'chart');
    const cacheDir = path.join(dir, 'cache');
    const cache = new RenderCache({ dir: cacheDir });
    const r = renderer({ cache });
    const request = { tool: 'helm' as const, dir: chart, display: 'chart', variant: defaultVariant };
    const first = await r.render(request);
    assert.equal(first.cached, false);
    const second = await r.render(request);
    assert.equal(second.cached, true);
    assert.deepEqual(second.documents, first.documents);
    assert.deepEqual([cache.hits, cache.misses], [1, 1]);
    fs.appendFileSync(path.join(chart, 'templates', 'test-job.yaml'), '# edited\n');
    assert.equal((await r.render(request)).cached, false, 'a template changed');
    fs.appendFileSync(path.join(chart, 'values-prod.yaml'), '# edited\n');
    assert.equal((await r.render(request)).cached, false, 'any file of the chart changed');
    assert.equal((await r.render({ ...request, variant: { ...defaultVariant, namespace: 'other' } })).cached, false, 'a flag changed');
    // A new process (a new cache object on the same folder) hits on disk; files are private to the user.
    const again = await renderer({ cache: new RenderCache({ dir: cacheDir }) }).render(request);
    assert.equal(again.cached, true);
    assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);
    for (const f of fs.readdirSync(cacheDir)) assert.equal(fs.statSync(path.join(cacheDir, f)).mode & 0o777, 0o600, f);
    // A corrupt entry is a miss, not a crash.
    for (const f of fs.readdirSync(cacheDir)) fs.writeFileSync(path.join(cacheDir, f), '{not json');
    assert.equal((await renderer({ cache: new RenderCache({ dir: cacheDir }) }).render(request)).cached, false);
    removeTree(dir);
  });

  test('kustomize renders are cached by every file of the tree, bases included', async () => {
    const dir = tree({});
    fs.cpSync(path.join(root, 'examples', 'ci-preemption-kustomize'), dir, { recursive: true });
    const cache = new RenderCache();
    const r = renderer({ cache });
    const request = { tool: 'kustomize' as const, dir: path.join(dir, 'overlays', 'ci'), display: 'overlays/ci' };
    assert.equal((await r.render(request)).cached, false);
    assert.equal((await r.render(request)).cached, true);
    fs.appendFileSync(path.join(dir, 'base', 'test-job.yaml'), '# edited\n');
    const changed = await r.render(request);
    assert.equal(changed.cached, false, 'a base file changed');
    assert.ok(changed.inputs.includes(path.join(dir, 'base', 'test-job.yaml')));
    removeTree(dir);
  });
});
