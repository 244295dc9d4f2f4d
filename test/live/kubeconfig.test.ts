import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { KubeconfigError, listKubeContexts, loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { safeMessage } from '../../server/src/cluster/kubeconfig';

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: tok
  user: {token: s3cr3t-token-value}
- name: ex
  user:
    exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: /bin/false}
contexts:
- name: plain
  context: {cluster: c1, user: tok, namespace: ci}
- name: with-exec
  context: {cluster: c1, user: ex}
current-context: plain
`;

function write(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-kc-'));
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, text);
  return file;
}

test('loads the current or named context; namespace of the context', () => {
  const file = write(kubeconfig);
  const k = loadKubeconfig({ kubeconfig: file });
  assert.equal(k.context, 'plain');
  assert.equal(k.namespace, 'ci');
  assert.equal(k.server, 'https://127.0.0.1:6443');
  assert.equal(loadKubeconfig({ kubeconfig: file, context: 'with-exec' }).namespace, 'default');
});

test('exec credential plugins are refused when untrusted (and never run at load time)', () => {
  const file = write(kubeconfig);
  assert.throws(() => loadKubeconfig({ kubeconfig: file, context: 'with-exec', trusted: false }), (e: unknown) => e instanceof KubeconfigError && e.kind === 'untrusted-exec' && /exec credential plugin/.test(e.message));
  assert.equal(loadKubeconfig({ kubeconfig: file, context: 'plain', trusted: false }).context, 'plain');
  assert.equal(loadKubeconfig({ kubeconfig: file, context: 'with-exec', trusted: true }).context, 'with-exec');
});

test('clear errors: missing file, unknown context; no credential in any message', () => {
  assert.throws(() => loadKubeconfig({ kubeconfig: '/nonexistent/kubeconfig' }), /no kubeconfig at \/nonexistent\/kubeconfig/);
  const file = write(kubeconfig);
  assert.throws(
    () => loadKubeconfig({ kubeconfig: file, context: 'nope' }),
    (e: unknown) => e instanceof KubeconfigError && e.kind === 'no-context' && e.message.includes('contexts: plain, with-exec') && !e.message.includes('s3cr3t'),
  );
  assert.throws(() => loadKubeconfig({ kubeconfig: write(': : not yaml [') }), (e: unknown) => e instanceof KubeconfigError && e.kind === 'invalid');
  assert.equal(safeMessage(new Error('Authorization: Bearer abc.def\nstack')), 'Authorization: <redacted>');
  assert.equal(safeMessage(new Error('sent Bearer abc.def to x')), 'sent Bearer <redacted> to x');
  assert.ok(!safeMessage(new Error('token=abc123')).includes('abc123'));
});

test('listKubeContexts returns names only', () => {
  const file = write(kubeconfig);
  const r = listKubeContexts({ kubeconfig: file });
  assert.deepEqual(r.contexts, [
    { name: 'plain', cluster: 'c1', namespace: 'ci' },
    { name: 'with-exec', cluster: 'c1' },
  ]);
  assert.equal(r.current, 'plain');
  assert.ok(!JSON.stringify(r).includes('s3cr3t'));
});
