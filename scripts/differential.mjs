// `npm run test:differential -- --count N --seed S [--report FILE] [--out DIR]`: the randomized differential run
// (test/real-cluster/random-differential.test.ts) over seeds S..S+N-1, beyond the fixed 60 that CI runs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const count = opt('count', '60');
const seed = opt('seed', '1000');
for (const [k, v] of [
  ['count', count],
  ['seed', seed],
]) {
  if (!/^\d+$/.test(v)) {
    console.error(`test:differential: --${k} must be a non-negative integer, got ${v}`);
    process.exit(2);
  }
}
const build = spawnSync('bash', ['scripts/cluster/build.sh'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);
const file = 'out/test/real-cluster/random-differential.test.js';
if (!existsSync(file)) {
  console.error(`test:differential: ${file} missing (run npm run build)`);
  process.exit(1);
}
const env = { ...process.env, KPL_REQUIRE_CLUSTER: '1', KPL_REPO_ROOT: process.cwd(), KPL_RANDOM_COUNT: count, KPL_RANDOM_SEED: seed };
if (opt('report')) env.KPL_RANDOM_REPORT = opt('report');
if (opt('out')) env.KPL_RANDOM_OUT = opt('out');
const started = Date.now();
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], { stdio: 'inherit', env });
console.log(`test:differential: ${count} scenarios from seed ${seed} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(run.status ?? 1);
