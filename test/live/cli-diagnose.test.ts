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
