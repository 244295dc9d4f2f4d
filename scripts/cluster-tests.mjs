// `npm run test:cluster`: builds the control plane binaries (first time; cached outside the clone), then runs every
// real-cluster test (out/test/real-cluster/*.test.js) with KPL_REQUIRE_CLUSTER=1 so a missing build fails instead of skipping.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const started = Date.now();
const build = spawnSync('bash', ['scripts/cluster/build.sh'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('test:cluster: building the control plane failed');
  process.exit(1);
}
console.log(`test:cluster: control plane ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
const dir = join('out', 'test', 'real-cluster');
const only = process.argv.slice(2);
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.test.js') && (only.length === 0 || only.some((o) => f.includes(o))))
      .sort()
      .map((f) => join(dir, f))
  : [];
if (files.length === 0) {
  console.error('test:cluster: no tests under out/test/real-cluster (run npm run build)');
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env, KPL_REQUIRE_CLUSTER: '1', KPL_REPO_ROOT: process.cwd() },
});
process.exit(run.status ?? 1);
