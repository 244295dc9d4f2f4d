// `npm run test:cluster`: builds the control plane binaries (first time; cached outside the clone), then runs every
// real-cluster test (out/test/real-cluster/*.test.js) with KPL_REQUIRE_CLUSTER=1 so a missing build fails instead of skipping,
// one suite after the other, each with its duration.
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
// One process per suite, so each suite's duration is printed (CI budget: .ci/run <= 60 min with warm caches).
const failed = [];
for (const file of files) {
  const t0 = Date.now();
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], {
    stdio: 'inherit',
    env: { ...process.env, KPL_REQUIRE_CLUSTER: '1', KPL_REPO_ROOT: process.cwd() },
  });
  const ok = run.status === 0;
  if (!ok) failed.push(file);
  console.log(`=== test:cluster: ${file} ${ok ? 'passed' : 'FAILED'} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log(
  `test:cluster: ${files.length - failed.length}/${files.length} suites passed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
if (failed.length > 0) console.error(`test:cluster: failed: ${failed.join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
