// `kpl diagnose` without a cluster: usage errors, no kubeconfig, unreachable server (connection refused on 127.0.0.1:1).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runKpl } from '../helpers/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cli-diag-'));
const kubeconfig = path.join(dir, 'config');
fs.writeFileSync(
  kubeconfig,
  `apiVersion: v1
kind: Config
clusters:
- name: gone
  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: do-not-print-me}
contexts:
- name: gone-ctx
  context: {cluster: gone, user: u}
current-context: gone-ctx
`,
);

test('unreachable cluster: one clear line, exit 2, no credentials', () => {
  const r = runKpl(['diagnose', 'ci/x', '--kubeconfig', kubeconfig], dir);
  assert.equal(r.status, 2);
  assert.equal(r.stderr, 'kpl diagnose: cannot reach the cluster of context gone-ctx: connect ECONNREFUSED 127.0.0.1:1\n');
  assert.ok(!r.stderr.includes('do-not-print-me') && !r.stdout.includes('do-not-print-me'));
});

test('no kubeconfig: clear message, exit 2', () => {
  const r = runKpl(['diagnose', 'ci/x', '--kubeconfig', path.join(dir, 'missing')], dir);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^kpl diagnose: no kubeconfig at .*missing\n$/);
});

test('unknown context and bad target are explained', () => {
  const ctx = runKpl(['diagnose', 'ci/x', '--kubeconfig', kubeconfig, '--context', 'other'], dir);
  assert.equal(ctx.status, 2);
  assert.match(ctx.stderr, /context "other" not found in kubeconfig .* \(contexts: gone-ctx\)/);
  const bad = runKpl(['diagnose', 'justaname'], dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /"justaname" is not NAMESPACE\/NAME/);
  const help = runKpl(['--help'], dir);
  assert.match(help.stdout, /diagnose +Explain what happened to a live or recently deleted pod/);
});

test('workload target Kind/ns/name with PATHs: static explanation and predicted risks when no cluster pod matches', () => {
  const example = path.resolve(__dirname, '..', '..', '..', 'examples', 'ci-preemption');
  const r = runKpl(['diagnose', 'Job/ci/integration-tests', example], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Workload Job\/ci\/integration-tests: no cluster pod matched; static explanation from the manifests/);
  assert.match(r.stdout, /Priority 100 \(class ci-default\), from globalDefault/);
  assert.match(r.stdout, /Predicted risks:\n {2}warning|Predicted risks:\n {2}info/);
  assert.match(r.stdout, /job-preemption-fails-job/);
  const md = runKpl(['diagnose', 'Job/ci/integration-tests', '--format', 'markdown', example], dir);
  assert.match(md.stdout, /^# Workload Job\/ci\/integration-tests/);
  assert.match(md.stdout, /## Predicted risks/);
  const json = JSON.parse(runKpl(['diagnose', 'Job/ci/integration-tests', '--format', 'json', example], dir).stdout) as {
    kind: string;
    workload: { priority: number };
    livePods: string[];
  };
  assert.equal(json.kind, 'static');
  assert.equal(json.workload.priority, 100);
  assert.deepEqual(json.livePods, []);
  assert.equal(runKpl(['diagnose', 'Job/ci/nope', example], dir).status, 1);
  const noPaths = runKpl(['diagnose', 'Job/ci/integration-tests'], dir);
  assert.equal(noPaths.status, 2);
  assert.match(noPaths.stderr, /give the PATHs of its manifests/);
});
