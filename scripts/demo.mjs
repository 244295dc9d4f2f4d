#!/usr/bin/env node
// `npm run demo [-- --port N] [-- --cluster]`: code-server on 127.0.0.1:PORT (default 8080) with the packaged extension
// installed and examples/ci-preemption open. Runs until Ctrl+C, then stops everything it started.
// --cluster: also starts the local test cluster (node out/test/real-cluster/cli.js up), points the extension at it and
// plays the CI preemption story with examples/ci-preemption's own manifests (cli.js example-story) once the extension
// reports the cluster live (it leaves a `live` marker in KPL_DEMO_DIR), and again on the command "Kube Priority Lens:
// Replay Demo Story" (a `replay-<n>` marker). Every run starts from a clean history.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
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
// A clean history: records of a previous demo run must not show as if they were new.
rmSync(join(userDataDir, 'User', 'globalStorage', 'kube-priority-lens.kube-priority-lens'), { recursive: true, force: true });
// Where the extension leaves its demo markers (`live`, `replay-<n>`).
const markerDir = join(demoDir, 'markers');
rmSync(markerDir, { recursive: true, force: true });
mkdirSync(markerDir, { recursive: true });
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
  // Nodes of 2500m CPU: an eval-runner pod fits beside a results-api pod but not beside a test pod (example-story.ts).
  const up = spawnSync(process.execPath, [clusterCli, 'up', '--nodes', '3', '--cpu', '2500m', '--memory', '16Gi'], {
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
  console.log(`demo: cluster up (KUBECONFIG=${kubeconfig}); the CI preemption story starts when the extension reports the cluster live.`);
}
const cs = await startCodeServer({
  port,
  workspace: join(root, 'examples/ci-preemption'),
  extensionsDir,
  userDataDir,
  settings,
  env: { KPL_DEMO_DIR: markerDir },
});
const url = `http://${cs.host}/?folder=${encodeURIComponent(join(root, 'examples/ci-preemption'))}`;
console.log(`\nKube Priority Lens demo: ${url}\n(Ctrl+C to stop)`);
let storyRunning = false;
let storyPlayed = false;
/** Plays the story (example-story resets the namespace and classes first); one at a time. */
const playStory = (why) => {
  if (storyRunning) return;
  storyRunning = true;
  storyPlayed = true;
  console.log(`demo: ${why}: playing the CI preemption story on the local cluster…`);
  const story = spawn(process.execPath, [clusterCli, 'example-story'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  story.stdout.on('data', () => {});
  story.on('exit', (code) => {
    storyRunning = false;
    console.log(
      code === 0
        ? 'demo: CI story done: see Kube Priority Lens: Show Live Preemptions & Evictions, then Diagnose Pod on a victim.'
        : `demo: the CI story exited ${code}`,
    );
  });
};
if (clusterUp) {
  // Not on a timer: when the extension says the cluster is live (its view then shows the story as it happens), and on
  // "Kube Priority Lens: Replay Demo Story".
  setInterval(() => {
    const names = readdirSync(markerDir);
    const replays = names.filter((n) => n.startsWith('replay-'));
    for (const n of replays) rmSync(join(markerDir, n), { force: true });
    if (replays.length > 0) playStory('Replay Demo Story');
    else if (!storyPlayed && names.includes('live')) playStory('the extension reports the cluster live');
  }, 1000).unref();
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
