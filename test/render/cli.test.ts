// `kpl check` and `kpl explain` with rendering (the real helm and kustomize): JSON `source`, `variants`, `overlays`,
// related values entries and fixes in the values file; SARIF properties.source; the render flags and their exit codes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { kplPath } from '../helpers/cli';
import { binDir, root } from './tools';

interface Json {
  ruleId: string;
  message: string;
  file: string;
  range: { start: { line: number } };
  source?: { tool: string; root: string; variant: string };
  variants?: string[];
  overlays?: string[];
  related?: Array<{ file: string; message: string }>;
  fix?: { edits: Array<{ file?: string; newText: string }> };
}

function kpl(args: string[], options: { path?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [kplPath(), ...args], {
    cwd: options.cwd ?? root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1', PATH: options.path ?? `${binDir()}${path.delimiter}${process.env['PATH'] ?? ''}` },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const findings = (stdout: string): Json[] => (JSON.parse(stdout) as { findings: Json[] }).findings;

describe('kpl check with rendering', () => {
  test('Helm example, JSON: source and variants; the typo fix edits values-prod.yaml; the value is related', () => {
    const r = kpl(['check', '--format', 'json', 'examples/ci-preemption-helm']);
    assert.equal(r.status, 1, r.stderr);
    const all = findings(r.stdout);
    const typo = all.find((f) => f.ruleId === 'priority-class-not-found');
    assert.deepEqual(typo?.source, { tool: 'helm', root: 'examples/ci-preemption-helm', variant: 'prod' });
    assert.equal(typo?.file, 'examples/ci-preemption-helm/templates/evaluation-jobs.yaml');
    assert.ok(typo?.message.startsWith('helm:examples/ci-preemption-helm[prod]: '), typo?.message);
    assert.deepEqual(typo?.fix?.edits, [
      {
        file: 'examples/ci-preemption-helm/values-prod.yaml',
        range: { start: { line: 3, character: 23 }, end: { line: 3, character: 38 } },
        newText: 'evaluation-high',
      },
    ]);
    assert.equal(typo?.related?.[0]?.file, 'examples/ci-preemption-helm/values-prod.yaml');
    // Identical in both variants: once, with both names.
    const pdb = all.filter((f) => f.ruleId === 'pdb-blocks-all-evictions');
    assert.equal(pdb.length, 1);
    assert.deepEqual(pdb[0]?.variants, ['default', 'prod']);
    assert.ok(pdb[0]?.message.startsWith('helm:examples/ci-preemption-helm[default,prod]: '));
    // Every finding lies inside its file.
    for (const f of all) {
      const lines = fs.readFileSync(path.join(root, f.file), 'utf8').split('\n').length;
      assert.ok(f.range.start.line < lines, `${f.file}:${f.range.start.line}`);
    }
  });

  test('Helm example, SARIF: properties.source and a related location', () => {
    const r = kpl(['check', '--format', 'sarif', 'examples/ci-preemption-helm']);
    const sarif = JSON.parse(r.stdout) as {
      runs: Array<{ results: Array<{ ruleId: string; properties?: { source?: unknown }; relatedLocations?: unknown[] }> }>;
    };
    const typo = sarif.runs[0]?.results.find((x) => x.ruleId === 'priority-class-not-found');
    assert.deepEqual(typo?.properties?.source, { tool: 'helm', root: 'examples/ci-preemption-helm', variant: 'prod' });
    assert.equal(typo?.relatedLocations?.length, 1);
  });

  test('--variant filters (unknown: exit 2); --values/--set define the variant cli; --no-render reads no chart', () => {
    const def = findings(kpl(['check', '--format', 'json', '--variant', 'default', 'examples/ci-preemption-helm']).stdout);
    assert.equal(def.filter((f) => f.ruleId === 'priority-class-not-found').length, 0);
    assert.ok(def.every((f) => f.source?.variant === 'default'));
    const unknown = kpl(['check', '--variant', 'staging', 'examples/ci-preemption-helm']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown --variant staging/);
    const cli = findings(
      kpl([
        'check',
        '--format',
        'json',
        '--values',
        'examples/ci-preemption-helm/values-prod.yaml',
        '--set',
        'tests.backoffLimit=3',
        'examples/ci-preemption-helm',
      ]).stdout,
    );
    assert.ok(cli.length > 0 && cli.every((f) => f.source?.variant === 'cli'));
    assert.equal(cli.filter((f) => f.ruleId === 'job-preemption-fails-job').length, 0, '--set tests.backoffLimit=3 took effect');
    assert.equal(cli.filter((f) => f.ruleId === 'priority-class-not-found').length, 1, '--values took effect');
    const two = kpl([
      'check',
      '--values',
      'examples/ci-preemption-helm/values-prod.yaml',
      'examples/ci-preemption-helm',
      '../shared/rendered',
    ]);
    assert.equal(two.status, 2);
    const none = kpl(['check', '--format', 'json', '--no-render', 'examples/ci-preemption-helm']);
    assert.ok(findings(none.stdout).every((f) => f.source === undefined));
  });

  test('Kustomize example: plain base findings list the overlay; the patch file is not a manifest of its own', () => {
    const all = findings(kpl(['check', '--format', 'json', 'examples/ci-preemption-kustomize']).stdout);
    const pdb = all.filter((f) => f.ruleId === 'pdb-blocks-all-evictions');
    assert.equal(pdb.length, 1);
    assert.equal(pdb[0]?.source, undefined);
    assert.deepEqual(pdb[0]?.overlays, ['examples/ci-preemption-kustomize/overlays/ci']);
    const fails = all.filter((f) => f.ruleId === 'job-preemption-fails-job');
    assert.equal(fails.length, 1);
    assert.equal(fails[0]?.file, 'examples/ci-preemption-kustomize/overlays/ci/test-job-fail-fast.yaml');
    assert.deepEqual(fails[0]?.source, { tool: 'kustomize', root: 'examples/ci-preemption-kustomize/overlays/ci', variant: 'default' });
    const typo = all.find((f) => f.ruleId === 'priority-class-not-found');
    assert.equal(typo?.file, 'examples/ci-preemption-kustomize/overlays/ci/kustomization.yaml');
    assert.deepEqual(
      typo?.fix?.edits.map((e) => e.newText),
      ['evaluation-high'],
    );
  });

  test('no tool on PATH: one render-tool-missing finding, plain files still analysed; --require-render exits 1', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-nopath-'));
    try {
      const r = kpl(['check', '--format', 'json', 'examples/ci-preemption-helm', 'examples/ci-preemption'], { path: empty });
      const all = findings(r.stdout);
      assert.equal(all.filter((f) => f.ruleId === 'render-tool-missing').length, 1);
      assert.equal(all.find((f) => f.ruleId === 'render-tool-missing')?.file, 'examples/ci-preemption-helm/Chart.yaml');
      assert.ok(all.some((f) => f.file.startsWith('examples/ci-preemption/')));
      const warn = kpl(['check', '--fail-on', 'error', 'examples/ci-preemption-kustomize/overlays'], { path: empty });
      const strict = kpl(['check', '--require-render', 'examples/ci-preemption-kustomize/overlays'], { path: empty });
      assert.equal(strict.status, 1, strict.stderr);
      assert.match(strict.stderr, /--require-render/);
      assert.notEqual(warn.stderr.includes('--require-render'), true);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  test('simulate and evict never render: the render flags are unknown to them', () => {
    assert.equal(kpl(['simulate', '--helm', 'x', 'examples/ci-preemption-helm']).status, 2);
    assert.equal(kpl(['evict', '--no-render', 'examples/ci-preemption-helm']).status, 2);
  });
});

describe('kpl explain with rendering', () => {
  test('one verdict per object: an error kpl check reports makes kpl explain say rejected, in plain files and rendered views', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-verdict-'));
    const deployment = (name: string, cpu: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: c, image: nginx, resources: {requests: {cpu: "${cpu}"}}}]\n`;
    try {
      fs.mkdirSync(path.join(dir, 'app'));
      fs.writeFileSync(path.join(dir, 'app', 'kustomization.yaml'), 'resources: [deployment.yaml]\n');
      fs.writeFileSync(path.join(dir, 'app', 'deployment.yaml'), deployment('rendered-bad', '${CPU}'));
      fs.writeFileSync(path.join(dir, 'plain.yaml'), deployment('plain-bad', '${CPU}') + '---\n' + deployment('plain-good', '100m'));
      const checked = findings(kpl(['check', '--format', 'json', dir]).stdout).filter((f) => f.ruleId === 'invalid-field-value');
      assert.ok(checked.length >= 2, JSON.stringify(checked));
      const r = kpl(['explain', '--format', 'json', dir]);
      const workloads = (JSON.parse(r.stdout) as { workloads: Array<{ name: string; admission: { allowed: boolean; message?: string } }> })
        .workloads;
      const verdict = (name: string) => workloads.find((w) => w.name === name)?.admission;
      assert.equal(verdict('plain-bad')?.allowed, false, r.stdout);
      assert.match(verdict('plain-bad')?.message ?? '', /quantities must match the regular expression/);
      assert.equal(verdict('rendered-bad')?.allowed, false, r.stdout);
      assert.equal(verdict('plain-good')?.allowed, true, r.stdout);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rendered workloads carry source, and file and range in their template', () => {
    const r = kpl(['explain', '--format', 'json', 'examples/ci-preemption-helm']);
    assert.equal(r.status, 0, r.stderr);
    const workloads = (
      JSON.parse(r.stdout) as {
        workloads: Array<{ name: string; file: string; source?: { variant: string }; range: { start: { line: number } } }>;
      }
    ).workloads;
    const baseline = workloads.filter((w) => w.name === 'eval-baseline');
    assert.deepEqual(baseline.map((w) => w.source?.variant).sort(), ['default', 'prod']);
    assert.ok(baseline.every((w) => w.file === 'examples/ci-preemption-helm/templates/evaluation-jobs.yaml'));
    const text = kpl(['explain', 'examples/ci-preemption-kustomize/overlays/ci']).stdout;
    assert.match(text, /Job\/ci\/integration-tests \(kustomize:examples\/ci-preemption-kustomize\/overlays\/ci\)/);
  });
});
