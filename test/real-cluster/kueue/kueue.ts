/**
 * A real Kueue v0.19.2 (built from sigs.k8s.io/kueue by scripts/kueue/build.sh) on a running test cluster
 * (test/real-cluster/harness.ts), everything on 127.0.0.1:
 *
 *   const c = await startCluster({ nodes: [...] });
 *   const k = await startKueue(c);
 *   try { ... } finally { await k.stop(); await c.stop(); }
 *
 * What it does, in order: server-side applies Kueue's CRDs of the same version (copied next to the binary from the
 * module zip); writes Kueue's Configuration (internal certificate management off, the webhook server on 127.0.0.1 with
 * a serving certificate signed by the test cluster's CA, metrics off, health probes on a free loopback port, no leader
 * election, integrations [batch/job]) and runs Kueue with `--feature-gates=VisibilityOnDemand=false` (no visibility
 * API server). Once Kueue is ready, Kueue's 43 webhooks are installed with `clientConfig.url:
 * https://127.0.0.1:<port><path>` and the CA bundle instead of the in-cluster Service (envtest's trick). They are all
 * `failurePolicy: Fail` without selectors, so stop() removes them BEFORE it stops Kueue: left behind, they would refuse
 * every Job created in the cluster.
 *
 * The metrics-certificate quirk: with internal certificates off, Kueue's main exits unless
 * /etc/kueue/metrics/certs/tls.{crt,key} exist, metrics served or not. Kueue runs inside a private mount namespace
 * (`unshare -m --propagation private`) with an overlay over /etc whose upper layer is a temporary folder: the files
 * exist for Kueue only and the real /etc is untouched. That needs root (CAP_SYS_ADMIN); without it startKueue fails
 * with a message saying so.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Cluster, K8sObject } from '../harness';
import { defaultCacheRoot, freePorts, killProcessGroups, processGroupMembers, realClusterSkip, WaitAbort, waitFor } from '../harness';

// Keep in sync with scripts/kueue/build.sh.
export const KUEUE_VERSION = '0.19.2';

export function defaultKueueBinDir(): string {
  return process.env['KPL_KUEUE_BIN_DIR'] ?? path.join(defaultCacheRoot(), `kueue-v${KUEUE_VERSION}`, 'bin');
}

/**
 * The skip reason of a Kueue test (false = run): the cluster's own reason, or no Kueue build; KPL_REQUIRE_KUEUE=1
 * (set by `npm run test:kueue`) makes a missing build a failure instead.
 */
export function kueueSkip(): string | false {
  const cluster = realClusterSkip();
  if (cluster !== false) return cluster;
  if (!fs.existsSync(path.join(defaultKueueBinDir(), 'kueue')) && process.env['KPL_REQUIRE_KUEUE'] !== '1')
    return `no Kueue build in ${defaultKueueBinDir()}; run scripts/kueue/build.sh`;
  return false;
}

export interface KueueOptions {
  /** Fields merged into Kueue's Configuration (config.kueue.x-k8s.io/v1beta2), e.g. `fairSharing`, `waitForPodsReady`. */
  config?: Record<string, unknown>;
  /** Feature gates besides VisibilityOnDemand=false. */
  featureGates?: Record<string, boolean>;
  binDir?: string;
  log?: (msg: string) => void;
}

export interface Kueue {
  readonly pid: number;
  readonly webhookPort: number;
  readonly healthPort: number;
  /** Names of the webhooks installed (43 for v0.19.2). */
  readonly webhooks: readonly string[];
  /** Milliseconds per startup phase. */
  readonly timings: Readonly<Record<string, number>>;
  /** Kueue's log so far. */
  logText(): string;
  /** Remove the webhooks, stop Kueue (SIGTERM to its process group, SIGKILL after a grace period), remove its folder. */
  stop(): Promise<void>;
}

const MUTATING = 'kpl-kueue-mutating-webhook-configuration';
const VALIDATING = 'kpl-kueue-validating-webhook-configuration';
const KUEUE_NAMESPACE = 'kueue-system';

// Runs in the new mount namespace: overlay /etc, put the metrics certificate where Kueue's main looks, exec Kueue
// (same PID as the spawned unshare, which is the process group leader killed on stop).
const NAMESPACE_SCRIPT = [
  'set -e',
  'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc',
  'mkdir -p /etc/kueue/metrics/certs',
  'cp "$3/tls.crt" "$3/tls.key" /etc/kueue/metrics/certs/',
  'shift 3',
  'exec "$@"',
].join('\n');

const running = new Set<number>();
let exitHook = false;

/** Start Kueue on `cluster`; resolves once Kueue is ready and its webhooks answer. */
export async function startKueue(cluster: Cluster, opts: KueueOptions = {}): Promise<Kueue> {
  const binDir = opts.binDir ?? defaultKueueBinDir();
  const bin = path.join(binDir, 'kueue');
  const crdDir = path.join(binDir, 'kueue-config', 'crd');
  const webhookFile = path.join(binDir, 'kueue-config', 'webhooks.yaml');
  for (const f of [bin, crdDir, webhookFile])
    if (!fs.existsSync(f)) throw new Error(`Kueue build incomplete: ${f} is missing; run scripts/kueue/build.sh`);
  const log = opts.log ?? (process.env['KPL_CLUSTER_VERBOSE'] === '1' ? (m) => process.stderr.write(`[kueue] ${m}\n`) : () => {});
  const timings: Record<string, number> = {};
  const phase = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t0 = Date.now();
    const r = await f();
    timings[name] = Date.now() - t0;
    log(`${name}: ${timings[name]} ms`);
    return r;
  };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-kueue-'));
  const certDir = path.join(dir, 'certs');
  const upper = path.join(dir, 'etc-upper');
  const work = path.join(dir, 'etc-work');
  for (const d of [certDir, upper, work]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  let pid: number | undefined;
  let webhooksInstalled = false;
  const logFile = path.join(dir, 'kueue.log');
  const cleanup = async () => {
    try {
      if (webhooksInstalled) await removeWebhooks(cluster);
    } finally {
      // Kueue is stopped by PID even when removing the webhooks failed (the error still reaches the caller).
      if (pid !== undefined) {
        await killProcessGroups([pid], 10_000);
        running.delete(pid);
      }
      if (process.env['KPL_CLUSTER_KEEP_DIR'] !== '1') fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await phase('mount namespace probe', () => probeMountNamespace(upper, work));
    await phase('CRDs', () => applyCrds(cluster, crdDir));
    const ca = fs.readFileSync(path.join(cluster.dir, 'pki', 'ca.crt'), 'utf8');
    await phase('serving certificate', () => servingCertificate(path.join(cluster.dir, 'pki'), certDir));
    const [webhookPort, healthPort] = await freePorts(2);
    const configFile = path.join(dir, 'config.yaml');
    fs.writeFileSync(configFile, JSON.stringify(kueueConfiguration(webhookPort, healthPort, certDir, opts.config), null, 2));
    const gates = Object.entries({ VisibilityOnDemand: false, ...opts.featureGates })
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const out = fs.openSync(logFile, 'a');
    const child = spawn(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        '--',
        'sh',
        '-c',
        NAMESPACE_SCRIPT,
        'kueue-ns',
        upper,
        work,
        certDir,
        bin,
        `--config=${configFile}`,
        `--feature-gates=${gates}`,
      ],
      { detached: true, stdio: ['ignore', out, out], env: { ...process.env, KUBECONFIG: cluster.kubeconfig } },
    );
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error('could not spawn unshare');
    pid = child.pid;
    running.add(pid);
    installExitHook();
    let exited = '';
    child.on('exit', (code, signal) => (exited = `exit code ${code ?? ''}${signal ?? ''}`));
    const tailLog = () => fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    await phase('ready', () =>
      waitFor(
        async () => {
          if (exited !== '') throw new WaitAbort(`Kueue exited (${exited}):\n${tailLog()}`);
          const health = await get(`http://127.0.0.1:${healthPort}/readyz`);
          if (health.status !== 200) return false;
          // The webhook server answers TLS with the test CA's certificate (any HTTP status will do).
          return (await get(`https://127.0.0.1:${webhookPort}/`, ca)).status > 0;
        },
        120_000,
        { intervalMs: 300, description: `Kueue ready (readyz on 127.0.0.1:${healthPort}, webhooks on 127.0.0.1:${webhookPort})` },
      ),
    );
    const webhooks = await phase('webhooks', async () => {
      const names = await installWebhooks(cluster, webhookFile, webhookPort, ca);
      webhooksInstalled = true;
      await waitWebhooksServed(cluster);
      return names;
    });
    const stopOnce = { done: false };
    return {
      pid,
      webhookPort,
      healthPort,
      webhooks,
      timings,
      logText: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : ''),
      async stop() {
        if (stopOnce.done) return;
        stopOnce.done = true;
        await cleanup();
      },
    };
  } catch (e) {
    const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    await cleanup().catch(() => {});
    throw new Error(
      `${(e as Error).message}${text !== '' && !(e as Error).message.includes(text.slice(-200)) ? `\nKueue log tail:\n${text.split('\n').slice(-20).join('\n')}` : ''}`,
    );
  }
}

function installExitHook(): void {
  if (exitHook) return;
  exitHook = true;
  // Last resort when the test process dies without stop(): the cluster goes down with it, so its webhooks matter no more.
  process.on('exit', () => {
    for (const pid of running) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** The mount-namespace trick needs CAP_SYS_ADMIN: try it once with the same overlay, so the failure is clear. */
function probeMountNamespace(upper: string, work: string): void {
  const r = spawnSync(
    'unshare',
    [
      '-m',
      '--propagation',
      'private',
      '--',
      'sh',
      '-c',
      'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc',
      'probe',
      upper,
      work,
    ],
    {
      encoding: 'utf8',
    },
  );
  if (r.error !== undefined || r.status !== 0) {
    throw new Error(
      'Kueue cannot run here: it needs a private mount namespace with an overlay over /etc (for its metrics certificate ' +
        `quirk), and \`unshare -m\` + \`mount -t overlay\` failed (root or CAP_SYS_ADMIN needed): ${(r.error?.message ?? r.stderr).trim()}`,
    );
  }
}

async function applyCrds(cluster: Cluster, crdDir: string): Promise<void> {
  // Too large for client-side apply (the last-applied annotation): server-side.
  const r = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', crdDir], undefined, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`applying Kueue's CRDs failed: ${r.stderr.trim()}`);
  const w = await cluster.kubectl(['wait', '--for=condition=Established', '--timeout=60s', '-f', crdDir], undefined, { timeoutMs: 90_000 });
  if (w.code !== 0) throw new Error(`Kueue's CRDs not established: ${w.stderr.trim()}`);
  await cluster.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: KUEUE_NAMESPACE } }));
}

/** tls.{crt,key} for 127.0.0.1, signed by the test cluster's CA (pki/ca.{crt,key}, scripts/cluster/pki.sh). */
function servingCertificate(pkiDir: string, certDir: string): void {
  const ext = path.join(certDir, 'ext.cnf');
  fs.writeFileSync(
    ext,
    [
      'basicConstraints = critical,CA:FALSE',
      'keyUsage = critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage = serverAuth',
      'subjectAltName = IP:127.0.0.1',
      '',
    ].join('\n'),
  );
  const key = path.join(certDir, 'tls.key');
  const csr = path.join(certDir, 'tls.csr');
  const crt = path.join(certDir, 'tls.crt');
  const steps: string[][] = [
    [
      'req',
      '-new',
      '-nodes',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-subj',
      '/CN=kueue-webhook',
      '-keyout',
      key,
      '-out',
      csr,
    ],
    ['x509', '-req', '-sha256', '-days', '30', '-in', csr, '-CA', path.join(pkiDir, 'ca.crt'), '-CAkey', path.join(pkiDir, 'ca.key')],
  ];
  steps[1]?.push('-CAcreateserial', '-CAserial', path.join(certDir, 'ca.srl'), '-extfile', ext, '-out', crt);
  for (const args of steps) {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0] ?? ''} failed: ${r.stderr}`);
  }
  fs.chmodSync(key, 0o600);
}

export function kueueConfiguration(
  webhookPort: number,
  healthPort: number,
  certDir: string,
  extra: Record<string, unknown> = {},
): K8sObject {
  return {
    apiVersion: 'config.kueue.x-k8s.io/v1beta2',
    kind: 'Configuration',
    namespace: KUEUE_NAMESPACE,
    health: { healthProbeBindAddress: `127.0.0.1:${healthPort}` },
    metrics: { bindAddress: '0' },
    webhook: { host: '127.0.0.1', port: webhookPort, certDir },
    leaderElection: { leaderElect: false },
    internalCertManagement: { enable: false },
    integrations: { frameworks: ['batch/job'] },
    ...extra,
  };
}

/** Kueue's webhook configurations of its own version, pointed at 127.0.0.1 with the test CA; returns the webhook names. */
async function installWebhooks(cluster: Cluster, file: string, port: number, caPem: string): Promise<string[]> {
  const caBundle = Buffer.from(caPem).toString('base64');
  const names: string[] = [];
  const items: K8sObject[] = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const o = doc.toJS() as K8sObject | null;
    if (o === null || o === undefined) continue;
    if (o.kind !== 'MutatingWebhookConfiguration' && o.kind !== 'ValidatingWebhookConfiguration')
      throw new Error(`unexpected ${String(o.kind)} in ${file}`);
    o.metadata = { name: o.kind === 'MutatingWebhookConfiguration' ? MUTATING : VALIDATING };
    for (const w of o.webhooks as K8sObject[]) {
      const p = w.clientConfig?.service?.path;
      if (typeof p !== 'string') throw new Error(`webhook ${String(w.name)} has no service path`);
      w.clientConfig = { url: `https://127.0.0.1:${port}${p}`, caBundle };
      names.push(String(w.name));
    }
    items.push(o);
  }
  await cluster.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  return names;
}

/** The apiserver picks webhook configurations up from an informer: wait until Kueue's Job defaulting is in force. */
async function waitWebhooksServed(cluster: Cluster): Promise<void> {
  const probe = JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'kpl-kueue-webhook-probe', namespace: 'default', labels: { 'kueue.x-k8s.io/queue-name': 'kpl-probe' } },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10' }] } } },
  });
  await waitFor(
    async () => {
      const r = await cluster.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], probe);
      if (r.code !== 0) throw new Error(r.stderr.trim());
      return (JSON.parse(r.stdout) as K8sObject).spec?.suspend === true;
    },
    30_000,
    { intervalMs: 300, description: "Kueue's Job webhook in force (a server dry-run Job with a queue name comes back suspended)" },
  );
}

async function removeWebhooks(cluster: Cluster): Promise<void> {
  const args = ['delete', `mutatingwebhookconfiguration/${MUTATING}`, `validatingwebhookconfiguration/${VALIDATING}`, '--ignore-not-found'];
  const r = await cluster.kubectl(args, undefined, { timeoutMs: 30_000 });
  // With the apiserver gone (a failed start), the cluster goes down too: nothing is left to protect.
  if (r.code !== 0 && !/connection refused|Unable to connect/.test(r.stderr))
    throw new Error(`removing Kueue's webhooks failed: ${r.stderr.trim()}`);
}

function get(url: string, ca?: string): Promise<{ status: number }> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const done = (status: number) => resolve({ status });
    const onRes = (res: http.IncomingMessage) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    };
    const req =
      u.protocol === 'https:'
        ? https.get(u, { ca, timeout: 3000, agent: false }, onRes)
        : http.get(u, { timeout: 3000, agent: false }, onRes);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(0));
  });
}

/** Is Kueue's process group still alive (for tests that check stop())? */
export function kueueAlive(k: Kueue): boolean {
  return processGroupMembers(k.pid).length > 0;
}
