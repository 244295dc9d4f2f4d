#!/usr/bin/env node
// `npm run demo [-- --port N] [-- --cluster]`: code-server on 127.0.0.1:PORT (default 8080) with the packaged extension
// installed and examples/ci-preemption open. Runs until Ctrl+C, then stops everything it started.
// --cluster: also starts the local test cluster (node out/test/real-cluster/cli.js up), points the extension at it and, when
// the cluster CLI offers `replay`, replays the CI preemption story into it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startCodeServer, codeServerEntry, defaultInstallDir } = require(join(root, 'test/e2e/harness/code-server-run.js'));

const args = process.argv.slice(2);
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : 8080;
const withCluster = args.includes('--cluster');
const storyDelaySeconds = 30;
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: npm run demo -- [--port N] [--cluster]');
  process.exit(2);
}

const run = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`demo: \`${cmd} ${argv.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  return r;
};

run('bash', [join(root, 'scripts/e2e/install-code-server.sh')]);
run('npm', ['run', '--silent', 'package']);
run(process.execPath, ['esbuild.mjs']); // also builds out/test/real-cluster/cli.js for --cluster

const demoDir = join(dirname(defaultInstallDir()), 'demo');
const extensionsDir = join(demoDir, 'ext');
const userDataDir = join(demoDir, 'ud');
rmSync(extensionsDir, { recursive: true, force: true }); // always the VSIX just built
mkdirSync(userDataDir, { recursive: true });
run(
  process.execPath,
  [
    codeServerEntry(),
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    '--config',
    join(demoDir, 'config.yaml'),
    '--install-extension',
    join(root, 'dist/kube-priority-lens.vsix'),
    '--force',
  ],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

const settings = {};
let clusterUp = false;
const clusterCli = join(root, 'out/test/real-cluster/cli.js');
if (withCluster) {
  if (!existsSync(clusterCli)) {
    console.error(
      `demo --cluster: ${clusterCli} not found. The local cluster CLI (test/real-cluster/cli.ts) is not built or not written yet; run \`node esbuild.mjs\` and scripts/cluster/build.sh first.`,
    );
    process.exit(1);
  }
  // Installs what is missing: the first run builds the control plane from the Go module proxy (cached afterwards).
  run('bash', [join(root, 'scripts/cluster/build.sh')]);
  console.log('demo: starting the local cluster…');
  const up = spawnSync(process.execPath, [clusterCli, 'up', '--nodes', '3'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (up.status !== 0) {
    console.error('demo --cluster: `cli up` failed; see the messages above (scripts/cluster/README.md explains the prerequisites).');
    process.exit(1);
  }
  clusterUp = true;
  const kubeconfig = up.stdout.split('\n')[0].trim();
  settings['kubePriorityLens.kubeconfig'] = kubeconfig;
  console.log(
    `demo: cluster up (KUBECONFIG=${kubeconfig}); the CI preemption story starts ${storyDelaySeconds} s after the editor is served.`,
  );
}
const cs = await startCodeServer({ port, workspace: join(root, 'examples/ci-preemption'), extensionsDir, userDataDir, settings });
const url = `http://${cs.host}/?folder=${encodeURIComponent(join(root, 'examples/ci-preemption'))}`;
console.log(`\nKube Priority Lens demo: ${url}\n(Ctrl+C to stop)`);
if (clusterUp) {
  // Replays the CI story live: test Jobs at the low globalDefault class are preempted by evaluation pods, and the
  // Live Preemptions & Evictions view shows it as it happens (open it from the command palette meanwhile).
  setTimeout(() => {
    console.log('demo: replaying the CI preemption story on the local cluster…');
    const story = spawn(process.execPath, [clusterCli, 'story'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    story.stdout.on('data', () => {});
    story.on('exit', (code) =>
      console.log(
        code === 0
          ? 'demo: CI story done: see Kube Priority Lens: Show Live Preemptions & Evictions, then Diagnose Pod on a victim.'
          : `demo: the CI story exited ${code}`,
      ),
    );
  }, storyDelaySeconds * 1000);
}

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\ndemo: stopping…');
  await cs.stop(); // kills code-server's whole process group
  if (clusterUp) spawnSync(process.execPath, [clusterCli, 'down'], { cwd: root, stdio: 'inherit' });
  rmSync(cs.tmp, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
cs.server.on('exit', (code) => {
  if (!stopping) {
    console.error(`demo: code-server exited (${code}); logs in ${cs.tmp}`);
    process.exit(1);
  }
});
