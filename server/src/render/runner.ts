// Runs `helm`, `kustomize` or `kubectl kustomize` as a child process that can reach nothing it does not need: an
// environment built from scratch (an empty temporary HOME and PATH, no KUBECONFIG, proxy, HELM_* or KUSTOMIZE_*),
// no flag that fetches, executes plugins or lifts kustomize's load restrictions, a timeout, an output cap, and
// cancellation. The server's own process.env is never passed on: an exec credential plugin of
// @kubernetes/client-node writes its env into it.
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type ToolKind = 'helm' | 'kustomize' | 'kubectl';

/** A tool binary, resolved to an absolute path. `kubectl` runs as `kubectl kustomize`. */
export interface Tool {
  kind: ToolKind;
  path: string;
}

export const defaultTimeoutMs = 30_000;
/** Rendered output larger than this is refused (the largest chart of the corpus renders 1.7 MB). */
export const defaultMaxOutputBytes = 64 * 1024 * 1024;
const maxStderrBytes = 64 * 1024;

/**
 * Flags never passed: they fetch (`--dependency-update`, `--repo`), run code (`--enable-exec`, plugins, post-renderers,
 * `--enable-helm` runs helm from kustomize), reach a cluster (`--validate`, kubeconfig), or lift kustomize's
 * restriction to files inside the kustomization (`--load-restrictor`, `--mount`, `--network`).
 */
const forbiddenFlags = [
  '--enable-helm',
  '--enable-exec',
  '--enable-alpha-plugins',
  '--enable-star',
  '--load-restrictor',
  '--helm-command',
  '--helm-api-versions',
  '--mount',
  '--network',
  '--network-name',
  '--env',
  '--as-current-user',
  '--validate',
  '--dry-run',
  '--post-renderer',
  '--post-renderer-args',
  '--dependency-update',
  '--repo',
  '--kubeconfig',
  '--kube-context',
  '--kube-apiserver',
  '--kube-token',
  '--plugins',
  '--plain-http',
  '--username',
  '--password',
];

export class UnsafeArgumentError extends Error {}

/** assertSafeArgs throws when an argument is a forbidden flag (as `--flag` or `--flag=value`) or not a plain string. */
export function assertSafeArgs(args: readonly string[]): void {
  for (const arg of args) {
    if (typeof arg !== 'string' || arg.includes('\0')) throw new UnsafeArgumentError('argument is not a plain string');
    const flag = arg.split('=', 1)[0] ?? '';
    if (forbiddenFlags.includes(flag)) throw new UnsafeArgumentError(`refusing to pass ${flag} to a rendering tool`);
  }
}

/**
 * childEnvironment: the whole environment of a tool run. HOME and the XDG folders point into an empty temporary
 * folder, PATH names only an empty folder (the tools need no other program; without `git`, kustomize cannot clone a
 * remote base even if a reference slipped through), and nothing else is inherited.
 */
export function childEnvironment(home: string): Record<string, string> {
  const empty = path.join(home, 'bin');
  return {
    HOME: home,
    PATH: empty,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_DATA_HOME: path.join(home, 'data'),
    TMPDIR: home,
    LANG: 'C',
  };
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** kindOfPath: a configured kustomize path may name `kubectl`, which is then run as `kubectl kustomize`. */
export function kindOfPath(wanted: 'helm' | 'kustomize', file: string): ToolKind {
  if (wanted === 'helm') return 'helm';
  return /^kubectl(?:\.exe)?$/i.test(path.basename(file)) ? 'kubectl' : 'kustomize';
}

/**
 * findTool resolves a configured path (machine-scoped setting or CLI flag: never from the workspace), else searches
 * `searchPath` (the user's PATH) for helm, or for kustomize and then kubectl. Undefined when nothing is found.
 */
export async function findTool(
  wanted: 'helm' | 'kustomize',
  configured: string | undefined,
  searchPath: string | undefined,
): Promise<Tool | undefined> {
  if (configured !== undefined && configured !== '') {
    const file = path.resolve(configured);
    return (await isExecutable(file)) ? { kind: kindOfPath(wanted, file), path: file } : undefined;
  }
  const dirs = (searchPath ?? '').split(path.delimiter).filter((d) => d !== '' && path.isAbsolute(d));
  const names = wanted === 'helm' ? ['helm'] : ['kustomize', 'kubectl'];
  const exe = process.platform === 'win32' ? '.exe' : '';
  for (const name of names)
    for (const dir of dirs) {
      const file = path.join(dir, name + exe);
      if (await isExecutable(file)) return { kind: name as ToolKind, path: file };
    }
  return undefined;
}

export interface RunOptions {
  cwd?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  /** Exit code; undefined when the process was killed (timeout, cap, cancellation) or could not start. */
  code: number | undefined;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  capped: boolean;
  cancelled: boolean;
  /** Why it did not start (ENOENT, EACCES...). */
  spawnError: string | undefined;
  ms: number;
}

/** runTool runs the tool with `args` (its whole argv, checked by assertSafeArgs) in a fresh empty HOME, removed afterwards. */
export async function runTool(tool: Tool, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const argv = [...args];
  assertSafeArgs(argv);
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'kpl-render-'));
  await fs.mkdir(path.join(home, 'bin'), { mode: 0o700 });
  const started = Date.now();
  try {
    return await new Promise<RunResult>((resolve) => {
      const result: RunResult = {
        code: undefined,
        stdout: '',
        stderr: '',
        timedOut: false,
        capped: false,
        cancelled: false,
        spawnError: undefined,
        ms: 0,
      };
      if (options.signal?.aborted === true) {
        resolve({ ...result, cancelled: true });
        return;
      }
      const child = spawn(tool.path, argv, {
        cwd: options.cwd ?? home,
        env: childEnvironment(home),
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        detached: process.platform !== 'win32', // its own process group, killed as a whole
      });
      const maxOut = options.maxOutputBytes ?? defaultMaxOutputBytes;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let done = false;
      const kill = () => {
        try {
          if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
          else child.kill('SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(() => {
        result.timedOut = true;
        kill();
      }, options.timeoutMs ?? defaultTimeoutMs);
      const onAbort = () => {
        result.cancelled = true;
        kill();
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      child.stdout.on('data', (chunk: Buffer) => {
        if (result.capped) return;
        outBytes += chunk.length;
        if (outBytes > maxOut) {
          result.capped = true;
          kill();
          return;
        }
        out.push(chunk);
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (errBytes < maxStderrBytes) err.push(chunk.subarray(0, maxStderrBytes - errBytes));
        errBytes += chunk.length;
      });
      const finish = (code: number | undefined, spawnError?: string) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const killed = result.timedOut || result.capped || result.cancelled;
        resolve({
          ...result,
          code: killed ? undefined : code,
          stdout: result.capped ? '' : Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          spawnError,
          ms: Date.now() - started,
        });
      };
      child.on('error', (error: NodeJS.ErrnoException) => finish(undefined, error.code ?? error.message));
      child.on('close', (code) => finish(code ?? undefined));
    });
  } finally {
    await fs.rm(home, { recursive: true, force: true });
  }
}

/** probeVersion: `helm version --short`, `kustomize version`, `kubectl version --client`, as `<tool> vX.Y.Z`. */
export async function probeVersion(tool: Tool, options: RunOptions = {}): Promise<string | undefined> {
  const args = tool.kind === 'helm' ? ['version', '--short'] : tool.kind === 'kubectl' ? ['version', '--client'] : ['version'];
  const r = await runTool(tool, args, { timeoutMs: 10_000, maxOutputBytes: 64 * 1024, ...options });
  if (r.code !== 0) return undefined;
  const version = /v\d+\.\d+\.\d+[0-9A-Za-z.+-]*/.exec(r.stdout)?.[0];
  return version === undefined ? undefined : `${tool.kind} ${version.split('+')[0] ?? version}`;
}
