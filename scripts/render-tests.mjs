// `npm run test:render`: builds helm and kustomize from Go modules (first time; cached outside the clone, like the
// control plane, whose kubectl runs `kubectl kustomize`), then runs every rendering test (out/test/render/**/*.test.js) with the real tools and
// KPL_REQUIRE_RENDER=1, so a missing tool fails instead of skipping.
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const started = Date.now();
const build = spawnSync('bash', ['scripts/render/build.sh'], { stdio: 'inherit' });
if (build.status !== 0) {
  console.error('test:render: building helm and kustomize failed');
  process.exit(1);
}
// `kubectl kustomize` is the other way to build: the control plane's kubectl (cached by test:cluster's build).
const kubectl = spawnSync('bash', ['scripts/cluster/build.sh'], { stdio: 'inherit' });
if (kubectl.status !== 0) {
  console.error('test:render: building kubectl (scripts/cluster/build.sh) failed');
  process.exit(1);
}
console.log(`test:render: tools ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
function find(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, out);
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}
const only = process.argv.slice(2);
const files = find(join('out', 'test', 'render')).filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('test:render: no tests under out/test/render (run npm run build)');
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files], {
  stdio: 'inherit',
  env: { ...process.env, KPL_REQUIRE_RENDER: '1', KPL_REPO_ROOT: process.cwd() },
});
process.exit(run.status ?? 1);
