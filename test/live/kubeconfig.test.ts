import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { clientCertificateProblem, KubeconfigError, listKubeContexts, loadKubeconfig } from '../../server/src/cluster/kubeconfig';
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

/** scripts/cluster/pki.sh from the bundle (out/test/live) or the source location, else from the cwd. */
function pkiScript(): string | undefined {
  for (const root of [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..'), process.cwd()]) {
    const p = path.join(root, 'scripts', 'cluster', 'pki.sh');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const pki = pkiScript();
const noOpenssl = !hasOpenssl ? 'openssl not installed (needed to issue dated test certificates)' : pki === undefined ? 'scripts/cluster/pki.sh not found' : false;

test('client certificate validity: expired and not-yet-valid certs are named with their dates, files and data alike; no key material', { skip: noOpenssl }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-kc-cert-'));
  try {
    const run = (...args: string[]) => {
      const r = spawnSync('bash', [pki ?? '', ...args], { encoding: 'utf8' });
      assert.equal(r.status, 0, `pki.sh ${args[0] ?? ''}: ${r.stderr}`);
    };
    const ca = path.join(dir, 'pki');
    run('init', ca);
    run('expired', ca, 'old-user');
    run('dated', ca, 'future-user', '20990101000000Z', '21000101000000Z');
    run('user', ca, 'good-user');
    const rd = (f: string) => fs.readFileSync(path.join(ca, 'users', f), 'utf8');
    const b64 = (s: string) => Buffer.from(s).toString('base64');
    const keyBody = (f: string) => rd(f).split('\n').filter((l) => l !== '' && !l.startsWith('-----'))[0] ?? '';
    const file = path.join(dir, 'config');
    fs.writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true } }],
        users: [
          { name: 'expired-data', user: { 'client-certificate-data': b64(rd('old-user.crt')), 'client-key-data': b64(rd('old-user.key')) } },
          { name: 'future-file', user: { 'client-certificate': path.join(ca, 'users', 'future-user.crt'), 'client-key': path.join(ca, 'users', 'future-user.key') } },
          { name: 'valid', user: { 'client-certificate-data': b64(rd('good-user.crt')), 'client-key-data': b64(rd('good-user.key')) } },
          { name: 'garbage', user: { 'client-certificate-data': b64('not a certificate'), 'client-key-data': b64('nope') } },
          { name: 'tok', user: { token: 's3cr3t-token-value' } },
        ],
        contexts: ['expired-data', 'future-file', 'valid', 'garbage', 'tok'].map((u) => ({ name: u, context: { cluster: 'c', user: u } })),
        'current-context': 'expired-data',
      }),
    );
    const now = new Date('2026-06-01T12:00:00Z');
    const expired = loadKubeconfig({ kubeconfig: file });
    assert.equal(expired.clientCertificate?.notAfter.toISOString(), '2020-01-02T00:00:00.000Z');
    assert.equal(expired.clientCertificate?.notBefore.toISOString(), '2020-01-01T00:00:00.000Z');
    const expiredMsg = clientCertificateProblem(expired.clientCertificate, now) ?? '';
    assert.match(expiredMsg, /^the client certificate of user "expired-data" expired on 2020-01-02T00:00:00Z; renew it \(e\.g\. re-run your cloud CLI's get-credentials/);
    // Still valid on its last day: only "after notAfter" is expired.
    assert.equal(clientCertificateProblem(expired.clientCertificate, new Date('2020-01-01T12:00:00Z')), undefined);

    const future = loadKubeconfig({ kubeconfig: file, context: 'future-file' });
    const futureMsg = clientCertificateProblem(future.clientCertificate, now) ?? '';
    assert.match(futureMsg, /^the client certificate of user "future-file" is not valid before 2099-01-01T00:00:00Z; check this machine's clock/);

    const valid = loadKubeconfig({ kubeconfig: file, context: 'valid' });
    assert.ok(valid.clientCertificate !== undefined && valid.clientCertificate.notAfter.getTime() > Date.now());
    assert.equal(clientCertificateProblem(valid.clientCertificate), undefined);
    // Unparseable certificate data and token users: no validity, no problem, no throw.
    assert.equal(loadKubeconfig({ kubeconfig: file, context: 'garbage' }).clientCertificate, undefined);
    assert.equal(loadKubeconfig({ kubeconfig: file, context: 'tok' }).clientCertificate, undefined);
    assert.equal(clientCertificateProblem(undefined, now), undefined);

    for (const msg of [expiredMsg, futureMsg]) {
      for (const f of ['old-user.key', 'future-user.key', 'old-user.crt', 'future-user.crt']) assert.ok(!msg.includes(keyBody(f)), `${f} material in the message`);
      assert.ok(!msg.includes('BEGIN'), 'PEM in the message');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
