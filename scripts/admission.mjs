// `npm run test:admission [-- --report FILE] [--only repoA,repoB,rendered]`: the real-apiserver judge over EVERY workload
// of the corpus and of ../shared/rendered rendered with helm and kustomize (test/real-cluster/admission.test.ts with KPL_ADMISSION_FULL=1); CI runs the capped subset inside test:cluster.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
};
for (const script of ['scripts/cluster/build.sh', 'scripts/render/build.sh']) {
  const build = spawnSync('bash', [script], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(1);
}
const file = 'out/test/real-cluster/admission.test.js';
if (!existsSync(file)) {
  console.error(`test:admission: ${file} missing (run npm run build)`);
  process.exit(1);
}
const env = { ...process.env, KPL_REQUIRE_CLUSTER: '1', KPL_REPO_ROOT: process.cwd(), KPL_ADMISSION_FULL: '1', KPL_REQUIRE_RENDER: '1' };
if (opt('report')) env.KPL_ADMISSION_REPORT = opt('report');
if (opt('only')) env.KPL_ADMISSION_ONLY = opt('only');
const started = Date.now();
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', file], { stdio: 'inherit', env });
console.log(`test:admission: ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exit(run.status ?? 1);
