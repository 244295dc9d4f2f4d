import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { clientCertificateProblem, KubeconfigError, listKubeContexts, loadKubeconfig } from '../../server/src/cluster/kubeconfig';
import { redactCredentials, safeMessage } from '../../server/src/cluster/kubeconfig';
import { stringify } from 'yaml';

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
  assert.throws(
    () => loadKubeconfig({ kubeconfig: file, context: 'with-exec', trusted: false }),
    (e: unknown) => e instanceof KubeconfigError && e.kind === 'untrusted-exec' && /exec credential plugin/.test(e.message),
  );
  assert.equal(loadKubeconfig({ kubeconfig: file, context: 'plain', trusted: false }).context, 'plain');
  assert.equal(loadKubeconfig({ kubeconfig: file, context: 'with-exec', trusted: true }).context, 'with-exec');
});

test('clear errors: missing file, unknown context; no credential in any message', () => {
  assert.throws(() => loadKubeconfig({ kubeconfig: '/nonexistent/kubeconfig' }), /no kubeconfig at \/nonexistent\/kubeconfig/);
  const file = write(kubeconfig);
  assert.throws(
    () => loadKubeconfig({ kubeconfig: file, context: 'nope' }),
    (e: unknown) =>
      e instanceof KubeconfigError &&
      e.kind === 'no-context' &&
      e.message.includes('contexts: plain, with-exec') &&
      !e.message.includes('s3cr3t'),
  );
  assert.throws(
    () => loadKubeconfig({ kubeconfig: write(': : not yaml [') }),
    (e: unknown) => e instanceof KubeconfigError && e.kind === 'invalid',
  );
  assert.equal(safeMessage(new Error('Authorization: Bearer abc.def\nstack')), 'Authorization: <redacted>');
  assert.equal(safeMessage(new Error('sent Bearer abc.def to x')), 'sent Bearer <redacted> to x');
  assert.ok(!safeMessage(new Error('token=abc123')).includes('abc123'));
});

// Credentials in the shapes real kubeconfigs hold them: an OIDC auth-provider, a GCP one with an access token, a
// token and a token file, an exec plugin with env, basic auth, client certificate data, a proxy URL with userinfo.
const secrets = {
  idToken: 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2lzc3VlciIsInN1YiI6ImFsaWNlIn0.c2lnbmF0dXJlLXNlY3JldA',
  refreshToken: 'refresh-R3fr3sh',
  clientSecret: 'client-S3cr3t',
  accessToken: 'ya29.AccessT0k3n',
  token: 'tok-T0k3nValue',
  password: 'hunter2-P4ss',
  clientKeyData: 'LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tCk1IY0NBUUVFSUtleQ==',
  clientCertificateData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJDZXJ0',
  awsSecret: 'wJalrXUtnFEMI-K7MDENG',
  proxyPassword: 'Pr0xyP4ss',
};
const realShapes = {
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [
    {
      name: 'prod',
      cluster: {
        server: 'https://api.prod.example:6443',
        'proxy-url': `http://proxyuser:${secrets.proxyPassword}@proxy.corp:3128`,
        'certificate-authority-data': 'LS0tQ0E=',
      },
    },
  ],
  users: [
    {
      name: 'oidc',
      user: {
        'auth-provider': {
          name: 'oidc',
          config: {
            'client-id': 'kpl-client',
            'client-secret': secrets.clientSecret,
            'id-token': secrets.idToken,
            'idp-issuer-url': 'https://issuer.example',
            'refresh-token': secrets.refreshToken,
          },
        },
      },
    },
    {
      name: 'gcp',
      user: {
        'auth-provider': {
          name: 'gcp',
          config: { 'access-token': secrets.accessToken, 'cmd-path': '/usr/bin/gcloud', expiry: '2026-01-01T00:00:00Z' },
        },
      },
    },
    { name: 'tok', user: { token: secrets.token } },
    { name: 'token-file', user: { tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' } },
    {
      name: 'eks',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'aws',
          args: ['eks', 'get-token', '--cluster-name', 'prod'],
          env: [
            { name: 'AWS_PROFILE', value: 'prod' },
            { name: 'AWS_SECRET_ACCESS_KEY', value: secrets.awsSecret },
          ],
        },
      },
    },
    { name: 'basic', user: { username: 'alice', password: secrets.password } },
    { name: 'cert', user: { 'client-certificate-data': secrets.clientCertificateData, 'client-key-data': secrets.clientKeyData } },
  ],
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'oidc' } }],
  'current-context': 'prod',
};

function assertNoSecret(text: string, where: string): void {
  for (const [name, value] of Object.entries(secrets))
    assert.ok(!text.includes(value), `${where}: ${name} leaked in ${text.slice(0, 400)}`);
  // Also no distinctive piece of a secret (a redaction that cut a value in two would leave one).
  for (const piece of ['R3fr3sh', 'S3cr3t', 'T0k3n', 'P4ss', 'RUdJTi', 'wJalr', 'c2lnbmF0dXJl'])
    assert.ok(!text.includes(piece), `${where}: "${piece}" leaked in ${text.slice(0, 400)}`);
}

test('credential redaction: real kubeconfig shapes as YAML block, YAML flow, JSON and pretty JSON', () => {
  const shapes: Record<string, string> = {
    'YAML block': stringify(realShapes),
    'YAML flow': stringify(realShapes, { collectionStyle: 'flow' }),
    'YAML flow, one line per entry': [...realShapes.clusters, ...realShapes.users]
      .map((u) => stringify(u, { collectionStyle: 'flow', lineWidth: 0 }))
      .join(''),
    JSON: JSON.stringify(realShapes),
    'pretty JSON (kubectl config view -o json)': JSON.stringify(realShapes, null, 2),
  };
  for (const [shape, text] of Object.entries(shapes)) {
    const out = redactCredentials(text);
    assertNoSecret(out, shape);
    // What helps a user find the problem stays: names, the issuer, the token file path, the env var names, hosts.
    for (const kept of [
      'kpl-client',
      'https://issuer.example',
      '/var/run/secrets/kubernetes.io/serviceaccount/token',
      'AWS_PROFILE',
      'AWS_SECRET_ACCESS_KEY',
      'alice',
      'proxy.corp:3128',
      'https://api.prod.example:6443',
      'get-token',
    ]) {
      assert.ok(out.includes(kept), `${shape}: "${kept}" was removed too:\n${out}`);
    }
    // Every line as an error message's first line, as safeMessage sees them. (A block YAML `value:` line alone has no
    // `name:` to tell it holds a secret; the whole text above covers it.)
    for (const line of text.split('\n')) {
      if (/^\s*"?value"?: /.test(line)) continue;
      assertNoSecret(safeMessage(new Error(`kubeconfig: ${line}\nmore`)), `${shape} line "${line.slice(0, 40)}"`);
    }
  }
});

test('credential redaction: headers, URLs, private keys and tokens in error text', () => {
  const cases: Array<[string, string]> = [
    ['request failed: {"headers":{"Authorization":"Bearer tok-T0k3nValue"}}', 'request failed: {"headers":{"Authorization":"<redacted>"}}'],
    ['authorization: Basic aHVudGVyMi1QNHNz, retrying', 'authorization: <redacted>, retrying'],
    [
      'GET https://alice:hunter2-P4ss@api.prod.example:6443/api/v1/pods failed',
      'GET https://<redacted>@api.prod.example:6443/api/v1/pods failed',
    ],
    ['proxy http://proxyuser:Pr0xyP4ss@proxy.corp:3128 refused', 'proxy http://<redacted>@proxy.corp:3128 refused'],
    [
      'callback https://app/cb?code=1&access_token=ya29.AccessT0k3n&state=x',
      'callback https://app/cb?code=1&access_token=<redacted>&state=x',
    ],
    ["{'refresh_token': 'refresh-R3fr3sh', 'expires_in': 3600}", "{'refresh_token': '<redacted>', 'expires_in': 3600}"],
    [
      '{"kind":"ExecCredential","status":{"token":"tok-T0k3nValue","expirationTimestamp":"2026-01-01T00:00:00Z"}}',
      '{"kind":"ExecCredential","status":{"token":"<redacted>","expirationTimestamp":"2026-01-01T00:00:00Z"}}',
    ],
    [
      'idToken=eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2lzc3VlciIsInN1YiI6ImFsaWNlIn0.c2lnbmF0dXJlLXNlY3JldA',
      'idToken=<redacted>',
    ],
    [
      'the token eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJpc3MiOiJodHRwczovL2lzc3VlciIsInN1YiI6ImFsaWNlIn0.c2lnbmF0dXJlLXNlY3JldA has expired',
      'the token <redacted> has expired',
    ],
    ['AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-K7MDENG aws: error', 'AWS_SECRET_ACCESS_KEY=<redacted> aws: error'],
    [
      'bad key "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIKey\\n-----END EC PRIVATE KEY-----" in file',
      'bad key "<redacted private key>" in file',
    ],
    ['clientSecret: "client-S3cr3t"', 'clientSecret: "<redacted>"'],
    ['"password":"hunter2-P4ss\\"quoted"', '"password":"<redacted>"'],
  ];
  for (const [input, expected] of cases) assert.equal(safeMessage(new Error(input)), expected);
  // What is not a credential is left alone.
  for (const plain of [
    'tokens: 5 of 10 used',
    'token-file: /var/run/secrets/token',
    'Unauthorized: the server has asked for the client to provide credentials',
    'connect ECONNREFUSED 127.0.0.1:6443',
  ])
    assert.equal(safeMessage(new Error(plain)), plain);
});

test('credential redaction is linear: 1 MiB hostile messages take well under a second', () => {
  const mib = 1024 * 1024;
  const inputs = [
    'token:'.repeat(mib / 6),
    `"token": "${'a'.repeat(mib)}`,
    'eyJ'.repeat(mib / 3),
    'eyJa.'.repeat(mib / 5),
    'https://'.repeat(mib / 8),
    `https://${'a:'.repeat(mib / 2)}`,
    'name: a, value: '.repeat(mib / 16),
    'PRIVATE KEY-----'.repeat(mib / 16),
    `${'-'.repeat(mib)}`,
    'Bearer '.repeat(mib / 7),
  ];
  for (const input of inputs) {
    const started = performance.now();
    const out = redactCredentials(input);
    const ms = performance.now() - started;
    assert.ok(ms < 1000, `${JSON.stringify(input.slice(0, 16))}…: ${ms.toFixed(0)} ms`);
    assert.ok(out.length <= input.length + 64 + input.length / 2);
  }
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

/** scripts/cluster/pki.sh from the bundle (out/test/live-unit) or the source location, else from the cwd. */
function pkiScript(): string | undefined {
  for (const root of [path.resolve(__dirname, '..', '..', '..'), path.resolve(__dirname, '..', '..'), process.cwd()]) {
    const p = path.join(root, 'scripts', 'cluster', 'pki.sh');
    if (fs.existsSync(p)) return p;
  }
  return undefined;
}
const hasOpenssl = spawnSync('openssl', ['version'], { encoding: 'utf8' }).status === 0;
const pki = pkiScript();
const noOpenssl = !hasOpenssl
  ? 'openssl not installed (needed to issue dated test certificates)'
  : pki === undefined
    ? 'scripts/cluster/pki.sh not found'
    : false;

test(
  'client certificate validity: expired and not-yet-valid certs are named with their dates, files and data alike; no key material',
  { skip: noOpenssl },
  () => {
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
      const keyBody = (f: string) =>
        rd(f)
          .split('\n')
          .filter((l) => l !== '' && !l.startsWith('-----'))[0] ?? '';
      const file = path.join(dir, 'config');
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:6443', 'insecure-skip-tls-verify': true } }],
          users: [
            {
              name: 'expired-data',
              user: { 'client-certificate-data': b64(rd('old-user.crt')), 'client-key-data': b64(rd('old-user.key')) },
            },
            {
              name: 'future-file',
              user: {
                'client-certificate': path.join(ca, 'users', 'future-user.crt'),
                'client-key': path.join(ca, 'users', 'future-user.key'),
              },
            },
            { name: 'valid', user: { 'client-certificate-data': b64(rd('good-user.crt')), 'client-key-data': b64(rd('good-user.key')) } },
            { name: 'garbage', user: { 'client-certificate-data': b64('not a certificate'), 'client-key-data': b64('nope') } },
            { name: 'tok', user: { token: 's3cr3t-token-value' } },
          ],
          contexts: ['expired-data', 'future-file', 'valid', 'garbage', 'tok'].map((u) => ({
            name: u,
            context: { cluster: 'c', user: u },
          })),
          'current-context': 'expired-data',
        }),
      );
      const now = new Date('2026-06-01T12:00:00Z');
      const expired = loadKubeconfig({ kubeconfig: file });
      assert.equal(expired.clientCertificate?.notAfter.toISOString(), '2020-01-02T00:00:00.000Z');
      assert.equal(expired.clientCertificate?.notBefore.toISOString(), '2020-01-01T00:00:00.000Z');
      const expiredMsg = clientCertificateProblem(expired.clientCertificate, now) ?? '';
      assert.match(
        expiredMsg,
        /^the client certificate of user "expired-data" expired on 2020-01-02T00:00:00Z; renew it \(e\.g\. re-run your cloud CLI's get-credentials/,
      );
      // Still valid on its last day: only "after notAfter" is expired.
      assert.equal(clientCertificateProblem(expired.clientCertificate, new Date('2020-01-01T12:00:00Z')), undefined);

      const future = loadKubeconfig({ kubeconfig: file, context: 'future-file' });
      const futureMsg = clientCertificateProblem(future.clientCertificate, now) ?? '';
      assert.match(
        futureMsg,
        /^the client certificate of user "future-file" is not valid before 2099-01-01T00:00:00Z; check this machine's clock/,
      );

      const valid = loadKubeconfig({ kubeconfig: file, context: 'valid' });
      assert.ok(valid.clientCertificate !== undefined && valid.clientCertificate.notAfter.getTime() > Date.now());
      assert.equal(clientCertificateProblem(valid.clientCertificate), undefined);
      // Unparseable certificate data and token users: no validity, no problem, no throw.
      assert.equal(loadKubeconfig({ kubeconfig: file, context: 'garbage' }).clientCertificate, undefined);
      assert.equal(loadKubeconfig({ kubeconfig: file, context: 'tok' }).clientCertificate, undefined);
      assert.equal(clientCertificateProblem(undefined, now), undefined);

      for (const msg of [expiredMsg, futureMsg]) {
        for (const f of ['old-user.key', 'future-user.key', 'old-user.crt', 'future-user.crt'])
          assert.ok(!msg.includes(keyBody(f)), `${f} material in the message`);
        assert.ok(!msg.includes('BEGIN'), 'PEM in the message');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);
