/**
 * Start or stop a local test cluster from the command line.
 *
 *   node out/test/real-cluster/cli.js up [--nodes N] [--cpu 4] [--memory 8Gi] [--pods 110] [--audit-log] [--dir D]
 *   node out/test/real-cluster/cli.js down [--dir D]
 *   node out/test/real-cluster/cli.js status [--dir D]
 *   node out/test/real-cluster/cli.js story [--namespace ci] [--dir D]    run ciStory() on the running cluster, print its facts (JSON)
 *   node out/test/real-cluster/cli.js smoke [--node node-a] [--dir D]     run smokePreemption() likewise
 *   node out/test/real-cluster/cli.js example-story [--dir D]            the demo's story with examples/ci-preemption's manifests
 *
 * `up` returns once the cluster is ready and leaves its processes running (detached, state in
 * D/state.json); `down` stops them from any process. Default D: ${XDG_CACHE_HOME:-~/.cache}/kube-priority-lens/run.
 * Binaries come from scripts/cluster/build.sh.
 */
import * as fs from 'node:fs';
import { attachCluster, defaultRunDir, processGroupMembers, readState, startCluster, stopClusterDir, uniformNodes } from './harness';
import { exampleStory } from './example-story';
import { ciStory, smokePreemption } from './scenario';

function parse(argv: string[]): { cmd: string; flags: Map<string, string | true> } {
  const [cmd = 'help', ...rest] = argv;
  const flags = new Map<string, string | true>();
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    const eq = a.indexOf('=');
    if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
    else if (i + 1 < rest.length && !rest[i + 1].startsWith('--')) flags.set(a.slice(2), rest[++i]);
    else flags.set(a.slice(2), true);
  }
  return { cmd, flags };
}

function str(flags: Map<string, string | true>, name: string, def: string): string {
  const v = flags.get(name);
  if (v === true) throw new Error(`--${name} needs a value`);
  return v ?? def;
}

const USAGE = `usage:
  cli up [--nodes N=3] [--cpu 4] [--memory 8Gi] [--pods 110] [--audit-log] [--dir D]
  cli down [--dir D]
  cli status [--dir D]
  cli story [--namespace ci] [--dir D]
  cli smoke [--node node-a] [--dir D]
  cli example-story [--dir D]     (nodes of 2500m CPU: cli up --cpu 2500m --memory 16Gi)
default dir: ${defaultRunDir()}`;

async function main(): Promise<number> {
  const { cmd, flags } = parse(process.argv.slice(2));
  const dir = str(flags, 'dir', defaultRunDir());
  switch (cmd) {
    case 'up': {
      const n = Number(str(flags, 'nodes', '3'));
      if (!Number.isInteger(n) || n < 0) throw new Error('--nodes must be a non-negative integer');
      const cpuFlag = str(flags, 'cpu', '4');
      const t0 = Date.now();
      const c = await startCluster({
        nodes: uniformNodes(
          n,
          /^\d+$/.test(cpuFlag) ? Number(cpuFlag) : cpuFlag,
          str(flags, 'memory', '8Gi'),
          Number(str(flags, 'pods', '110')),
        ),
        auditLog: flags.has('audit-log'),
        dir,
        detached: true,
        log: (m) => process.stderr.write(`[cluster] ${m}\n`),
      });
      process.stderr.write(
        `cluster ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (${c.server}); stop with: cli down --dir ${c.dir}\n`,
      );
      if (c.auditLogPath) process.stderr.write(`audit log: ${c.auditLogPath}\n`);
      process.stdout.write(`${c.kubeconfig}\nexport KUBECONFIG=${c.kubeconfig}\n`);
      return 0;
    }
    case 'down': {
      const had = fs.existsSync(dir);
      const found = await stopClusterDir(dir);
      process.stderr.write(
        found ? `stopped cluster in ${dir}\n` : had ? `no running cluster in ${dir}; removed it\n` : `nothing in ${dir}\n`,
      );
      return 0;
    }
    case 'status': {
      const st = readState(dir);
      if (!st) {
        process.stdout.write(`no cluster in ${dir}\n`);
        return 1;
      }
      let up = true;
      for (const p of st.procs) {
        const alive = processGroupMembers(p.pid).length > 0;
        up &&= alive;
        process.stdout.write(`${p.name.padEnd(24)} pid ${String(p.pid).padEnd(8)} ${alive ? 'running' : 'DEAD'}\n`);
      }
      process.stdout.write(`server ${st.server}\nexport KUBECONFIG=${st.kubeconfig}\n`);
      return up ? 0 : 1;
    }
    case 'story': {
      const r = await ciStory(attachCluster(dir), { namespace: str(flags, 'namespace', 'ci') });
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    case 'example-story': {
      const r = await exampleStory(attachCluster(dir));
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    case 'smoke': {
      const c = attachCluster(dir);
      const r = await smokePreemption(c, { node: str(flags, 'node', c.nodes[0]?.name ?? 'node-a') });
      process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      return 0;
    }
    default:
      process.stderr.write(`${USAGE}\n`);
      return cmd === 'help' || cmd === '--help' ? 0 : 2;
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
