// `npm run test:kueue`: builds the control plane and Kueue (first time; both cached outside the clone), then runs the
// Kueue differential suites (out/test/real-cluster/kueue/*.test.js: a real Kueue v0.19.2 on the real control plane)
// with KPL_REQUIRE_CLUSTER=1 and KPL_REQUIRE_KUEUE=1 so a missing build fails instead of skipping, one suite after the
// other, each with its duration. Kueue runs in a private mount namespace (test/real-cluster/kueue/kueue.ts): root needed.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const started = Date.now();
for (const script of ['scripts/cluster/build.sh', 'scripts/kueue/build.sh']) {
  const build = spawnSync('bash', [script], { stdio: 'inherit' });
  if (build.status !== 0) {
    console.error(`test:kueue: ${script} failed`);
    process.exit(1);
  }
}
console.log(`test:kueue: control plane and Kueue ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
const dir = join('out', 'test', 'real-cluster', 'kueue');
const only = process.argv.slice(2);
const files = existsSync(dir)
  ? readdirSync(dir)
      .filter((f) => f.endsWith('.test.js') && (only.length === 0 || only.some((o) => f.includes(o))))
      .sort()
      .map((f) => join(dir, f))
  : [];
if (files.length === 0) {
  console.error('test:kueue: no tests under out/test/real-cluster/kueue (run npm run build)');
  process.exit(1);
}
const failed = [];
for (const file of files) {
  const t0 = Date.now();
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], {
    stdio: 'inherit',
    env: { ...process.env, KPL_REQUIRE_CLUSTER: '1', KPL_REQUIRE_KUEUE: '1', KPL_REPO_ROOT: process.cwd() },
  });
  const ok = run.status === 0;
  if (!ok) failed.push(file);
  console.log(`=== test:kueue: ${file} ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(`test:kueue: ${files.length - failed.length}/${files.length} suites passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failed.length > 0) console.error(`test:kueue: failed: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
