/**
 * Real-cluster test bed: etcd + kube-apiserver + kube-controller-manager + kube-scheduler
 * (built from k8s.io/kubernetes by scripts/cluster/build.sh) with KWOK faking the nodes and
 * kubelets. Everything listens on 127.0.0.1, on free ports picked per run.
 *
 * Only Node built-ins are used; the project build bundles this file with esbuild.
 *
 *   const c = await startCluster({ nodes: [{ name: 'node-a', cpu: 4, memory: '8Gi' }] });
 *   try { await c.apply(yaml); ... } finally { await c.stop(); }
 *
 * `attachCluster(dir)` uses a cluster started elsewhere (`cli.ts up`); `stopClusterDir(dir)` stops it.
 * See scripts/cluster/README.md for the build, the measured times and the observed facts.
 *
 * KWOK behaviour (see test/real-cluster/build/kwok/stagesgen): bound pods become Running/Ready at
 * once, pods with a deletionTimestamp are deleted with grace 0 (like a kubelet confirming the
 * kill), and pods owned by a Job stay Running for ever unless they carry the annotation
 * `kube-priority-lens.test/complete: "true"` (then they succeed at once).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

// Keep in sync with scripts/cluster/build.sh.
export const VERSIONS = { kubernetes: '1.36.3', etcd: '3.6.16', kwok: '0.8.0' } as const;

/** Annotation that lets KWOK complete a Job's pod (otherwise it runs until deleted). */
export const COMPLETE_ANNOTATION = 'kube-priority-lens.test/complete';

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

export interface NodeTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface NodeSpec {
  name: string;
  /** CPU capacity, e.g. 4 or "3500m". */
  cpu: number | string;
  /** Memory capacity, e.g. "8Gi". */
  memory: string;
  /** Max pods, default 110. */
  pods?: number;
  labels?: Record<string, string>;
  taints?: NodeTaint[];
  /** Allocatable if different from capacity (default: same as capacity). */
  allocatable?: { cpu?: number | string; memory?: string; pods?: number };
}

export interface StartOptions {
  nodes: NodeSpec[];
  /** Write an audit log (policy: Metadata level for every request) to `auditLogPath`. */
  auditLog?: boolean;
  /** Run directory (PKI, kubeconfigs, etcd data, logs, state.json). Default: a new temp dir. A stale cluster found there is stopped first. */
  dir?: string;
  /** Directory with the built binaries. Default: KPL_CLUSTER_BIN_DIR or the build.sh cache. */
  binDir?: string;
  /** Leave the processes running when this Node process exits (used by `cli.ts up`). */
  detached?: boolean;
  /** Keep the run dir after stop() (for debugging). Also KPL_CLUSTER_KEEP_DIR=1. */
  keepDir?: boolean;
  /** Progress messages; default: to stderr when KPL_CLUSTER_VERBOSE=1. */
  log?: (msg: string) => void;
  /** Extra flags per component. */
  extraArgs?: Partial<Record<ComponentName, string[]>>;
  /**
   * Fields of a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1, e.g. `profiles`, `enableProfiling`): the
   * scheduler then runs with `--config`, which makes it ignore its client and profiling flags, so the file carries them.
   */
  schedulerConfig?: Record<string, unknown>;
  /** KWOK's `KwokConfiguration` options (e.g. `podPlayStageParallelism`), in a config file next to the stages. */
  kwokOptions?: Record<string, unknown>;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Loosely typed Kubernetes object as returned by `kubectl get -o json`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: K8sObject;
  /** Date.now() when received. */
  at: number;
}

export interface Watch {
  /** Every event received so far, in order. */
  readonly events: WatchEvent[];
  /** Resolve with the first event (past or future) matching `pred`. */
  waitFor(pred: (e: WatchEvent) => boolean, timeoutMs?: number, description?: string): Promise<WatchEvent>;
  stop(): Promise<void>;
}

export type UserScope = { kind: 'namespace-scoped'; namespace: string } | { kind: 'read-only' };

export interface Cluster {
  readonly dir: string;
  /** Admin kubeconfig (client cert in system:masters), certificates embedded. */
  readonly kubeconfig: string;
  readonly server: string;
  readonly binDir: string;
  readonly ports: Readonly<Record<'etcdClient' | 'etcdPeer' | 'apiserver' | 'kcm' | 'scheduler', number>>;
  /** Path of the audit log when started with auditLog: true. */
  readonly auditLogPath: string | undefined;
  readonly nodes: readonly NodeSpec[];
  /** Milliseconds per startup phase. */
  readonly timings: Readonly<Record<string, number>>;
  /** Run the built kubectl with the admin kubeconfig (or opts.kubeconfig). Never throws on a non-zero exit. */
  kubectl(args: string[], input?: string, opts?: { kubeconfig?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** `kubectl apply -f -`; throws on failure. Returns kubectl's stdout. */
  apply(yaml: string, opts?: { kubeconfig?: string; timeoutMs?: number }): Promise<string>;
  /** `kubectl get <args> -o json`, parsed; throws on failure (including NotFound). */
  getJson(resourceArgs: string[], opts?: { kubeconfig?: string }): Promise<K8sObject>;
  /** Like getJson but resolves undefined on NotFound. */
  tryGetJson(resourceArgs: string[], opts?: { kubeconfig?: string }): Promise<K8sObject | undefined>;
  /** `kubectl get <args> --watch --output-watch-events -o json`, collected (starts with ADDED for existing objects). */
  watch(resourceArgs: string[], opts?: { kubeconfig?: string }): Promise<Watch>;
  /** Client-certificate user (CN=name) with read access, returns the path of its kubeconfig. */
  createUser(name: string, scope: UserScope, opts?: { groups?: string[] }): Promise<string>;
  stopApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  restartApiserver(): Promise<void>;
  /** Pids (= process group ids) of the running components. */
  pids(): Partial<Record<ComponentName, number>>;
  /** Stop every process (SIGTERM to each process group, SIGKILL after a grace period) and remove the run dir. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Throw this from a waitFor predicate to stop waiting at once (other errors mean "not yet"). */
export class WaitAbort extends Error {}

/**
 * Poll `predicate` until it returns a truthy value (which is returned) or `timeoutMs` passes.
 * Exceptions thrown by the predicate count as "not yet" (the last one is reported on timeout),
 * except WaitAbort, which is rethrown at once.
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  timeoutMs = 30_000,
  opts: { intervalMs?: number; description?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  const interval = opts.intervalMs ?? 250;
  let lastErr: unknown;
  let lastValue: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v;
      lastValue = v;
    } catch (e) {
      if (e instanceof WaitAbort) throw e;
      lastErr = e;
    }
    if (Date.now() >= deadline) {
      const what = opts.description ?? 'condition';
      const detail = lastErr
        ? // eslint-disable-next-line @typescript-eslint/no-base-to-string -- last error of any kind, for the timeout message
          `; last error: ${lastErr instanceof Error ? lastErr.message : String(lastErr)}`
        : `; last value: ${JSON.stringify(lastValue)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}

export function defaultCacheRoot(): string {
  if (process.env.KPL_CLUSTER_CACHE) return process.env.KPL_CLUSTER_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'kube-priority-lens');
}

export function defaultBinDir(): string {
  if (process.env.KPL_CLUSTER_BIN_DIR) return process.env.KPL_CLUSTER_BIN_DIR;
  return path.join(defaultCacheRoot(), `k8s-v${VERSIONS.kubernetes}-etcd-v${VERSIONS.etcd}-kwok-v${VERSIONS.kwok}`, 'bin');
}

/** Default run dir for `cli.ts up`. */
export function defaultRunDir(): string {
  return path.join(defaultCacheRoot(), 'run');
}

/** Find a file of this repository (scripts/cluster/pki.sh) from the bundle location or the cwd. */
export function findRepoFile(rel: string): string {
  const starts: string[] = [];
  if (process.env.KPL_REPO_ROOT) starts.push(process.env.KPL_REPO_ROOT);
  if (typeof __dirname === 'string') starts.push(__dirname);
  starts.push(process.cwd());
  for (const s of starts) {
    let d = path.resolve(s);
    for (;;) {
      const p = path.join(d, rel);
      if (fs.existsSync(p)) return p;
      const up = path.dirname(d);
      if (up === d) break;
      d = up;
    }
  }
  throw new Error(`cannot find ${rel} above ${starts.join(', ')} (set KPL_REPO_ROOT)`);
}

// ---------------------------------------------------------------------------------------------
// Real VS Code on the real cluster: the suites that run an extension-host suite (test/e2e/suite/*) against a cluster
// started here (vscode-live, vscode-demo, after-the-fact) share the skip rule and the run below.

/** Is the e2e harness's code-server installed (scripts/e2e/install-code-server.sh)? */
export function codeServerPresent(): boolean {
  const dir =
    process.env['KPL_CODE_SERVER_DIR'] ??
    path.join(process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'kube-priority-lens', 'code-server');
  return fs.existsSync(process.env['CODE_SERVER_ENTRY'] ?? path.join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'));
}

/**
 * The skip reason of a real-cluster test (false = run): without the control plane binaries, and with `vscode` without
 * code-server, unless KPL_REQUIRE_CLUSTER=1 / KPL_REQUIRE_VSCODE=1 make the missing piece a failure instead.
 */
export function realClusterSkip(opts: { vscode?: boolean } = {}): string | false {
  if (!fs.existsSync(path.join(defaultBinDir(), 'kube-apiserver')) && process.env['KPL_REQUIRE_CLUSTER'] !== '1')
    return `no cluster binaries in ${defaultBinDir()}; run scripts/cluster/build.sh`;
  if (opts.vscode === true && !codeServerPresent() && process.env['KPL_REQUIRE_VSCODE'] !== '1')
    return 'code-server is not installed; run scripts/e2e/install-code-server.sh';
  return false;
}

export interface ExtensionHostRun {
  code: number;
  out: string;
  /** The suite's closing line `e2e[extension-host, live cluster]: N passed, M failed`, if printed. */
  passed?: number;
  failed?: number;
  /** The lines worth a test diagnostic: results, failures, `e2e[…]` lines (timings among them). */
  log: string;
}

/**
 * Starts real VS Code (code-server + the e2e harness, test/e2e/run-tests.js) with the extension-host suite that the
 * setup file names (KPL_E2E_LIVE = `setup` written to `<work>/setup.json`); the cluster test plays its part meanwhile.
 * KUBECONFIG is removed: the suite points the extension at the cluster through its settings, as a user would.
 */
export function runExtensionHostSuite(
  setup: Record<string, unknown>,
  work: string,
  env: NodeJS.ProcessEnv = {},
): { done: Promise<ExtensionHostRun>; exited(): boolean } {
  const root = path.dirname(findRepoFile('esbuild.mjs'));
  const setupFile = path.join(work, 'setup.json');
  fs.writeFileSync(setupFile, JSON.stringify(setup));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, KPL_E2E_LIVE: setupFile, E2E_TIMEOUT_MS: '500000', ...env };
  delete childEnv['KUBECONFIG'];
  let exited = false;
  const done = new Promise<ExtensionHostRun>((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'test', 'e2e', 'run-tests.js')], {
      cwd: root,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (code) => {
      exited = true;
      const summary = [...out.matchAll(/^\s*e2e\[extension-host, live cluster\]: (\d+) passed, (\d+) failed/gm)].pop();
      const log = out
        .split('\n')
        .filter((l) => /passing|failing|✔|✓|[0-9]+\) |e2e\[|Error|assert/i.test(l))
        .join('\n');
      resolve({
        code: code ?? -1,
        out,
        log,
        ...(summary !== undefined ? { passed: Number(summary[1]), failed: Number(summary[2]) } : {}),
      });
    });
  });
  return { done, exited: () => exited };
}

/** Ask the OS for `n` distinct free TCP ports on 127.0.0.1. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => resolve());
      });
      ports.push((s.address() as net.AddressInfo).port);
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
  return ports;
}

interface HttpResult {
  status: number;
  body: string;
}

function httpGet(url: string, opts: { ca?: string; insecure?: boolean; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.get(u, { ca: opts.ca, rejectUnauthorized: !opts.insecure, timeout: opts.timeoutMs ?? 3000, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout GET ${url}`)));
    req.on('error', reject);
  });
}

function tail(file: string, lines = 40): string {
  try {
    const all = fs.readFileSync(file, 'utf8').split('\n');
    return all.slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------
// Process groups (Linux /proc based; each component is spawned detached = its own process group)

interface ProcStat {
  pid: number;
  state: string;
  pgrp: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { pid, state: rest[0], pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** Live (non-zombie) processes in process group `pgid`. */
export function processGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    // Not Linux: fall back to kill(0).
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const st = readStat(Number(e));
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') out.push(st.pid);
  }
  return out;
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** SIGTERM every group, wait up to graceMs, SIGKILL what is left, wait until all are gone. */
export async function killProcessGroups(pgids: number[], graceMs = 10_000): Promise<void> {
  const alive = () => pgids.filter((g) => processGroupMembers(g).length > 0);
  for (const g of alive()) signalGroup(g, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive().length > 0 && Date.now() < deadline) await sleep(100);
  const left = alive();
  for (const g of left) signalGroup(g, 'SIGKILL');
  const killDeadline = Date.now() + 10_000;
  while (alive().length > 0) {
    if (Date.now() > killDeadline) throw new Error(`processes still alive after SIGKILL: groups ${alive().join(', ')}`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------
// State file (lets `cli.ts down` stop a cluster started by another process)

interface ProcState {
  name: ComponentName;
  pid: number;
  bin: string;
  args: string[];
  log: string;
}

export interface ClusterState {
  version: 1;
  dir: string;
  kubeconfig: string;
  server: string;
  binDir: string;
  ports: Cluster['ports'];
  auditLogPath?: string;
  ownerPid: number;
  detached: boolean;
  createdAt: string;
  nodes?: NodeSpec[];
  procs: ProcState[];
}

function stateFile(dir: string): string {
  return path.join(dir, 'state.json');
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Stop order: clients first, then the apiserver, then etcd. */
const STOP_PHASES: ComponentName[][] = [['kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']];

/** Is `pid` still the process we started (its own group leader, running our binary)? */
function isOurProcess(p: ProcState): boolean {
  const st = readStat(p.pid);
  if (!st || st.state === 'Z' || st.pgrp !== p.pid) return false;
  try {
    const cmd = fs.readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0')[0];
    return cmd === p.bin;
  } catch {
    return false;
  }
}

/** Stop a cluster from its run dir's state.json (any process may call this) and remove the dir. */
export async function stopClusterDir(dir: string, opts: { keepDir?: boolean } = {}): Promise<boolean> {
  const st = readState(dir);
  let found = false;
  if (st) {
    const ours = st.procs.filter(isOurProcess);
    found = ours.length > 0;
    for (const phase of STOP_PHASES) {
      await killProcessGroups(
        ours.filter((p) => phase.includes(p.name)).map((p) => p.pid),
        10_000,
      );
    }
  }
  if (!opts.keepDir && fs.existsSync(dir)) {
    // Only remove directories that look like ours.
    if (st || fs.existsSync(path.join(dir, 'pki'))) fs.rmSync(dir, { recursive: true, force: true });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Stream splitter for kubectl's concatenated (pretty-printed) JSON objects

class JsonStreamSplitter {
  private buf = '';
  private depth = 0;
  private inString = false;
  private escape = false;
  private start = -1;
  private pos = 0;

  push(chunk: string): string[] {
    this.buf += chunk;
    const out: string[] = [];
    for (; this.pos < this.buf.length; this.pos++) {
      const ch = this.buf[this.pos];
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === '\\') this.escape = true;
        else if (ch === '"') this.inString = false;
        continue;
      }
      if (ch === '"') this.inString = true;
      else if (ch === '{') {
        if (this.depth === 0) this.start = this.pos;
        this.depth++;
      } else if (ch === '}') {
        this.depth--;
        if (this.depth === 0 && this.start >= 0) {
          out.push(this.buf.slice(this.start, this.pos + 1));
          this.start = -1;
        }
      }
    }
    if (this.depth === 0) {
      this.buf = '';
      this.pos = 0;
    } else if (this.start > 0) {
      this.buf = this.buf.slice(this.start);
      this.pos -= this.start;
      this.start = 0;
    }
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// Registry of clusters owned by this process, killed on exit/signals unless detached

const live = new Set<ClusterImpl>();
let hooksInstalled = false;

function emergencyStop(): void {
  for (const c of live) c.killSync();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', emergencyStop);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      emergencyStop();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

// ---------------------------------------------------------------------------------------------
// The cluster

interface RunningProc extends ProcState {
  /** Absent for a cluster attached from its state file. */
  child?: ChildProcess;
  exited: boolean;
  exitInfo?: string;
}

function isExited(rp: RunningProc): boolean {
  if (rp.child) return rp.exited;
  return processGroupMembers(rp.pid).length === 0;
}

function yamlKubeconfig(server: string, caPem: string, certPem: string, keyPem: string, user: string, namespace?: string): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const cfg = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'kpl-test', cluster: { server, 'certificate-authority-data': b64(caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(certPem), 'client-key-data': b64(keyPem) } }],
    contexts: [{ name: `kpl-test-${user}`, context: { cluster: 'kpl-test', user, ...(namespace ? { namespace } : {}) } }],
    'current-context': `kpl-test-${user}`,
    preferences: {},
  };
  // JSON is valid YAML; kubectl and @kubernetes/client-node read it.
  return JSON.stringify(cfg, null, 2) + '\n';
}

function nodeObject(n: NodeSpec): K8sObject {
  const capacity = { cpu: String(n.cpu), memory: n.memory, pods: String(n.pods ?? 110) };
  const allocatable = {
    cpu: String(n.allocatable?.cpu ?? capacity.cpu),
    memory: n.allocatable?.memory ?? capacity.memory,
    pods: String(n.allocatable?.pods ?? capacity.pods),
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        type: 'kwok',
        ...(n.labels ?? {}),
      },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    spec: { ...(n.taints && n.taints.length > 0 ? { taints: n.taints } : {}) },
    status: { capacity, allocatable },
  };
}

class ClusterImpl implements Cluster {
  readonly kubeconfig: string;
  readonly server: string;
  readonly auditLogPath: string | undefined;
  readonly timings: Record<string, number> = {};
  private procs = new Map<ComponentName, RunningProc>();
  private watches = new Set<Watch>();
  private stopped = false;
  private readonly pkiDir: string;
  private readonly logDir: string;
  private readonly homeDir: string;
  private readonly kubectlCache: string;
  private readonly log: (m: string) => void;

  constructor(
    readonly dir: string,
    readonly binDir: string,
    readonly ports: Cluster['ports'],
    readonly nodes: readonly NodeSpec[],
    private readonly opts: StartOptions,
  ) {
    this.kubeconfig = path.join(dir, 'admin.kubeconfig');
    this.server = `https://127.0.0.1:${ports.apiserver}`;
    this.auditLogPath = opts.auditLog ? path.join(dir, 'audit.log') : undefined;
    this.pkiDir = path.join(dir, 'pki');
    this.logDir = path.join(dir, 'logs');
    this.homeDir = path.join(dir, 'home');
    this.kubectlCache = path.join(dir, 'kubectl-cache');
    this.log = opts.log ?? (process.env.KPL_CLUSTER_VERBOSE === '1' ? (m) => process.stderr.write(`[cluster] ${m}\n`) : () => {});
  }

  private bin(name: string): string {
    return path.join(this.binDir, name);
  }

  // ---- component args

  private argsFor(name: ComponentName): string[] {
    const p = this.pkiDir;
    const kc = this.kubeconfig;
    const extra = this.opts.extraArgs?.[name] ?? [];
    // kube-controller-manager and kube-scheduler authenticate, bind and serve the same way; only port and cert dir differ.
    const controllerArgs = (port: number, certDir: string): string[] => [
      `--kubeconfig=${kc}`,
      `--authentication-kubeconfig=${kc}`,
      `--authorization-kubeconfig=${kc}`,
      '--leader-elect=false',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${path.join(this.dir, certDir)}`,
      // Client rate limits raised from 20 requests/s (burst 30): building a bed of thousands of pods (bench:live) is
      // otherwise throttled by the client, not by the control plane.
      '--kube-api-qps=300',
      '--kube-api-burst=600',
    ];
    switch (name) {
      case 'etcd': {
        const client = `http://127.0.0.1:${this.ports.etcdClient}`;
        const peer = `http://127.0.0.1:${this.ports.etcdPeer}`;
        return [
          '--name=kpl-test',
          `--data-dir=${path.join(this.dir, 'etcd')}`,
          `--listen-client-urls=${client}`,
          `--advertise-client-urls=${client}`,
          `--listen-peer-urls=${peer}`,
          `--initial-advertise-peer-urls=${peer}`,
          `--initial-cluster=kpl-test=${peer}`,
          '--unsafe-no-fsync',
          '--quota-backend-bytes=2147483648',
          '--auto-compaction-retention=1',
          '--log-level=warn',
          ...extra,
        ];
      }
      case 'kube-apiserver': {
        const a = [
          `--etcd-servers=http://127.0.0.1:${this.ports.etcdClient}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${this.ports.apiserver}`,
          '--advertise-address=127.0.0.1',
          '--endpoint-reconciler-type=none',
          `--cert-dir=${path.join(this.dir, 'apiserver-certs')}`,
          `--tls-cert-file=${p}/apiserver.crt`,
          `--tls-private-key-file=${p}/apiserver.key`,
          `--client-ca-file=${p}/ca.crt`,
          '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
          `--service-account-key-file=${p}/sa.pub`,
          `--service-account-signing-key-file=${p}/sa.key`,
          '--service-cluster-ip-range=10.96.0.0/16',
          '--authorization-mode=RBAC',
          '--enable-admission-plugins=Priority',
          '--disable-admission-plugins=ServiceAccount',
          '--allow-privileged=true',
          '--profiling=false',
          // Without this a SIGTERM waits up to 60 s for the controllers' open watches.
          '--shutdown-watch-termination-grace-period=2s',
          '--v=1',
        ];
        if (this.auditLogPath) {
          a.push(
            `--audit-policy-file=${path.join(this.dir, 'audit-policy.yaml')}`,
            `--audit-log-path=${this.auditLogPath}`,
            '--audit-log-format=json',
            '--audit-log-mode=blocking',
          );
        }
        return [...a, ...extra];
      }
      case 'kube-controller-manager':
        return [
          ...controllerArgs(this.ports.kcm, 'kcm-certs'),
          `--root-ca-file=${p}/ca.crt`,
          `--service-account-private-key-file=${p}/sa.key`,
          '--profiling=false',
          '--v=1',
          ...extra,
        ];
      case 'kube-scheduler':
        return [
          ...controllerArgs(this.ports.scheduler, 'scheduler-certs'),
          '--profiling=false',
          '--v=2',
          ...this.schedulerConfigArgs(),
          ...extra,
        ];
      case 'kwok':
        return [
          `--kubeconfig=${kc}`,
          `--config=${[this.bin('kwok-stages.yaml'), ...this.kwokConfigFile()].join(',')}`,
          '--manage-all-nodes=true',
          '--node-lease-duration-seconds=40',
          '--cidr=10.244.0.0/16',
          ...extra,
        ];
    }
  }

  /** `--config` with the options' scheduler configuration, written into the run dir (same client settings as the flags). */
  private schedulerConfigArgs(): string[] {
    if (this.opts.schedulerConfig === undefined) return [];
    const file = path.join(this.dir, 'scheduler-config.json');
    const cfg = {
      apiVersion: 'kubescheduler.config.k8s.io/v1',
      kind: 'KubeSchedulerConfiguration',
      clientConnection: { kubeconfig: this.kubeconfig, qps: 300, burst: 600 },
      leaderElection: { leaderElect: false },
      enableProfiling: false,
      ...this.opts.schedulerConfig,
    };
    fs.writeFileSync(file, `${JSON.stringify(cfg, null, 2)}\n`);
    return [`--config=${file}`];
  }

  /** The KWOK options file, written into the run dir when the options ask for one. */
  private kwokConfigFile(): string[] {
    if (this.opts.kwokOptions === undefined) return [];
    const file = path.join(this.dir, 'kwok-config.json');
    // KWOK does not default a configuration read from a file (a parallelism left out is 0 and fatal): its defaults
    // (v0.8.0 zz_generated.defaults.go) first, the flags still override what they set.
    const defaults = {
      enableDebuggingHandlers: true,
      enableContentionProfiling: false,
      enableProfilingHandler: true,
      podPlayStageParallelism: 4,
      nodePlayStageParallelism: 4,
      nodeLeaseParallelism: 4,
      podsOnNodeSyncParallelism: 1,
      enablePodsOnNodeSyncListPager: true,
      enablePodsOnNodeSyncStreamWatch: false,
    };
    const cfg = {
      apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
      kind: 'KwokConfiguration',
      options: { ...defaults, ...this.opts.kwokOptions },
    };
    fs.writeFileSync(file, `${JSON.stringify(cfg, null, 2)}\n`);
    return [file];
  }

  // ---- process control

  private spawnComponent(name: ComponentName): RunningProc {
    const bin = this.bin(name);
    const args = this.argsFor(name);
    const log = path.join(this.logDir, `${name}.log`);
    const fd = fs.openSync(log, 'a');
    let child: ChildProcess;
    try {
      child = spawn(bin, args, {
        cwd: this.dir,
        detached: true, // own process group, killed as a group
        stdio: ['ignore', fd, fd],
        env: { ...process.env, HOME: this.homeDir, KUBECONFIG: this.kubeconfig },
      });
    } finally {
      fs.closeSync(fd);
    }
    if (child.pid === undefined) throw new Error(`failed to spawn ${bin}`);
    const rp: RunningProc = { name, pid: child.pid, bin, args, log, child, exited: false };
    child.on('exit', (code, signal) => {
      rp.exited = true;
      rp.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
    });
    child.on('error', (e) => {
      rp.exited = true;
      rp.exitInfo = `spawn error ${e.message}`;
    });
    if (this.opts.detached) child.unref();
    this.procs.set(name, rp);
    this.writeState();
    this.log(`started ${name} pid ${rp.pid}`);
    return rp;
  }

  private writeState(): void {
    const st: ClusterState = {
      version: 1,
      dir: this.dir,
      kubeconfig: this.kubeconfig,
      server: this.server,
      binDir: this.binDir,
      ports: this.ports,
      ...(this.auditLogPath ? { auditLogPath: this.auditLogPath } : {}),
      ownerPid: process.pid,
      detached: !!this.opts.detached,
      createdAt: new Date().toISOString(),
      nodes: [...this.nodes],
      procs: [...this.procs.values()].map(({ name, pid, bin, args, log }) => ({ name, pid, bin, args, log })),
    };
    fs.writeFileSync(stateFile(this.dir) + '.tmp', JSON.stringify(st, null, 2));
    fs.renameSync(stateFile(this.dir) + '.tmp', stateFile(this.dir));
  }

  private async waitHealthy(name: ComponentName, url: string, opts: { ca?: string; insecure?: boolean }, timeoutMs: number): Promise<void> {
    const rp = this.procs.get(name);
    if (!rp) throw new Error(`${name} not started`);
    try {
      await waitFor(
        async () => {
          if (isExited(rp)) throw new WaitAbort(`${name} exited (${rp.exitInfo ?? 'gone'})`);
          const r = await httpGet(url, opts);
          return r.status === 200;
        },
        timeoutMs,
        { intervalMs: 200, description: `${name} ${url}` },
      );
    } catch (e) {
      throw new Error(`${name} did not become healthy: ${(e as Error).message}\n--- ${rp.log} (tail) ---\n${tail(rp.log)}`);
    }
  }

  private async time<T>(phase: string, fn: () => Promise<T>): Promise<T> {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      this.timings[phase] = Date.now() - t;
      this.log(`${phase}: ${this.timings[phase]} ms`);
    }
  }

  logsContain(re: RegExp): boolean {
    for (const p of this.procs.values()) {
      try {
        if (re.test(fs.readFileSync(p.log, 'utf8'))) return true;
      } catch {
        /* no log */
      }
    }
    return false;
  }

  /** Adopt the processes of a cluster started by another process (state.json). */
  adopt(st: ClusterState): void {
    for (const p of st.procs) if (isOurProcess(p)) this.procs.set(p.name, { ...p, exited: false });
  }

  async start(): Promise<void> {
    const t0 = Date.now();
    for (const d of [this.logDir, this.homeDir, this.kubectlCache]) fs.mkdirSync(d, { recursive: true });
    if (!this.opts.detached) {
      live.add(this);
      installHooks();
    }
    await this.time('pki', async () => {
      const r = spawnSync('bash', [findRepoFile('scripts/cluster/pki.sh'), 'init', this.pkiDir], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`pki.sh init failed: ${r.stderr || r.error}`);
      const rd = (f: string) => fs.readFileSync(path.join(this.pkiDir, f), 'utf8');
      fs.writeFileSync(this.kubeconfig, yamlKubeconfig(this.server, rd('ca.crt'), rd('admin.crt'), rd('admin.key'), 'admin'), {
        mode: 0o600,
      });
      if (this.auditLogPath) {
        fs.writeFileSync(
          path.join(this.dir, 'audit-policy.yaml'),
          'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n',
        );
      }
    });
    const ca = fs.readFileSync(path.join(this.pkiDir, 'ca.crt'), 'utf8');
    await this.time('etcd', async () => {
      this.spawnComponent('etcd');
      await this.waitHealthy('etcd', `http://127.0.0.1:${this.ports.etcdClient}/readyz`, {}, 20_000);
    });
    await this.time('kube-apiserver', async () => {
      this.spawnComponent('kube-apiserver');
      await this.waitHealthy('kube-apiserver', `${this.server}/readyz`, { ca }, 90_000);
    });
    await this.time('controllers', async () => {
      this.spawnComponent('kube-controller-manager');
      this.spawnComponent('kube-scheduler');
      this.spawnComponent('kwok');
      await Promise.all([
        this.waitHealthy('kube-controller-manager', `https://127.0.0.1:${this.ports.kcm}/healthz`, { insecure: true }, 60_000),
        this.waitHealthy('kube-scheduler', `https://127.0.0.1:${this.ports.scheduler}/healthz`, { insecure: true }, 60_000),
      ]);
    });
    await this.time('nodes', async () => {
      if (this.nodes.length > 0) {
        // One request per Node: a bed of 1,000 nodes (bench:live) takes longer than kubectl's default minute here.
        await this.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: this.nodes.map(nodeObject) }), {
          timeoutMs: 60_000 + 500 * this.nodes.length,
        });
        await this.waitNodesReady(60_000 + 1000 * this.nodes.length);
      }
    });
    this.timings.total = Date.now() - t0;
    this.log(`cluster ready in ${this.timings.total} ms: ${this.kubeconfig}`);
  }

  private async waitNodesReady(timeoutMs: number): Promise<void> {
    const names = new Set(this.nodes.map((n) => n.name));
    await waitFor(
      async () => {
        const kwok = this.procs.get('kwok');
        if (kwok && isExited(kwok)) throw new WaitAbort(`kwok exited (${kwok.exitInfo})\n${tail(kwok.log)}`);
        const list = await this.getJson(['nodes']);
        const ready = (list.items as K8sObject[]).filter(
          (n) =>
            names.has(n.metadata.name) &&
            (n.status?.conditions ?? []).some((c: K8sObject) => c.type === 'Ready' && c.status === 'True') &&
            !(n.spec?.taints ?? []).some(
              (t: K8sObject) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable',
            ),
        );
        return ready.length === names.size;
      },
      timeoutMs,
      { intervalMs: 300, description: `nodes ${[...names].join(', ')} Ready without not-ready taint` },
    );
  }

  // ---- kubectl

  kubectl(args: string[], input?: string, opts: { kubeconfig?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        this.bin('kubectl'),
        [`--kubeconfig=${opts.kubeconfig ?? this.kubeconfig}`, `--cache-dir=${this.kubectlCache}`, ...args],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
          env: { ...process.env, HOME: this.homeDir, KUBECONFIG: '' },
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const timer = setTimeout(() => {
        stderr += `\n(kubectl killed after ${opts.timeoutMs ?? 60_000} ms)`;
        child.kill('SIGKILL');
      }, opts.timeoutMs ?? 60_000);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ stdout, stderr, code: code ?? (signal ? 128 : 1) });
      });
      child.stdin.on('error', () => {});
      child.stdin.end(input ?? '');
    });
  }

  async apply(yaml: string, opts: { kubeconfig?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.kubectl(['apply', '-f', '-'], yaml, opts);
    if (r.code !== 0) throw new Error(`kubectl apply failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  async getJson(resourceArgs: string[], opts: { kubeconfig?: string } = {}): Promise<K8sObject> {
    const r = await this.kubectl(['get', ...resourceArgs, '-o', 'json'], undefined, opts);
    if (r.code !== 0) throw new Error(`kubectl get ${resourceArgs.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    return JSON.parse(r.stdout) as K8sObject;
  }

  async tryGetJson(resourceArgs: string[], opts: { kubeconfig?: string } = {}): Promise<K8sObject | undefined> {
    const r = await this.kubectl(['get', ...resourceArgs, '-o', 'json'], undefined, opts);
    if (r.code !== 0) {
      if (/NotFound|not found/.test(r.stderr)) return undefined;
      throw new Error(`kubectl get ${resourceArgs.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
    }
    return JSON.parse(r.stdout) as K8sObject;
  }

  async watch(resourceArgs: string[], opts: { kubeconfig?: string } = {}): Promise<Watch> {
    const child = spawn(
      this.bin('kubectl'),
      [
        `--kubeconfig=${opts.kubeconfig ?? this.kubeconfig}`,
        `--cache-dir=${this.kubectlCache}`,
        'get',
        ...resourceArgs,
        '--watch',
        '--output-watch-events',
        '-o',
        'json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: this.homeDir, KUBECONFIG: '' } },
    );
    const events: WatchEvent[] = [];
    const waiters: Array<{ pred: (e: WatchEvent) => boolean; resolve: (e: WatchEvent) => void }> = [];
    const splitter = new JsonStreamSplitter();
    let stderr = '';
    let closed = false;
    const closedP = new Promise<void>((r) => child.on('close', () => ((closed = true), r())));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      for (const text of splitter.push(c)) {
        let parsed: { type: WatchEvent['type']; object: K8sObject };
        try {
          parsed = JSON.parse(text);
        } catch {
          continue;
        }
        const ev: WatchEvent = { type: parsed.type, object: parsed.object, at: Date.now() };
        events.push(ev);
        for (let i = waiters.length - 1; i >= 0; i--) {
          if (waiters[i].pred(ev)) {
            waiters[i].resolve(ev);
            waiters.splice(i, 1);
          }
        }
      }
    });
    // Give kubectl a moment to list and start watching, so events right after this call are not missed.
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 3000);
      child.stdout.once('data', () => {
        clearTimeout(t);
        resolve();
      });
      child.once('close', () => {
        clearTimeout(t);
        resolve();
      });
    });
    if (closed) throw new Error(`kubectl watch ${resourceArgs.join(' ')} exited: ${stderr.trim()}`);
    const watches = this.watches;
    const watch: Watch = {
      events,
      waitFor(pred, timeoutMs = 30_000, description = 'watch event') {
        const past = events.find(pred);
        if (past) return Promise.resolve(past);
        return new Promise<WatchEvent>((resolve, reject) => {
          const w = {
            pred,
            resolve: (e: WatchEvent) => {
              clearTimeout(timer);
              resolve(e);
            },
          };
          const timer = setTimeout(() => {
            const i = waiters.indexOf(w);
            if (i >= 0) waiters.splice(i, 1);
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${description} (${events.length} events seen${closed ? `; watch closed: ${stderr.trim()}` : ''})`,
              ),
            );
          }, timeoutMs);
          waiters.push(w);
        });
      },
      async stop() {
        watches.delete(watch);
        if (!closed) child.kill('SIGTERM');
        await closedP;
      },
    };
    watches.add(watch);
    return watch;
  }

  // ---- users

  async createUser(name: string, scope: UserScope, opts: { groups?: string[] } = {}): Promise<string> {
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) throw new Error(`invalid user name ${name}`);
    const r = spawnSync('bash', [findRepoFile('scripts/cluster/pki.sh'), 'user', this.pkiDir, name, ...(opts.groups ?? [])], {
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`pki.sh user failed: ${r.stderr || r.error}`);
    const rd = (f: string) => fs.readFileSync(path.join(this.pkiDir, f), 'utf8');
    const kcPath = path.join(this.dir, 'users', `${name}.kubeconfig`);
    fs.mkdirSync(path.dirname(kcPath), { recursive: true });
    const ns = scope.kind === 'namespace-scoped' ? scope.namespace : undefined;
    fs.writeFileSync(kcPath, yamlKubeconfig(this.server, rd('ca.crt'), rd(`users/${name}.crt`), rd(`users/${name}.key`), name, ns), {
      mode: 0o600,
    });
    const readRule = { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] };
    const subject = { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name };
    let items: K8sObject[];
    if (scope.kind === 'namespace-scoped') {
      items = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: scope.namespace } },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'Role',
          metadata: { name: 'kpl-test-read', namespace: scope.namespace },
          rules: [readRule],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: `kpl-test-read-${name}`, namespace: scope.namespace },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kpl-test-read' },
          subjects: [subject],
        },
      ];
    } else {
      items = [
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          metadata: { name: 'kpl-test-read-only' },
          rules: [readRule, { nonResourceURLs: ['*'], verbs: ['get'] }],
        },
        {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: `kpl-test-read-only-${name}` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kpl-test-read-only' },
          subjects: [subject],
        },
      ];
    }
    await this.apply(JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    // RBAC is served from an informer cache: wait until the new binding is effective.
    const probe =
      scope.kind === 'namespace-scoped' ? ['auth', 'can-i', 'list', 'pods', '-n', scope.namespace] : ['auth', 'can-i', 'list', 'nodes'];
    await waitFor(async () => (await this.kubectl(probe, undefined, { kubeconfig: kcPath })).stdout.trim() === 'yes', 10_000, {
      description: `RBAC for user ${name}`,
    });
    return kcPath;
  }

  // ---- apiserver control

  async stopApiserver(): Promise<void> {
    const rp = this.procs.get('kube-apiserver');
    if (!rp) return;
    await killProcessGroups([rp.pid], 10_000);
    this.procs.delete('kube-apiserver');
    this.writeState();
  }

  async startApiserver(): Promise<void> {
    const cur = this.procs.get('kube-apiserver');
    if (cur && !isExited(cur)) throw new Error('kube-apiserver already running');
    this.spawnComponent('kube-apiserver');
    const ca = fs.readFileSync(path.join(this.pkiDir, 'ca.crt'), 'utf8');
    await this.waitHealthy('kube-apiserver', `${this.server}/readyz`, { ca }, 90_000);
  }

  async restartApiserver(): Promise<void> {
    await this.stopApiserver();
    await this.startApiserver();
  }

  pids(): Partial<Record<ComponentName, number>> {
    const out: Partial<Record<ComponentName, number>> = {};
    for (const [n, p] of this.procs) if (!isExited(p)) out[n] = p.pid;
    return out;
  }

  /** Synchronous last-resort kill (process 'exit' handler). */
  killSync(): void {
    if (this.stopped) return;
    for (const p of this.procs.values()) {
      try {
        signalGroup(p.pid, 'SIGKILL');
      } catch {
        /* best effort */
      }
    }
    this.stopped = true;
    live.delete(this);
    if (!this.keepDir()) {
      try {
        fs.rmSync(this.dir, { recursive: true, force: true });
      } catch {
        /* best effort */
      }
    }
  }

  private keepDir(): boolean {
    return !!this.opts.keepDir || process.env.KPL_CLUSTER_KEEP_DIR === '1';
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await Promise.all([...this.watches].map((w) => w.stop()));
    // Each phase: SIGTERM, SIGKILL after a grace period.
    for (const phase of STOP_PHASES) {
      const pgids = phase.map((n) => this.procs.get(n)?.pid).filter((p): p is number => p !== undefined);
      await killProcessGroups(pgids, 10_000);
    }
    this.stopped = true;
    live.delete(this);
    if (!this.keepDir()) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Start a cluster. Needs the binaries built by scripts/cluster/build.sh (about 20-40 min the
 * first time, cached afterwards) and openssl. Takes roughly 10-30 s.
 */
export async function startCluster(opts: StartOptions): Promise<Cluster> {
  const binDir = opts.binDir ?? defaultBinDir();
  const need = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'kwok-stages.yaml'];
  const missing = need.filter((f) => !fs.existsSync(path.join(binDir, f)));
  if (missing.length > 0) {
    throw new Error(`cluster binaries missing in ${binDir}: ${missing.join(', ')}; run scripts/cluster/build.sh first`);
  }
  const names = new Set<string>();
  for (const n of opts.nodes) {
    if (names.has(n.name)) throw new Error(`duplicate node name ${n.name}`);
    names.add(n.name);
  }
  const log = opts.log ?? (() => {});
  for (let attempt = 1; ; attempt++) {
    const dir = await prepareRunDir(opts.dir, log);
    const [etcdClient, etcdPeer, apiserver, kcm, scheduler] = await freePorts(5);
    const c = new ClusterImpl(dir, binDir, { etcdClient, etcdPeer, apiserver, kcm, scheduler }, opts.nodes, opts);
    try {
      await c.start();
      return c;
    } catch (e) {
      // A free port can be taken by someone else between freePorts() and the bind: retry.
      const portClash = c.logsContain(/address already in use/);
      const keep = !!opts.keepDir || process.env.KPL_CLUSTER_KEEP_DIR === '1';
      await c.stop().catch(() => {});
      if (portClash && attempt < 3) {
        log(`port clash, retrying (attempt ${attempt + 1})`);
        continue;
      }
      throw new Error(`${(e as Error).message}${keep ? `\n(run dir kept: ${dir})` : ''}`);
    }
  }
}

/** Create the run dir; an explicit dir may only be reused if it is empty or holds an old cluster. */
async function prepareRunDir(want: string | undefined, log: (m: string) => void): Promise<string> {
  if (!want) return fs.mkdtempSync(path.join(os.tmpdir(), 'kpl-cluster-'));
  const dir = path.resolve(want);
  if (fs.existsSync(dir)) {
    const entries = fs.readdirSync(dir);
    const ours = entries.includes('state.json') || entries.includes('pki');
    if (entries.length > 0 && !ours) throw new Error(`refusing to use ${dir}: not empty and not a cluster run dir`);
    if (await stopClusterDir(dir)) log(`stopped a stale cluster in ${dir}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** A handy node list: `count` identical nodes named node-a, node-b, ... */
export function uniformNodes(count: number, cpu: number | string = 4, memory = '8Gi', pods = 110): NodeSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `node-${String.fromCharCode(97 + (i % 26))}${i >= 26 ? Math.floor(i / 26) : ''}`,
    cpu,
    memory,
    pods,
  }));
}

/**
 * Use a cluster started by another process (e.g. `cli.ts up`) from its run dir. The returned
 * Cluster is not stopped when this process exits; its stop() stops the cluster for everyone.
 */
export function attachCluster(dir: string = defaultRunDir()): Cluster {
  const st = readState(path.resolve(dir));
  if (!st) throw new Error(`no cluster state in ${dir}`);
  const nodes: NodeSpec[] = st.nodes ?? [];
  const c = new ClusterImpl(st.dir, st.binDir, st.ports, nodes, { nodes, dir: st.dir, detached: true, auditLog: !!st.auditLogPath });
  c.adopt(st);
  if (!c.pids()['kube-apiserver']) throw new Error(`cluster in ${dir} is not running (no kube-apiserver)`);
  return c;
}
